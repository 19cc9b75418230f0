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
    // Each connect or accept runs on a context block of its thread (taken while in use, so a nested invocation
    // builds its own): allocating and freeing native memory and a GC handle per connection cost more than the program.
    [ThreadStatic] private static ProgramContext? t_context;

    public string Section { get; } = section;

    public bool IsConnectRedirectLayer { get; } = section is "cgroup/connect4" or "cgroup/connect6";

    public unsafe SockAddrResult Invoke(SockAddrEvent e)
    {
        e.AllowsRedirectContext = IsConnectRedirectLayer;
        var ctx = t_context ?? NetContexts.Plain(WellKnownProgramTypes.SockAddr.Context);
        t_context = null;
        try
        {
            SockAddrContext.Fill(ctx, e);
            var rule = new VerdictRule();
            int ran = Invoke(ctx.Context, ref rule);
            // Only the connect redirect layer may rewrite the destination; elsewhere (connect_authorization, recv_accept,
            // bind, listen) it is read-only and a program's writes to it are discarded, as upstream's extension does.
            var destination = IsConnectRedirectLayer ? SockAddrContext.Destination(ctx, e) : e.Destination;
            return new SockAddrResult(rule.Verdict, destination, e.RedirectContext, ran) { DecidedBy = rule.DecidedBy };
        }
        finally
        {
            ctx.State = null;
            t_context = ctx;
        }
    }

    private struct VerdictRule() : IHookVerdictRule
    {
        public SockAddrVerdict Verdict = SockAddrVerdict.ProceedSoft;
        public string? DecidedBy;

        public bool Continue(Link link, ulong returnValue)
        {
            Verdict = returnValue switch
            {
                (ulong)SockAddrVerdict.ProceedSoft => SockAddrVerdict.ProceedSoft,
                (ulong)SockAddrVerdict.ProceedHard => SockAddrVerdict.ProceedHard,
                _ => SockAddrVerdict.Reject,
            };
            if (Verdict == SockAddrVerdict.ProceedSoft) return true;
            DecidedBy = link.Program.Name;
            return false;
        }
    }
}
