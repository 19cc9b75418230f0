namespace Ebpf.Verifier.Domains;

/// <summary>
/// The non-numeric part of one register's abstract value: its possible types, which maps it may designate (when a map
/// descriptor: references [<see cref="MapReference"/>, <see cref="LastMapReference"/>]), and the size of the shared
/// region it points into (when a map value pointer). <see cref="Origin"/> (instruction index + 1, or 0) names the
/// helper call that produced a possibly-null pointer, most recently on every path: copies in registers and stack
/// cells with the same origin are the same value, so a null check of one applies to all. <see cref="NumberIsZero"/>:
/// on every path where the register holds a number, that number is 0 (as in <c>p = cond ? data : NULL</c>), so a
/// test against 0 that fails leaves only the pointer types. <see cref="MayBeReadOnly"/>: the shared region it points
/// into may belong to a map programs may only read, so no store may go through it. <see cref="Reference"/>: for a
/// shared pointer, the reference (the acquiring call's origin) whose ring buffer record it points into, 0 when it
/// points into a map value, <see cref="AnyReference"/> when it may be either or several: releasing a reference kills
/// every pointer that may point into its record. On an uninitialized register, the reference whose release killed it.
/// </summary>
public readonly record struct RegisterKind(TypeFlags Types, int MapReference, Interval SharedSize, int MapLast = -1, int Origin = 0,
    bool NumberIsZero = false, ulong MapSet = 0, bool MayBeReadOnly = false, int Reference = 0)
{
    public const int UnknownMap = -1;
    public const int AnyReference = -1;
    private const int MaxMapRange = 256;
    private const TypeFlags MapTypes = TypeFlags.MapFd | TypeFlags.MapFdPrograms | TypeFlags.Shared;

    public int LastMapReference => MapReference == UnknownMap ? UnknownMap : Math.Max(MapReference, MapLast);

    /// <summary>
    /// Which references of the range the register may designate, when the range lies below 64: a join of two
    /// descriptors far apart (two program arrays of one object) does not take in the maps between them. 0: all of it.
    /// </summary>
    public bool MayDesignate(int reference) => MapSet == 0 || reference >= 64 || (MapSet >> reference & 1) != 0;

    private ulong EffectiveMapSet => MapSet != 0 ? MapSet : RangeMask(MapReference, LastMapReference);

    private static ulong RangeMask(int first, int last) =>
        first < 0 || last >= 64 ? 0 : (last == 63 ? ulong.MaxValue : (1UL << (last + 1)) - 1) & ~((1UL << first) - 1);

    public static RegisterKind Uninitialized => new(TypeFlags.Uninitialized, UnknownMap, Interval.Bottom);
    public static RegisterKind Number => new(TypeFlags.Number, UnknownMap, Interval.Bottom);

    public RegisterKind Join(RegisterKind other) => JoinMaps(other) with
    {
        Origin = Origin == other.Origin ? Origin : 0,
        NumberIsZero = NumberPartIsZero && other.NumberPartIsZero,
        MayBeReadOnly = MayBeReadOnly || other.MayBeReadOnly,
        Reference = JoinReference(other),
    };

    private bool PointsIntoShared => (Types & TypeFlags.Shared) != 0;

    /// <summary>A pointer joined with a non-shared value keeps its reference; two shared pointers keep only a common one.</summary>
    private int JoinReference(RegisterKind other) =>
        Reference == other.Reference ? Reference
        : !other.PointsIntoShared && PointsIntoShared ? Reference
        : !PointsIntoShared && other.PointsIntoShared ? other.Reference
        : PointsIntoShared ? AnyReference : 0;

    /// <summary>True when the register may point into the record of reference <paramref name="reference"/>.</summary>
    public bool MayPointInto(int reference) => PointsIntoShared && (Reference == reference || Reference == AnyReference);

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
        if (last - first > MaxMapRange) return new(types, UnknownMap, SharedSize.Join(other.SharedSize));
        ulong set = last < 64 ? EffectiveMapSet | other.EffectiveMapSet : 0;
        return new(types, first, SharedSize.Join(other.SharedSize), last, MapSet: set == RangeMask(first, last) ? 0 : set);
    }

    public bool IsIncludedIn(RegisterKind other) =>
        (other.Origin == 0 || other.Origin == Origin) && (!other.NumberIsZero || NumberPartIsZero) &&
        (!MayBeReadOnly || other.MayBeReadOnly) &&
        (!PointsIntoShared || other.Reference == Reference || other.Reference == AnyReference) && (Types & ~other.Types) == 0 && SharedSize.IsWithin(other.SharedSize) &&
        ((Types & MapTypes) == 0 || other.MapReference == UnknownMap ||
         (MapReference != UnknownMap && other.MapReference <= MapReference && LastMapReference <= other.LastMapReference &&
          (other.MapSet == 0 || (EffectiveMapSet & ~other.MapSet) == 0)));
}
