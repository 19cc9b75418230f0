namespace Ebpf.Verifier.Domains;

/// <summary>
/// A register's abstract value saved in a stack cell: kind, signed and unsigned value, and offset (for pointers),
/// non-relationally except for one relation: <see cref="OffsetMinusPacketSize"/>, the offset's distance from the
/// packet's end (null when unknown). Clang spills data_end and checked packet pointers under register pressure;
/// keeping that distance lets a bounds check made before the spill still hold after the fill (cells holding packet
/// pointers are forgotten when a helper moves the packet, so packet_size cannot change under them).
/// <see cref="OffsetMinusSharedSize"/> does the same for a map value pointer joined from maps of different sizes.
/// Filling a register from an exactly matching cell restores it.
/// </summary>
public readonly record struct StackValue(RegisterKind Kind, Interval SValue, Interval UValue, Interval Offset, Interval? OffsetMinusPacketSize = null,
    Interval? OffsetMinusSharedSize = null)
{
    public StackValue Join(StackValue other)
    {
        // A number's offset means nothing: joined with a pointer, the pointer's offset (and distance) stands.
        bool mineIsNumber = Kind.Types == TypeFlags.Number, theirsIsNumber = other.Kind.Types == TypeFlags.Number;
        var (offset, distance, room) = mineIsNumber == theirsIsNumber
            ? (Offset.Join(other.Offset), JoinDistance(OffsetMinusPacketSize, other.OffsetMinusPacketSize),
                JoinDistance(OffsetMinusSharedSize, other.OffsetMinusSharedSize))
            : mineIsNumber ? (other.Offset, other.OffsetMinusPacketSize, other.OffsetMinusSharedSize)
                : (Offset, OffsetMinusPacketSize, OffsetMinusSharedSize);
        return new(Kind.Join(other.Kind), SValue.Join(other.SValue), UValue.Join(other.UValue), offset, distance, room);
    }

    private static Interval? JoinDistance(Interval? a, Interval? b) => a is { } x && b is { } y ? x.Join(y) : null;

    private static bool DistanceIsWithin(Interval? mine, Interval? theirs) => theirs is not { } t || mine is { } m && m.IsWithin(t);

    public bool IsIncludedIn(StackValue other) =>
        Kind.IsIncludedIn(other.Kind) && SValue.IsWithin(other.SValue) && UValue.IsWithin(other.UValue) &&
        (Kind.Types == TypeFlags.Number || // a number's offset means nothing
         Offset.IsWithin(other.Offset) &&
         DistanceIsWithin(OffsetMinusPacketSize, other.OffsetMinusPacketSize) && DistanceIsWithin(OffsetMinusSharedSize, other.OffsetMinusSharedSize));
}
