using BenchmarkDotNet.Attributes;
using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;

namespace Ebpf.MapBenchmarks;

/// <summary>
/// ns per map operation done by a program through the helper path (bpf_map_lookup_elem / bpf_map_update_elem as a
/// loaded program calls them): one invocation runs a loop of <see cref="Operations"/> calls over as many present
/// keys, so the figure includes the loop's few instructions and the call, amortising the invocation itself.
/// </summary>
[MemoryDiagnoser]
public unsafe class ProgramMapHelperBenchmarks
{
    public const int Operations = 1024;

    private static readonly ProgramTypeDescriptor BenchType =
        new("helper_bench", new ContextDescriptor(8, -1, -1, -1), new Guid("8d0f6a52-1c3e-4b7a-9e21-5f4d3c2b1a09"), 9100);

    private EbpfMap _map = null!;
    private EbpfProgram _lookup = null!;
    private EbpfProgram _update = null!;
    private byte* _context;

    [Params(MapType.Hash, MapType.Array, MapType.PercpuHash, MapType.PercpuArray, MapType.LruHash, MapType.LpmTrie)]
    public MapType Type { get; set; }

    [Params(ExecutionEngine.Jit, ExecutionEngine.Interpreter)]
    public ExecutionEngine Engine { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        bool lpm = Type == MapType.LpmTrie;
        _map = MapFactory.Create(new MapDefinition(Type, lpm ? 8u : 4u, 8, Operations, Flags: lpm ? 1u : 0u), "bench");
        // Every value (every per-CPU copy) holds 1, so a lookup pass over all keys sums to Operations.
        var value = new byte[_map.UserValueSize];
        for (int offset = 0; offset + 8 <= value.Length; offset += 8) BitConverter.TryWriteBytes(value.AsSpan(offset), 1ul);
        for (uint i = 0; i < Operations; i++) _map.Update(Key(i, lpm), value);
        var registry = new ExtensionRegistry(CoreHelpers.Find);
        registry.Register(new ProgramInformationProvider("helper-bench", BenchType));
        _lookup = Load(registry, "lookup", LookupLoop(_map, lpm));
        _update = Load(registry, "update", UpdateLoop(_map, lpm));
        _context = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(8);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _map.Dispose();
        System.Runtime.InteropServices.NativeMemory.Free(_context);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public ulong Lookup() => _lookup.Invoke(_context).ReturnValue;

    [Benchmark(OperationsPerInvoke = Operations)]
    public ulong Update() => _update.Invoke(_context).ReturnValue;

    private EbpfProgram Load(ExtensionRegistry registry, string name, string asm) =>
        registry.LoadProgram(new ProgramLoadRequest(name, name, BenchType.ProgramType, [.. Assembler.Assemble(asm)])
        {
            Unverified = true,
            Engine = Engine,
        });

    /// <summary>The key of entry <paramref name="i"/>: a u32 index, or an LPM /32 key 10.x.y.1 stored exactly.</summary>
    public static byte[] Key(uint i, bool lpm)
    {
        if (!lpm) return BitConverter.GetBytes(i);
        var key = new byte[8];
        BitConverter.TryWriteBytes(key, 32u);
        key[4] = 10; key[5] = (byte)(i >> 8); key[6] = (byte)i; key[7] = 1;
        return key;
    }

    // Writes the key of iteration r6 at r10-8 (r2 = its address): the index, or the LPM key 32 / 10.(i>>8).(i&255).1.
    private static string StoreKey(bool lpm) => lpm
        ? """
          stw [%r10-8], 32
          mov %r1, %r6
          rsh %r1, 8
          lsh %r1, 8
          mov %r3, %r6
          and %r3, 255
          lsh %r3, 16
          or %r1, %r3
          or %r1, 0x100000a
          stxw [%r10-4], %r1
          mov %r2, %r10
          add %r2, -8
          """
        : """
          stxw [%r10-8], %r6
          mov %r2, %r10
          add %r2, -8
          """;

    private static string LookupLoop(EbpfMap map, bool lpm) => $"""
        mov %r6, 0
        mov %r7, 0
        loop:
        {StoreKey(lpm)}
        lddw %r1, 0x{map.Handle:x}
        call 1
        jeq %r0, 0, +2
        ldxdw %r1, [%r0]
        add %r7, %r1
        add %r6, 1
        jlt %r6, {Operations}, loop
        mov %r0, %r7
        exit
        """;

    private static string UpdateLoop(EbpfMap map, bool lpm) => $"""
        mov %r6, 0
        mov %r7, 0
        loop:
        stxdw [%r10-16], %r6
        {StoreKey(lpm)}
        lddw %r1, 0x{map.Handle:x}
        mov %r3, %r10
        add %r3, -16
        mov %r4, 0
        call 2
        or %r7, %r0
        add %r6, 1
        jlt %r6, {Operations}, loop
        mov %r0, %r7
        exit
        """;
}
