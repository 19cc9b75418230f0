using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Tests.Maps;

public unsafe class LruHashMapTests
{
    private static EbpfMap NewLru(uint maxEntries, MapType type = MapType.LruHash) =>
        MapFactory.Create(new MapDefinition(type, 4, 8, maxEntries), "lru");

    [Fact]
    public void InsertIntoAFullMapEvictsTheLeastRecentlyUsed()
    {
        using var map = NewLru(3);
        foreach (uint k in new uint[] { 1, 2, 3 }) map.Update(Bytes.Of(k), Bytes.Of((ulong)k));
        map.Update(Bytes.Of(4u), Bytes.Of(4ul));
        Assert.Equal(new uint[] { 2, 3, 4 }, map.Keys().Select(k => Bytes.As<uint>(k)).Order());
    }

    [Fact]
    public void ProgramLookupsRefreshRecencyButUserLookupsDoNot()
    {
        using var map = NewLru(3);
        foreach (uint k in new uint[] { 1, 2, 3 }) map.Update(Bytes.Of(k), Bytes.Of((ulong)k));
        using (ProgramExecutionScope.Enter())
        {
            uint one = 1;
            Assert.True(map.LookupForProgram((byte*)&one) != null);
        }
        map.Lookup(Bytes.Of(2u)); // user-mode: no refresh, 2 stays the oldest
        map.Update(Bytes.Of(4u), Bytes.Of(4ul));
        Assert.Equal(new uint[] { 1, 3, 4 }, map.Keys().Select(k => Bytes.As<uint>(k)).Order());
        map.Update(Bytes.Of(5u), Bytes.Of(5ul));
        Assert.Equal(new uint[] { 1, 4, 5 }, map.Keys().Select(k => Bytes.As<uint>(k)).Order());
    }

    [Fact]
    public void EvictionOrderIsExactOverManyInsertions()
    {
        const int capacity = 200;
        using var map = NewLru(capacity);
        var recency = new LinkedList<uint>();
        var random = new Random(1234);
        using var scope = ProgramExecutionScope.Enter();
        for (uint i = 0; i < 3000; i++)
        {
            if (recency.Count > 0 && random.Next(3) == 0)
            {
                uint touched = recency.ElementAt(random.Next(recency.Count));
                Assert.True(map.LookupForProgram((byte*)&touched) != null);
                recency.Remove(touched);
                recency.AddLast(touched);
                continue;
            }
            map.Update(Bytes.Of(i), Bytes.Of((ulong)i));
            recency.AddLast(i);
            if (recency.Count > capacity) recency.RemoveFirst();
        }
        Assert.Equal(recency.Order(), map.Keys().Select(k => Bytes.As<uint>(k)).Order());
    }

    [Fact]
    public void LruPerCpuHashEvictsAndKeepsPerCpuValues()
    {
        using var map = NewLru(2, MapType.LruPercpuHash);
        Assert.Equal(8 * ProcessorSlots.Count, map.UserValueSize);
        var value = new byte[map.UserValueSize];
        for (uint k = 1; k <= 3; k++) map.Update(Bytes.Of(k), value);
        Assert.Equal(new uint[] { 2, 3 }, map.Keys().Select(k => Bytes.As<uint>(k)).Order());
    }
}
