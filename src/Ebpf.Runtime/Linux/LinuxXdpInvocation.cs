using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Linux;

/// <summary>Per-invocation state the Linux helpers reach through <c>HelperCallContext.State</c>: the tail call requested.</summary>
internal sealed class LinuxXdpInvocation(LinuxXdpObject owner) : ITailCallInvocation
{
    public LinuxXdpObject Owner { get; } = owner;

    /// <summary>The owner's program arrays by token, kept here so a tail call reaches them with one load fewer.</summary>
    public readonly LinuxProgramArray[] ProgramArrays = owner.ProgramArraysByToken;
    public LinuxXdpProgram? PendingTailCall;
    public int TailCalls;

    public void SetPendingTailCall(object program) => PendingTailCall = (LinuxXdpProgram)program;
}
