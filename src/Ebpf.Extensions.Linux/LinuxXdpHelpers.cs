using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Interpretation;
using Ebpf.Runtime.Maps;

namespace Ebpf.Extensions.Linux;

/// <summary>
/// The XDP-only Linux helpers, with Linux ids and return conventions (negative errno on failure); the others Linux
/// programs call are the runtime's (<see cref="LinuxExtension"/> lists which). Static methods, so compiled
/// programs call them directly.
/// </summary>
public static unsafe class LinuxXdpHelpers
{
    private const long EInval = -22, EAcces = -13;
    private const ulong XdpAborted = 0, XdpRedirect = 4;
    private const ulong ActionMask = 3, BroadcastFlag = 8, ExcludeIngressFlag = 16;
    /// <summary>sizeof(struct xdp_frame) on 64-bit kernels: kept free at the front of the headroom.</summary>
    private const int XdpFrameSize = 40;
    /// <summary>The skb's meta_len is a byte (current kernels; before 6.x the limit was 32).</summary>
    private const int EthernetHeaderLength = 14, MaxMetaLength = byte.MaxValue;

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
        var target = EbpfMap.FromHandle((nint)map);
        uint slot = (uint)key;
        byte* value = target.LookupForProgram((byte*)&slot);
        return value != null && *(uint*)value != 0 ? XdpRedirect : flags & ActionMask;
    }
}
