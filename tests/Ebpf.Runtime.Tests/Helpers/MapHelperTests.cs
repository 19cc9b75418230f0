using Ebpf.Platform;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Tests.Maps;
using static Ebpf.Runtime.Tests.Helpers.HelperHarness;

namespace Ebpf.Runtime.Tests.Helpers;

/// <summary>Map helpers called by real programs: the lddw carries the map handle, as a loaded object's code does.</summary>
public class MapHelperTests
{
    private static EbpfMap Hash(uint maxEntries = 4, MapType type = MapType.Hash) =>
        MapFactory.Create(new MapDefinition(type, 4, 8, maxEntries), "h");

    private static EbpfMap Array(uint maxEntries = 4, MapType type = MapType.Array) =>
        MapFactory.Create(new MapDefinition(type, 4, 8, maxEntries), "a");

    /// <summary>update(map, key=[r10-4], value=[r10-16], flags) with the key and value taken from the program's memory
    /// (r1: u32 key, u64 value, u64 flags); returns the helper's result.</summary>
    private static string UpdateProgram(EbpfMap map) => $"""
        ldxw %r2, [%r1]
        stxw [%r10-4], %r2
        ldxdw %r2, [%r1+8]
        stxdw [%r10-16], %r2
        ldxdw %r4, [%r1+16]
        lddw %r1, 0x{map.Handle:x}
        mov %r2, %r10
        add %r2, -4
        mov %r3, %r10
        add %r3, -16
        call 2
        exit
        """;

    /// <summary>lookup(map, key from memory); returns the value, or -1 when the lookup gives NULL.</summary>
    private static string LookupProgram(EbpfMap map, uint helper = GlobalHelpers.MapLookupElem) => $"""
        ldxw %r2, [%r1]
        stxw [%r10-4], %r2
        lddw %r1, 0x{map.Handle:x}
        mov %r2, %r10
        add %r2, -4
        call {helper}
        mov %r1, %r0
        mov %r0, -1
        jeq %r1, 0, +1
        ldxdw %r0, [%r1]
        exit
        """;

    private static string DeleteProgram(EbpfMap map) => $"""
        ldxw %r2, [%r1]
        stxw [%r10-4], %r2
        lddw %r1, 0x{map.Handle:x}
        mov %r2, %r10
        add %r2, -4
        call 3
        exit
        """;

    private static long Update(EbpfMap map, uint key, ulong value, ulong flags = 0, ExecutionMode mode = ExecutionMode.Unchecked) =>
        Signed(Run(UpdateProgram(map), Memory(key, value, flags), mode));

    private static long Lookup(EbpfMap map, uint key, ExecutionMode mode = ExecutionMode.Unchecked) =>
        Signed(Run(LookupProgram(map), Memory(key, 0, 0), mode));

    private static long LookupAndDelete(EbpfMap map, uint key) =>
        Signed(Run(LookupProgram(map, GlobalHelpers.MapLookupAndDeleteElem), Memory(key, 0, 0)));

    private static long Delete(EbpfMap map, uint key) => Signed(Run(DeleteProgram(map), Memory(key, 0, 0)));

    private static byte[] Memory(uint key, ulong value, ulong flags)
    {
        var memory = new byte[24];
        BitConverter.TryWriteBytes(memory.AsSpan(0), key);
        BitConverter.TryWriteBytes(memory.AsSpan(8), value);
        BitConverter.TryWriteBytes(memory.AsSpan(16), flags);
        return memory;
    }

