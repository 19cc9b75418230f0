namespace Ebpf.Verifier.Domains;

/// <summary>
/// The non-numeric part of one register's abstract value: its possible types, which map it designates (when a map
/// descriptor), and the size of the shared region it points into (when a map value pointer).
/// </summary>
public readonly record struct RegisterKind(TypeFlags Types, int MapReference, Interval SharedSize)
{
    public const int UnknownMap = -1;

    public static RegisterKind Uninitialized => new(TypeFlags.Uninitialized, UnknownMap, Interval.Bottom);
    public static RegisterKind Number => new(TypeFlags.Number, UnknownMap, Interval.Bottom);

    public RegisterKind Join(RegisterKind other)
    {
        var types = Types | other.Types;
        int map = (Types & (TypeFlags.MapFd | TypeFlags.MapFdPrograms | TypeFlags.Shared)) == 0 ? other.MapReference
            : (other.Types & (TypeFlags.MapFd | TypeFlags.MapFdPrograms | TypeFlags.Shared)) == 0 ? MapReference
            : MapReference == other.MapReference ? MapReference : UnknownMap;
        return new(types, map, SharedSize.Join(other.SharedSize));
    }

    public bool IsIncludedIn(RegisterKind other) =>
        (Types & ~other.Types) == 0 && SharedSize.IsWithin(other.SharedSize) &&
        ((Types & (TypeFlags.MapFd | TypeFlags.MapFdPrograms | TypeFlags.Shared)) == 0 || other.MapReference == UnknownMap || other.MapReference == MapReference);
}
