using Ebpf.Platform;

namespace Ebpf.Platform.Tests;

public class MapTypeTableTests
{
    private static readonly MapLimits Limits = new() { ProcessorCount = 4 };

    private static MapDefinitionProblem? Linux(uint type, uint key, uint value, uint entries, uint flags = 0) =>
        MapTypeTable.Linux.Check(type, new MapDefinition(MapType.Unspecified, key, value, entries, flags), Limits);

    private static MapDefinitionProblem? Windows(MapType type, uint key, uint value, uint entries) =>
        MapTypeTable.Windows.Check((uint)type, new MapDefinition(type, key, value, entries), Limits);

    [Theory]
    [InlineData(1u, 4u, 8u, 1024u, 0u)]                // HASH
    [InlineData(2u, 4u, 1u << 28, 1u, 0u)]             // ARRAY: large values (up to INT_MAX, under the ceiling)
    [InlineData(6u, 4u, 32768u, 16u, 0u)]              // PERCPU_ARRAY: up to PCPU_MIN_UNIT_SIZE
    [InlineData(11u, 8u, 4u, 16u, 1u)]                 // LPM_TRIE with BPF_F_NO_PREALLOC
    [InlineData(4u, 4u, 4u, 0u, 0u)]                   // PERF_EVENT_ARRAY: 0 entries is one per CPU
    [InlineData(27u, 0u, 0u, 1u << 16, 0u)]            // RINGBUF
    [InlineData(19u, 8u, 16u, 0u, 0u)]                 // CGROUP_STORAGE: max_entries 0
    [InlineData(9u, 16u, 64u, 100u, 2u)]               // LRU_HASH with NO_COMMON_LRU
    public void LinuxDefinitionsTheKernelAcceptsPass(uint type, uint key, uint value, uint entries, uint flags) =>
        Assert.Null(Linux(type, key, value, entries, flags));

    [Theory]
    [InlineData(6u, 4u, 2147483656u, 1u, 0u, "value_size")]   // issue 20: per-CPU value at 2^31
    [InlineData(6u, 4u, 32769u, 1u, 0u, "value_size")]
    [InlineData(1u, 513u, 8u, 1u, 0u, "key_size")]            // above MAX_BPF_STACK
    [InlineData(2u, 8u, 8u, 1u, 0u, "key_size")]
    [InlineData(2u, 4u, 0u, 1u, 0u, "value_size")]
    [InlineData(1u, 4u, 8u, 0u, 0u, "max_entries")]
    [InlineData(11u, 8u, 4u, 16u, 0u, "map_flags")]           // LPM needs BPF_F_NO_PREALLOC
    [InlineData(9u, 4u, 4u, 16u, 1u, "map_flags")]            // LRU takes no NO_PREALLOC
    [InlineData(2u, 4u, 4u, 16u, 8u | 16u, "map_flags")]      // read-only and write-only
    [InlineData(3u, 4u, 4u, 16u, 128u, "map_flags")]          // program arrays take no program-side access flags
    [InlineData(27u, 0u, 0u, 12288u, 0u, "max_entries")]      // ring not a power of two
    [InlineData(19u, 8u, 16u, 1u, 0u, "max_entries")]         // storage takes 0
    [InlineData(0u, 4u, 4u, 1u, 0u, "type")]
    [InlineData(100u, 4u, 4u, 1u, 0u, "type")]
    [InlineData(2u, 4u, 1u << 30, 64u, 0u, "max_entries")]    // 64 GiB: above the ceiling
    public void LinuxDefinitionsTheKernelRefusesNameTheField(uint type, uint key, uint value, uint entries, uint flags, string field) =>
        Assert.Equal(field, Linux(type, key, value, entries, flags)?.Field);

