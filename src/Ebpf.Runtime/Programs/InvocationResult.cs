using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Programs;

/// <summary>The outcome of one invocation: whether the program ran, and its r0 when it did.</summary>
public readonly record struct InvocationResult(EbpfResult Result, ulong ReturnValue)
{
    public bool Ran => Result == EbpfResult.Success;

    /// <summary>The invocation was refused because the program's extension is not (or no longer) available.</summary>
    public bool ExtensionUnavailable => Result == EbpfResult.ExtensionFailedToLoad;
}
