using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// The concurrent hash table under the hash-based maps. Entries are single native blocks
/// <c>[next | hash | lru stamp | key (8-aligned) | value bytes]</c>, so a value's address is stable for the
/// entry's life. Readers walk bucket chains without locks; writers take one of a set of striped locks, build a
/// complete entry and publish it with one release store, and unlink removed or replaced entries without touching
/// their <c>next</c> pointer, retiring them through the <see cref="EpochManager"/>: a reader that got a pointer
/// inside its epoch keeps a readable entry and an intact path down the chain. Chains are kept sorted by key
/// bytes, which gives get-next-key a total order (bucket, key) that survives deletion of the previous key.
/// LRU tables stamp entries from a logical clock (inserts, and program lookups via <see cref="FindAndTouch"/>)
/// and evict the entry with the oldest stamp when full.
/// </summary>
internal sealed unsafe class HashTable
{
    private const int NextOffset = 0;
    private const int HashOffset = 8;
    private const int StampOffset = 16;
    private const int KeyOffset = 24;
    private const int MaxBuckets = 1 << 22;
    private const int MaxLockStripes = 256;

    private readonly int _keySize;
    private readonly int _valueBytes;
    private readonly int _valueOffset;
    private readonly int _entrySize;
    private readonly int _maxEntries;
    private readonly bool _lru;
    private readonly nint* _buckets;
    private readonly uint _bucketMask;
    private readonly Lock[] _locks;
    private readonly uint _lockMask;
    private readonly ulong _seed;
    private readonly EpochManager _epoch;
    private readonly Action<nint>? _onUnlink;
    private int _count;
    private long _clock;

    // LRU eviction: a batch of the oldest keys found by the last scan, consumed oldest first (see EvictOne).
    private readonly Lock _evictionLock = new();
    private byte[] _candidateKeys = [];
    private long[] _candidateStamps = [];
    private int _candidateCount;
    private int _candidateNext;

