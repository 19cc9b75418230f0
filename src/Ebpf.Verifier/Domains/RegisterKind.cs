namespace Ebpf.Verifier.Domains;

/// <summary>
/// The non-numeric part of one register's abstract value: its possible types, which maps it may designate (when a map
/// descriptor: references [<see cref="MapReference"/>, <see cref="LastMapReference"/>]), and the size of the shared
/// region it points into (when a map value pointer). <see cref="Origin"/> (instruction index + 1, or 0) names the
/// helper call that produced a possibly-null pointer, most recently on every path: copies in registers and stack
/// cells with the same origin are the same value, so a null check of one applies to all. <see cref="NumberIsZero"/>:
/// on every path where the register holds a number, that number is 0 (as in <c>p = cond ? data : NULL</c>), so a
/// test against 0 that fails leaves only the pointer types.
/// </summary>
public readonly record struct RegisterKind(TypeFlags Types, int MapReference, Interval SharedSize, int MapLast = -1, int Origin = 0,
    bool NumberIsZero = false)
{
    public const int UnknownMap = -1;
    private const int MaxMapRange = 256;
    private const TypeFlags MapTypes = TypeFlags.MapFd | TypeFlags.MapFdPrograms | TypeFlags.Shared;

    public int LastMapReference => MapReference == UnknownMap ? UnknownMap : Math.Max(MapReference, MapLast);

    public static RegisterKind Uninitialized => new(TypeFlags.Uninitialized, UnknownMap, Interval.Bottom);
    public static RegisterKind Number => new(TypeFlags.Number, UnknownMap, Interval.Bottom);

    public RegisterKind Join(RegisterKind other) => JoinMaps(other) with
    {
        Origin = Origin == other.Origin ? Origin : 0,
        NumberIsZero = NumberPartIsZero && other.NumberPartIsZero,
    };

    /// <summary>True when no number this register may hold is other than 0 (vacuously, when it holds none).</summary>
    private bool NumberPartIsZero => (Types & TypeFlags.Number) == 0 || NumberIsZero;

    private RegisterKind JoinMaps(RegisterKind other)
    {
        var types = Types | other.Types;
        if ((Types & MapTypes) == 0) return new(types, other.MapReference, SharedSize.Join(other.SharedSize), other.MapLast);
        if ((other.Types & MapTypes) == 0) return new(types, MapReference, SharedSize.Join(other.SharedSize), MapLast);
        if (MapReference == UnknownMap || other.MapReference == UnknownMap) return new(types, UnknownMap, SharedSize.Join(other.SharedSize));
        int first = Math.Min(MapReference, other.MapReference);
        int last = Math.Max(LastMapReference, other.LastMapReference);
        return last - first > MaxMapRange
            ? new(types, UnknownMap, SharedSize.Join(other.SharedSize))
            : new(types, first, SharedSize.Join(other.SharedSize), last);
    }

    public bool IsIncludedIn(RegisterKind other) =>
        (other.Origin == 0 || other.Origin == Origin) && (!other.NumberIsZero || NumberPartIsZero) && (Types & ~other.Types) == 0 && SharedSize.IsWithin(other.SharedSize) &&
        ((Types & MapTypes) == 0 || other.MapReference == UnknownMap ||
         (MapReference != UnknownMap && other.MapReference <= MapReference && LastMapReference <= other.LastMapReference));
}
