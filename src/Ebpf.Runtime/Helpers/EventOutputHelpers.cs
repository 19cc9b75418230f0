using Ebpf.Platform;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Programs;

namespace Ebpf.Runtime.Helpers;

/// <summary>bpf_ringbuf_output (11) and bpf_perf_event_output (32): copy a record into a RINGBUF or PERF_EVENT_ARRAY.</summary>
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
