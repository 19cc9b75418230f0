using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Linux;

/// <summary>Per-invocation state the Linux helpers reach through <c>HelperCallContext.State</c>: the tail call requested.</summary>
internal sealed class LinuxXdpInvocation(LinuxXdpObject owner) : ITailCallInvocation
{
    public LinuxXdpObject Owner { get; } = owner;

    // The owner's program arrays by token, kept here so a tail call reaches them with one load fewer.
    private readonly LinuxProgramArray[] _programArrays = owner.ProgramArraysByToken;

    /// <summary>The program array an lddw reference to it (its token) names, or null.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public LinuxProgramArray? ProgramArray(ulong token) => LinuxXdpObject.ProgramArrayByToken(_programArrays, token);
    public LinuxXdpProgram? PendingTailCall;
    public int TailCalls;

    public void SetPendingTailCall(object program) => PendingTailCall = (LinuxXdpProgram)program;
}
