using Ebpf.Runtime.Extensions;

namespace Ebpf.Runtime.Programs;

/// <summary>
/// A program bound to the provider that currently serves its type: the helpers resolved against that provider
/// and the executor built with them. Replaced as a whole when the provider leaves or returns.
/// </summary>
internal sealed class ProgramBinding(IProgramInformationProvider provider, IProgramExecutor executor)
{
    public IProgramInformationProvider Provider { get; } = provider;
    public IProgramExecutor Executor { get; } = executor;

    /// <summary>The executor when it is JIT-compiled code: invocations call it directly, not through the interface.</summary>
    public Jit.JitExecutor? Jit { get; } = executor as Jit.JitExecutor;
}
