using Ebpf.Platform;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Tests.Maps;

public unsafe class QueueStackMapTests
{
    private static EbpfMap New(MapType type, uint max = 3) => MapFactory.Create(new MapDefinition(type, 0, 4, max), "q");

    [Fact]
    public void QueueIsFifoAndStackIsLifo()
    {
        using var queue = New(MapType.Queue);
        using var stack = New(MapType.Stack);
        foreach (uint v in new uint[] { 1, 2, 3 })
        {
            queue.Push(Bytes.Of(v));
            stack.Push(Bytes.Of(v));
        }
        Assert.Equal(1u, Bytes.As<uint>(queue.Peek()));
        Assert.Equal(3u, Bytes.As<uint>(stack.Peek()));
        Assert.Equal(new uint[] { 1, 2, 3 }, Enumerable.Range(0, 3).Select(_ => Bytes.As<uint>(queue.Pop())));
        Assert.Equal(new uint[] { 3, 2, 1 }, Enumerable.Range(0, 3).Select(_ => Bytes.As<uint>(stack.Pop())));
        Assert.Equal(EbpfResult.ObjectNotFound, queue.TryPop(new byte[4]));
        Assert.Equal(EbpfResult.ObjectNotFound, stack.TryPeek(new byte[4]));
    }

    [Theory]
    [InlineData(MapType.Queue, new uint[] { 2, 3, 4 })]
    [InlineData(MapType.Stack, new uint[] { 4, 3, 2 })]
    public void FullPushFailsUnlessExistDropsTheOldest(MapType type, uint[] expectedPops)
    {
        using var map = New(type);
        foreach (uint v in new uint[] { 1, 2, 3 }) map.Push(Bytes.Of(v));
        Assert.Equal(EbpfResult.OutOfSpace, map.TryPush(Bytes.Of(4u)));
        Assert.Equal(EbpfResult.Success, map.TryPush(Bytes.Of(4u), MapUpdateFlags.Exist));
        Assert.Equal(EbpfResult.InvalidArgument, map.TryPush(Bytes.Of(4u), MapUpdateFlags.NoExist));
        Assert.Equal(expectedPops, Enumerable.Range(0, 3).Select(_ => Bytes.As<uint>(map.Pop())));
    }

    [Fact]
    public void UserOperationsMapToPeekPushPop()
    {
        using var map = New(MapType.Queue);
        map.Update([], Bytes.Of(7u));
        Assert.Equal(7u, Bytes.As<uint>(map.Lookup([])));
        Assert.Equal(7u, Bytes.As<uint>(map.LookupAndDelete([])));
        Assert.Equal(EbpfResult.ObjectNotFound, map.TryLookup([], new byte[4]));
        Assert.Equal(EbpfResult.OperationNotSupported, map.TryDelete([]));
        Assert.Equal(EbpfResult.OperationNotSupported, map.TryGetNextKey([], []));
    }

    [Fact]
    public void ProgramPushPopPeek()
    {
        using var map = New(MapType.Stack, 2);
        uint a = 10, b = 20, c = 30, output = 0;
        Assert.Equal(-(int)EbpfResult.ObjectNotFound, map.PopFromProgram((byte*)&output));
        Assert.Equal(0, map.PushFromProgram((byte*)&a, 0));
        Assert.Equal(0, map.PushFromProgram((byte*)&b, 0));
        Assert.Equal(-(int)EbpfResult.OutOfSpace, map.PushFromProgram((byte*)&c, 0));
        Assert.Equal(0, map.PushFromProgram((byte*)&c, 2));
        Assert.Equal(0, map.PeekFromProgram((byte*)&output));
        Assert.Equal(30u, output);
        Assert.Equal(0, map.PopFromProgram((byte*)&output));
        Assert.Equal(30u, output);
        Assert.Equal(0, map.PopFromProgram((byte*)&output));
        Assert.Equal(20u, output);
        Assert.Equal(-(int)EbpfResult.ObjectNotFound, map.PeekFromProgram((byte*)&output));
        Assert.True(map.LookupForProgram((byte*)&a) == null);
    }

    [Fact]
    public void ConcurrentProducersAndConsumersLoseNothing()
    {
        int perThread = TestLimits.Scale(20_000, 500_000);
        using var map = New(MapType.Queue, 64);
        long sum = 0, popped = 0;
        int producersDone = 0;
        MapStressTests.RunThreads(4, thread =>
        {
            if (thread < 2)
            {
                for (int i = 1; i <= perThread; i++)
                {
                    uint v = (uint)i;
                    while (map.PushFromProgram((byte*)&v, 0) != 0) Thread.Yield();
                }
                Interlocked.Increment(ref producersDone);
                return;
            }
            uint output;
            while (true)
            {
                // Read "done" before popping: a failed pop after both producers finished means the queue is empty.
                bool done = Volatile.Read(ref producersDone) == 2;
                if (map.PopFromProgram((byte*)&output) == 0)
                {
                    Interlocked.Add(ref sum, output);
                    Interlocked.Increment(ref popped);
                    continue;
                }
                if (done) return;
                Thread.Yield();
            }
        });
        Assert.Equal(2L * perThread, popped);
        Assert.Equal((long)perThread * (perThread + 1), sum);
        Assert.Equal(0, ((QueueStackMap)map).Count);
    }
}
