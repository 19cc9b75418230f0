using System.Diagnostics;
using System.Runtime.CompilerServices;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Jit;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Linux;

/// <summary>
/// The Linux helpers XDP programs of <see cref="LinuxXdpObject"/> may call, with Linux ids and return conventions
/// (negative errno on failure). Static methods, so compiled programs call them directly.
/// </summary>
public static unsafe class LinuxHelpers
{
    private const long EInval = -22, ENoent = -2, EAcces = -13;
    private const ulong XdpAborted = 0, XdpRedirect = 4;
    private const ulong ActionMask = 3, BroadcastFlag = 8, ExcludeIngressFlag = 16;
    /// <summary>sizeof(struct xdp_frame) on 64-bit kernels: kept free at the front of the headroom.</summary>
    private const int XdpFrameSize = 40;
    /// <summary>The skb's meta_len is a byte (current kernels; before 6.x the limit was 32).</summary>
    private const int EthernetHeaderLength = 14, MaxMetaLength = byte.MaxValue;

    public static HelperTable CreateTable() => new HelperTable()
        .Add(LinuxHelperIds.MapLookupElem, "bpf_map_lookup_elem", MapLookupElem)
        .Add(LinuxHelperIds.MapUpdateElem, "bpf_map_update_elem", MapUpdateElem)
        .Add(LinuxHelperIds.MapDeleteElem, "bpf_map_delete_elem", MapDeleteElem)
        .Add(LinuxHelperIds.KtimeGetNs, "bpf_ktime_get_ns", KtimeGetNs)
        .Add(LinuxHelperIds.GetPrandomU32, "bpf_get_prandom_u32", GetPrandomU32)
        .Add(LinuxHelperIds.GetSmpProcessorId, "bpf_get_smp_processor_id", GetSmpProcessorId)
        .Add(LinuxHelperIds.TailCall, "bpf_tail_call", TailCall)
        .Add(LinuxHelperIds.Redirect, "bpf_redirect", Redirect)
        .Add(LinuxHelperIds.XdpAdjustHead, "bpf_xdp_adjust_head", XdpAdjustHead)
        .Add(LinuxHelperIds.RedirectMap, "bpf_redirect_map", RedirectMap)
        .Add(LinuxHelperIds.XdpAdjustMeta, "bpf_xdp_adjust_meta", XdpAdjustMeta);

    /// <summary>
    /// The map behind a handle, or null for a program array's token: only bpf_tail_call takes one. The verifier
    /// refuses other helpers on program arrays; this keeps a slip from ever reading the token as a map. Checked
    /// (unverified) runs accept only the handle of a live map, as the core helpers do.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static EbpfMap? MapOf(ulong handle, uint helperId, ref HelperCallContext context) =>
        LinuxXdpObject.IsProgramArrayToken(handle) ? null : Helpers.MapHelpers.Resolve(handle, helperId, ref context);

    public static ulong MapLookupElem(ulong map, ulong key, ulong r3, ulong r4, ulong r5, ref HelperCallContext context)
    {
        if (MapOf(map, LinuxHelperIds.MapLookupElem, ref context) is not { } target) return 0;
        context.ValidateAccess(key, (ulong)target.KeySize, MemoryAccess.Read);
        byte* value = target.LookupForProgram((byte*)key);
        if (value != null) context.RegisterRegion((ulong)value, (ulong)target.ValueSize, MemoryAccess.ReadWrite, target.Name);
        return (ulong)value;
    }

    public static ulong MapUpdateElem(ulong map, ulong key, ulong value, ulong flags, ulong r5, ref HelperCallContext context)
    {
        if (MapOf(map, LinuxHelperIds.MapUpdateElem, ref context) is not { } target) return unchecked((ulong)EInval);
        context.ValidateAccess(key, (ulong)target.KeySize, MemoryAccess.Read);
        context.ValidateAccess(value, (ulong)target.ValueSize, MemoryAccess.Read);
        return (ulong)(long)target.UpdateFromProgram((byte*)key, (byte*)value, flags);
    }

    public static ulong MapDeleteElem(ulong map, ulong key, ulong r3, ulong r4, ulong r5, ref HelperCallContext context)
    {
        if (MapOf(map, LinuxHelperIds.MapDeleteElem, ref context) is not { } target) return unchecked((ulong)EInval);
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
        var array = invocation.ProgramArray(programArray);
        if (array is null) return unchecked((ulong)EInval);
        var next = array.TryGet(index);
        if (next is null || invocation.TailCalls >= Programs.InvocationState.MaxTailCalls) return unchecked((ulong)ENoent);
        invocation.TailCalls++;
        context.RequestTailCall(next, next.Executor);
        return 0;
    }

