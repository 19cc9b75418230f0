namespace Ebpf.Verifier.Ir;

/// <summary>Two-operand ALU operations, with signed division and sign-extending moves made explicit.</summary>
public enum BinaryOp : byte
{
    Mov, Add, Sub, Mul, UDiv, UMod, SDiv, SMod, Or, And, Lsh, Rsh, Arsh, Xor, MovSx8, MovSx16, MovSx32,
}
