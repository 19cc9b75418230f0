using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Helpers;
using Ebpf.Runtime.Interpretation;

namespace Ebpf.Extensions.Net;

/// <summary>
/// Helpers of the network program types. Type-specific ids start at 65536 in each type, so 65536 is
/// bpf_xdp_adjust_head for xdp_test and bpf_sock_ops_get_flow_id for sockops. Global overrides that receive the
/// context implicitly (19) read it from the invocation, not from r1.
/// </summary>
public static class NetHelpers
{
    private const ulong Failure = ulong.MaxValue; // -1

    public static readonly HelperPrototype XdpAdjustHead =
        new(65536, "bpf_xdp_adjust_head", ReturnType.Integer, ArgumentType.PtrToCtx, ArgumentType.Anything) { ReallocatePacket = true };

    public static readonly HelperPrototype SockAddrSetRedirectContext =
        new(65537, "bpf_sock_addr_set_redirect_context", ReturnType.Integer, ArgumentType.PtrToCtx, ArgumentType.PtrToReadableMem, ArgumentType.ConstSize);

    public static readonly HelperPrototype SockAddrGetNetworkContext =
        new(65538, "bpf_sock_addr_get_network_context", ReturnType.Integer, ArgumentType.PtrToCtx, ArgumentType.PtrToWritableMem, ArgumentType.ConstSize);

    public static readonly HelperPrototype SockOpsGetFlowId =
        new(65536, "bpf_sock_ops_get_flow_id", ReturnType.Integer, ArgumentType.PtrToCtx);

    public static ulong AdjustHead(ulong ctx, ulong delta, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        ProgramContext.FromPointer(ctx) is { } c && c.AdjustHead((int)(long)delta) ? 0 : Failure;

    public static ulong SetRedirectContext(ulong ctx, ulong data, ulong size, ulong r4, ulong r5, ref HelperCallContext call)
    {
        if (SockAddrEventOf(ctx) is not { } e || !e.AllowsRedirectContext || size == 0) return Failure;
        e.RedirectContext = HelperMemory.Readable(ref call, data, size).ToArray();
        return 0;
    }

    public static ulong GetNetworkContext(ulong ctx, ulong buffer, ulong size, ulong r4, ulong r5, ref HelperCallContext call)
    {
        if (SockAddrEventOf(ctx) is not { NetworkContext: { } network }) return Failure;
        int n = (int)Math.Min(size, (ulong)NetworkContext.Size);
        Span<byte> bytes = stackalloc byte[NetworkContext.Size];
        network.Write(bytes);
        bytes[..n].CopyTo(HelperMemory.Writable(ref call, buffer, (ulong)n));
        return 0;
    }

    public static ulong GetFlowId(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        ProgramContext.FromPointer(ctx)?.State is SockOpsEvent e ? e.FlowId : 0;

    /// <summary>Helper 19 with an implicit context: the pid/tgid of the socket's owner, not of the calling thread.</summary>
    public static ulong ConnectionPidTgid(ulong r1, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        ProgramContext.FromPointer(call.ProgramContext)?.State is IConnectionOwner owner
            ? (owner.ProcessId << 32) | (owner.ThreadId & 0xFFFF_FFFF)
            : 0;

    public static ulong LogonId(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        SockAddrEventOf(ctx)?.LogonId ?? 0;

    public static ulong IsAdmin(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        SockAddrEventOf(ctx) is { } e ? (e.IsAdmin ? 1UL : 0UL) : Failure;

    public static ulong SocketCookie(ulong ctx, ulong r2, ulong r3, ulong r4, ulong r5, ref HelperCallContext call) =>
        SockAddrEventOf(ctx)?.SocketCookie ?? 0;

    private static SockAddrEvent? SockAddrEventOf(ulong ctx) => ProgramContext.FromPointer(ctx)?.State as SockAddrEvent;
}
