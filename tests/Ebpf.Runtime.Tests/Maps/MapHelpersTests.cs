using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Tests.Maps;

public unsafe class MapHelpersTests
{
    [Fact]
    public void RegisterFormHelpersGoThroughTheMapHandle()
    {
        using var hash = MapFactory.Create(new MapDefinition(MapType.Hash, 4, 8, 2), "h");
        using var queue = MapFactory.Create(new MapDefinition(MapType.Queue, 0, 8, 2), "q");
        using var ring = MapFactory.Create(new MapDefinition(MapType.Ringbuf, 0, 0, 4096), "r");
        using var scope = ProgramExecutionScope.Enter();
        ulong h = (ulong)hash.Handle, q = (ulong)queue.Handle, r = (ulong)ring.Handle;
        uint key = 5;
        ulong value = 50, output = 0;
        Assert.Equal(0ul, MapHelpers.MapLookupElem(h, (ulong)&key));
        Assert.Equal(0ul, MapHelpers.MapUpdateElem(h, (ulong)&key, (ulong)&value, 0));
        Assert.Equal(unchecked((ulong)-8L), MapHelpers.MapUpdateElem(h, (ulong)&key, (ulong)&value, 1));
        Assert.Equal(50ul, *(ulong*)MapHelpers.MapLookupElem(h, (ulong)&key));
        Assert.Equal(50ul, *(ulong*)MapHelpers.MapLookupAndDeleteElem(h, (ulong)&key));
        Assert.Equal(unchecked((ulong)-19L), MapHelpers.MapDeleteElem(h, (ulong)&key));

        Assert.Equal(unchecked((ulong)-7L), MapHelpers.MapPeekElem(q, (ulong)&output));
        Assert.Equal(0ul, MapHelpers.MapPushElem(q, (ulong)&value, 0));
        Assert.Equal(0ul, MapHelpers.MapPeekElem(q, (ulong)&output));
        Assert.Equal(0ul, MapHelpers.MapPopElem(q, (ulong)&output));
        Assert.Equal(50ul, output);

        Assert.Equal(0ul, MapHelpers.RingbufOutput(r, (ulong)&value, 8, 0));
        Assert.Equal(unchecked((ulong)-6L), MapHelpers.RingbufOutput(h, (ulong)&value, 8, 0));
        Assert.Equal(1, ((RingBufferMap)ring).Consume(record => Assert.Equal(50ul, BitConverter.ToUInt64(record))));
    }

    [Fact]
    public void ResultCodesMatchTheFactsSheet()
    {
        Assert.Equal(35, Enum.GetValues<EbpfResult>().Length);
        Assert.Equal(Enumerable.Range(0, 35), Enum.GetValues<EbpfResult>().Select(r => (int)r));
        Assert.Equal(29, (int)EbpfResult.OutOfSpace);
        Assert.Equal(25, (int)EbpfResult.NoMoreKeys);
        Assert.Equal("EBPF_OBJECT_ALREADY_EXISTS (8)", EbpfException.Describe(EbpfResult.ObjectAlreadyExists));
        Assert.Equal("EBPF_INVALID_FD (4)", EbpfException.Describe(EbpfResult.InvalidFd));
    }
}
