using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tests.Maps;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Helpers;

/// <summary>Programs on several threads add into one map value with lock xadd (__sync_fetch_and_add): no update is lost.</summary>
public class AtomicStressTests
{
    private const int Threads = 4;
    private static readonly int s_iterations = Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1" ? 200_000 : 5_000;

    // value = lookup(map, key); lock add [value], 1 (64-bit) and lock add [value+8], 3 (32-bit).
    private static string AddProgram(EbpfMap map, uint key) => $"""
        stw [%r10-4], {key}
        lddw %r1, 0x{map.Handle:x}
        mov %r2, %r10
        add %r2, -4
        call 1
        jeq %r0, 0, +5
        mov %r1, 1
        lock add [%r0], %r1
        mov %r1, 3
        lock add32 [%r0+8], %r1
        mov %r0, 0
        exit
        """;

    [Theory]
    [InlineData(MapType.Hash, ExecutionEngine.Jit)]
    [InlineData(MapType.Array, ExecutionEngine.Jit)]
    [InlineData(MapType.Hash, ExecutionEngine.Interpreter)]
    [InlineData(MapType.Array, ExecutionEngine.Interpreter)]
    [InlineData(MapType.LruHash, ExecutionEngine.Jit)]
    public void ConcurrentLockedAddsLoseNoUpdate(MapType type, ExecutionEngine engine)
    {
        using var map = MapFactory.Create(new MapDefinition(type, 4, 16, 8), "counters");
        map.Update(Bytes.Of(2u), new byte[16]);
        var registry = NewRegistry();
        var program = registry.LoadProgram(new ProgramLoadRequest("adder", "adder", TestType.ProgramType, Code(AddProgram(map, 2)))
        {
            Unverified = true,
            Engine = engine,
        });
        using var start = new Barrier(Threads);
        var workers = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < s_iterations; i++) Invoke(program);
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();

        var value = map.Lookup(Bytes.Of(2u));
        Assert.Equal((ulong)Threads * (ulong)s_iterations, Bytes.As<ulong>(value));
        Assert.Equal((uint)(3 * Threads * s_iterations), Bytes.As<uint>(value, 8));
    }
}
