using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Net;

/// <summary>
/// One cgroup sock_addr hook (connect4, recv_accept6, bind4, ...). Programs run in attach order; the first
/// REJECT (or any unknown value) rejects, the first PROCEED_HARD permits without consulting later programs.
/// </summary>
public sealed class SockAddrHook(string section, Guid attachType)
    : HookProvider($"Ebpf.Extensions.Net/{section}", attachType, WellKnownProgramTypes.SockAddrGuid)
{
    public string Section { get; } = section;

    public bool IsConnectRedirectLayer => Section is "cgroup/connect4" or "cgroup/connect6";

    public unsafe SockAddrResult Invoke(SockAddrEvent e)
    {
        e.AllowsRedirectContext = IsConnectRedirectLayer;
        using var ctx = SockAddrContext.FromEvent(e);
        var verdict = SockAddrVerdict.ProceedSoft;
        int ran = Invoke(ctx.Context, (_, r0) =>
        {
            verdict = r0 switch
            {
                (ulong)SockAddrVerdict.ProceedSoft => SockAddrVerdict.ProceedSoft,
                (ulong)SockAddrVerdict.ProceedHard => SockAddrVerdict.ProceedHard,
                _ => SockAddrVerdict.Reject,
            };
            return verdict == SockAddrVerdict.ProceedSoft;
        });
        // Only the connect redirect layer may rewrite the destination; elsewhere (connect_authorization, recv_accept,
        // bind, listen) it is read-only and a program's writes to it are discarded, as upstream's extension does.
        var destination = IsConnectRedirectLayer ? SockAddrContext.Destination(ctx, e.Family) : e.Destination;
        return new SockAddrResult(verdict, destination, e.RedirectContext, ran);
    }
}
