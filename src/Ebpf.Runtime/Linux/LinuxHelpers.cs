using System.Diagnostics;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Linux;

/// <summary>
/// The Linux helpers XDP programs of <see cref="LinuxXdpObject"/> may call, with Linux ids and return conventions
/// (negative errno on failure). Static methods, so compiled programs call them directly.
/// </summary>
public static unsafe class LinuxHelpers
{
    private const long EInval = -22, ENoent = -2;

    public static HelperTable CreateTable() => new HelperTable()
        .Add(LinuxHelperIds.MapLookupElem, "bpf_map_lookup_elem", MapLookupElem)
        .Add(LinuxHelperIds.MapUpdateElem, "bpf_map_update_elem", MapUpdateElem)
        .Add(LinuxHelperIds.MapDeleteElem, "bpf_map_delete_elem", MapDeleteElem)
        .Add(LinuxHelperIds.KtimeGetNs, "bpf_ktime_get_ns", KtimeGetNs)
        .Add(LinuxHelperIds.GetPrandomU32, "bpf_get_prandom_u32", GetPrandomU32)
        .Add(LinuxHelperIds.GetSmpProcessorId, "bpf_get_smp_processor_id", GetSmpProcessorId)
        .Add(LinuxHelperIds.TailCall, "bpf_tail_call", TailCall)
        .Add(LinuxHelperIds.XdpAdjustHead, "bpf_xdp_adjust_head", XdpAdjustHead);

    public static ulong MapLookupElem(ulong map, ulong key, ulong r3, ulong r4, ulong r5, ref HelperCallContext context)
    {
        var target = EbpfMap.FromHandle((nint)map);
        context.ValidateAccess(key, (ulong)target.KeySize, MemoryAccess.Read);
        byte* value = target.LookupForProgram((byte*)key);
        if (value != null) context.RegisterRegion((ulong)value, (ulong)target.ValueSize, MemoryAccess.ReadWrite, target.Name);
        return (ulong)value;
    }

    public static ulong MapUpdateElem(ulong map, ulong key, ulong value, ulong flags, ulong r5, ref HelperCallContext context)
    {
        var target = EbpfMap.FromHandle((nint)map);
        context.ValidateAccess(key, (ulong)target.KeySize, MemoryAccess.Read);
        context.ValidateAccess(value, (ulong)target.ValueSize, MemoryAccess.Read);
        return (ulong)(long)target.UpdateFromProgram((byte*)key, (byte*)value, flags);
    }

    public static ulong MapDeleteElem(ulong map, ulong key, ulong r3, ulong r4, ulong r5, ref HelperCallContext context)
    {
        var target = EbpfMap.FromHandle((nint)map);
        context.ValidateAccess(key, (ulong)target.KeySize, MemoryAccess.Read);
        return (ulong)(long)target.DeleteFromProgram((byte*)key);
    }

    public static ulong KtimeGetNs(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext context) =>
        (ulong)(Stopwatch.GetTimestamp() * (1_000_000_000.0 / Stopwatch.Frequency));

    public static ulong GetPrandomU32(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext context) =>
        (uint)Random.Shared.Next();

    public static ulong GetSmpProcessorId(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext context) =>
        (ulong)ProcessorSlots.Current;

    /// <summary>
    /// On success the program stops and the invoker runs the target with the same context (as the kernel, the
    /// caller does not continue); on failure (empty slot, bad index, more than 33 tail calls) it returns -ENOENT/-EINVAL.
    /// </summary>
    public static ulong TailCall(ulong ctx, ulong programArray, ulong index, ulong r4, ulong r5, ref HelperCallContext context)
    {
        if (context.State is not LinuxXdpInvocation invocation) return unchecked((ulong)EInval);
        var array = invocation.Owner.ProgramArrayByToken(programArray);
        if (array is null) return unchecked((ulong)EInval);
        var next = array.TryGet(index);
        if (next is null || invocation.TailCalls >= Programs.InvocationState.MaxTailCalls) return unchecked((ulong)ENoent);
        invocation.TailCalls++;
        context.RequestTailCall(next, next.Executor);
        return 0;
    }

    public static ulong XdpAdjustHead(ulong ctx, ulong delta, ulong r3, ulong r4, ulong r5, ref HelperCallContext context)
    {
        var owner = ProgramContext.FromPointer(ctx);
        return owner is not null && owner.AdjustHead((int)delta) ? 0 : unchecked((ulong)EInval);
    }
}
