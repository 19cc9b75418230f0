using Ebpf.Platform;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// HASH (1), PERCPU_HASH (4), LRU_HASH (8) and LRU_PERCPU_HASH (11) over a <see cref="HashTable"/>.
/// Per-CPU values are <see cref="ProcessorSlots.Count"/> copies of round_up(value_size, 8) bytes; a program
/// sees the copy of its leased slot. Program updates of an existing key replace the entry (plain maps) or
/// write the current slot in place (per-CPU maps); user updates always replace it.
/// </summary>
public sealed unsafe class HashMap : EbpfMap
{
    private readonly HashTable _table;
    private readonly bool _lru;
    private readonly bool _perCpu;

    internal HashMap(string name, MapDefinition definition) : base(name, definition)
    {
        _lru = definition.Type is MapType.LruHash or MapType.LruPercpuHash;
        _perCpu = definition.IsPerCpu;
        _table = new HashTable(KeySize, _perCpu ? ValueStride * Slots : ValueSize, MaxEntries, _lru, Epoch);
    }

    /// <summary>Entries currently stored.</summary>
    public int Count => _table.Count;

    public override byte* LookupForProgram(byte* key)
    {
        byte* value = _lru ? _table.FindAndTouch(key) : _table.Find(key);
        if (value == null || !_perCpu) return value;
        return value + ProcessorSlots.Current * ValueStride;
    }

    public override int UpdateFromProgram(byte* key, byte* value, ulong flags)
    {
        if (flags > (ulong)MapUpdateFlags.Exist) return Fail(EbpfResult.InvalidArgument);
        var result = _perCpu
            ? _table.Update(key, value, ProcessorSlots.Current * ValueStride, ValueSize, inPlace: true, (MapUpdateFlags)flags)
            : _table.Update(key, value, 0, ValueSize, inPlace: false, (MapUpdateFlags)flags);
        return -(int)result;
    }

    public override int DeleteFromProgram(byte* key) => -(int)_table.Delete(key);

    public override byte* LookupAndDeleteFromProgram(byte* key)
    {
        byte* value = _table.Remove(key);
        if (value == null || !_perCpu) return value;
        return value + ProcessorSlots.Current * ValueStride;
    }

    protected override EbpfResult LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        fixed (byte* k = key)
        {
            byte* stored = _table.Find(k);
            if (stored == null) return EbpfResult.ObjectNotFound;
            new ReadOnlySpan<byte>(stored, value.Length).CopyTo(value);
            return EbpfResult.Success;
        }
    }

    protected override EbpfResult UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
            return _table.Update(k, v, 0, value.Length, inPlace: false, flags);
    }

    protected override EbpfResult DeleteCore(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key) return _table.Delete(k);
    }

    protected override EbpfResult LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var result = _table.Delete(k, v);
            return result == EbpfResult.KeyNotFound ? EbpfResult.ObjectNotFound : result;
        }
    }

    protected override EbpfResult GetNextKeyCore(ReadOnlySpan<byte> previousKey, Span<byte> nextKey)
    {
        fixed (byte* p = previousKey)
        fixed (byte* n = nextKey)
            return _table.GetNextKey(previousKey.IsEmpty ? null : p, n);
    }

    protected override void FreeNativeResources() => _table.FreeAll();
}
