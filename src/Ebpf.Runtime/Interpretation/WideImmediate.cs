namespace Ebpf.Runtime.Interpretation;

/// <summary>An lddw with a pseudo source (src != 0) as found at load time: map fd/index, map value, function, BTF id.</summary>
public readonly record struct WideImmediate(int Index, byte Dst, byte Source, int Imm, int NextImm);

/// <summary>Resolves a pseudo lddw to the 64-bit value the program should receive (e.g. a map's address); false if unknown.</summary>
public delegate bool WideImmediateResolver(WideImmediate reference, out ulong value);
