using System.Diagnostics;
using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Tests.Maps;

/// <summary>Concurrency tests: short by default, longer with EBPF_LONG_TESTS=1.</summary>
public unsafe class MapStressTests
{
    private const int Threads = 4;

    [Theory]
    [InlineData(MapType.Hash)]
    [InlineData(MapType.LruHash)]
    [InlineData(MapType.Array)]
    public void AtomicAddsThroughValuePointersLoseNoUpdate(MapType type)
    {
        const int keys = 16;
        int perThread = TestLimits.Scale(50_000, 2_000_000);
        using var map = MapFactory.Create(new MapDefinition(type, 4, 8, keys), "counters");
        for (uint k = 0; k < keys; k++) map.Update(Bytes.Of(k), Bytes.Of(0ul));
        RunThreads(Threads, thread =>
        {
            for (int i = 0; i < perThread; i++)
            {
                using var scope = ProgramExecutionScope.Enter();
                uint key = (uint)((i * 7 + thread) % keys);
                byte* value = map.LookupForProgram((byte*)&key);
                Interlocked.Increment(ref *(long*)value);
            }
        });
        ulong total = 0;
        foreach (var key in map.Keys()) total += Bytes.As<ulong>(map.Lookup(key));
        Assert.Equal((ulong)Threads * (ulong)perThread, total);
    }

    [Fact]
    public void PerCpuCountersWithPlainIncrementsLoseNoUpdate()
    {
        // Leases make each slot exclusive, so non-atomic read-modify-write on per-CPU values is safe.
        int perThread = TestLimits.Scale(50_000, 2_000_000);
        using var map = MapFactory.Create(new MapDefinition(MapType.PercpuArray, 4, 8, 1), "percpu");
        RunThreads(Threads, _ =>
        {
            for (int i = 0; i < perThread; i++)
            {
                using var scope = ProgramExecutionScope.Enter();
                uint key = 0;
                ulong* value = (ulong*)map.LookupForProgram((byte*)&key);
                *value = *value + 1;
            }
        });
        var all = map.Lookup(Bytes.Of(0u));
        ulong total = 0;
        for (int cpu = 0; cpu < ProcessorSlots.Count; cpu++) total += Bytes.As<ulong>(all, cpu * 8);
        Assert.Equal((ulong)Threads * (ulong)perThread, total);
    }

    [Theory]
    [InlineData(MapType.Hash)]
    [InlineData(MapType.LruHash)]
    [InlineData(MapType.PercpuHash)]
    public void ConcurrentInsertDeleteAndLookupsNeverSeeTornOrFreedValues(MapType type)
    {
        // Every value is (key, key * K) repeated; a reader that ever sees another pattern read freed or torn memory.
        const uint keyRange = 256;
        const ulong K = 0x9E3779B97F4A7C15;
        using var map = MapFactory.Create(new MapDefinition(type, 4, 32, keyRange / 2), "churn");
        bool perCpu = type == MapType.PercpuHash;
        var stop = Stopwatch.StartNew();
        var duration = TestLimits.StressDuration;
        long reads = 0, hits = 0;
        RunThreads(Threads, thread =>
        {
            var random = new Random(thread);
            var value = stackalloc ulong[4];
            while (stop.Elapsed < duration)
            {
                uint key = (uint)random.Next((int)keyRange);
                if (thread % 2 == 0)
                {
                    using var scope = ProgramExecutionScope.Enter();
                    for (int i = 0; i < 64; i++)
                    {
                        uint probe = (key + (uint)i) % keyRange;
                        ulong* found = (ulong*)map.LookupForProgram((byte*)&probe);
                        reads++;
                        if (found == null) continue;
                        hits++;
                        Thread.SpinWait(1);
                        // A per-CPU entry inserted from another slot holds zeros in this slot.
                        if (perCpu && found[0] == 0 && found[1] == 0 && found[2] == 0 && found[3] == 0) continue;
                        for (int w = 0; w < 4; w += 2)
                        {
                            Assert.Equal(probe, found[w]);
                            Assert.Equal(probe * K, found[w + 1]);
                        }
                    }
                }
                else
                {
                    using var scope = ProgramExecutionScope.Enter();
                    for (int w = 0; w < 4; w += 2)
                    {
                        value[w] = key;
                        value[w + 1] = key * K;
                    }
                    switch (random.Next(3))
                    {
                        case 0:
                            int result = map.UpdateFromProgram((byte*)&key, (byte*)value, 0);
                            Assert.True(result == 0 || result == -(int)EbpfResult.OutOfSpace);
                            break;
                        case 1:
                            map.DeleteFromProgram((byte*)&key);
                            break;
                        default:
                            byte* removed = map.LookupAndDeleteFromProgram((byte*)&key);
                            if (removed != null && !(perCpu && ((ulong*)removed)[1] == 0)) Assert.Equal(key * K, ((ulong*)removed)[1]);
                            break;
                    }
                }
            }
        });
        Assert.True(reads > 0);
        Assert.True(hits > 0, "readers never found an entry");
        Assert.True(map.Keys().Count <= keyRange / 2);
    }

    [Fact]
    public void UserModeUpdatesRacingProgramLookupsStayConsistent()
    {
        using var map = MapFactory.Create(new MapDefinition(MapType.Hash, 8, 16, 1024), "mixed");
        var stop = Stopwatch.StartNew();
        var duration = TestLimits.StressDuration;
        RunThreads(Threads, thread =>
        {
            var random = new Random(thread + 100);
            var value = new byte[16];
            while (stop.Elapsed < duration)
            {
                ulong key = (ulong)random.Next(2048);
                if (thread == 0)
                {
                    BitConverter.TryWriteBytes(value, key);
                    BitConverter.TryWriteBytes(value.AsSpan(8), ~key);
                    var result = map.TryUpdate(Bytes.Of(key), value);
                    Assert.True(result is EbpfResult.Success or EbpfResult.OutOfSpace);
                }
                else if (thread == 1)
                {
                    var result = map.TryDelete(Bytes.Of(key));
                    Assert.True(result is EbpfResult.Success or EbpfResult.KeyNotFound);
                }
                else
                {
                    using var scope = ProgramExecutionScope.Enter();
                    ulong* found = (ulong*)map.LookupForProgram((byte*)&key);
                    if (found != null)
                    {
                        Assert.Equal(key, found[0]);
                        Assert.Equal(~key, found[1]);
                    }
                }
            }
        });
    }

    internal static void RunThreads(int count, Action<int> body)
    {
        var errors = new List<Exception>();
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() =>
        {
            try { body(i); }
            catch (Exception e) { lock (errors) errors.Add(e); }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        if (errors.Count > 0) throw new AggregateException(errors);
    }
}
