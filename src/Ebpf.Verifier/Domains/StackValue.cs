namespace Ebpf.Verifier.Domains;

/// <summary>
/// A register's abstract value saved in a stack cell, non-relationally: kind, signed and unsigned value, and offset
/// (for pointers). Filling a register from an exactly matching cell restores it.
/// </summary>
public readonly record struct StackValue(RegisterKind Kind, Interval SValue, Interval UValue, Interval Offset)
{
    public StackValue Join(StackValue other) =>
        new(Kind.Join(other.Kind), SValue.Join(other.SValue), UValue.Join(other.UValue), Offset.Join(other.Offset));

    public bool IsIncludedIn(StackValue other) =>
        Kind.IsIncludedIn(other.Kind) && SValue.IsWithin(other.SValue) && UValue.IsWithin(other.UValue) && Offset.IsWithin(other.Offset);
}
