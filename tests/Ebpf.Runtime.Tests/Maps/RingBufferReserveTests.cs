using Ebpf.Platform;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Tests.Maps;

/// <summary>
/// Records reserved in place and committed later (bpf_ringbuf_reserve / submit / discard), as Linux defines them:
/// the consumer stops at a busy record, never sees a discarded one, and a full ring refuses the reservation.
/// </summary>
public unsafe class RingBufferReserveTests
{
    private static RingBufferMap Ring(uint bytes = 4096) => (RingBufferMap)MapFactory.Create(new MapDefinition(MapType.Ringbuf, 0, 0, bytes), "ring");

    private static List<byte[]> Drain(RingBufferMap ring)
    {
        var records = new List<byte[]>();
        ring.Consume(r => records.Add(r.ToArray()));
        return records;
    }

    private static byte* Reserve(RingBufferMap ring, uint size, byte fill)
    {
        byte* record = ring.ReserveFromProgram(size, 0);
        Assert.True(record != null, "the ring refused a record it has room for");
        new Span<byte>(record, (int)size).Fill(fill);
        return record;
    }

    [Fact]
    public void TheConsumerStopsAtABusyRecordAndSkipsDiscardedOnes()
    {
        using var ring = Ring();
        byte* first = Reserve(ring, 4, 1);
        byte* second = Reserve(ring, 4, 2);
        byte* third = Reserve(ring, 4, 3);
        Assert.True(RingBuffer.CommitRecord(third, discard: false));
        Assert.True(RingBuffer.CommitRecord(second, discard: true));
        Assert.Empty(Drain(ring)); // the first is still busy
        Assert.True(RingBuffer.CommitRecord(first, discard: false));
        Assert.Equal([[1, 1, 1, 1], [3, 3, 3, 3]], Drain(ring));
        Assert.Equal(0, ring.PendingBytes);
        Assert.False(RingBuffer.CommitRecord(first, discard: false)); // no longer busy
    }

    [Fact]
    public void AFullRingRefusesTheReservationUntilTheConsumerFreesSpace()
    {
        using var ring = Ring();
        int reserved = 0;
        var records = new List<nint>();
        byte* r;
        while ((r = ring.ReserveFromProgram(1000, 0)) != null) { records.Add((nint)r); reserved++; }
        Assert.Equal(4, reserved); // 4 x (1000 + 8 header) = 4032 of 4096 bytes
        Assert.Equal(1, ring.LostRecords);
        foreach (var record in records) RingBuffer.CommitRecord((byte*)record, discard: false);
        Assert.Equal(4, Drain(ring).Count);
        Assert.True(ring.ReserveFromProgram(1000, 0) != null);
    }

    [Fact]
    public void FlagsOtherThanZeroOrATooLargeSizeGiveNull()
    {
        using var ring = Ring();
        Assert.True(ring.ReserveFromProgram(8, 1) == null);
        Assert.True(ring.ReserveFromProgram(4096, 0) == null);
        Assert.Equal(0, ring.PendingBytes);
    }

    [Fact]
    public void ARecordThatWouldWrapStartsAtTheRingsStartAndIsContiguous()
    {
        using var ring = Ring();
        for (int i = 0; i < 3; i++) RingBuffer.CommitRecord(Reserve(ring, 1000, (byte)i), discard: false);
        Assert.Equal(3, Drain(ring).Count);
        // 3024 bytes used; a 2000-byte record cannot fit before the end: a discarded filler takes the rest.
        byte* big = Reserve(ring, 2000, 7);
        RingBuffer.CommitRecord(big, discard: false);
        var records = Drain(ring);
        Assert.Single(records);
        Assert.All(records[0], b => Assert.Equal(7, b));
        Assert.Equal(2000, records[0].Length);
        Assert.Equal(4096UL + 2008, ring.Query(3)); // producer position: the filler counts
        Assert.Equal(4096UL, ring.Query(1));
        Assert.Equal(0UL, ring.Query(0));
    }

    [Fact]
    public void RecordsReservedOnSeveralThreadsAndCommittedOutOfOrderAllArriveOnce()
    {
        using var ring = Ring(1 << 16);
        const int Threads = 4, PerThread = 2000;
        var seen = new HashSet<(int Thread, int Index)>();
        int discarded = 0;
        using var done = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        // A failed assertion on a thread of our own is kept for the test to report, not left to end the process.
        void Guard(Action body)
        {
            try { body(); }
            catch (Exception e) { failures.Enqueue(e); done.Cancel(); }
        }
        var consumer = new Thread(() => Guard(() =>
        {
            while ((!done.IsCancellationRequested || ring.PendingBytes > 0) && failures.IsEmpty)
            {
                ring.Poll(r =>
                {
                    int thread = BitConverter.ToInt32(r), index = BitConverter.ToInt32(r[4..]);
                    Assert.True(index >= 0, "a discarded record reached the consumer");
                    lock (seen) Assert.True(seen.Add((thread, index)), $"record {thread}/{index} delivered twice");
                }, TimeSpan.FromMilliseconds(10));
            }
        }));
        consumer.Start();
        var producers = Enumerable.Range(0, Threads).Select(t => new Thread(() => Guard(() =>
        {
            var random = new Random(t);
            var held = new List<nint>();
            for (int i = 0; i < PerThread; i++)
            {
                byte* record;
                while ((record = ring.ReserveFromProgram(8, 0)) == null)
                {
                    if (!failures.IsEmpty) return;
                    Thread.Yield();
                }
                bool discard = i % 5 == 0;
                *(int*)record = t;
                *(int*)(record + 4) = discard ? -1 : i;
                if (discard) Interlocked.Increment(ref discarded);
                held.Add((nint)record | (discard ? 1 : 0));
                // Commit a random held record: records commit out of reservation order.
                if (held.Count > 3 || i == PerThread - 1)
                {
                    while (held.Count > (i == PerThread - 1 ? 0 : 2))
                    {
                        int pick = random.Next(held.Count);
                        nint h = held[pick];
                        held.RemoveAt(pick);
                        Assert.True(RingBuffer.CommitRecord((byte*)(h & ~1), discard: (h & 1) != 0));
                    }
                }
            }
        }))).ToArray();
        foreach (var p in producers) p.Start();
        foreach (var p in producers) p.Join();
        done.Cancel();
        consumer.Join();
        Assert.True(failures.IsEmpty, string.Join("\n", failures));
        Assert.Equal(Threads * PerThread - discarded, seen.Count);
        Assert.Equal(0, ring.PendingBytes);
    }
}
