using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Ebpf.Platform;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// ARRAY (2) and PERCPU_ARRAY (5): one zero-initialised native block of max_entries values (per-CPU:
/// max_entries x CPU count copies, index-major), so value addresses never change. Delete zero-fills a slot.
/// Updates copy in place; like the kernel's arrays, a concurrent reader can see a partly written value.
/// </summary>
public sealed unsafe class ArrayMap : EbpfMap
{
    private readonly byte* _values;
    private readonly int _entryBytes;
    private readonly bool _perCpu;

    internal ArrayMap(string name, MapDefinition definition) : base(name, definition)
    {
        _perCpu = definition.IsPerCpu;
        _entryBytes = _perCpu ? ValueStride * Slots : ValueStride;
        ulong total = (ulong)_entryBytes * MaxEntries;
        if (total > int.MaxValue)
            throw new EbpfMapException(EbpfResult.ArithmeticOverflow, $"array map '{name}': {MaxEntries} x {_entryBytes} bytes is too large");
        _values = (byte*)NativeBlocks.AllocZeroed(total, $"array map '{name}'");
    }

    /// <summary>Address of element <paramref name="index"/> (per-CPU: slot 0); for direct array-data access.</summary>
    public byte* ElementAddress(uint index) => index < MaxEntries ? _values + (nuint)index * (nuint)_entryBytes : null;

    /// <summary>
    /// What compiled code needs to do <see cref="LookupForProgram"/> itself (as the kernel's JIT inlines array
    /// lookups): the values never move, element i is at values + i * entryBytes, and a per-CPU map's copy for the
    /// current slot is perCpuStride bytes further per slot (0 for a shared map).
    /// </summary>
    internal (nint Values, uint MaxEntries, int EntryBytes, int PerCpuStride) InlineLayout =>
        ((nint)_values, MaxEntries, _entryBytes, _perCpu ? ValueStride : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public override byte* LookupForProgram(byte* key)
    {
        uint index = Unsafe.ReadUnaligned<uint>(key);
        if (index >= MaxEntries) return null;
        byte* element = _values + (nuint)index * (nuint)_entryBytes;
        return _perCpu ? element + ProcessorSlots.Current * ValueStride : element;
    }

    public override int UpdateFromProgram(byte* key, byte* value, ulong flags)
    {
        uint index = Unsafe.ReadUnaligned<uint>(key);
        if (index >= MaxEntries || flags == (ulong)MapUpdateFlags.NoExist || flags > (ulong)MapUpdateFlags.Exist)
            return Fail(EbpfResult.InvalidArgument);
        byte* element = _values + (nuint)index * (nuint)_entryBytes;
        if (_perCpu) element += ProcessorSlots.Current * ValueStride;
        Buffer.MemoryCopy(value, element, ValueSize, ValueSize);
        return 0;
    }

    public override int DeleteFromProgram(byte* key)
    {
        uint index = Unsafe.ReadUnaligned<uint>(key);
        if (index >= MaxEntries) return Fail(EbpfResult.InvalidArgument);
        new Span<byte>(_values + (nuint)index * (nuint)_entryBytes, _entryBytes).Clear();
        return 0;
    }

    protected override EbpfResult LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        uint index = MemoryMarshal.Read<uint>(key);
        if (index >= MaxEntries) return EbpfResult.ObjectNotFound;
        new ReadOnlySpan<byte>(_values + (nuint)index * (nuint)_entryBytes, value.Length).CopyTo(value);
        return EbpfResult.Success;
    }

    protected override EbpfResult UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags)
    {
        uint index = MemoryMarshal.Read<uint>(key);
        if (index >= MaxEntries || flags == MapUpdateFlags.NoExist) return EbpfResult.InvalidArgument;
        value.CopyTo(new Span<byte>(_values + (nuint)index * (nuint)_entryBytes, value.Length));
        return EbpfResult.Success;
    }

    protected override EbpfResult DeleteCore(ReadOnlySpan<byte> key)
    {
        uint index = MemoryMarshal.Read<uint>(key);
        if (index >= MaxEntries) return EbpfResult.InvalidArgument;
        new Span<byte>(_values + (nuint)index * (nuint)_entryBytes, _entryBytes).Clear();
        return EbpfResult.Success;
    }

    protected override EbpfResult LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value) => EbpfResult.InvalidArgument;

    protected override EbpfResult GetNextKeyCore(ReadOnlySpan<byte> previousKey, Span<byte> nextKey) =>
        IndexedKeys.Next(previousKey, nextKey, MaxEntries);

    protected override void FreeNativeResources() => NativeMemory.Free(_values);
}
