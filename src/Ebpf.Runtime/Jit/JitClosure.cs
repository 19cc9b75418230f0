using Ebpf.Runtime.Interpretation;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// The objects compiled code reaches through its first argument: helper delegates and helper targets by call site
/// ordinal (IL cannot embed object references), the helper table for callx, and, for relocatable code (a native
/// module's, see <see cref="JitEmitter"/>), the lddw values of this load by slot and the layouts of the array maps
/// its lookups inline (<see cref="ArrayLayoutFields"/> values each: values address, entry size, per-CPU stride).
/// </summary>
internal sealed class JitClosure(HelperFunction[] delegates, object?[] targets, HelperTable helpers, ulong[]? wideValues = null,
    long[]? arrayLayouts = null)
{
    public const int ArrayLayoutFields = 3;

    public readonly HelperFunction[] Delegates = delegates;
    public readonly object?[] Targets = targets;
    public readonly HelperTable Helpers = helpers;
    public readonly ulong[]? WideValues = wideValues;
    public readonly long[]? ArrayLayouts = arrayLayouts;
}
