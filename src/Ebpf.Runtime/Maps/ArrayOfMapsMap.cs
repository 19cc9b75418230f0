using System.Runtime.InteropServices;
using Ebpf.Platform;

using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Maps;

/// <summary>ARRAY_OF_MAPS (7): a native array of inner map handles (0 = empty), swapped atomically.</summary>
public sealed unsafe class ArrayOfMapsMap : MapOfMaps
{
    private readonly nint* _slots;

    internal ArrayOfMapsMap(string name, MapDefinition definition, MapDefinition template, uint templateMapId) : base(name, definition, template, templateMapId) =>
        _slots = (nint*)NativeBlocks.AllocZeroed((ulong)MaxEntries * (ulong)sizeof(nint), $"ARRAY_OF_MAPS map '{name}'");

    private protected override nint FindHandle(byte* key)
    {
        uint index = *(uint*)key;
        return index < MaxEntries ? Volatile.Read(ref _slots[index]) : 0;
    }

    private protected override EbpfResult StoreHandle(ReadOnlySpan<byte> key, nint handle, MapUpdateFlags flags)
    {
        uint index = MemoryMarshal.Read<uint>(key);
        if (index >= MaxEntries || flags == MapUpdateFlags.NoExist) return EbpfResult.InvalidArgument;
        ReleaseHandle(Interlocked.Exchange(ref _slots[index], handle));
        return EbpfResult.Success;
    }

    protected override EbpfResult DeleteCore(ReadOnlySpan<byte> key)
    {
        uint index = MemoryMarshal.Read<uint>(key);
        if (index >= MaxEntries) return EbpfResult.InvalidArgument;
        ReleaseHandle(Interlocked.Exchange(ref _slots[index], 0));
        return EbpfResult.Success;
    }

    protected override EbpfResult GetNextKeyCore(ReadOnlySpan<byte> previousKey, Span<byte> nextKey) =>
        IndexedKeys.Next(previousKey, nextKey, MaxEntries);

    protected override void OnLastReferenceReleased()
    {
        for (uint i = 0; i < MaxEntries; i++) ReleaseHandle(Interlocked.Exchange(ref _slots[i], 0));
    }

    protected override void FreeNativeResources() => NativeMemory.Free(_slots);
}
