using Ebpf.Platform;
using Ebpf.Runtime.Maps;

namespace Ebpf.Runtime.Tests.Maps;

public unsafe class MapOfMapsTests
{
    private static readonly MapDefinition Template = new(MapType.Array, 4, 8, 4);

    [Theory]
    [InlineData(MapType.HashOfMaps)]
    [InlineData(MapType.ArrayOfMaps)]
    public void ProgramLookupReturnsTheInnerMapHandle(MapType type)
    {
        using var outer = MapFactory.Create(new MapDefinition(type, 4, 4, 4, InnerMap: Template), "outer");
        using var inner = MapFactory.Create(Template, "inner");
        inner.Update(Bytes.Of(1u), Bytes.Of(99ul));
        ((MapOfMaps)outer).SetInnerMap(Bytes.Of(2u), inner);
        uint key = 2, missing = 3;
        byte* handle = outer.LookupForProgram((byte*)&key);
        Assert.Equal(inner.Handle, (nint)handle);
        var viaHandle = EbpfMap.FromHandle((nint)handle);
        uint innerKey = 1;
        Assert.Equal(99ul, *(ulong*)viaHandle.LookupForProgram((byte*)&innerKey));
        Assert.True(outer.LookupForProgram((byte*)&missing) == null);
        // User mode sees inner map ids.
        Assert.Equal(inner.Id, Bytes.As<uint>(outer.Lookup(Bytes.Of(2u))));
        Assert.Same(inner, ((MapOfMaps)outer).GetInnerMap(Bytes.Of(2u)));
        Assert.Equal(EbpfResult.ObjectNotFound, outer.TryLookup(Bytes.Of(3u), new byte[4]));
    }

    [Theory]
    [InlineData(MapType.HashOfMaps)]
    [InlineData(MapType.ArrayOfMaps)]
    public void InnerMapsMustMatchTheTemplate(MapType type)
    {
        using var outer = MapFactory.Create(new MapDefinition(type, 4, 4, 4, InnerMap: Template), "outer");
        foreach (var shape in new[]
                 {
                     new MapDefinition(MapType.Hash, 4, 8, 4), new MapDefinition(MapType.Array, 4, 4, 4),
                     new MapDefinition(MapType.Array, 4, 8, 5),
                 })
        {
            using var wrong = MapFactory.Create(shape, "wrong");
            Assert.Equal(EbpfResult.InvalidObject, outer.TryUpdate(Bytes.Of(0u), Bytes.Of(wrong.Id)));
            var error = Assert.Throws<EbpfMapException>(() => ((MapOfMaps)outer).SetInnerMap(Bytes.Of(0u), wrong));
            Assert.Equal(EbpfResult.InvalidObject, error.Result);
            Assert.Contains("does not match the template", error.Message);
        }
        Assert.Equal(EbpfResult.InvalidFd, outer.TryUpdate(Bytes.Of(0u), Bytes.Of(0u)));
    }

    [Theory]
    [InlineData(MapType.HashOfMaps)]
    [InlineData(MapType.ArrayOfMaps)]
    public void ProgramsCannotModifyAndLookupAndDeleteIsUnsupported(MapType type)
    {
        using var outer = MapFactory.Create(new MapDefinition(type, 4, 4, 4, InnerMap: Template), "outer");
        uint key = 0, value = 0;
        Assert.Equal(-(int)EbpfResult.OperationNotSupported, outer.UpdateFromProgram((byte*)&key, (byte*)&value, 0));
        Assert.Equal(-(int)EbpfResult.OperationNotSupported, outer.DeleteFromProgram((byte*)&key));
        Assert.True(outer.LookupAndDeleteFromProgram((byte*)&key) == null);
        Assert.Equal(EbpfResult.OperationNotSupported, outer.TryLookupAndDelete(Bytes.Of(0u), new byte[4]));
    }

