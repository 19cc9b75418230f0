using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Helpers;

/// <summary>
/// bpf_ringbuf_output (11) and bpf_perf_event_output (32): copy a record into a RINGBUF or PERF_EVENT_ARRAY; and
/// Linux's in-place records: bpf_ringbuf_reserve, then bpf_ringbuf_submit or bpf_ringbuf_discard.
/// </summary>
public static unsafe class EventOutputHelpers
{
    /// <summary>bpf_ringbuf_output (11): 0, -12 when the ring is full, -6 for length 0, too large, or a map that is not a RINGBUF.</summary>
    public static ulong RingbufOutput(ulong map, ulong data, ulong size, ulong flags, ulong r5, ref HelperCallContext call)
    {
        if (MapHelpers.Resolve(map, GlobalHelpers.RingbufOutput, ref call) is not RingBufferMap ring)
            return Fail(EbpfResult.InvalidArgument);
        HelperMemory.Readable(ref call, data, size);
        return (ulong)(long)ring.OutputFromProgram((byte*)data, size, flags);
    }

    /// <summary>
    /// bpf_ringbuf_reserve (Linux 131): the address of a busy record of <paramref name="size"/> bytes in the ring,
    /// or 0 when the ring is full, the size too large or the flags not 0. Checked runs may then access the record.
    /// </summary>
    public static ulong RingbufReserve(ulong map, ulong size, ulong flags, ulong r4, ulong r5, ref HelperCallContext call)
    {
        if (MapHelpers.Resolve(map, RingbufReserveId, ref call) is not RingBufferMap ring) return 0;
        byte* record = ring.ReserveFromProgram(size, flags);
        if (record != null && call.IsChecked)
        {
            // The header, inaccessible, marks the record as held by this run (a zero-length record has no data region).
            call.RegisterRegion((ulong)record - RingBuffer.HeaderSize, RingBuffer.HeaderSize, MemoryAccess.None, $"ring buffer record header of map '{ring.Name}'");
            call.RegisterRegion((ulong)record, size, MemoryAccess.ReadWrite, $"ring buffer record of map '{ring.Name}'");
        }
        return (ulong)record;
    }

    /// <summary>bpf_ringbuf_submit (Linux 132): commits the record; the consumer sees it. Wake-up flags are hints: a record always wakes the consumer.</summary>
    public static ulong RingbufSubmit(ulong data, ulong flags, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        Commit(data, discard: false, "bpf_ringbuf_submit", ref call);

    /// <summary>bpf_ringbuf_discard (Linux 133): commits the record as discarded; the consumer never sees it.</summary>
    public static ulong RingbufDiscard(ulong data, ulong flags, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        Commit(data, discard: true, "bpf_ringbuf_discard", ref call);

    /// <summary>bpf_ringbuf_query (Linux 134): what <see cref="RingBufferMap.Query"/> reports of the ring.</summary>
    public static ulong RingbufQuery(ulong map, ulong flags, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        MapHelpers.Resolve(map, RingbufQueryId, ref call) is RingBufferMap ring ? ring.Query(flags) : 0;

    private const uint RingbufReserveId = 131, RingbufQueryId = 134;

    private static ulong Commit(ulong data, bool discard, string helper, ref HelperCallContext call)
    {
        // A checked run releases only a record it holds (its header region), and may not touch it afterwards.
        if (call.Regions is { } regions)
        {
            if (data < RingBuffer.HeaderSize || !regions.Remove(data - RingBuffer.HeaderSize))
                throw new HelperArgumentException(call.ProgramCounter, helper, $"0x{data:x} is not a ring buffer record this run holds");
            regions.Remove(data);
        }
        if (data == 0 || !RingBuffer.CommitRecord((byte*)data, discard))
            throw new HelperArgumentException(call.ProgramCounter, helper, $"0x{data:x} is not a reserved ring buffer record");
        return 0;
    }

    /// <summary>
    /// bpf_perf_event_output (32): writes to the current CPU's ring of a PERF_EVENT_ARRAY. The low 32 bits of the flags
    /// name the CPU (0xFFFFFFFF = current; another CPU gives -6); bits 32..51 ask for that many bytes of the context's
    /// packet data to be appended, which needs a program type whose context has data pointers (else -18).
    /// Returns 0, -6, -18 or -12 (ring full).
    /// </summary>
    public static ulong PerfEventOutput(ulong ctx, ulong map, ulong flags, ulong data, ulong size, ref HelperCallContext call)
    {
        if (MapHelpers.Resolve(map, GlobalHelpers.PerfEventOutput, ref call) is not PerfEventArrayMap perf)
            return Fail(EbpfResult.InvalidArgument);
        HelperMemory.Readable(ref call, data, size);
        byte* contextData = null;
        ulong contextDataLength = 0;
        if (call.State is InvocationState { Program: { } program } && program.VerifiedAgainst.Descriptor.Context is { HasPacket: true } layout)
        {
            call.ValidateAccess(ctx + (ulong)layout.Data, 8, MemoryAccess.Read);
            call.ValidateAccess(ctx + (ulong)layout.End, 8, MemoryAccess.Read);
            ulong start = *(ulong*)(ctx + (ulong)layout.Data), end = *(ulong*)(ctx + (ulong)layout.End);
            if (end >= start)
            {
                contextData = (byte*)start;
                contextDataLength = end - start;
            }
            ulong capture = (flags & PerfEventArrayMap.CaptureLengthMask) >> 32;
            if (capture != 0 && capture <= contextDataLength) call.ValidateAccess(start, capture, MemoryAccess.Read);
        }
        return (ulong)(long)perf.OutputFromProgram(flags, (byte*)data, size, contextData, contextDataLength);
    }

    private static ulong Fail(EbpfResult result) => (ulong)-(long)result;
}
