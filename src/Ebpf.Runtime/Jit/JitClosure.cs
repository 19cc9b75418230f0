using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// The objects compiled code reaches through its first argument: helper delegates and helper targets by call site
/// ordinal (IL cannot embed object references), and the helper table for callx.
/// </summary>
internal sealed class JitClosure(HelperFunction[] delegates, object?[] targets, HelperTable helpers)
{
    public readonly HelperFunction[] Delegates = delegates;
    public readonly object?[] Targets = targets;
    public readonly HelperTable Helpers = helpers;
}