    /// <summary>
    /// Compiled code's fast path of <see cref="TailCall"/>: when the tail call succeeds and its target is compiled
    /// code that may run on the caller's stack of <paramref name="stackBytes"/>, counts it and returns the target's
    /// entry for the caller to enter. Null (nothing changed) leaves the call to <see cref="TailCall"/>: failures and
    /// targets only the invoker can run.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static JitEntry? DirectTailCallEntry(ref HelperCallContext context, ulong programArray, ulong index, int stackBytes)
    {
        if (context.State is not LinuxXdpInvocation invocation || invocation.TailCalls >= Programs.InvocationState.MaxTailCalls) return null;
        if (invocation.ProgramArray(programArray) is not { } array ||
            array.TryGetDirectEntry(index, stackBytes) is not { } entry)
            return null;
        invocation.TailCalls++;
        return entry;
    }

    /// <summary>
    /// As the kernel: the new start keeps room for the frame header plus the metadata in front and at least an
    /// Ethernet header behind it; metadata moves with the data.
    /// </summary>
    public static ulong XdpAdjustHead(ulong ctx, ulong delta, ulong r3, ulong r4, ulong r5, ref HelperCallContext context)
    {
        var owner = ProgramContext.FromPointer(ctx);
        if (owner is null || !owner.HasData) return unchecked((ulong)EInval);
        ulong* fields = (ulong*)ctx;
        ulong data = fields[LinuxXdpContext.DataOffset / 8], end = fields[LinuxXdpContext.DataEndOffset / 8];
        ulong meta = fields[LinuxXdpContext.DataMetaOffset / 8];
        ulong metaLength = data - meta;
        long offset = (int)delta;
        ulong newData = (ulong)((long)data + offset);
        ulong front = (ulong)owner.DataBuffer + XdpFrameSize + metaLength;
        if (newData < front || newData > end - EthernetHeaderLength) return unchecked((ulong)EInval);
        if (metaLength != 0) Buffer.MemoryCopy((void*)meta, (void*)(meta + (ulong)offset), metaLength, metaLength);
        fields[LinuxXdpContext.DataMetaOffset / 8] = (ulong)((long)meta + offset);
        fields[LinuxXdpContext.DataOffset / 8] = newData;
        return 0;
    }

    /// <summary>As the kernel: metadata grows into the headroom (behind the frame header), at most 255 bytes, a multiple of 4.</summary>
    public static ulong XdpAdjustMeta(ulong ctx, ulong delta, ulong r3, ulong r4, ulong r5, ref HelperCallContext context)
    {
        var owner = ProgramContext.FromPointer(ctx);
        if (owner is null || !owner.HasData) return unchecked((ulong)EInval);
        ulong* fields = (ulong*)ctx;
        ulong data = fields[LinuxXdpContext.DataOffset / 8];
        ulong meta = (ulong)((long)fields[LinuxXdpContext.DataMetaOffset / 8] + (int)delta);
        if (meta < (ulong)owner.DataBuffer + XdpFrameSize || meta > data) return unchecked((ulong)EInval);
        ulong metaLength = data - meta;
        if (metaLength > MaxMetaLength || (metaLength & 3) != 0) return unchecked((ulong)EAcces);
        fields[LinuxXdpContext.DataMetaOffset / 8] = meta;
        return 0;
    }

    /// <summary>XDP's bpf_redirect: any flag aborts; otherwise the verdict is XDP_REDIRECT (the device is not checked until the driver sends).</summary>
    public static ulong Redirect(ulong ifindex, ulong flags, ulong r3, ulong r4, ulong r5, ref HelperCallContext context) =>
        flags != 0 ? XdpAborted : XdpRedirect;

    /// <summary>
    /// bpf_redirect_map on a device map: XDP_REDIRECT when the slot holds a device (or on broadcast), else the
    /// fallback action in the flags' low bits; unknown flags abort.
    /// </summary>
    public static ulong RedirectMap(ulong map, ulong key, ulong flags, ulong r4, ulong r5, ref HelperCallContext context)
    {
        if ((flags & ~(ActionMask | BroadcastFlag | ExcludeIngressFlag)) != 0) return XdpAborted;
        if ((flags & BroadcastFlag) != 0) return XdpRedirect;
        if (MapOf(map, LinuxHelperIds.RedirectMap, ref context) is not { } target) return XdpAborted;
        uint slot = (uint)key;
        byte* value = target.LookupForProgram((byte*)&slot);
        return value != null && *(uint*)value != 0 ? XdpRedirect : flags & ActionMask;
    }
}
