using Ebpf.Platform;

namespace Ebpf.Runtime.Maps;

/// <summary>HASH_OF_MAPS (6): a <see cref="HashTable"/> whose 8-byte values are inner map handles.</summary>
public sealed unsafe class HashOfMapsMap : MapOfMaps
{
    private readonly HashTable _table;

    internal HashOfMapsMap(string name, MapDefinition definition, MapDefinition template, uint templateMapId) : base(name, definition, template, templateMapId) =>
        _table = new HashTable(KeySize, sizeof(nint), MaxEntries, lru: false, Epoch, value => ReleaseHandle(*(nint*)value));

    public int Count => _table.Count;

    private protected override nint FindHandle(byte* key)
    {
        byte* value = _table.Find(key);
        return value == null ? 0 : *(nint*)value;
    }

    private protected override EbpfResult StoreHandle(ReadOnlySpan<byte> key, nint handle, MapUpdateFlags flags)
    {
        fixed (byte* k = key) return _table.Update(k, (byte*)&handle, 0, sizeof(nint), inPlace: false, flags);
    }

    protected override EbpfResult DeleteCore(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key) return _table.Delete(k);
    }

    protected override EbpfResult GetNextKeyCore(ReadOnlySpan<byte> previousKey, Span<byte> nextKey)
    {
        fixed (byte* p = previousKey)
        fixed (byte* n = nextKey)
            return _table.GetNextKey(previousKey.IsEmpty ? null : p, n);
    }

    protected override void OnLastReferenceReleased()
    {
        using var epoch = Epoch.Enter();
        _table.ForEachValue(value => ReleaseHandle(*(nint*)value));
    }

    protected override void FreeNativeResources() => _table.FreeAll();
}
