using Ebpf.Platform;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Tests.Maps;

public unsafe class HashMapTests
{
    private static EbpfMap NewHash(uint maxEntries = 4, MapType type = MapType.Hash, uint keySize = 4, uint valueSize = 8) =>
        MapFactory.Create(new MapDefinition(type, keySize, valueSize, maxEntries), "h");

    [Fact]
    public void LookupMissIsObjectNotFound()
    {
        using var map = NewHash();
        Assert.Equal(EbpfResult.ObjectNotFound, map.TryLookup(Bytes.Of(1u), new byte[8]));
        var error = Assert.Throws<EbpfMapException>(() => map.Lookup(Bytes.Of(1u)));
        Assert.Equal(EbpfResult.ObjectNotFound, error.Result);
        Assert.Contains("EBPF_OBJECT_NOT_FOUND (7)", error.Message);
    }

    [Fact]
    public void UpdateFlagsFollowTheRules()
    {
        using var map = NewHash();
        Assert.Equal(EbpfResult.KeyNotFound, map.TryUpdate(Bytes.Of(1u), Bytes.Of(10ul), MapUpdateFlags.Exist));
        Assert.Equal(EbpfResult.Success, map.TryUpdate(Bytes.Of(1u), Bytes.Of(10ul), MapUpdateFlags.NoExist));
        Assert.Equal(EbpfResult.ObjectAlreadyExists, map.TryUpdate(Bytes.Of(1u), Bytes.Of(11ul), MapUpdateFlags.NoExist));
        Assert.Equal(10ul, Bytes.As<ulong>(map.Lookup(Bytes.Of(1u))));
        Assert.Equal(EbpfResult.Success, map.TryUpdate(Bytes.Of(1u), Bytes.Of(12ul), MapUpdateFlags.Exist));
        Assert.Equal(12ul, Bytes.As<ulong>(map.Lookup(Bytes.Of(1u))));
        Assert.Equal(EbpfResult.InvalidArgument, map.TryUpdate(Bytes.Of(1u), Bytes.Of(12ul), (MapUpdateFlags)3));
    }

    [Fact]
    public void FullMapRefusesNewKeysButAcceptsReplacements()
    {
        using var map = NewHash(maxEntries: 2);
        map.Update(Bytes.Of(1u), Bytes.Of(1ul));
        map.Update(Bytes.Of(2u), Bytes.Of(2ul));
        Assert.Equal(EbpfResult.OutOfSpace, map.TryUpdate(Bytes.Of(3u), Bytes.Of(3ul)));
        Assert.Equal(EbpfResult.Success, map.TryUpdate(Bytes.Of(2u), Bytes.Of(22ul)));
        map.Delete(Bytes.Of(1u));
        Assert.Equal(EbpfResult.Success, map.TryUpdate(Bytes.Of(3u), Bytes.Of(3ul)));
        Assert.Equal(2, ((HashMap)map).Count);
    }

    [Fact]
    public void DeleteMissIsKeyNotFound()
    {
        using var map = NewHash();
        Assert.Equal(EbpfResult.KeyNotFound, map.TryDelete(Bytes.Of(5u)));
        map.Update(Bytes.Of(5u), Bytes.Of(1ul));
        Assert.Equal(EbpfResult.Success, map.TryDelete(Bytes.Of(5u)));
        Assert.Equal(EbpfResult.KeyNotFound, map.TryDelete(Bytes.Of(5u)));
    }

    [Fact]
    public void LookupAndDeleteReturnsAndRemoves()
    {
        using var map = NewHash();
        map.Update(Bytes.Of(5u), Bytes.Of(55ul));
        Assert.Equal(55ul, Bytes.As<ulong>(map.LookupAndDelete(Bytes.Of(5u))));
        Assert.Equal(EbpfResult.ObjectNotFound, map.TryLookupAndDelete(Bytes.Of(5u), new byte[8]));
    }

