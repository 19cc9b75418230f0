using BenchmarkDotNet.Attributes;
using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.MapBenchmarks;

/// <summary>
/// Ring buffer throughput with one consumer: ns per record (records/s = 1e9 / ns). "Inline" produces a batch and
/// consumes it on the same thread; "Threaded" runs a producer thread against an async consumer that sleeps on
/// the wake-up signal, retrying when the ring is full so every record is delivered.
/// </summary>
[MemoryDiagnoser]
public class RingBufferBenchmarks
{
    private const int Records = 100_000;
    private const int Batch = 256;

    private RingBufferMap _ring = null!;

    [Params(16, 256)]
    public int RecordSize { get; set; }

    [GlobalSetup]
    public void Setup() =>
        _ring = (RingBufferMap)MapFactory.Create(new MapDefinition(MapType.Ringbuf, 0, 0, 256 * 1024), "bench_rb");

    [GlobalCleanup]
    public void Cleanup() => _ring.Dispose();

    [Benchmark(OperationsPerInvoke = Records)]
    public unsafe long Inline()
    {
        long bytes = 0;
        byte* data = stackalloc byte[RecordSize];
        for (int done = 0; done < Records; done += Batch)
        {
            for (int i = 0; i < Batch; i++) _ring.OutputFromProgram(data, (ulong)RecordSize, 0);
            _ring.Consume(record => bytes += record.Length);
        }
        return bytes;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public async Task<long> Threaded()
    {
        var producer = new Thread(Produce);
        producer.Start();
        long received = 0;
        await foreach (var record in _ring.ReadAllAsync())
        {
            if (++received == Records) break;
        }
        producer.Join();
        return received;
    }

    private unsafe void Produce()
    {
        byte* data = stackalloc byte[RecordSize];
        for (int i = 0; i < Records; i++)
        {
            using var scope = ProgramExecutionScope.Enter();
            while (_ring.OutputFromProgram(data, (ulong)RecordSize, 0) != 0) Thread.Yield();
        }
    }
}