    [Theory]
    [InlineData(ExecutionMode.Unchecked)]
    [InlineData(ExecutionMode.Checked)]
    public void HashUpdateLookupDeleteFollowTheFlagRules(ExecutionMode mode)
    {
        using var map = Hash(maxEntries: 2);
        Assert.Equal(-1, Lookup(map, 1, mode));
        Assert.Equal(-(long)EbpfResult.KeyNotFound, Update(map, 1, 10, flags: 2, mode));       // EXIST on a missing key
        Assert.Equal(0, Update(map, 1, 10, flags: 1, mode));                                 // NOEXIST inserts
        Assert.Equal(-(long)EbpfResult.ObjectAlreadyExists, Update(map, 1, 11, flags: 1, mode));
        Assert.Equal(0, Update(map, 1, 12, flags: 2, mode));
        Assert.Equal(12, Lookup(map, 1, mode));
        Assert.Equal(0, Update(map, 2, 20, mode: mode));
        Assert.Equal(-(long)EbpfResult.OutOfSpace, Update(map, 3, 30, mode: mode));            // full
        Assert.Equal(-(long)EbpfResult.InvalidArgument, Update(map, 3, 30, flags: 3, mode));   // bad flag
        Assert.Equal(12ul, Bytes.As<ulong>(map.Lookup(Bytes.Of(1u))));
    }

    [Fact]
    public void HashDeleteAndLookupAndDelete()
    {
        using var map = Hash();
        Assert.Equal(-(long)EbpfResult.KeyNotFound, Delete(map, 5));
        map.Update(Bytes.Of(5u), Bytes.Of(55ul));
        map.Update(Bytes.Of(6u), Bytes.Of(66ul));
        Assert.Equal(0, Delete(map, 5));
        Assert.Equal(EbpfResult.ObjectNotFound, map.TryLookup(Bytes.Of(5u), new byte[8]));
        Assert.Equal(66, LookupAndDelete(map, 6));
        Assert.Equal(EbpfResult.ObjectNotFound, map.TryLookup(Bytes.Of(6u), new byte[8]));
        Assert.Equal(-1, LookupAndDelete(map, 6));
    }

    [Fact]
    public void ArrayRulesFromPrograms()
    {
        using var map = Array(maxEntries: 4);
        Assert.Equal(0, Lookup(map, 3));                                                     // present, zero
        Assert.Equal(-1, Lookup(map, 4));                                                    // out of range: NULL
        Assert.Equal(0, Update(map, 3, 33));
        Assert.Equal(33, Lookup(map, 3));
        Assert.Equal(-(long)EbpfResult.InvalidArgument, Update(map, 4, 1));                  // index out of range
        Assert.Equal(-(long)EbpfResult.InvalidArgument, Update(map, 1, 1, flags: 1));        // NOEXIST on an array
        Assert.Equal(0, Delete(map, 3));                                                     // zero-fills
        Assert.Equal(0, Lookup(map, 3));
        Assert.Equal(-(long)EbpfResult.InvalidArgument, Delete(map, 9));
        Assert.Equal(-1, LookupAndDelete(map, 1));                                           // not supported: NULL
    }

    [Fact]
    public void ProgramWritesThroughTheLookedUpPointer()
    {
        using var map = Hash();
        map.Update(Bytes.Of(7u), Bytes.Of(100ul));
        // value = lookup(7); *value += 5 (a locked add, as clang emits for __sync_fetch_and_add); return *value.
        string program = $"""
            stw [%r10-4], 7
            lddw %r1, 0x{map.Handle:x}
            mov %r2, %r10
            add %r2, -4
            call 1
            jeq %r0, 0, +4
            mov %r1, 5
            lock add [%r0], %r1
            ldxdw %r0, [%r0]
            exit
            mov %r0, -1
            exit
            """;
        Assert.Equal(105ul, Run(program, ExecutionMode.Checked));
        Assert.Equal(110ul, Run(program));
        Assert.Equal(110ul, Bytes.As<ulong>(map.Lookup(Bytes.Of(7u))));
    }

