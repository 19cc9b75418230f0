using System.Runtime.CompilerServices;
using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// Map helpers 1-4 and 16-18. r1 is a map handle (what an lddw map reference or a map-of-maps lookup yields).
/// Unchecked runs trust the verifier; checked runs validate the handle and the key/value ranges, and register each
/// value pointer a lookup returns as a region the program may then access.
/// </summary>
public static unsafe class MapHelpers
{
    /// <summary>bpf_map_lookup_elem (1): the value's address, or 0.</summary>
    public static ulong Lookup(ulong map, ulong key, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        var target = Resolve(map, GlobalHelpers.MapLookupElem, ref call);
        byte* value = target.LookupForProgram(Key(target, key, ref call));
        if (value != null && call.IsChecked) RegisterValue(target, value, ref call);
        return (ulong)value;
    }

    /// <summary>bpf_map_update_elem (2): 0 or a negated result (-8, -19, -29, -6, -18).</summary>
    public static ulong Update(ulong map, ulong key, ulong value, ulong flags, ulong r5, ref HelperCallContext call)
    {
        var target = Resolve(map, GlobalHelpers.MapUpdateElem, ref call);
        byte* k = Key(target, key, ref call);
        return (ulong)(long)target.UpdateFromProgram(k, Value(target, value, MemoryAccess.Read, ref call), flags);
    }

    /// <summary>bpf_map_delete_elem (3): 0 or a negated result.</summary>
    public static ulong Delete(ulong map, ulong key, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        var target = Resolve(map, GlobalHelpers.MapDeleteElem, ref call);
        return (ulong)(long)target.DeleteFromProgram(Key(target, key, ref call));
    }

    /// <summary>bpf_map_lookup_and_delete_elem (4): the removed value's address (readable until the invocation ends), or 0.</summary>
    public static ulong LookupAndDelete(ulong map, ulong key, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        var target = Resolve(map, GlobalHelpers.MapLookupAndDeleteElem, ref call);
        byte* value = target.LookupAndDeleteFromProgram(Key(target, key, ref call));
        if (value != null && call.IsChecked) RegisterValue(target, value, ref call);
        return (ulong)value;
    }

    /// <summary>bpf_map_push_elem (16): 0 or a negated result (-29 when full without BPF_EXIST).</summary>
    public static ulong Push(ulong map, ulong value, ulong flags, ulong r4, ulong r5, ref HelperCallContext call)
    {
        var target = Resolve(map, GlobalHelpers.MapPushElem, ref call);
        return (ulong)(long)target.PushFromProgram(Value(target, value, MemoryAccess.Read, ref call), flags);
    }

    /// <summary>bpf_map_pop_elem (17): copies the value out and removes it; 0 or -7 when empty (the value zeroed).</summary>
    public static ulong Pop(ulong map, ulong value, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        var target = Resolve(map, GlobalHelpers.MapPopElem, ref call);
        byte* buffer = Value(target, value, MemoryAccess.Write, ref call);
        return Output(target, buffer, target.PopFromProgram(buffer));
    }

    /// <summary>bpf_map_peek_elem (18): copies the value out; 0 or -7 when empty (the value zeroed).</summary>
    public static ulong Peek(ulong map, ulong value, ulong r3, ulong r4, ulong r5, ref HelperCallContext call)
    {
        var target = Resolve(map, GlobalHelpers.MapPeekElem, ref call);
        byte* buffer = Value(target, value, MemoryAccess.Write, ref call);
        return Output(target, buffer, target.PeekFromProgram(buffer));
    }

    /// <summary>
    /// The result of a helper whose value argument is an output: the verifier lets the buffer be uninitialized and
    /// counts it as written afterwards, so a failure clears it (as Linux does) rather than leave stale memory there.
    /// </summary>
    private static ulong Output(EbpfMap map, byte* value, int result)
    {
        if (result != 0 && map.ValueSize > 0) new Span<byte>(value, map.ValueSize).Clear();
        return (ulong)(long)result;
    }

    /// <summary>
    /// The map behind a handle argument (also for extensions' helpers over maps). Checked runs accept only the
    /// handle of a live map.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static EbpfMap Resolve(ulong handle, uint helperId, ref HelperCallContext call) =>
        call.IsChecked ? ResolveChecked(handle, helperId, ref call) : EbpfMap.FromHandle((nint)handle);

    private static EbpfMap ResolveChecked(ulong handle, uint helperId, ref HelperCallContext call)
    {
        // Only dereference a value known to be a live handle: a wild pointer must fault cleanly, not crash. Looked up
        // in the registry's handle index, not by scanning every live map: each checked call would cost more as the
        // process holds more maps.
        return MapRegistry.TryGetByHandle((nint)handle) ?? throw new HelperArgumentException(call.ProgramCounter, HelperName(helperId),
            $"the map argument 0x{handle:x} is not the handle of a live map");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* Key(EbpfMap map, ulong key, ref HelperCallContext call)
    {
        if (call.IsChecked && map.KeySize > 0) call.ValidateAccess(key, (ulong)map.KeySize, MemoryAccess.Read);
        return (byte*)key;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte* Value(EbpfMap map, ulong value, MemoryAccess access, ref HelperCallContext call)
    {
        if (call.IsChecked && map.ValueSize > 0) call.ValidateAccess(value, (ulong)map.ValueSize, access);
        return (byte*)value;
    }

    private static void RegisterValue(EbpfMap map, byte* value, ref HelperCallContext call)
    {
        // A map-of-maps lookup yields an inner map handle, which the program passes on but never dereferences.
        if (map.Definition.IsMapOfMaps) return;
        ulong address = (ulong)value, length = (ulong)map.ValueSize;
        if (call.Regions!.Allows(address, length, MemoryAccess.ReadWrite)) return; // repeated lookups of one key
        call.RegisterRegion(address, length, MemoryAccess.ReadWrite, $"value of map '{map.Name}'");
    }

    internal static string HelperName(uint id) => GlobalHelpers.Find(id)?.Name ?? $"helper {id}";
}
