using System.Runtime.InteropServices;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Tests.Memory;

public unsafe class EpochManagerTests
{
    [Fact]
    public void RetiredItemsWaitForReadersThatEnteredEarlier()
    {
        var epochs = new EpochManager();
        using var entered = new ManualResetEventSlim();
        using var leave = new ManualResetEventSlim();
        var reader = new Thread(() =>
        {
            using (epochs.Enter())
            {
                entered.Set();
                leave.Wait();
            }
        });
        reader.Start();
        entered.Wait();
        int released = 0;
        epochs.Retire(() => Interlocked.Increment(ref released));
        epochs.Retire(NativeMemory.Alloc(16));
        Assert.Equal(0, epochs.Reclaim());
        Assert.Equal(0, released);
        Assert.Equal(2, epochs.PendingCount);
        leave.Set();
        reader.Join();
        Assert.Equal(2, epochs.Reclaim());
        Assert.Equal(1, released);
        Assert.Equal(0, epochs.PendingCount);
    }

    [Fact]
    public void AHeldParticipantEntersAndLeavesLikeAScope()
    {
        // The invocation fast path keeps the participant and enters through it (no thread-static lookup).
        var epochs = new EpochManager();
        using var entered = new ManualResetEventSlim();
        using var leave = new ManualResetEventSlim();
        bool insideWhileEntered = false, insideAfterExit = true;
        var reader = new Thread(() =>
        {
            var participant = epochs.CurrentParticipant();
            epochs.Enter(participant);
            insideWhileEntered = epochs.IsInsideEpoch;
            entered.Set();
            leave.Wait();
            EpochManager.Exit(participant);
            insideAfterExit = epochs.IsInsideEpoch;
        });
        reader.Start();
        entered.Wait();
        int released = 0;
        epochs.Retire(() => Interlocked.Increment(ref released));
        Assert.Equal(0, epochs.Reclaim());
        leave.Set();
        reader.Join();
        Assert.Equal(1, epochs.Reclaim());
        Assert.Equal(1, released);
        Assert.True(insideWhileEntered);
        Assert.False(insideAfterExit);
    }

    [Fact]
    public void ReadersThatEnterAfterTheRetireDoNotDelayIt()
    {
        var epochs = new EpochManager();
        int released = 0;
        epochs.Retire(() => released++);
        using (epochs.Enter())
        {
            Assert.True(epochs.IsInsideEpoch);
            Assert.Equal(1, epochs.Reclaim());
        }
        Assert.False(epochs.IsInsideEpoch);
        Assert.Equal(1, released);
    }

    [Fact]
    public void ScopesNest()
    {
        var epochs = new EpochManager();
        var outer = epochs.Enter();
        var inner = epochs.Enter();
        inner.Dispose();
        Assert.True(epochs.IsInsideEpoch);
        int released = 0;
        epochs.Retire(() => released++);
        Assert.Equal(0, epochs.Reclaim());
        outer.Dispose();
        Assert.Equal(1, epochs.Reclaim());
    }

    [Fact]
    public void SynchronizeFreesEverythingRetiredBefore()
    {
        var epochs = new EpochManager();
        int released = 0;
        for (int i = 0; i < 10; i++) epochs.Retire(() => released++);
        epochs.Synchronize();
        Assert.Equal(10, released);
        using (epochs.Enter())
            Assert.Throws<InvalidOperationException>(epochs.Synchronize);
    }

    [Fact]
    public void ProcessorLeasesAreExclusiveAndStable()
    {
        int holders = 0, maximum = 0;
        var seen = new bool[ProcessorSlots.Count];
        Parallel.For(0, 2000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            using var scope = ProgramExecutionScope.Enter();
            Assert.Equal(scope.Processor, ProcessorSlots.Current);
            int now = Interlocked.Increment(ref holders);
            InterlockedMax(ref maximum, now);
            Assert.False(Interlocked.Exchange(ref seen[scope.Processor], true), "two invocations share a slot");
            Thread.SpinWait(50);
            Assert.Equal(scope.Processor, ProcessorSlots.Current);
            Volatile.Write(ref seen[scope.Processor], false);
            Interlocked.Decrement(ref holders);
        });
        Assert.InRange(maximum, 1, ProcessorSlots.Count);
        Assert.False(ProcessorSlots.IsLeased);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current) { }
    }
}
