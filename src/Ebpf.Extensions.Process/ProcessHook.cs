using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Process;

/// <summary>
/// The process hook (attach type "process"). On creation the first program that returns a non-zero status
/// denies the process and later programs do not run; on exit every program runs and the return is ignored.
/// </summary>
public sealed class ProcessHook() : HookProvider("Ebpf.Extensions.Process/process", WellKnownAttachTypes.Process, WellKnownProgramTypes.ProcessGuid)
{
    private int _subscribed;

    /// <summary>Raised when the first link attaches and after the last one leaves: event sources subscribe on it.</summary>
    public event Action<bool>? SubscriptionChanged;

    public bool IsSubscribed => Volatile.Read(ref _subscribed) != 0;

    /// <summary>Runs the attached programs for a process creation; returns the creation status (0 allows it).</summary>
    public uint NotifyCreate(ProcessEvent e) => Decide(e).Status;

    /// <summary>Runs the attached programs for a process creation; returns the status and the program that set it.</summary>
    public unsafe ProcessVerdict Decide(ProcessEvent e)
    {
        if (e.Operation != ProcessOperation.Create) throw new ArgumentException("A creation verdict needs a Create event.", nameof(e));
        using var ctx = ProcessContextFactory.FromEvent(e);
        uint status = 0;
        string? decidedBy = null;
        int ran = Invoke(ctx.Context, (link, r0) =>
        {
            status = (uint)r0;
            if (status == 0) return true;
            decidedBy = link.Program.Name;
            return false;
        });
        return new ProcessVerdict(status, decidedBy, ran);
    }

    /// <summary>Runs the attached programs for a process exit; returns how many ran.</summary>
    public unsafe int NotifyExit(ProcessEvent e)
    {
        if (e.Operation != ProcessOperation.Delete) throw new ArgumentException("NotifyExit needs a Delete event.", nameof(e));
        using var ctx = ProcessContextFactory.FromEvent(e);
        return Invoke(ctx.Context);
    }

    protected override void OnFirstLinkAttached()
    {
        Volatile.Write(ref _subscribed, 1);
        SubscriptionChanged?.Invoke(true);
    }

    protected override void OnLastLinkDetached()
    {
        Volatile.Write(ref _subscribed, 0);
        SubscriptionChanged?.Invoke(false);
    }
}
