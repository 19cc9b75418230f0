namespace Ebpf.Verifier.Ir;

/// <summary>One-operand ALU operations: negation and byte-order conversions of 16, 32 or 64 bits.</summary>
public enum UnaryOp : byte
{
    Neg, Be16, Be32, Be64, Le16, Le32, Le64, Swap16, Swap32, Swap64,
}