    [Fact]
    public void ProductsAreCheckedIn64BitsAndAgainstTheCeiling()
    {
        // 2^32-1 entries of 2^31 bytes on 2^16 processors overflows 64 bits.
        var overflow = new MapTypeTable("test", [new MapTypeRule(1, "WIDE", new(0, uint.MaxValue), new(0, uint.MaxValue), Traits: MapTypeTraits.PerCpu)])
            .Check(1, new MapDefinition(MapType.Unspecified, 8, 1u << 31, uint.MaxValue), new MapLimits { ProcessorCount = 1 << 16 });
        Assert.Equal("max_entries", overflow?.Field);
        Assert.True(overflow!.TooLarge);
        Assert.Contains("overflow", overflow.Reason);

        var definition = new MapDefinition(MapType.PercpuArray, 4, 1024, 1024); // 1 MiB per processor
        Assert.Null(MapTypeTable.Windows.Check((uint)MapType.PercpuArray, definition, new MapLimits { ProcessorCount = 4 }));
        var above = MapTypeTable.Windows.Check((uint)MapType.PercpuArray, definition, new MapLimits { ProcessorCount = 4, MemoryCeiling = 3 << 20 });
        Assert.True(above?.TooLarge);
        Assert.Contains("4 processors", above!.Reason);
    }

    [Theory]
    [InlineData(MapType.PercpuArray, 4u, 2147483656u, 1u, "value_size")]
    [InlineData(MapType.Array, 8u, 4u, 1u, "key_size")]
    [InlineData(MapType.Queue, 4u, 4u, 1u, "key_size")]
    [InlineData(MapType.Hash, 4u, 0u, 1u, "value_size")]
    [InlineData(MapType.ProgArray, 4u, 8u, 1u, "value_size")]
    [InlineData(MapType.Ringbuf, 0u, 0u, 2048u, "max_entries")]
    [InlineData((MapType)100, 4u, 4u, 1u, "type")]
    public void WindowsDefinitionsUpstreamRefusesNameTheField(MapType type, uint key, uint value, uint entries, string field) =>
        Assert.Equal(field, Windows(type, key, value, entries)?.Field);

    [Fact]
    public void WindowsIgnoresFlagsAndLinuxChecksThem()
    {
        // An LPM trie declared the libbpf way, with BPF_F_NO_PREALLOC: upstream keeps no flags; Linux requires this one.
        Assert.Null(MapTypeTable.Windows.Check((uint)MapType.LpmTrie, new MapDefinition(MapType.LpmTrie, 8, 4, 16, Flags: 1), Limits));
        Assert.Null(Linux(11, 8, 4, 16, 1));
        Assert.Equal("map_flags", Linux(11, 8, 4, 16, 0x8000_0000)?.Field);
    }

    [Fact]
    public void InnerTemplatesAreRequiredOnMapsOfMapsOnlyAndNestOneLevel()
    {
        var array = new MapDefinition(MapType.Array, 4, 4, 1);
        var outer = new MapDefinition(MapType.ArrayOfMaps, 4, 4, 1);
        var table = MapTypeTable.Windows;
        Assert.Null(table.CheckTemplate((uint)MapType.ArrayOfMaps, (uint)MapType.Array, array, Limits));
        Assert.Equal("values", table.CheckTemplate((uint)MapType.ArrayOfMaps, null, null, Limits)?.Field);
        Assert.Contains("nest one level", table.CheckTemplate((uint)MapType.ArrayOfMaps, (uint)MapType.ArrayOfMaps, outer, Limits)!.Reason);
        Assert.Contains("take no inner-map template", table.CheckTemplate((uint)MapType.Hash, (uint)MapType.Array, array, Limits)!.Reason);
        var badInner = table.CheckTemplate((uint)MapType.HashOfMaps, (uint)MapType.Array, array with { KeySize = 8 }, Limits, "inner_id");
        Assert.Equal("inner map key_size", badInner?.Field);
    }

    [Fact]
    public void NamesFollowEachAbi()
    {
        Assert.Equal("PERCPU_ARRAY", MapTypeTable.Linux.NameOf(6));
        Assert.Equal("HASH_OF_MAPS", MapTypeTable.Windows.NameOf(6));
        Assert.Equal("LRU_PERCPU_HASH", MapTypeTable.Windows.NameOf((uint)MapType.LruPercpuHash));
        Assert.Equal("unknown 100", MapTypeTable.Linux.NameOf(100));
    }
}