    /// <param name="onUnlink">Called with the value address of every entry removed or replaced (before the deferred free).</param>
    public HashTable(int keySize, int valueBytes, uint maxEntries, bool lru, EpochManager epoch, Action<nint>? onUnlink = null)
    {
        _keySize = keySize;
        _valueBytes = valueBytes;
        _valueOffset = KeyOffset + ((keySize + 7) & ~7);
        _entrySize = _valueOffset + ((valueBytes + 7) & ~7);
        _maxEntries = (int)Math.Min(maxEntries, int.MaxValue - 1);
        _lru = lru;
        _epoch = epoch;
        _onUnlink = onUnlink;
        uint buckets = BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(_maxEntries, 16, MaxBuckets));
        _buckets = (nint*)NativeBlocks.AllocZeroed((ulong)buckets * (ulong)sizeof(nint), "hash table buckets");
        _bucketMask = buckets - 1;
        int stripes = (int)Math.Min(buckets, MaxLockStripes);
        _locks = new Lock[stripes];
        for (int i = 0; i < stripes; i++) _locks[i] = new Lock();
        _lockMask = (uint)stripes - 1;
        _seed = (ulong)Random.Shared.NextInt64();
    }

    public int Count => Volatile.Read(ref _count);

    public int ValueBytes => _valueBytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint HashOf(byte* key) => KeyHasher.Hash(key, _keySize, _seed);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref nint NextOf(byte* entry) => ref *(nint*)(entry + NextOffset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool KeyEquals(byte* entry, byte* key) => _keySize switch
    {
        4 => *(uint*)(entry + KeyOffset) == Unsafe.ReadUnaligned<uint>(key),
        8 => *(ulong*)(entry + KeyOffset) == Unsafe.ReadUnaligned<ulong>(key),
        _ => new ReadOnlySpan<byte>(entry + KeyOffset, _keySize).SequenceEqual(new ReadOnlySpan<byte>(key, _keySize)),
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CompareKey(byte* entry, byte* key) =>
        new ReadOnlySpan<byte>(entry + KeyOffset, _keySize).SequenceCompareTo(new ReadOnlySpan<byte>(key, _keySize));

    /// <summary>Lock-free lookup: the value address, or null. Caller is inside an epoch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* Find(byte* key)
    {
        byte* entry = FindEntry(key, HashOf(key));
        return entry == null ? null : entry + _valueOffset;
    }

    /// <summary>Lookup that refreshes LRU recency (program-side lookups).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* FindAndTouch(byte* key)
    {
        byte* entry = FindEntry(key, HashOf(key));
        if (entry == null) return null;
        ref long stamp = ref *(long*)(entry + StampOffset);
        // Skip the shared-counter increment when the entry is already the most recent one.
        if (Volatile.Read(ref stamp) != Volatile.Read(ref _clock))
            Volatile.Write(ref stamp, Interlocked.Increment(ref _clock));
        return entry + _valueOffset;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* FindEntry(byte* key, uint hash)
    {
        byte* entry = (byte*)Volatile.Read(ref _buckets[hash & _bucketMask]);
        while (entry != null)
        {
            if (*(uint*)(entry + HashOffset) == hash && KeyEquals(entry, key)) return entry;
            entry = (byte*)Volatile.Read(ref NextOf(entry));
        }
        return null;
    }

    /// <summary>
    /// Inserts or replaces. <paramref name="source"/> (null = zeros) supplies <paramref name="length"/> bytes
    /// written at <paramref name="offset"/> in the value; the rest of a new value is zero. With
    /// <paramref name="inPlace"/> an existing entry is written in place (per-CPU slot writes); otherwise it is
    /// replaced by a new entry so readers never see a half-written value.
    /// </summary>
    public EbpfResult Update(byte* key, byte* source, int offset, int length, bool inPlace, MapUpdateFlags flags)
    {
        if (flags > MapUpdateFlags.Exist) return EbpfResult.InvalidArgument;
        uint hash = HashOf(key);
        uint bucket = hash & _bucketMask;
        bool reserved = false;
        while (true)
        {
            lock (_locks[bucket & _lockMask])
            {
                ref nint link = ref FindLink(bucket, key, out byte* existing);
                if (existing != null)
                {
                    if (reserved) Unreserve();
                    if (flags == MapUpdateFlags.NoExist) return EbpfResult.ObjectAlreadyExists;
                    if (inPlace)
                    {
                        Write(existing + _valueOffset + offset, source, length);
                        return EbpfResult.Success;
                    }
                    byte* replacement = NewEntry(key, hash, source, offset, length);
                    if (replacement == null) return EbpfResult.NoMemory;
                    NextOf(replacement) = NextOf(existing);
                    Volatile.Write(ref link, (nint)replacement);
                    Retire(existing);
                    return EbpfResult.Success;
                }
                if (flags == MapUpdateFlags.Exist)
                {
                    if (reserved) Unreserve();
                    return EbpfResult.KeyNotFound;
                }
                if (reserved || TryReserve())
                {
                    byte* entry = NewEntry(key, hash, source, offset, length);
                    if (entry == null)
                    {
                        Unreserve();
                        return EbpfResult.NoMemory;
                    }
                    NextOf(entry) = link;
                    Volatile.Write(ref link, (nint)entry);
                    return EbpfResult.Success;
                }
                if (!_lru) return EbpfResult.OutOfSpace;
            }
            // Full LRU table: evict outside the bucket lock (eviction takes the victim's bucket lock), then retry.
            if (!EvictOne()) return EbpfResult.OutOfSpace;
            reserved = TryReserve();
        }
    }

    /// <summary>Removes the entry; copies its value first when <paramref name="copyOut"/> is given.</summary>
    public EbpfResult Delete(byte* key, byte* copyOut = null)
    {
        uint hash = HashOf(key);
        uint bucket = hash & _bucketMask;
        lock (_locks[bucket & _lockMask])
        {
            ref nint link = ref FindLink(bucket, key, out byte* existing);
            if (existing == null) return EbpfResult.KeyNotFound;
            if (copyOut != null) Buffer.MemoryCopy(existing + _valueOffset, copyOut, _valueBytes, _valueBytes);
            Volatile.Write(ref link, NextOf(existing));
            Interlocked.Decrement(ref _count);
            Retire(existing);
            return EbpfResult.Success;
        }
    }

    /// <summary>Unlinks the entry and returns its value address, readable until the caller's epoch ends.</summary>
    public byte* Remove(byte* key)
    {
        uint hash = HashOf(key);
        uint bucket = hash & _bucketMask;
        lock (_locks[bucket & _lockMask])
        {
            ref nint link = ref FindLink(bucket, key, out byte* existing);
            if (existing == null) return null;
            Volatile.Write(ref link, NextOf(existing));
            Interlocked.Decrement(ref _count);
            Retire(existing);
            return existing + _valueOffset;
        }
    }

    /// <summary>Next key in (bucket, key bytes) order after <paramref name="key"/> (null: the first). Caller is inside an epoch.</summary>
    public EbpfResult GetNextKey(byte* key, byte* nextKey)
    {
        uint bucket = 0;
        byte* entry;
        if (key == null)
        {
            entry = (byte*)Volatile.Read(ref _buckets[0]);
        }
        else
        {
            bucket = HashOf(key) & _bucketMask;
            entry = (byte*)Volatile.Read(ref _buckets[bucket]);
            while (entry != null && CompareKey(entry, key) <= 0)
                entry = (byte*)Volatile.Read(ref NextOf(entry));
        }
        while (entry == null)
        {
            if (bucket == _bucketMask) return EbpfResult.NoMoreKeys;
            entry = (byte*)Volatile.Read(ref _buckets[++bucket]);
        }
        Buffer.MemoryCopy(entry + KeyOffset, nextKey, _keySize, _keySize);
        return EbpfResult.Success;
    }

    /// <summary>Frees every entry and the bucket array; only when no reader or writer can reach the table any more.</summary>
    public void FreeAll()
    {
        for (uint b = 0; b <= _bucketMask; b++)
        {
            byte* entry = (byte*)_buckets[b];
            while (entry != null)
            {
                byte* next = (byte*)NextOf(entry);
                NativeMemory.Free(entry);
                entry = next;
            }
        }
        NativeMemory.Free(_buckets);
    }

    /// <summary>Calls <paramref name="visit"/> with each value address (snapshot walk inside the caller's epoch).</summary>
    public void ForEachValue(Action<nint> visit)
    {
        for (uint b = 0; b <= _bucketMask; b++)
        {
            for (byte* entry = (byte*)Volatile.Read(ref _buckets[b]); entry != null; entry = (byte*)Volatile.Read(ref NextOf(entry)))
                visit((nint)(entry + _valueOffset));
        }
    }

    // Returns the link that points at the entry with this key (existing set) or where it would be inserted in
    // sorted order (existing null). Caller holds the bucket's lock.
    private ref nint FindLink(uint bucket, byte* key, out byte* existing)
    {
        ref nint link = ref _buckets[bucket];
        while (true)
        {
            byte* entry = (byte*)link;
            if (entry == null) break;
            int order = CompareKey(entry, key);
            if (order == 0)
            {
                existing = entry;
                return ref link;
            }
            if (order > 0) break;
            link = ref NextOf(entry);
        }
        existing = null;
        return ref link;
    }

    private byte* NewEntry(byte* key, uint hash, byte* source, int offset, int length)
    {
        byte* entry;
        try
        {
            entry = (byte*)NativeMemory.AllocZeroed((nuint)_entrySize);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }
        *(uint*)(entry + HashOffset) = hash;
        *(long*)(entry + StampOffset) = _lru ? Interlocked.Increment(ref _clock) : 0;
        Buffer.MemoryCopy(key, entry + KeyOffset, _keySize, _keySize);
        Write(entry + _valueOffset + offset, source, length);
        return entry;
    }

    private static void Write(byte* destination, byte* source, int length)
    {
        if (source != null) Buffer.MemoryCopy(source, destination, length, length);
        else new Span<byte>(destination, length).Clear();
    }

    private void Retire(byte* entry)
    {
        _onUnlink?.Invoke((nint)(entry + _valueOffset));
        _epoch.Retire(entry);
    }

    private bool TryReserve()
    {
        if (Interlocked.Increment(ref _count) <= _maxEntries) return true;
        Interlocked.Decrement(ref _count);
        return false;
    }

    private void Unreserve() => Interlocked.Decrement(ref _count);

    // Evicts the entry with the oldest stamp. A scan collects the oldest eighth of the table; later evictions take
    // those keys oldest first, skipping any whose stamp changed (refreshed or replaced since). Entries outside
    // the batch were at least as new at scan time and stamps only grow, so the first unchanged candidate is the
    // table's least recently used entry; the scan cost is amortised over the batch.
    private bool EvictOne()
    {
        using var epoch = _epoch.Enter();
        lock (_evictionLock)
        {
            while (true)
            {
                if (_candidateNext >= _candidateCount)
                {
                    RefillCandidates();
                    if (_candidateCount == 0) return false;
                }
                int index = _candidateNext++;
                fixed (byte* key = &_candidateKeys[index * _keySize])
                {
                    if (DeleteIfStamp(key, _candidateStamps[index])) return true;
                }
            }
        }
    }

    private void RefillCandidates()
    {
        int capacity = Math.Max(Count + 16, 16);
        var stamps = new long[capacity];
        var entries = new nint[capacity];
        int found = 0;
        for (uint b = 0; b <= _bucketMask && found < capacity; b++)
        {
            for (byte* entry = (byte*)Volatile.Read(ref _buckets[b]); entry != null && found < capacity; entry = (byte*)Volatile.Read(ref NextOf(entry)))
            {
                stamps[found] = Volatile.Read(ref *(long*)(entry + StampOffset));
                entries[found++] = (nint)entry;
            }
        }
        Array.Sort(stamps, entries, 0, found);
        int take = Math.Clamp(found / 8, Math.Min(found, 1), 4096);
        if (_candidateKeys.Length < take * _keySize) _candidateKeys = new byte[take * _keySize];
        if (_candidateStamps.Length < take) _candidateStamps = new long[take];
        for (int i = 0; i < take; i++)
        {
            new ReadOnlySpan<byte>((byte*)entries[i] + KeyOffset, _keySize).CopyTo(_candidateKeys.AsSpan(i * _keySize, _keySize));
            _candidateStamps[i] = stamps[i];
        }
        _candidateCount = take;
        _candidateNext = 0;
    }

    private bool DeleteIfStamp(byte* key, long stamp)
    {
        uint bucket = HashOf(key) & _bucketMask;
        lock (_locks[bucket & _lockMask])
        {
            ref nint link = ref FindLink(bucket, key, out byte* existing);
            if (existing == null || Volatile.Read(ref *(long*)(existing + StampOffset)) != stamp) return false;
            Volatile.Write(ref link, NextOf(existing));
            Interlocked.Decrement(ref _count);
            Retire(existing);
            return true;
        }
    }
}
