using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Tests.Maps;

public unsafe class ArrayMapTests
{
    [Fact]
    public void IndexRulesFollowTheFactsSheet()
    {
        using var map = MapFactory.Create(new MapDefinition(MapType.Array, 4, 8, 4), "a");
        Assert.Equal(0ul, Bytes.As<ulong>(map.Lookup(Bytes.Of(3u))));
        Assert.Equal(EbpfResult.ObjectNotFound, map.TryLookup(Bytes.Of(4u), new byte[8]));
        Assert.Equal(EbpfResult.InvalidArgument, map.TryUpdate(Bytes.Of(4u), new byte[8]));
        Assert.Equal(EbpfResult.InvalidArgument, map.TryDelete(Bytes.Of(4u)));
        Assert.Equal(EbpfResult.InvalidArgument, map.TryUpdate(Bytes.Of(1u), new byte[8], MapUpdateFlags.NoExist));
        Assert.Equal(EbpfResult.Success, map.TryUpdate(Bytes.Of(1u), Bytes.Of(5ul), MapUpdateFlags.Exist));
        Assert.Equal(EbpfResult.InvalidArgument, map.TryLookupAndDelete(Bytes.Of(1u), new byte[8]));
        Assert.Equal(5ul, Bytes.As<ulong>(map.Lookup(Bytes.Of(1u))));
        map.Delete(Bytes.Of(1u));
        Assert.Equal(0ul, Bytes.As<ulong>(map.Lookup(Bytes.Of(1u))));
    }

    [Fact]
    public void GetNextKeyCountsUpAndEnds()
    {
        using var map = MapFactory.Create(new MapDefinition(MapType.Array, 4, 1, 3), "a");
        Assert.Equal(new uint[] { 0, 1, 2 }, map.Keys().Select(k => Bytes.As<uint>(k)));
        Assert.Equal(EbpfResult.NoMoreKeys, map.TryGetNextKey(Bytes.Of(2u), new byte[4]));
        var next = new byte[4];
        Assert.Equal(EbpfResult.Success, map.TryGetNextKey(Bytes.Of(99u), next));
        Assert.Equal(0u, Bytes.As<uint>(next));
    }

    [Fact]
    public void ProgramApiUsesTheSameStorage()
    {
        using var map = MapFactory.Create(new MapDefinition(MapType.Array, 4, 4, 2), "a");
        using var scope = ProgramExecutionScope.Enter();
        uint index = 1, bad = 2, value = 42;
        Assert.True(map.LookupForProgram((byte*)&bad) == null);
        Assert.Equal(0, map.UpdateFromProgram((byte*)&index, (byte*)&value, 0));
        Assert.Equal(-(int)EbpfResult.InvalidArgument, map.UpdateFromProgram((byte*)&index, (byte*)&value, 1));
        Assert.Equal(-(int)EbpfResult.InvalidArgument, map.UpdateFromProgram((byte*)&bad, (byte*)&value, 0));
        byte* stored = map.LookupForProgram((byte*)&index);
        Assert.Equal(42u, *(uint*)stored);
        Assert.True(stored == map.LookupForProgram((byte*)&index));
        Assert.True(map.LookupAndDeleteFromProgram((byte*)&index) == null);
        Assert.Equal(0, map.DeleteFromProgram((byte*)&index));
        Assert.Equal(0u, *(uint*)stored);
        Assert.Equal(-(int)EbpfResult.InvalidArgument, map.DeleteFromProgram((byte*)&bad));
    }

    [Fact]
    public void PerCpuArrayReadsAndWritesEverySlotFromUserMode()
    {
        using var map = MapFactory.Create(new MapDefinition(MapType.PercpuArray, 4, 4, 2), "pa");
        int cpus = ProcessorSlots.Count;
        Assert.Equal(8 * cpus, map.UserValueSize);
        var all = new byte[8 * cpus];
        for (int cpu = 0; cpu < cpus; cpu++) BitConverter.TryWriteBytes(all.AsSpan(cpu * 8), (uint)(cpu + 1));
        map.Update(Bytes.Of(1u), all);
        using (var scope = ProgramExecutionScope.Enter())
        {
            uint index = 1, value = 500;
            Assert.Equal((uint)(scope.Processor + 1), *(uint*)map.LookupForProgram((byte*)&index));
            Assert.Equal(0, map.UpdateFromProgram((byte*)&index, (byte*)&value, 0));
            var read = map.Lookup(Bytes.Of(1u));
            for (int cpu = 0; cpu < cpus; cpu++)
                Assert.Equal(cpu == scope.Processor ? 500u : (uint)(cpu + 1), Bytes.As<uint>(read, cpu * 8));
        }
        Assert.Equal(EbpfResult.InvalidArgument, map.TryUpdate(Bytes.Of(1u), new byte[4]));
    }
}
