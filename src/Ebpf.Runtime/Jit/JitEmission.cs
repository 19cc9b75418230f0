using System.Reflection;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// What <see cref="JitEmitter"/> wrote: the entry method (signature of <see cref="JitEntry"/> with the closure first),
/// every method (the entry first, then the regions), the closure they run with, the IL bytes of all, the largest
/// counts of any one method, and (one-method emission) the counts before each instruction.
/// </summary>
internal sealed record JitEmission(MethodInfo Entry, IReadOnlyList<MethodInfo> Methods, JitClosure Closure, int IlSize, IlCounts Largest,
    IlCounts[]? CostBefore);
