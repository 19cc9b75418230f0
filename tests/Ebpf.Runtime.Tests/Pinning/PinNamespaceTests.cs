using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Pinning;

using Ebpf.Runtime.Tests.Maps;

namespace Ebpf.Runtime.Tests.Pinning;

public class PinNamespaceTests
{
    [Fact]
    public void PinGetUnpinAcrossPathForms()
    {
        var pins = new PinNamespace();
        var target = new object();
        pins.Pin("/sys/fs/bpf/prog", target);
        Assert.Same(target, pins.TryGet("BPF:\\sys\\fs\\bpf\\prog"));
        Assert.Same(target, pins.Get<object>("BPF:/sys/fs/bpf/./prog"));
        Assert.Equal(EbpfResult.ObjectAlreadyExists, pins.TryPin("BPF:\\sys\\fs\\bpf\\prog", new object()));
        var taken = Assert.Throws<EbpfException>(() => pins.Pin("sys/fs/bpf/prog", new object()));
        Assert.Equal(EbpfResult.ObjectAlreadyExists, taken.Result);
        Assert.Equal(EbpfResult.InvalidArgument, pins.TryPin("../x", new object()));
        Assert.Equal(EbpfResult.Success, pins.TryUnpin("sys\\fs\\bpf\\prog"));
        Assert.Equal(EbpfResult.ObjectNotFound, pins.TryUnpin("sys\\fs\\bpf\\prog"));
        Assert.Equal(EbpfResult.ObjectNotFound, Assert.Throws<EbpfException>(() => pins.Get<object>("sys/fs/bpf/prog")).Result);
        Assert.Null(pins.TryGet("sys/fs/bpf/prog"));
    }

    [Fact]
    public void GetOfTheWrongKindIsInvalidObject()
    {
        var pins = new PinNamespace();
        pins.Pin("x", "a string");
        Assert.Equal(EbpfResult.InvalidObject, Assert.Throws<EbpfException>(() => pins.Get<EbpfMap>("x")).Result);
    }

    [Fact]
    public void EnumerationIsOrderedAndGetNextPathWalksIt()
    {
        var pins = new PinNamespace();
        foreach (var path in new[] { "b", "a/z", "a", "B", "c\\d" }) pins.Pin(path, path);
        var expected = new[] { "BPF:\\B", "BPF:\\a", "BPF:\\a\\z", "BPF:\\b", "BPF:\\c\\d" };
        Assert.Equal(expected, pins.Enumerate().Select(p => p.Key));
        var walked = new List<string>();
        for (string? path = pins.GetNextPath(null); path is not null; path = pins.GetNextPath(path)) walked.Add(path);
        Assert.Equal(expected, walked);
        Assert.Equal("BPF:\\a\\z", pins.GetNextPath("a/b"));
    }

    [Fact]
    public void PinsKeepMapsAlive()
    {
        var pins = new PinNamespace();
        var map = MapFactory.Create(new MapDefinition(MapType.Array, 4, 4, 1), "pinned");
        pins.Pin("maps/pinned", map);
        map.Dispose();
        Assert.False(map.IsDisposed);
        Assert.Same(map, pins.Get<EbpfMap>("maps/pinned"));
        pins.Unpin("maps/pinned");
        Assert.True(map.IsDisposed);
        Assert.Equal(EbpfResult.InvalidObject, pins.TryPin("again", map));
    }

    [Fact]
    public void PinByNameReusesACompatibleMap()
    {
        var pins = new PinNamespace();
        var definition = new MapDefinition(MapType.Hash, 4, 8, 16, Pinning: PinningType.ByName);
        var first = MapFactory.CreateOrReusePinned(definition, "counters", pins, out bool reused);
        Assert.False(reused);
        Assert.Same(first, pins.Get<EbpfMap>("BPF:\\counters"));
        first.Update(Bytes.Of(1u), Bytes.Of(5ul));
        var second = MapFactory.CreateOrReusePinned(definition, "counters", pins, out reused);
        Assert.True(reused);
        Assert.Same(first, second);
        Assert.Equal(5ul, Bytes.As<ulong>(second.Lookup(Bytes.Of(1u))));
        first.Dispose();
        second.Release();
        Assert.False(first.IsDisposed);
        pins.Unpin("counters");
        Assert.True(first.IsDisposed);
    }

    [Fact]
    public void PinByNameRefusesAnIncompatibleMapAndSaysWhatDiffers()
    {
        var pins = new PinNamespace();
        var definition = new MapDefinition(MapType.Hash, 4, 8, 16, Pinning: PinningType.ByName);
        using var first = MapFactory.CreateOrReusePinned(definition, "m", pins, out _);
        var error = Assert.Throws<EbpfMapException>(() =>
            MapFactory.CreateOrReusePinned(definition with { KeySize = 8, MaxEntries = 32 }, "m", pins, out _));
        Assert.Equal(EbpfResult.InvalidArgument, error.Result);
        Assert.Contains("key_size 4 vs 8", error.Message);
        Assert.Contains("max_entries 16 vs 32", error.Message);
        Assert.DoesNotContain("value_size", error.Message);

        pins.Pin("notamap", new object());
        var wrongKind = Assert.Throws<EbpfMapException>(() => MapFactory.CreateOrReusePinned(definition, "notamap", pins, out _));
        Assert.Equal(EbpfResult.InvalidObject, wrongKind.Result);
    }

    [Fact]
    public void PinByNameComparesInnerMapTemplates()
    {
        var pins = new PinNamespace();
        var inner = new MapDefinition(MapType.Array, 4, 4, 8);
        var definition = new MapDefinition(MapType.ArrayOfMaps, 4, 4, 2, Pinning: PinningType.ByName, InnerMap: inner);
        using var first = MapFactory.CreateOrReusePinned(definition, "outer", pins, out _);
        var error = Assert.Throws<EbpfMapException>(() =>
            MapFactory.CreateOrReusePinned(definition with { InnerMap = inner with { MaxEntries = 9 } }, "outer", pins, out _));
        Assert.Contains("inner map", error.Message);
    }

    [Fact]
    public void MapsWithoutPinningAreNotPinned()
    {
        var pins = new PinNamespace();
        using var map = MapFactory.CreateOrReusePinned(new MapDefinition(MapType.Array, 4, 4, 1), "plain", pins, out bool reused);
        Assert.False(reused);
        Assert.Equal(0, pins.Count);
    }
}
