namespace Ebpf.Runtime.Interpretation;

/// <summary>Resolves a pseudo lddw to the 64-bit value the program should receive (e.g. a map's address); false if unknown.</summary>
public delegate bool WideImmediateResolver(WideImmediate reference, out ulong value);
