using Ebpf.Platform;

namespace Ebpf.Verifier.Platforms;

/// <summary>
/// A map as the verifier sees it: what lddw's immediate refers to. <see cref="PlatformType"/> is the map type's number
/// in the platform's ABI (whose helper/map-type rules apply); <see cref="Inner"/> describes the values of a map of maps;
/// <see cref="ReadOnly"/>: programs may only read its values (<see cref="MapDefinition.ReadOnlyForPrograms"/>).
/// </summary>
public sealed record MapDescriptor(uint PlatformType, MapValueKind ValueKind, uint KeySize, uint ValueSize, uint MaxEntries,
    MapDescriptor? Inner = null, bool ReadOnly = false)
{
    /// <summary>The descriptor of a map definition, numbered as its ABI numbers it (<see cref="MapDefinition.AbiType"/>).</summary>
    public static MapDescriptor FromDefinition(MapDefinition definition) => new(
        definition.AbiType ?? (uint)definition.Type,
        definition.Type == MapType.ProgArray ? MapValueKind.Programs : definition.IsMapOfMaps ? MapValueKind.Maps : MapValueKind.Data,
        definition.KeySize, definition.ValueSize, definition.MaxEntries,
        definition.InnerMap is null ? null : FromDefinition(definition.InnerMap), definition.ReadOnlyForPrograms);
}
