using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Linux;

/// <summary>Per-invocation state the Linux helpers reach through <c>HelperCallContext.State</c>: the tail call requested.</summary>
internal sealed class LinuxXdpInvocation(LinuxXdpObject owner) : ITailCallInvocation
{
    public LinuxXdpObject Owner { get; } = owner;
    public LinuxXdpProgram? PendingTailCall;
    public int TailCalls;

    public void SetPendingTailCall(object program) => PendingTailCall = (LinuxXdpProgram)program;
}
