using Ebpf.Runtime.Extensions;

namespace Ebpf.Runtime.Programs;

/// <summary>
/// A program bound to the provider that currently serves its type: the helpers resolved against that provider
/// and the executor built with them. Replaced as a whole when the provider leaves or returns.
/// </summary>
internal sealed class ProgramBinding(IProgramInformationProvider provider, IProgramExecutor executor, bool needsInvocationScope = true)
{
    public IProgramInformationProvider Provider { get; } = provider;
    public IProgramExecutor Executor { get; } = executor;

    /// <summary>The executor when it is JIT-compiled code: invocations call it directly, not through the interface.</summary>
    public Jit.JitExecutor? Jit { get; } = executor as Jit.JitExecutor;

    /// <summary>
    /// The compiled code when an invocation may run it from the invoker's frame with nothing around it: a program that
    /// needs no invocation scope (<see cref="EbpfProgram.NeedsInvocationScope"/>) and no stack. The program keeps a copy,
    /// which its invocations read.
    /// </summary>
    public readonly Jit.JitEntry? Unscoped = needsInvocationScope ? null : (executor as Jit.JitExecutor)?.CallerFrameEntry;
}
