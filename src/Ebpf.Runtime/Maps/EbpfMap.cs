using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Platform;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// A map: native storage with stable value addresses, a program-facing pointer API (used by helpers 1-4, 11,
/// 16-18, 32; call it inside a <see cref="ProgramExecutionScope"/>) and a user-mode copy-in/copy-out API
/// (the <c>Try*</c> methods return an <see cref="EbpfResult"/>, the others throw <see cref="EbpfMapException"/>).
/// Create maps with <see cref="MapFactory"/>. Maps are reference counted: <see cref="Dispose"/> drops the creator's
/// reference; pins, outer maps and programs add their own with <see cref="AddReference"/>.
/// </summary>
public abstract unsafe class EbpfMap : IReferenceCounted, IDisposable
{
    /// <summary>Names must be shorter than <c>BPF_OBJ_NAME_LEN</c> (64).</summary>
    public const int MaxNameLength = 63;

    private MapHandleBlock* _handleBlock;
    private GCHandle _self;
    private int _references = 1;
    private int _creatorReleased;

    protected EbpfMap(string name, MapDefinition definition)
    {
        Name = name;
        Definition = definition;
        KeySize = (int)definition.KeySize;
        ValueSize = (int)definition.ValueSize;
        MaxEntries = definition.MaxEntries;
        Epoch = EpochManager.Shared;
        ValueStride = (int)RoundUp8(definition.ValueSize);
        Slots = definition.IsPerCpu ? ProcessorSlots.Count : 1;
        UserValueSize = definition.IsPerCpu ? ValueStride * Slots : (int)definition.ValueSize;
    }

    public string Name { get; }
    public MapDefinition Definition { get; }
    public MapType Type => Definition.Type;
    public int KeySize { get; }
    public int ValueSize { get; }
    public uint MaxEntries { get; }

    /// <summary>Map id (see <see cref="MapRegistry"/>); 0 until published by the factory.</summary>
    public uint Id { get; private set; }

    /// <summary>
    /// The map handle: address of this map's <see cref="MapHandleBlock"/>. It is the 64-bit value a program's
    /// lddw map reference holds and what map-of-maps lookups return to programs.
    /// </summary>
    public nint Handle => (nint)_handleBlock;

    /// <summary>Bytes a user-mode value buffer holds: value_size, or round_up(value_size, 8) x CPU count for per-CPU maps.</summary>
    public int UserValueSize { get; }

    /// <summary>Distance between per-CPU copies of a value: round_up(value_size, 8).</summary>
    protected int ValueStride { get; }

    /// <summary>Copies of each value: <see cref="ProcessorSlots.Count"/> for per-CPU maps, else 1.</summary>
    protected int Slots { get; }

    protected EpochManager Epoch { get; }

    public bool IsDisposed => Volatile.Read(ref _references) == 0;

    /// <summary>bpf_map_info: inner_map_id is the id of the map used as inner-map template, if any.</summary>
    public MapInfo Info => new(Id, Type, Definition.KeySize, Definition.ValueSize, MaxEntries, Definition.Flags, Name, InnerMapId);

    private protected virtual uint InnerMapId => 0;

    internal void Publish()
    {
        _self = GCHandle.Alloc(this, GCHandleType.Normal);
        _handleBlock = (MapHandleBlock*)NativeMemory.AllocZeroed((nuint)sizeof(MapHandleBlock));
        Id = MapRegistry.Register(this, (nint)_handleBlock);
        *_handleBlock = new MapHandleBlock
        {
            Magic = MapHandleBlock.LiveMagic,
            Target = GCHandle.ToIntPtr(_self),
            Id = Id,
            Type = (uint)Type,
            KeySize = Definition.KeySize,
            ValueSize = Definition.ValueSize,
            MaxEntries = Definition.MaxEntries,
        };
    }

    /// <summary>The map a handle (lddw map value, map-of-maps lookup result) refers to. The handle must be live.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static EbpfMap FromHandle(nint handle) =>
        Unsafe.As<EbpfMap>(GCHandle.FromIntPtr(((MapHandleBlock*)handle)->Target).Target!);

    /// <summary>Like <see cref="FromHandle"/>, but checks the block's marker first; null for 0 or a dead block.</summary>
    public static EbpfMap? TryFromHandle(nint handle)
    {
        if (handle == 0) return null;
        var block = (MapHandleBlock*)handle;
        if (block->Magic != MapHandleBlock.LiveMagic) return null;
        return GCHandle.FromIntPtr(block->Target).Target as EbpfMap;
    }