    [Fact]
    public void PerCpuArrayProgramsSeeTheirOwnSlot()
    {
        using var map = Array(maxEntries: 1, type: MapType.PercpuArray);
        var registry = NewRegistry();
        var program = Load(registry, "percpu", $"""
            stw [%r10-4], 0
            lddw %r1, 0x{map.Handle:x}
            mov %r2, %r10
            add %r2, -4
            call 1
            jeq %r0, 0, +4
            mov %r1, 1
            lock add [%r0], %r1
            call 8
            exit
            mov %r0, -1
            exit
            """);
        var counts = new Dictionary<ulong, ulong>();
        for (int i = 0; i < 10; i++)
        {
            ulong slot = Invoke(program);
            counts[slot] = counts.GetValueOrDefault(slot) + 1;
        }
        var all = map.Lookup(Bytes.Of(0u));
        foreach (var (slot, count) in counts) Assert.Equal(count, Bytes.As<ulong>(all, (int)slot * 8));
        Assert.Equal(10ul, Enumerable.Range(0, Ebpf.Runtime.Memory.ProcessorSlots.Count).Aggregate(0ul, (sum, s) => sum + Bytes.As<ulong>(all, s * 8)));
    }

    [Fact]
    public void QueueOperationsOnAHashAreNotSupported()
    {
        using var map = Hash();
        string push = $"""
            stdw [%r10-8], 1
            lddw %r1, 0x{map.Handle:x}
            mov %r2, %r10
            add %r2, -8
            mov %r3, 0
            call 16
            exit
            """;
        Assert.Equal(-(long)EbpfResult.OperationNotSupported, Signed(Run(push)));
        Assert.Equal(-(long)EbpfResult.OperationNotSupported, Signed(Run(push.Replace("call 16", "call 17"))));
        Assert.Equal(-(long)EbpfResult.OperationNotSupported, Signed(Run(push.Replace("call 16", "call 18"))));
    }

    [Fact]
    public void CheckedRunRejectsSomethingThatIsNotAMap()
    {
        // r1 points into the stack, not at a map handle.
        var error = Assert.Throws<HelperArgumentException>(() => Run("""
            stw [%r10-4], 0
            mov %r1, %r10
            add %r1, -16
            mov %r2, %r10
            add %r2, -4
            call 1
            exit
            """, ExecutionMode.Checked));
        Assert.Equal(5, error.ProgramCounter);
        Assert.Equal("bpf_map_lookup_elem", error.HelperName);
        Assert.Contains("not the handle of a live map", error.Message);
    }

    [Fact]
    public void CheckedRunRejectsAKeyOutsideTheProgramsMemory()
    {
        using var map = Hash();
        // The key pointer is r10 + 8: above the stack.
        var fault = Assert.Throws<MemoryAccessFaultException>(() => Run($"""
            lddw %r1, 0x{map.Handle:x}
            mov %r2, %r10
            add %r2, 8
            call 1
            exit
            """, ExecutionMode.Checked));
        Assert.Equal(4, fault.ProgramCounter);
    }

    [Fact]
    public void CheckedRunRejectsAccessPastTheLookedUpValue()
    {
        using var map = Hash();
        map.Update(Bytes.Of(1u), Bytes.Of(1ul));
        // The value is 8 bytes; reading 8 bytes at value + 4 leaves it.
        var fault = Assert.Throws<MemoryAccessFaultException>(() => Run($"""
            stw [%r10-4], 1
            lddw %r1, 0x{map.Handle:x}
            mov %r2, %r10
            add %r2, -4
            call 1
            ldxdw %r0, [%r0+4]
            exit
            """, ExecutionMode.Checked));
        Assert.Equal(6, fault.ProgramCounter);
    }