    [Fact]
    public void StoredInnerMapsStayAliveUntilRemoved()
    {
        var outer = MapFactory.Create(new MapDefinition(MapType.HashOfMaps, 4, 4, 4, InnerMap: Template), "outer");
        var inner = MapFactory.Create(Template, "inner");
        outer.Update(Bytes.Of(1u), Bytes.Of(inner.Id));
        inner.Dispose();
        Assert.False(inner.IsDisposed);
        Assert.Same(inner, MapRegistry.TryGet(inner.Id));
        outer.Delete(Bytes.Of(1u));
        Assert.True(inner.IsDisposed);
        Assert.Null(MapRegistry.TryGet(inner.Id));

        var second = MapFactory.Create(Template, "second");
        outer.Update(Bytes.Of(1u), Bytes.Of(second.Id));
        second.Dispose();
        outer.Dispose();
        Assert.True(second.IsDisposed);
    }

    [Fact]
    public void AnExistingMapCanServeAsTemplate()
    {
        using var template = MapFactory.Create(new MapDefinition(MapType.Hash, 8, 8, 16), "t");
        using var outer = MapFactory.Create(new MapDefinition(MapType.ArrayOfMaps, 4, 4, 2), "outer", innerMapTemplate: template);
        Assert.Equal(template.Definition, ((MapOfMaps)outer).InnerTemplate);
        Assert.Equal(template.Id, outer.Info.InnerMapId);
        Assert.Equal(new MapInfo(outer.Id, MapType.ArrayOfMaps, 4, 4, 2, 0, "outer", template.Id), outer.Info);
        Assert.Equal(EbpfResult.InvalidArgument, outer.TryUpdate(Bytes.Of(0u), Bytes.Of(template.Id), MapUpdateFlags.NoExist));
        Assert.Equal(EbpfResult.InvalidArgument, outer.TryUpdate(Bytes.Of(2u), Bytes.Of(template.Id)));
        outer.Update(Bytes.Of(1u), Bytes.Of(template.Id));
        Assert.Equal(new uint[] { 0, 1 }, outer.Keys().Select(k => Bytes.As<uint>(k)));
        outer.Delete(Bytes.Of(1u));
        Assert.Equal(EbpfResult.ObjectNotFound, outer.TryLookup(Bytes.Of(1u), new byte[4]));
    }

    [Fact]
    public void InnerMapsReplacedWhileProgramsUseThemStayValidForTheInvocation()
    {
        // The writer keeps swapping in fresh inner maps and dropping its own reference, so each replaced inner map
        // is freed as soon as the epoch allows; readers dereference the handle and the value inside one invocation.
        using var outer = MapFactory.Create(new MapDefinition(MapType.ArrayOfMaps, 4, 4, 1, InnerMap: Template), "outer");
        var stop = System.Diagnostics.Stopwatch.StartNew();
        var duration = TestLimits.StressDuration;
        long generations = 0, reads = 0;
        MapStressTests.RunThreads(3, thread =>
        {
            if (thread == 0)
            {
                for (ulong generation = 1; stop.Elapsed < duration; generation++)
                {
                    var inner = MapFactory.Create(Template, "gen");
                    for (uint i = 0; i < 4; i++) inner.Update(Bytes.Of(i), Bytes.Of(generation));
                    ((MapOfMaps)outer).SetInnerMap(Bytes.Of(0u), inner);
                    inner.Dispose();
                    generations++;
                }
                return;
            }
            while (stop.Elapsed < duration) ReadThroughOuter(outer, ref reads);
        });
        Assert.True(generations > 1);
        Assert.True(reads > 0);
    }

    private static void ReadThroughOuter(EbpfMap outer, ref long reads)
    {
        using var scope = Ebpf.Runtime.Memory.ProgramExecutionScope.Enter();
        uint slot = 0;
        byte* handle = outer.LookupForProgram((byte*)&slot);
        if (handle == null) return;
        var inner = EbpfMap.FromHandle((nint)handle);
        ulong first = 0;
        for (uint i = 0; i < 4; i++)
        {
            ulong value = *(ulong*)inner.LookupForProgram((byte*)&i);
            if (i == 0) first = value;
            Assert.Equal(first, value);
        }
        Assert.NotEqual(0ul, first);
        Interlocked.Increment(ref reads);
    }
}