    // ---------------------------------------------------------------- program-facing API (raw pointers, no allocation)

    /// <summary>bpf_map_lookup_elem: the stored value (per-CPU: the current slot; map-of-maps: the inner map handle) or null.</summary>
    public virtual byte* LookupForProgram(byte* key) => null;

    /// <summary>bpf_map_update_elem: 0 or a negated <see cref="EbpfResult"/>.</summary>
    public virtual int UpdateFromProgram(byte* key, byte* value, ulong flags) => Fail(EbpfResult.OperationNotSupported);

    /// <summary>bpf_map_delete_elem: 0 or a negated <see cref="EbpfResult"/>.</summary>
    public virtual int DeleteFromProgram(byte* key) => Fail(EbpfResult.OperationNotSupported);

    /// <summary>bpf_map_lookup_and_delete_elem: the removed value (readable until the invocation ends) or null.</summary>
    public virtual byte* LookupAndDeleteFromProgram(byte* key) => null;

    /// <summary>bpf_map_push_elem: 0 or a negated <see cref="EbpfResult"/>.</summary>
    public virtual int PushFromProgram(byte* value, ulong flags) => Fail(EbpfResult.OperationNotSupported);

    /// <summary>bpf_map_pop_elem: copies into <paramref name="value"/>; 0 or a negated <see cref="EbpfResult"/>.</summary>
    public virtual int PopFromProgram(byte* value) => Fail(EbpfResult.OperationNotSupported);

    /// <summary>bpf_map_peek_elem: copies into <paramref name="value"/>; 0 or a negated <see cref="EbpfResult"/>.</summary>
    public virtual int PeekFromProgram(byte* value) => Fail(EbpfResult.OperationNotSupported);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static int Fail(EbpfResult result) => -(int)result;

    // ---------------------------------------------------------------- user-mode API, status form

    /// <summary>Copies the value of <paramref name="key"/> out (per-CPU maps: every slot).</summary>
    public EbpfResult TryLookup(ReadOnlySpan<byte> key, Span<byte> value)
    {
        if (key.Length != KeySize || value.Length != UserValueSize) return EbpfResult.InvalidArgument;
        if (IsDisposed) return EbpfResult.InvalidObject;
        using var epoch = Epoch.Enter();
        return LookupCore(key, value);
    }

    /// <summary>Inserts or replaces according to <paramref name="flags"/>.</summary>
    public EbpfResult TryUpdate(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any)
    {
        if (key.Length != KeySize || value.Length != UserValueSize || flags > MapUpdateFlags.Exist) return EbpfResult.InvalidArgument;
        if (IsDisposed) return EbpfResult.InvalidObject;
        using var epoch = Epoch.Enter();
        return UpdateCore(key, value, flags);
    }