    [Fact]
    public void QueueAndStackPushPopPeekFromPrograms()
    {
        using var queue = MapFactory.Create(new MapDefinition(MapType.Queue, 0, 8, 2), "q");
        using var stack = MapFactory.Create(new MapDefinition(MapType.Stack, 0, 8, 2), "s");
        // op(map, &value [value from memory], flags from memory); returns the helper result, and for pop/peek the
        // value read (in memory[8]).
        static string Op(EbpfMap map, uint helper) => $"""
            mov %r6, %r1
            ldxdw %r2, [%r1]
            stxdw [%r10-8], %r2
            lddw %r1, 0x{map.Handle:x}
            mov %r2, %r10
            add %r2, -8
            ldxdw %r3, [%r6+16]
            call {helper}
            ldxdw %r1, [%r10-8]
            stxdw [%r6+8], %r1
            exit
            """;
        (long Result, ulong Value) Do(EbpfMap map, uint helper, ulong value = 0, ulong flags = 0)
        {
            var memory = Memory(0, 0, flags);
            BitConverter.TryWriteBytes(memory.AsSpan(0), value);
            long result = Signed(Run(Op(map, helper), memory, ExecutionMode.Checked));
            return (result, BitConverter.ToUInt64(memory, 8));
        }

        foreach (var map in new[] { queue, stack })
        {
            // Empty: the buffer the program passed is cleared, as the verifier counts it written (it may have been
            // uninitialized stack) and Linux does the same.
            Assert.Equal((-(long)EbpfResult.ObjectNotFound, 0ul), Do(map, GlobalHelpers.MapPopElem, 0xDEAD));
            Assert.Equal((-(long)EbpfResult.ObjectNotFound, 0ul), Do(map, GlobalHelpers.MapPeekElem, 0xBEEF));
            Assert.Equal(0, Do(map, GlobalHelpers.MapPushElem, 1).Result);
            Assert.Equal(0, Do(map, GlobalHelpers.MapPushElem, 2).Result);
            Assert.Equal(-(long)EbpfResult.OutOfSpace, Do(map, GlobalHelpers.MapPushElem, 3).Result);
            Assert.Equal(0, Do(map, GlobalHelpers.MapPushElem, 3, flags: 2).Result);   // BPF_EXIST: drop the oldest
        }
        // Queue: 1 was dropped, FIFO gives 2 then 3. Stack: 1 dropped, LIFO gives 3 then 2.
        Assert.Equal((0L, 2ul), Do(queue, GlobalHelpers.MapPeekElem));
        Assert.Equal((0L, 2ul), Do(queue, GlobalHelpers.MapPopElem));
        Assert.Equal((0L, 3ul), Do(queue, GlobalHelpers.MapPopElem));
        Assert.Equal((0L, 3ul), Do(stack, GlobalHelpers.MapPeekElem));
        Assert.Equal((0L, 3ul), Do(stack, GlobalHelpers.MapPopElem));
        Assert.Equal((0L, 2ul), Do(stack, GlobalHelpers.MapPopElem));
    }

    [Fact]
    public void MapInMapLookupYieldsTheInnerMapForAFurtherLookup()
    {
        var innerDefinition = new MapDefinition(MapType.Array, 4, 8, 1);
        using var inner = MapFactory.Create(innerDefinition, "inner");
        using var outer = (MapOfMaps)MapFactory.Create(new MapDefinition(MapType.ArrayOfMaps, 4, 4, 2, InnerMap: innerDefinition), "outer");
        outer.SetInnerMap(Bytes.Of(1u), inner);
        inner.Update(Bytes.Of(0u), Bytes.Of(4242ul));
        // inner = lookup(outer, 1); value = lookup(inner, 0); return *value.
        string program = $"""
            stw [%r10-4], 1
            lddw %r1, 0x{outer.Handle:x}
            mov %r2, %r10
            add %r2, -4
            call 1
            jeq %r0, 0, +7
            stw [%r10-4], 0
            mov %r1, %r0
            mov %r2, %r10
            add %r2, -4
            call 1
            jeq %r0, 0, +1
            ldxdw %r0, [%r0]
            exit
            """;
        Assert.Equal(4242ul, Run(program, ExecutionMode.Checked));
        Assert.Equal(4242ul, Run(program));
    }
}
