namespace Ebpf.Verifier.Domains;

/// <summary>
/// The non-numeric part of one register's abstract value: its possible types, which maps it may designate (when a map
/// descriptor: references [<see cref="MapReference"/>, <see cref="LastMapReference"/>]), and the size of the shared
/// region it points into (when a map value pointer).
/// </summary>
public readonly record struct RegisterKind(TypeFlags Types, int MapReference, Interval SharedSize, int MapLast = -1)
{
    public const int UnknownMap = -1;
    private const int MaxMapRange = 256;
    private const TypeFlags MapTypes = TypeFlags.MapFd | TypeFlags.MapFdPrograms | TypeFlags.Shared;

    public int LastMapReference => MapReference == UnknownMap ? UnknownMap : Math.Max(MapReference, MapLast);

    public static RegisterKind Uninitialized => new(TypeFlags.Uninitialized, UnknownMap, Interval.Bottom);
    public static RegisterKind Number => new(TypeFlags.Number, UnknownMap, Interval.Bottom);

    public RegisterKind Join(RegisterKind other)
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
        (Types & ~other.Types) == 0 && SharedSize.IsWithin(other.SharedSize) &&
        ((Types & MapTypes) == 0 || other.MapReference == UnknownMap ||
         (MapReference != UnknownMap && other.MapReference <= MapReference && LastMapReference <= other.LastMapReference));
}
