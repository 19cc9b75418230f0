using Ebpf.Isa;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tests.Maps;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Jit;

/// <summary>
/// The JIT does bpf_map_lookup_elem on an array map named by an lddw in the same straight-line code itself (as the
/// kernel inlines array lookups); it must find exactly what the helper finds: the element, null out of range, the
/// current slot's copy of a per-CPU array, and through a join of two maps the map of the path taken.
/// </summary>
public unsafe class JitArrayLookupTests
{
    private const int Entries = 8;

    /// <summary>
    /// Looks up key ctx[0] (u32) in map 0 and returns the u64 value, or 9999 if absent. For a per-CPU map, whose slot
    /// s holds value + 1000 s, the program subtracts 1000 x its processor id, so every slot gives the same answer.
    /// </summary>
    private static string LookupKeyFromContext(bool perCpu) => $"""
        ldxw %r6, [%r1]
        stxw [%r10-4], %r6
        lddw %r1, map_fd 0
        mov %r2, %r10
        add %r2, -4
        call 1
        jeq %r0, 0, +6
        ldxdw %r6, [%r0]
        call 8
        mul %r0, {(perCpu ? 1000 : 0)}
        sub %r6, %r0
        mov %r0, %r6
        exit
        mov %r0, 9999
        exit
        """;

    /// <summary>ctx[0] odd: map 0, else map 1 (the lddw defining r1 is not in straight-line code with the call).</summary>
    private const string LookupThroughJoin = """
        ldxw %r6, [%r1]
        stw [%r10-4], 3
        lddw %r1, map_fd 1
        jset %r6, 1, +1
        ja +2
        lddw %r1, map_fd 0
        mov %r2, %r10
        add %r2, -4
        call 1
        jeq %r0, 0, +2
        ldxdw %r0, [%r0]
        exit
        mov %r0, 9999
        exit
        """;

    private static EbpfMap Filled(MapType type, ulong bias)
    {
        var map = MapFactory.Create(new MapDefinition(type, 4, 8, Entries), type.ToString());
        int slots = map.UserValueSize / 8;
        for (uint k = 0; k < Entries; k++)
        {
            var value = new byte[map.UserValueSize];
            for (int slot = 0; slot < slots; slot++) BitConverter.TryWriteBytes(value.AsSpan(slot * 8), bias + k + (type == MapType.PercpuArray ? 1000UL * (ulong)slot : 0));
            map.Update(Bytes.Of(k), value);
        }
        return map;
    }

    private static EbpfProgram Load(string asm, ExecutionEngine engine, params EbpfMap[] maps) =>
        NewRegistry().LoadProgram(new ProgramLoadRequest("lookup", "lookup", TestType.ProgramType, Code(asm))
        {
            Unverified = true,
            Engine = engine,
            Maps = [.. maps.Select(m => m.Definition)],
            WideImmediates = (WideImmediate reference, out ulong value) =>
            {
                bool known = reference.Source == PseudoSource.MapFd && (uint)reference.Imm < (uint)maps.Length;
                value = known ? (ulong)maps[reference.Imm].Handle : 0;
                return known;
            },
        });

    private static ulong Run(EbpfProgram program, uint key)
    {
        using var context = new ProgramContext(32);
        *(uint*)context.Context = key;
        var result = program.Invoke(context.Context);
        Assert.True(result.Ran);
        return result.ReturnValue;
    }

    [Theory]
    [InlineData(MapType.Array)]
    [InlineData(MapType.PercpuArray)]
    public void InlineLookupFindsWhatTheHelperFinds(MapType type)
    {
        using var map = Filled(type, bias: 100);
        string asm = LookupKeyFromContext(perCpu: type == MapType.PercpuArray);
        var jit = Load(asm, ExecutionEngine.Jit, map);
        var interpreter = Load(asm, ExecutionEngine.Interpreter, map);
        foreach (uint key in (uint[])[0, 1, Entries - 1, Entries, uint.MaxValue])
        {
            ulong expected = key < Entries ? 100 + key : 9999;
            Assert.Equal(expected, Run(interpreter, key));
            Assert.Equal(expected, Run(jit, key));
        }
    }

    [Fact]
    public void ALookupAfterAJoinUsesTheMapOfThePathTaken()
    {
        using var first = Filled(MapType.Array, bias: 100);
        using var second = Filled(MapType.Array, bias: 500);
        var jit = Load(LookupThroughJoin, ExecutionEngine.Jit, first, second);
        Assert.Equal(103ul, Run(jit, 1));
        Assert.Equal(503ul, Run(jit, 2));
    }

    [Fact]
    public void TheInlineLookupSeesUpdatesAndReturnsTheElementItself()
    {
        using var map = Filled(MapType.Array, bias: 100);
        var jit = Load(LookupKeyFromContext(perCpu: false), ExecutionEngine.Jit, map);
        map.Update(Bytes.Of(5u), BitConverter.GetBytes(77UL));
        Assert.Equal(77ul, Run(jit, 5));
    }
}
