using System.Runtime.InteropServices;
using Ebpf.Platform;

using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// QUEUE (10, FIFO) and STACK (12, LIFO): a fixed native ring of max_entries values under one lock. Values are
/// copied in and out (push/pop/peek), so no pointer escapes. User mode: lookup = peek, update = push,
/// lookup-and-delete = pop, with an empty key. When full, a push with <see cref="MapUpdateFlags.Exist"/>
/// drops the oldest value; otherwise it fails with <see cref="EbpfResult.OutOfSpace"/>.
/// </summary>
public sealed unsafe class QueueStackMap : EbpfMap
{
    private readonly byte* _values;
    private readonly Lock _lock = new();
    private readonly bool _lifo;
    private uint _head;   // index of the oldest value
    private uint _count;

    internal QueueStackMap(string name, MapDefinition definition) : base(name, definition)
    {
        _lifo = definition.Type == MapType.Stack;
        ulong total = (ulong)ValueStride * MaxEntries;
        if (total > int.MaxValue)
            throw new EbpfMapException(EbpfResult.ArithmeticOverflow, $"{definition.Type} map '{name}': {MaxEntries} x {ValueStride} bytes is too large");
        _values = (byte*)NativeBlocks.AllocZeroed(total, $"{definition.Type} map '{name}'");
    }

    /// <summary>Values currently held.</summary>
    public int Count { get { lock (_lock) return (int)_count; } }

    private byte* Slot(uint index) => _values + (nuint)(index % MaxEntries) * (nuint)ValueStride;

    private EbpfResult Push(byte* value, ulong flags)
    {
        if (flags != (ulong)MapUpdateFlags.Any && flags != (ulong)MapUpdateFlags.Exist) return EbpfResult.InvalidArgument;
        lock (_lock)
        {
            if (_count == MaxEntries)
            {
                if (flags != (ulong)MapUpdateFlags.Exist) return EbpfResult.OutOfSpace;
                _head = (_head + 1) % MaxEntries;
                _count--;
            }
            Buffer.MemoryCopy(value, Slot(_head + _count), ValueSize, ValueSize);
            _count++;
            return EbpfResult.Success;
        }
    }

    private EbpfResult Take(byte* value, bool remove)
    {
        lock (_lock)
        {
            if (_count == 0) return EbpfResult.ObjectNotFound;
            uint index = _lifo ? _head + _count - 1 : _head;
            Buffer.MemoryCopy(Slot(index), value, ValueSize, ValueSize);
            if (remove)
            {
                _count--;
                if (!_lifo) _head = (_head + 1) % MaxEntries;
            }
            return EbpfResult.Success;
        }
    }

    public override int PushFromProgram(byte* value, ulong flags) => -(int)Push(value, flags);

    public override int PopFromProgram(byte* value) => -(int)Take(value, remove: true);

    public override int PeekFromProgram(byte* value) => -(int)Take(value, remove: false);

    // Queues and stacks have no keys: the keyed helpers do not apply.
    public override int UpdateFromProgram(byte* key, byte* value, ulong flags) => Fail(EbpfResult.OperationNotSupported);

    protected override EbpfResult LookupCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        fixed (byte* v = value) return Take(v, remove: false);
    }

    protected override EbpfResult LookupAndDeleteCore(ReadOnlySpan<byte> key, Span<byte> value)
    {
        fixed (byte* v = value) return Take(v, remove: true);
    }

    protected override EbpfResult UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags)
    {
        fixed (byte* v = value) return Push(v, (ulong)flags);
    }

    protected override EbpfResult DeleteCore(ReadOnlySpan<byte> key) => EbpfResult.OperationNotSupported;

    protected override EbpfResult GetNextKeyCore(ReadOnlySpan<byte> previousKey, Span<byte> nextKey) => EbpfResult.OperationNotSupported;

    protected override void FreeNativeResources() => NativeMemory.Free(_values);
}
