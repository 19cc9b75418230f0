using System.Buffers.Binary;
using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Tests.Maps;

public class RingBufferMapTests
{
    private static RingBufferMap New(uint size = 4096) => (RingBufferMap)MapFactory.Create(new MapDefinition(MapType.Ringbuf, 0, 0, size), "rb");

    private static unsafe int Output(RingBufferMap map, ReadOnlySpan<byte> data)
    {
        fixed (byte* d = data) return map.OutputFromProgram(d, (ulong)data.Length, 0);
    }

    [Fact]
    public void RecordsArriveInOrderWithTheirBytes()
    {
        using var map = New();
        for (int i = 1; i <= 20; i++) Assert.Equal(0, Output(map, Enumerable.Repeat((byte)i, i).ToArray()));
        var received = new List<byte[]>();
        Assert.Equal(20, map.Consume(r => received.Add(r.ToArray())));
        for (int i = 1; i <= 20; i++) Assert.Equal(Enumerable.Repeat((byte)i, i), received[i - 1]);
        Assert.Equal(0, map.Consume(_ => Assert.Fail("no more records")));
        Assert.Equal(0, map.PendingBytes);
    }

    [Fact]
    public void DropsAreCountedExactlyWhenTheConsumerFallsBehind()
    {
        using var map = New();
        var payload = new byte[56]; // 8-byte header + 56 = 64 bytes per record: 64 fit in 4096
        int refused = 0;
        for (int i = 0; i < 100; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(payload, i);
            int result = Output(map, payload);
            if (result != 0)
            {
                Assert.Equal(-(int)EbpfResult.NoMemory, result);
                refused++;
            }
        }
        Assert.Equal(36, refused);
        Assert.Equal(36, map.LostRecords);
        var sequence = new List<int>();
        Assert.Equal(64, map.Consume(r => sequence.Add(BinaryPrimitives.ReadInt32LittleEndian(r))));
        Assert.Equal(Enumerable.Range(0, 64), sequence);
        // Space is free again.
        Assert.Equal(0, Output(map, payload));
        Assert.Equal(36, map.LostRecords);
    }

    [Fact]
    public void RecordsThatWrapAroundTheEndAreDeliveredWhole()
    {
        using var map = New();
        var received = new List<byte[]>();
        var random = new Random(3);
        for (int round = 0; round < 200; round++)
        {
            var data = new byte[random.Next(1, 1500)];
            random.NextBytes(data);
            Assert.Equal(0, Output(map, data));
            map.Consume(r => received.Add(r.ToArray()));
            Assert.Equal(data, received[^1]);
        }
        Assert.Equal(200, received.Count);
    }

    [Fact]
    public void LengthZeroOrTooLargeIsInvalid()
    {
        using var map = New();
        Assert.Equal(4088u, map.MaxRecordLength);
        Assert.Equal(-(int)EbpfResult.InvalidArgument, Output(map, []));
        Assert.Equal(-(int)EbpfResult.InvalidArgument, Output(map, new byte[4089]));
        Assert.Equal(0, Output(map, new byte[4088]));
        Assert.Equal(0, map.LostRecords);
    }

    [Fact]
    public void KeyedOperationsAreNotSupported()
    {
        using var map = New();
        Assert.Equal(EbpfResult.OperationNotSupported, map.TryLookup([], []));
        Assert.Equal(EbpfResult.OperationNotSupported, map.TryUpdate([], []));
        Assert.Equal(EbpfResult.OperationNotSupported, map.TryDelete([]));
        Assert.Equal(EbpfResult.OperationNotSupported, map.TryGetNextKey([], []));
    }

    [Fact]
    public async Task AsyncReaderWakesForEveryRecordInOrder()
    {
        using var map = New(16384);
        int count = TestLimits.Scale(20_000, 1_000_000);
        var producer = new Thread(() => ProduceSequence(map, count));
        producer.Start();
        int expected = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var record in map.ReadAllAsync(timeout.Token))
        {
            Assert.Equal(24, record.Length);
            Assert.Equal(expected, BinaryPrimitives.ReadInt32LittleEndian(record.Span));
            if (++expected == count) break;
        }
        producer.Join();
        Assert.Equal(count, expected);
    }

    private static unsafe void ProduceSequence(RingBufferMap map, int count)
    {
        Span<byte> data = stackalloc byte[24];
        for (int i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(data, i);
            using var scope = ProgramExecutionScope.Enter();
            // The consumer keeps up eventually: retry while the ring is full, so no record is dropped.
            fixed (byte* d = data)
                while (map.OutputFromProgram(d, 24, 0) != 0) Thread.Yield();
        }
    }

    [Fact]
    public void PollSleepsUntilAProducerWritesAndTimesOutOtherwise()
    {
        using var map = New();
        Assert.Equal(0, map.Poll(_ => { }, TimeSpan.FromMilliseconds(20)));
        var writer = new Thread(() =>
        {
            Thread.Sleep(50);
            Assert.Equal(EbpfResult.Success, map.Output([1, 2, 3]));
        });
        writer.Start();
        byte[]? got = null;
        Assert.Equal(1, map.Poll(r => got = r.ToArray(), TimeSpan.FromSeconds(10)));
        writer.Join();
        Assert.Equal(new byte[] { 1, 2, 3 }, got);
    }

    [Fact]
    public async Task DisposingEndsTheAsyncReader()
    {
        var map = New();
        var reader = Task.Run(async () =>
        {
            int n = 0;
            await foreach (var _ in map.ReadAllAsync()) n++;
            return n;
        });
        await Task.Delay(50);
        map.Dispose();
        Assert.Equal(0, await reader.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public unsafe void ConcurrentProducersDeliverEveryRecordOrDropItCountably()
    {
        using var map = New(8192);
        const int producers = 3;
        int perProducer = TestLimits.Scale(20_000, 500_000);
        long accepted = 0;
        var lastSeen = new int[producers];
        Array.Fill(lastSeen, -1);
        long consumed = 0;
        using var done = new CancellationTokenSource();
        var consumer = new Thread(() =>
        {
            void Handle(ReadOnlySpan<byte> r)
            {
                int producer = r[0];
                int sequence = BinaryPrimitives.ReadInt32LittleEndian(r[4..]);
                Assert.True(sequence > lastSeen[producer], "records of one producer arrive in order");
                lastSeen[producer] = sequence;
                consumed++;
            }
            while (!done.IsCancellationRequested) map.Poll(Handle, TimeSpan.FromMilliseconds(50));
            map.Consume(Handle);
        });
        consumer.Start();
        MapStressTests.RunThreads(producers, p =>
        {
            var data = new byte[16];
            data[0] = (byte)p;
            for (int i = 0; i < perProducer; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), i);
                using var scope = ProgramExecutionScope.Enter();
                fixed (byte* d = data)
                    if (map.OutputFromProgram(d, 16, 0) == 0) Interlocked.Increment(ref accepted);
            }
        });
        done.Cancel();
        consumer.Join();
        Assert.Equal(accepted, consumed);
        Assert.Equal((long)producers * perProducer, accepted + map.LostRecords);
    }
}
