using System.Runtime.CompilerServices;
using Ebpf.Platform;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// LPM_TRIE (9), built the way eBPF for Windows builds it: a hash over the key truncated to its prefix
/// (u32 prefix length, then the data with bits past the prefix cleared) plus a count of entries per prefix
/// length. A lookup tries the lengths in use from the query's length down to 0 and returns the first hit, i.e.
/// the longest stored prefix not longer than the query's. Prefix bits run from the most significant bit of the
/// first data byte. Writers are serialised by one lock; lookups are lock-free.
/// </summary>
public sealed unsafe class LpmTrieMap : EbpfMap
{
    private readonly HashTable _table;
    private readonly int[] _entriesPerLength;
    private readonly Lock _writeLock = new();

    internal LpmTrieMap(string name, MapDefinition definition) : base(name, definition)
    {
        MaxPrefixLength = (KeySize - 4) * 8;
        _entriesPerLength = new int[MaxPrefixLength + 1];
        _table = new HashTable(KeySize, ValueSize, MaxEntries, lru: false, Epoch);
    }

    /// <summary>(key_size - 4) x 8 bits.</summary>
    public int MaxPrefixLength { get; }

    public int Count => _table.Count;

    [SkipLocalsInit]
    public override byte* LookupForProgram(byte* key)
    {
        byte* probe = stackalloc byte[KeySize];
        return Match(key, probe);
    }

    private byte* Match(byte* key, byte* probe)
    {
        uint requested = Unsafe.ReadUnaligned<uint>(key);
        int start = (int)Math.Min(requested, (uint)MaxPrefixLength);
        for (int length = start; length >= 0; length--)
        {
            if (Volatile.Read(ref _entriesPerLength[length]) == 0) continue;
            Truncate(key, probe, length);
            byte* value = _table.Find(probe);
            if (value != null) return value;
        }
        return null;
    }

    // Writes the key cut to `length` prefix bits into `destination`.
    private void Truncate(byte* key, byte* destination, int length)
    {
        *(uint*)destination = (uint)length;
        int dataBytes = KeySize - 4;
        int whole = length >> 3;
        int bits = length & 7;
        Buffer.MemoryCopy(key + 4, destination + 4, dataBytes, whole);
        int cleared = whole;
        if (bits != 0)
        {
            destination[4 + whole] = (byte)(key[4 + whole] & (0xFF << (8 - bits)));
            cleared++;
        }
        new Span<byte>(destination + 4 + cleared, dataBytes - cleared).Clear();
    }

    [SkipLocalsInit]
    private EbpfResult Update(byte* key, byte* value, MapUpdateFlags flags)
    {
        if (flags > MapUpdateFlags.Exist) return EbpfResult.InvalidArgument;
        uint length = Unsafe.ReadUnaligned<uint>(key);
        if (length > (uint)MaxPrefixLength) return EbpfResult.InvalidArgument;
        byte* normalized = stackalloc byte[KeySize];
        Truncate(key, normalized, (int)length);
        lock (_writeLock)
        {
            bool existed = _table.Find(normalized) != null;
            var result = _table.Update(normalized, value, 0, ValueSize, inPlace: false, flags);
            if (result == EbpfResult.Success && !existed) Interlocked.Increment(ref _entriesPerLength[length]);
            return result;
        }
    }

    [SkipLocalsInit]
    private EbpfResult Delete(byte* key)
    {
        uint length = Unsafe.ReadUnaligned<uint>(key);
        if (length > (uint)MaxPrefixLength) return EbpfResult.InvalidArgument;
        byte* normalized = stackalloc byte[KeySize];
        Truncate(key, normalized, (int)length);
        lock (_writeLock)
        {
            var result = _table.Delete(normalized);
            if (result == EbpfResult.Success) Interlocked.Decrement(ref _entriesPerLength[length]);
            return result;
        }
    }

    public override int UpdateFromProgram(byte* key, byte* value, ulong flags) =>
        flags > (ulong)MapUpdateFlags.Exist ? Fail(EbpfResult.InvalidArgument) : -(int)Update(key, value, (MapUpdateFlags)flags);

    public override int DeleteFromProgram(byte* key) => -(int)Delete(key);

    protected override EbpfResult LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        byte* probe = stackalloc byte[KeySize];
        fixed (byte* k = key)
        {
            byte* stored = Match(k, probe);
            if (stored == null) return EbpfResult.KeyNotFound;
            new ReadOnlySpan<byte>(stored, ValueSize).CopyTo(value);
            return EbpfResult.Success;
        }
    }

    protected override EbpfResult UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
            return Update(k, v, flags);
    }

    protected override EbpfResult DeleteCore(ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key) return Delete(k);
    }

    protected override EbpfResult LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value) => EbpfResult.InvalidArgument;

    protected override EbpfResult GetNextKeyCore(ReadOnlySpan<byte> previousKey, Span<byte> nextKey)
    {
        fixed (byte* p = previousKey)
        fixed (byte* n = nextKey)
        {
            if (previousKey.IsEmpty) return _table.GetNextKey(null, n);
            // Stored keys are truncated; continue from the truncated form of the previous key.
            byte* normalized = stackalloc byte[KeySize];
            Truncate(p, normalized, (int)Math.Min(*(uint*)p, (uint)MaxPrefixLength));
            return _table.GetNextKey(normalized, n);
        }
    }

    protected override void FreeNativeResources() => _table.FreeAll();
}
