namespace Ebpf.Runtime.Interpretation;

/// <summary>An lddw with a pseudo source (src != 0) as found at load time: map fd/index, map value, function, BTF id.</summary>
public readonly record struct WideImmediate(int Index, byte Dst, byte Source, int Imm, int NextImm);