    public EbpfResult TryDelete(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize) return EbpfResult.InvalidArgument;
        if (IsDisposed) return EbpfResult.InvalidObject;
        using var epoch = Epoch.Enter();
        return DeleteCore(key);
    }

    /// <summary>Copies the value out and removes the entry (queue/stack: pop, with an empty key).</summary>
    public EbpfResult TryLookupAndDelete(ReadOnlySpan<byte> key, Span<byte> value)
    {
        if (key.Length != KeySize || value.Length != UserValueSize) return EbpfResult.InvalidArgument;
        if (IsDisposed) return EbpfResult.InvalidObject;
        using var epoch = Epoch.Enter();
        return LookupAndDeleteCore(key, value);
    }

    /// <summary>
    /// The key after <paramref name="previousKey"/> (an empty span asks for the first key); the end of iteration
    /// gives <see cref="EbpfResult.NoMoreKeys"/>. A previous key that is no longer present still continues the
    /// walk from where it would have been.
    /// </summary>
    public EbpfResult TryGetNextKey(ReadOnlySpan<byte> previousKey, Span<byte> nextKey)
    {
        if ((!previousKey.IsEmpty && previousKey.Length != KeySize) || nextKey.Length != KeySize) return EbpfResult.InvalidArgument;
        if (IsDisposed) return EbpfResult.InvalidObject;
        using var epoch = Epoch.Enter();
        return GetNextKeyCore(previousKey, nextKey);
    }

    /// <summary>Queue/stack push (same as an update with an empty key).</summary>
    public EbpfResult TryPush(ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any) => TryUpdate([], value, flags);

    /// <summary>Queue/stack pop (same as lookup-and-delete with an empty key).</summary>
    public EbpfResult TryPop(Span<byte> value) => TryLookupAndDelete([], value);

    /// <summary>Queue/stack peek (same as a lookup with an empty key).</summary>
    public EbpfResult TryPeek(Span<byte> value) => TryLookup([], value);

    protected abstract EbpfResult LookupCore(ReadOnlySpan<byte> key, Span<byte> value);
    protected abstract EbpfResult UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags);
    protected abstract EbpfResult DeleteCore(ReadOnlySpan<byte> key);
    protected abstract EbpfResult GetNextKeyCore(ReadOnlySpan<byte> previousKey, Span<byte> nextKey);
    protected virtual EbpfResult LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value) => EbpfResult.OperationNotSupported;

    // ---------------------------------------------------------------- user-mode API, batch operations

    /// <summary>
    /// bpf_map_lookup_batch: copies up to <c>keys.Length / key_size</c> entries that follow
    /// <paramref name="previousKey"/> (empty: from the start) into <paramref name="keys"/> and <paramref name="values"/>.
    /// Returns <see cref="EbpfResult.Success"/> when more may follow (continue with the last key returned) or
    /// <see cref="EbpfResult.NoMoreKeys"/> when the walk ended; <paramref name="count"/> is set either way.
    /// </summary>
    public EbpfResult LookupBatch(ReadOnlySpan<byte> previousKey, Span<byte> keys, Span<byte> values, out int count) =>
        Batch(previousKey, keys, values, delete: false, out count);

    /// <summary>bpf_map_lookup_and_delete_batch: as <see cref="LookupBatch"/>, removing each entry returned.</summary>
    public EbpfResult LookupAndDeleteBatch(ReadOnlySpan<byte> previousKey, Span<byte> keys, Span<byte> values, out int count) =>
        Batch(previousKey, keys, values, delete: true, out count);

    private EbpfResult Batch(ReadOnlySpan<byte> previousKey, Span<byte> keys, Span<byte> values, bool delete, out int count)
    {
        count = 0;
        if (KeySize == 0) return EbpfResult.OperationNotSupported;
        int capacity = keys.Length / KeySize;
        if (keys.Length % KeySize != 0 || values.Length != capacity * UserValueSize ||
            (!previousKey.IsEmpty && previousKey.Length != KeySize))
            return EbpfResult.InvalidArgument;
        if (IsDisposed) return EbpfResult.InvalidObject;
        Span<byte> cursor = KeySize <= 256 ? stackalloc byte[KeySize] : new byte[KeySize];
        bool fromStart = previousKey.IsEmpty;
        previousKey.CopyTo(cursor);
        using var epoch = Epoch.Enter();
        while (count < capacity)
        {
            var key = keys.Slice(count * KeySize, KeySize);
            var result = GetNextKeyCore(fromStart ? [] : cursor, key);
            if (result != EbpfResult.Success) return result;
            var value = values.Slice(count * UserValueSize, UserValueSize);
            result = delete ? LookupAndDeleteCore(key, value) : LookupCore(key, value);
            // An entry deleted between the two calls is skipped; any other failure ends the batch.
            if (result is EbpfResult.ObjectNotFound or EbpfResult.KeyNotFound)
            {
                key.CopyTo(cursor);
                fromStart = false;
                continue;
            }
            if (result != EbpfResult.Success) return result;
            key.CopyTo(cursor);
            fromStart = false;
            count++;
        }
        return EbpfResult.Success;
    }

    /// <summary>bpf_map_update_batch: applies the updates in order; <paramref name="count"/> says how many succeeded.</summary>
    public EbpfResult UpdateBatch(ReadOnlySpan<byte> keys, ReadOnlySpan<byte> values, MapUpdateFlags flags, out int count)
    {
        count = 0;
        int entries = KeySize == 0 ? values.Length / Math.Max(1, UserValueSize) : keys.Length / KeySize;
        if ((KeySize != 0 && keys.Length % KeySize != 0) || values.Length != entries * UserValueSize) return EbpfResult.InvalidArgument;
        for (; count < entries; count++)
        {
            var result = TryUpdate(keys.Slice(count * KeySize, KeySize), values.Slice(count * UserValueSize, UserValueSize), flags);
            if (result != EbpfResult.Success) return result;
        }
        return EbpfResult.Success;
    }

    /// <summary>bpf_map_delete_batch: deletes the keys in order; <paramref name="count"/> says how many succeeded.</summary>
    public EbpfResult DeleteBatch(ReadOnlySpan<byte> keys, out int count)
    {
        count = 0;
        if (KeySize == 0) return EbpfResult.OperationNotSupported;
        if (keys.Length % KeySize != 0) return EbpfResult.InvalidArgument;
        for (int entries = keys.Length / KeySize; count < entries; count++)
        {
            var result = TryDelete(keys.Slice(count * KeySize, KeySize));
            if (result != EbpfResult.Success) return result;
        }
        return EbpfResult.Success;
    }

    // ---------------------------------------------------------------- user-mode API, throwing form

    public byte[] Lookup(ReadOnlySpan<byte> key)
    {
        var value = new byte[UserValueSize];
        Check(TryLookup(key, value), "lookup", key.Length, value.Length);
        return value;
    }

    public void Update(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any) =>
        Check(TryUpdate(key, value, flags), "update", key.Length, value.Length);

    public void Delete(ReadOnlySpan<byte> key) => Check(TryDelete(key), "delete", key.Length, UserValueSize);

    public byte[] LookupAndDelete(ReadOnlySpan<byte> key)
    {
        var value = new byte[UserValueSize];
        Check(TryLookupAndDelete(key, value), "lookup-and-delete", key.Length, value.Length);
        return value;
    }

    public void Push(ReadOnlySpan<byte> value, MapUpdateFlags flags = MapUpdateFlags.Any) =>
        Check(TryPush(value, flags), "push", 0, value.Length);

    public byte[] Pop()
    {
        var value = new byte[UserValueSize];
        Check(TryPop(value), "pop", 0, value.Length);
        return value;
    }

    public byte[] Peek()
    {
        var value = new byte[UserValueSize];
        Check(TryPeek(value), "peek", 0, value.Length);
        return value;
    }

    /// <summary>Every key, in iteration order (a snapshot walk; concurrent changes may or may not show).</summary>
    public List<byte[]> Keys()
    {
        var keys = new List<byte[]>();
        byte[] previous = [];
        while (true)
        {
            var next = new byte[KeySize];
            var result = TryGetNextKey(previous, next);
            if (result == EbpfResult.NoMoreKeys) return keys;
            Check(result, "get-next-key", previous.Length, 0);
            keys.Add(next);
            previous = next;
        }
    }

    private void Check(EbpfResult result, string operation, int keyLength, int valueLength)
    {
        if (result == EbpfResult.Success) return;
        string detail = result switch
        {
            EbpfResult.InvalidArgument when keyLength != KeySize && operation is not ("push" or "pop" or "peek") =>
                $"key is {keyLength} bytes but key_size is {KeySize}",
            EbpfResult.InvalidArgument when valueLength != UserValueSize && operation is not ("delete" or "get-next-key") =>
                $"value buffer is {valueLength} bytes but the map's values are {UserValueSize} bytes",
            _ => "failed",
        };
        throw new EbpfMapException(result, $"{operation} on {Type} map '{Name}' (id {Id}): {detail}");
    }

    // ---------------------------------------------------------------- lifetime

    /// <summary>Adds a reference (a pin, an outer map, a program using the map).</summary>
    public void AddReference()
    {
        int current;
        do
        {
            current = Volatile.Read(ref _references);
            if (current == 0) throw new ObjectDisposedException($"map '{Name}'");
        }
        while (Interlocked.CompareExchange(ref _references, current + 1, current) != current);
    }

    /// <summary>Drops a reference; the last one unregisters the map and frees its memory after the epoch drains.</summary>
    public void Release()
    {
        int remaining = Interlocked.Decrement(ref _references);
        if (remaining < 0) throw new InvalidOperationException($"map '{Name}' released more often than referenced");
        if (remaining > 0) return;
        MapRegistry.Unregister(this);
        OnLastReferenceReleased();
        Epoch.Retire(() =>
        {
            FreeNativeResources();
            if (_handleBlock is not null)
            {
                _handleBlock->Magic = 0;
                NativeMemory.Free(_handleBlock);
                _handleBlock = null;
            }
            if (_self.IsAllocated) _self.Free();
        });
    }

    /// <summary>Drops the creator's reference (once).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _creatorReleased, 1) == 0) Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs when the last reference goes, before the deferred free: release references this map holds.</summary>
    protected virtual void OnLastReferenceReleased() { }

    /// <summary>Frees native storage; runs once no reader can still hold a pointer into it.</summary>
    protected abstract void FreeNativeResources();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static uint RoundUp8(uint size) => (size + 7) & ~7u;

    public override string ToString() => $"{Type} map '{Name}' (id {Id}, key {KeySize}, value {ValueSize}, max_entries {MaxEntries})";
}
