using System.Reflection;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// What <see cref="JitEmitter"/> wrote: the entry method (signature of <see cref="JitEntry"/> with the closure first),
/// every method (the functions' entry methods first, in function order, then regions), the closure they run with, the
/// IL bytes of all, the number of loops run as block operations, per function the largest counts of any one of its methods and, for a function written as one
/// method, the counts before each of its instructions (indexed from the function's start; the last at its end).
/// </summary>
internal sealed record JitEmission(MethodInfo Entry, IReadOnlyList<MethodInfo> Methods, JitClosure Closure, int IlSize, IlCounts[] Largest,
    IlCounts[]?[] CostBefore, int LoopIdioms, int FloorLog2s);
