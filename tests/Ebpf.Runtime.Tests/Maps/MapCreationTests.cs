using Ebpf.Platform;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Tests.Maps;

public class MapCreationTests
{
    public static TheoryData<MapType, uint, uint, uint> InvalidShapes => new()
    {
        { MapType.Hash, 4, 8, 0 },
        { MapType.Hash, 0, 8, 4 },
        { MapType.Hash, 4, 0, 4 },
        { MapType.Array, 8, 8, 4 },
        { MapType.PercpuHash, 0, 4, 4 },
        { MapType.LpmTrie, 3, 4, 4 },
        { MapType.Queue, 4, 4, 4 },
        { MapType.Stack, 0, 0, 4 },
        { MapType.ProgArray, 4, 8, 4 },
        { MapType.Ringbuf, 0, 0, 4096 * 3 },
        { MapType.Ringbuf, 0, 0, 2048 },
        { MapType.PerfEventArray, 4, 0, 4096 },
        { (MapType)16, 4, 4, 4 },
    };

    [Theory]
    [MemberData(nameof(InvalidShapes))]
    public void InvalidShapesAreInvalidArguments(MapType type, uint keySize, uint valueSize, uint maxEntries)
    {
        var error = Assert.Throws<EbpfMapException>(() => MapFactory.Create(new MapDefinition(type, keySize, valueSize, maxEntries), "bad"));
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
        Assert.Contains("'bad'", error.Message);
    }

    [Theory]
    [InlineData(MapType.Array)]
    [InlineData(MapType.PercpuArray)]
    [InlineData(MapType.Queue)]
    public void OversizedStorageIsAnArithmeticOverflow(MapType type)
    {
        uint keySize = type == MapType.Queue ? 0u : 4u;
        var error = Assert.Throws<EbpfMapException>(() => MapFactory.Create(new MapDefinition(type, keySize, 1 << 20, 1 << 20), "huge"));
        Assert.Equal(EbpfResult.ArithmeticOverflow, error.Result);
        Assert.Contains("'huge'", error.Message);
    }

    [Fact]
    public void NamesMustBeShorterThan64Characters()
    {
        using var ok = MapFactory.Create(new MapDefinition(MapType.Hash, 4, 4, 1), new string('n', 63));
        var error = Assert.Throws<EbpfMapException>(() => MapFactory.Create(new MapDefinition(MapType.Hash, 4, 4, 1), new string('n', 64)));
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
    }

    [Fact]
    public void PlainMapsRejectAnInnerMapTemplate()
    {
        var inner = new MapDefinition(MapType.Array, 4, 4, 1);
        var error = Assert.Throws<EbpfMapException>(() => MapFactory.Create(new MapDefinition(MapType.Hash, 4, 4, 1, InnerMap: inner), "x"));
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
    }

    [Fact]
    public void MapInMapWithoutTemplateIsInvalidFd()
    {
        var error = Assert.Throws<EbpfMapException>(() => MapFactory.Create(new MapDefinition(MapType.HashOfMaps, 4, 4, 1), "x"));
        Assert.Equal(EbpfResult.InvalidFd, error.Result);
    }

    [Fact]
    public void HandlesAndIdsLeadBackToTheMap()
    {
        var map = MapFactory.Create(new MapDefinition(MapType.Hash, 4, 4, 1), "h");
        Assert.Same(map, EbpfMap.FromHandle(map.Handle));
        Assert.Same(map, EbpfMap.TryFromHandle(map.Handle));
        Assert.Null(EbpfMap.TryFromHandle(0));
        Assert.Same(map, MapRegistry.TryGet(map.Id));
        Assert.Contains(map.Id, MapRegistry.Ids);
        map.Dispose();
        Assert.Null(MapRegistry.TryGet(map.Id));
    }
}
