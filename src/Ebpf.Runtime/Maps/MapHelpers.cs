using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// The map helpers in register form, ready to be wired into the helper table: arguments are the raw r1..r5
/// values (a map argument is a map handle, see <see cref="EbpfMap.Handle"/>), the result is the r0 value —
/// a pointer, 0, or a negated <see cref="EbpfResult"/> sign-extended to 64 bits. Call inside a
/// <see cref="Memory.ProgramExecutionScope"/>. Helper 32 (perf_event_output) needs the context's data range and is
/// exposed as <see cref="PerfEventArrayMap.OutputFromProgram"/>.
/// </summary>
public static unsafe class MapHelpers
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Result(int value) => (ulong)(long)value;

    /// <summary>Helper 1, bpf_map_lookup_elem.</summary>
    public static ulong MapLookupElem(ulong map, ulong key) =>
        (ulong)EbpfMap.FromHandle((nint)map).LookupForProgram((byte*)key);

    /// <summary>Helper 2, bpf_map_update_elem.</summary>
    public static ulong MapUpdateElem(ulong map, ulong key, ulong value, ulong flags) =>
        Result(EbpfMap.FromHandle((nint)map).UpdateFromProgram((byte*)key, (byte*)value, flags));

    /// <summary>Helper 3, bpf_map_delete_elem.</summary>
    public static ulong MapDeleteElem(ulong map, ulong key) =>
        Result(EbpfMap.FromHandle((nint)map).DeleteFromProgram((byte*)key));

    /// <summary>Helper 4, bpf_map_lookup_and_delete_elem.</summary>
    public static ulong MapLookupAndDeleteElem(ulong map, ulong key) =>
        (ulong)EbpfMap.FromHandle((nint)map).LookupAndDeleteFromProgram((byte*)key);

    /// <summary>Helper 11, bpf_ringbuf_output; a map that is not a RINGBUF gives -6.</summary>
    public static ulong RingbufOutput(ulong map, ulong data, ulong size, ulong flags) =>
        EbpfMap.FromHandle((nint)map) is RingBufferMap ring
            ? Result(ring.OutputFromProgram((byte*)data, size, flags))
            : Result(-(int)EbpfResult.InvalidArgument);

    /// <summary>Helper 16, bpf_map_push_elem.</summary>
    public static ulong MapPushElem(ulong map, ulong value, ulong flags) =>
        Result(EbpfMap.FromHandle((nint)map).PushFromProgram((byte*)value, flags));

    /// <summary>Helper 17, bpf_map_pop_elem.</summary>
    public static ulong MapPopElem(ulong map, ulong value) =>
        Result(EbpfMap.FromHandle((nint)map).PopFromProgram((byte*)value));

    /// <summary>Helper 18, bpf_map_peek_elem.</summary>
    public static ulong MapPeekElem(ulong map, ulong value) =>
        Result(EbpfMap.FromHandle((nint)map).PeekFromProgram((byte*)value));
}
