namespace Ebpf.Platform;

/// <summary>
/// The limits one map type puts on a definition: key and value sizes, max_entries, the map_flags bits it takes
/// (and those it requires), and its traits. A row of a <see cref="MapTypeTable"/>.
/// </summary>
public sealed record MapTypeRule(uint Number, string Name, MapSizeRange Key, MapSizeRange Value,
    MapEntriesRule Entries = MapEntriesRule.Positive, uint AllowedFlags = 0, uint RequiredFlags = 0,
    MapTypeTraits Traits = MapTypeTraits.None)
{
    public bool Has(MapTypeTraits trait) => (Traits & trait) == trait;
}
