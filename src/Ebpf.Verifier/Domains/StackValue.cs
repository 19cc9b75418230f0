namespace Ebpf.Verifier.Domains;

/// <summary>
/// A register's abstract value saved in a stack cell: kind, signed and unsigned value, and offset (for pointers),
/// non-relationally except for one relation: <see cref="OffsetMinusPacketSize"/>, the offset's distance from the
/// packet's end (null when unknown). Clang spills data_end and checked packet pointers under register pressure;
/// keeping that distance lets a bounds check made before the spill still hold after the fill (cells holding packet
/// pointers are forgotten when a helper moves the packet, so packet_size cannot change under them).
/// Filling a register from an exactly matching cell restores it.
/// </summary>
public readonly record struct StackValue(RegisterKind Kind, Interval SValue, Interval UValue, Interval Offset, Interval? OffsetMinusPacketSize = null)
{
    public StackValue Join(StackValue other)
    {
        // A number's offset means nothing: joined with a pointer, the pointer's offset (and distance) stands.
        bool mineIsNumber = Kind.Types == TypeFlags.Number, theirsIsNumber = other.Kind.Types == TypeFlags.Number;
        var (offset, distance) = mineIsNumber == theirsIsNumber
            ? (Offset.Join(other.Offset), OffsetMinusPacketSize is { } a && other.OffsetMinusPacketSize is { } b ? a.Join(b) : (Interval?)null)
            : mineIsNumber ? (other.Offset, other.OffsetMinusPacketSize) : (Offset, OffsetMinusPacketSize);
        return new(Kind.Join(other.Kind), SValue.Join(other.SValue), UValue.Join(other.UValue), offset, distance);
    }

    public bool IsIncludedIn(StackValue other) =>
        Kind.IsIncludedIn(other.Kind) && SValue.IsWithin(other.SValue) && UValue.IsWithin(other.UValue) &&
        (Kind.Types == TypeFlags.Number || // a number's offset means nothing
         Offset.IsWithin(other.Offset) &&
         (other.OffsetMinusPacketSize is not { } theirs || OffsetMinusPacketSize is { } ours && ours.IsWithin(theirs)));
}
