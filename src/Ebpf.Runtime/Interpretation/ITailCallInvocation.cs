namespace Ebpf.Runtime.Interpretation;

/// <summary>
/// Invocation state (<see cref="HelperCallContext.State"/>) whose tail-call helper records a pending tail call for
/// the invoker to run. An executor that enters the target itself (the JIT, which jumps from program to program
/// without returning to the invoker) tells the state so, and the call is no longer pending.
/// </summary>
internal interface ITailCallInvocation
{
    /// <summary>The pending tail call has started: it becomes the running program and nothing is pending.</summary>
    void TailCallStarted();
}
