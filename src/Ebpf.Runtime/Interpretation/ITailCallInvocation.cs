namespace Ebpf.Runtime.Interpretation;

/// <summary>
/// Invocation state (<see cref="HelperCallContext.State"/>) that keeps the tail call a run ended with, for the invoker
/// to run next. A tail-call helper records the call in the run's <see cref="HelperCallContext"/> only: a JIT executor
/// enters a JIT target itself (without returning to the invoker, and without writing here); a run that ends with the
/// call still pending publishes it through <see cref="SetPendingTailCall"/>.
/// </summary>
internal interface ITailCallInvocation
{
    /// <summary>The run ended with a tail call to <paramref name="program"/> still to run.</summary>
    void SetPendingTailCall(object program);
}
