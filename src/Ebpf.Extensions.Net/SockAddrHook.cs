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
        string? decidedBy = null;
        int ran = Invoke(ctx.Context, (link, r0) =>
        {
            verdict = r0 switch
            {
                (ulong)SockAddrVerdict.ProceedSoft => SockAddrVerdict.ProceedSoft,
                (ulong)SockAddrVerdict.ProceedHard => SockAddrVerdict.ProceedHard,
                _ => SockAddrVerdict.Reject,
            };
            if (verdict != SockAddrVerdict.ProceedSoft) decidedBy = link.Program.Name;
            return verdict == SockAddrVerdict.ProceedSoft;
        });
        return new SockAddrResult(verdict, SockAddrContext.Destination(ctx, e.Family), e.RedirectContext, ran) { DecidedBy = decidedBy };
    }
}
