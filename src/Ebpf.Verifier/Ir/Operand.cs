namespace Ebpf.Verifier.Ir;

/// <summary>The right-hand operand of an ALU operation or comparison: a register or a 64-bit immediate.</summary>
public readonly record struct Operand(bool IsRegister, byte Register, long Immediate)
{
    public static Operand Reg(byte register) => new(true, register, 0);
    public static Operand Imm(long value) => new(false, 0, value);
    public override string ToString() => IsRegister ? $"r{Register}" : Immediate.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