    [Fact]
    public void WrongSizesAreInvalidArgumentsWithAMessage()
    {
        using var map = NewHash();
        Assert.Equal(EbpfResult.InvalidArgument, map.TryUpdate(new byte[3], new byte[8]));
        Assert.Equal(EbpfResult.InvalidArgument, map.TryUpdate(new byte[4], new byte[7]));
        var error = Assert.Throws<EbpfMapException>(() => map.Update(new byte[3], new byte[8]));
        Assert.Contains("key is 3 bytes but key_size is 4", error.Message);
        error = Assert.Throws<EbpfMapException>(() => map.Update(new byte[4], new byte[9]));
        Assert.Contains("value buffer is 9 bytes", error.Message);
    }

    [Fact]
    public void GetNextKeyVisitsEveryKeyOnceAndEndsWithNoMoreKeys()
    {
        using var map = NewHash(maxEntries: 100);
        for (uint i = 0; i < 100; i++) map.Update(Bytes.Of(i * 7919), Bytes.Of((ulong)i));
        var seen = map.Keys().Select(k => Bytes.As<uint>(k)).ToList();
        Assert.Equal(100, seen.Count);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (uint)i * 7919).Order(), seen.Order());
        Assert.Equal(EbpfResult.NoMoreKeys, map.TryGetNextKey(Bytes.Of(seen[^1]), new byte[4]));
    }

    [Fact]
    public void IterationSurvivesDeletingThePreviousKey()
    {
        using var map = NewHash(maxEntries: 64);
        for (uint i = 0; i < 64; i++) map.Update(Bytes.Of(i), Bytes.Of((ulong)i));
        var next = new byte[4];
        byte[] previous = [];
        int visited = 0;
        while (map.TryGetNextKey(previous, next) == EbpfResult.Success)
        {
            visited++;
            map.Delete(next);
            previous = next.ToArray();
        }
        Assert.Equal(64, visited);
        Assert.Empty(map.Keys());
    }

    [Fact]
    public void ProgramApiReturnsStableValuePointersAndNegatedResults()
    {
        using var map = NewHash(maxEntries: 1);
        using var scope = ProgramExecutionScope.Enter();
        uint key = 9, other = 10;
        ulong value = 90;
        Assert.True(map.LookupForProgram((byte*)&key) == null);
        Assert.Equal(-(int)EbpfResult.KeyNotFound, map.UpdateFromProgram((byte*)&key, (byte*)&value, 2));
        Assert.Equal(0, map.UpdateFromProgram((byte*)&key, (byte*)&value, 0));
        Assert.Equal(-(int)EbpfResult.ObjectAlreadyExists, map.UpdateFromProgram((byte*)&key, (byte*)&value, 1));
        Assert.Equal(-(int)EbpfResult.OutOfSpace, map.UpdateFromProgram((byte*)&other, (byte*)&value, 0));
        Assert.Equal(-(int)EbpfResult.InvalidArgument, map.UpdateFromProgram((byte*)&key, (byte*)&value, 7));
        byte* stored = map.LookupForProgram((byte*)&key);
        Assert.Equal(90ul, *(ulong*)stored);
        *(ulong*)stored = 91;
        Assert.Equal(91ul, Bytes.As<ulong>(map.Lookup(Bytes.Of(key))));
        byte* removed = map.LookupAndDeleteFromProgram((byte*)&key);
        Assert.Equal(91ul, *(ulong*)removed);
        Assert.Equal(-(int)EbpfResult.KeyNotFound, map.DeleteFromProgram((byte*)&key));
    }

    [Fact]
    public void LargeKeysWork()
    {
        using var map = NewHash(maxEntries: 8, keySize: 37, valueSize: 3);
        var key = Enumerable.Range(0, 37).Select(i => (byte)i).ToArray();
        map.Update(key, [1, 2, 3]);
        Assert.Equal(new byte[] { 1, 2, 3 }, map.Lookup(key));
        key[36] ^= 1;
        Assert.Equal(EbpfResult.ObjectNotFound, map.TryLookup(key, new byte[3]));
    }

    [Fact]
    public void PerCpuHashUsesOneSlotPerCpu()
    {
        using var map = NewHash(type: MapType.PercpuHash, valueSize: 4);
        int cpus = ProcessorSlots.Count;
        Assert.Equal(8 * cpus, map.UserValueSize);
        uint key = 1, value = 77;
        int slot;
        using (var scope = ProgramExecutionScope.Enter())
        {
            slot = scope.Processor;
            // A program update of a missing key inserts zeros and writes only its own slot.
            Assert.Equal(0, map.UpdateFromProgram((byte*)&key, (byte*)&value, 0));
            Assert.Equal(77u, *(uint*)map.LookupForProgram((byte*)&key));
        }
        var all = map.Lookup(Bytes.Of(key));
        for (int cpu = 0; cpu < cpus; cpu++)
            Assert.Equal(cpu == slot ? 77u : 0u, Bytes.As<uint>(all, cpu * 8));
        var written = new byte[8 * cpus];
        for (int cpu = 0; cpu < cpus; cpu++) BitConverter.TryWriteBytes(written.AsSpan(cpu * 8), (uint)(100 + cpu));
        map.Update(Bytes.Of(key), written);
        using (var scope = ProgramExecutionScope.Enter())
            Assert.Equal((uint)(100 + scope.Processor), *(uint*)map.LookupForProgram((byte*)&key));
    }

    [Fact]
    public void BatchOperationsWalkTheWholeMap()
    {
        using var map = NewHash(maxEntries: 50);
        var keys = new byte[50 * 4];
        var values = new byte[50 * 8];
        for (int i = 0; i < 50; i++)
        {
            BitConverter.TryWriteBytes(keys.AsSpan(i * 4), (uint)i);
            BitConverter.TryWriteBytes(values.AsSpan(i * 8), (ulong)i * 3);
        }
        Assert.Equal(EbpfResult.Success, map.UpdateBatch(keys, values, MapUpdateFlags.NoExist, out int updated));
        Assert.Equal(50, updated);
        Assert.Equal(EbpfResult.ObjectAlreadyExists, map.UpdateBatch(keys, values, MapUpdateFlags.NoExist, out updated));
        Assert.Equal(0, updated);

        var seen = new Dictionary<uint, ulong>();
        byte[] previous = [];
        var outKeys = new byte[7 * 4];
        var outValues = new byte[7 * 8];
        EbpfResult result;
        do
        {
            result = map.LookupBatch(previous, outKeys, outValues, out int count);
            for (int i = 0; i < count; i++) seen.Add(Bytes.As<uint>(outKeys, i * 4), Bytes.As<ulong>(outValues, i * 8));
            if (count > 0) previous = outKeys.AsSpan((count - 1) * 4, 4).ToArray();
        }
        while (result == EbpfResult.Success);
        Assert.Equal(EbpfResult.NoMoreKeys, result);
        Assert.Equal(50, seen.Count);
        Assert.All(seen, pair => Assert.Equal(pair.Key * 3ul, pair.Value));

        Assert.Equal(EbpfResult.Success, map.DeleteBatch(keys.AsSpan(0, 10 * 4), out int deleted));
        Assert.Equal(10, deleted);
        Assert.Equal(EbpfResult.KeyNotFound, map.DeleteBatch(keys.AsSpan(0, 4), out deleted));

        int drained = 0;
        previous = [];
        do
        {
            result = map.LookupAndDeleteBatch(previous, outKeys, outValues, out int count);
            drained += count;
            if (count > 0) previous = outKeys.AsSpan((count - 1) * 4, 4).ToArray();
        }
        while (result == EbpfResult.Success);
        Assert.Equal(40, drained);
        Assert.Empty(map.Keys());
    }

    [Fact]
    public void DisposedMapRefusesOperations()
    {
        var map = NewHash();
        map.Dispose();
        Assert.True(map.IsDisposed);
        Assert.Equal(EbpfResult.InvalidObject, map.TryLookup(Bytes.Of(1u), new byte[8]));
        map.Dispose();
    }
}
