using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// One byte ring in the eBPF ring-buffer format. Each record is an 8-byte header — u32 length with bit 31
/// "busy" (reserved, not yet committed) and bit 30 "discarded", then u32 page offset of the header in the ring
/// (offset / 4096) — followed by the data, padded to a multiple of 8. Producers reserve space under a short lock
/// (header written busy), copy outside it, then commit by clearing the busy bit with a full fence and notify the
/// consumer; a single consumer walks committed records in order and frees space by advancing its position.
/// A record that does not fit is refused and counted in <see cref="LostRecords"/>.
/// </summary>
internal sealed unsafe class RingBuffer
{
    public const uint BusyBit = 1u << 31;
    public const uint DiscardBit = 1u << 30;
    public const uint LengthMask = DiscardBit - 1;
    public const int HeaderSize = 8;
    private const int PageShift = 12;

    private readonly byte* _data;
    private readonly uint _capacity;
    private readonly uint _mask;
    private readonly Lock _producerLock = new();
    private readonly Lock _consumerLock = new();
    private readonly ConsumerSignal _signal;
    private long _producerPosition;
    private long _consumerPosition;
    private long _lost;

    public RingBuffer(uint capacity, ConsumerSignal signal)
    {
        _capacity = capacity;
        _mask = capacity - 1;
        _signal = signal;
        _data = (byte*)NativeBlocks.AllocZeroed(capacity, "ring buffer");
    }

    public uint Capacity => _capacity;

    public long LostRecords => Interlocked.Read(ref _lost);

    public long ProducerPosition => Volatile.Read(ref _producerPosition);

    public long ConsumerPosition => Volatile.Read(ref _consumerPosition);

    /// <summary>Largest data length one record may carry.</summary>
    public uint MaxRecordLength => Math.Min(_capacity - HeaderSize, LengthMask);

    /// <summary>Writes one record of <paramref name="length"/> bytes followed by <paramref name="extraLength"/> bytes.</summary>
    public EbpfResult Output(byte* data, uint length, byte* extra, uint extraLength)
    {
        ulong total = (ulong)length + extraLength;
        if (total == 0 || total > MaxRecordLength) return EbpfResult.InvalidArgument;
        uint recordLength = (uint)total;
        uint size = (recordLength + HeaderSize + 7) & ~7u;
        long position;
        uint* header;
        lock (_producerLock)
        {
            position = _producerPosition;
            if (position + size - Volatile.Read(ref _consumerPosition) > _capacity)
            {
                Interlocked.Increment(ref _lost);
                return EbpfResult.NoMemory;
            }
            uint offset = (uint)position & _mask;
            header = (uint*)(_data + offset);
            header[1] = offset >> PageShift;
            Volatile.Write(ref header[0], recordLength | BusyBit);
            Volatile.Write(ref _producerPosition, position + size);
        }
        uint dataOffset = ((uint)position + HeaderSize) & _mask;
        Copy(dataOffset, data, length);
        if (extraLength != 0) Copy((dataOffset + length) & _mask, extra, extraLength);
        // Full fence: the commit must be visible before reading the consumer's "waiting" flag.
        Interlocked.Exchange(ref *(int*)header, (int)recordLength);
        _signal.Notify();
        return EbpfResult.Success;
    }

    private void Copy(uint offset, byte* source, uint length)
    {
        uint first = Math.Min(length, _capacity - offset);
        Buffer.MemoryCopy(source, _data + offset, first, first);
        if (first < length) Buffer.MemoryCopy(source + first, _data, length - first, length - first);
    }

    /// <summary>True when a committed record is waiting at the consumer position.</summary>
    public bool HasCommittedRecord()
    {
        long consumer = Volatile.Read(ref _consumerPosition);
        if (consumer >= Volatile.Read(ref _producerPosition)) return false;
        return (Volatile.Read(ref *(uint*)(_data + ((uint)consumer & _mask))) & BusyBit) == 0;
    }

    /// <summary>Delivers committed records in order to <paramref name="handler"/>; returns how many (discarded ones skipped).</summary>
    public int Consume<TState>(RingRecordVisitor<TState> handler, TState state, ref byte[] scratch, int maxRecords = int.MaxValue)
    {
        lock (_consumerLock)
        {
            int delivered = 0;
            long consumer = _consumerPosition;
            while (delivered < maxRecords && consumer < Volatile.Read(ref _producerPosition))
            {
                uint offset = (uint)consumer & _mask;
                uint header = Volatile.Read(ref *(uint*)(_data + offset));
                if ((header & BusyBit) != 0) break;
                uint length = header & LengthMask;
                long next = consumer + ((length + HeaderSize + 7) & ~7u);
                try
                {
                    if ((header & DiscardBit) == 0)
                    {
                        delivered++;
                        handler(state, Record(offset, length, ref scratch));
                    }
                }
                finally
                {
                    consumer = next;
                    Volatile.Write(ref _consumerPosition, next);
                }
            }
            return delivered;
        }
    }

    /// <summary>Copies the next committed record into <paramref name="scratch"/> (grown as needed) and frees it; -1 if none.</summary>
    public int TryTakeNext(ref byte[] scratch)
    {
        lock (_consumerLock)
        {
            while (true)
            {
                long consumer = _consumerPosition;
                if (consumer >= Volatile.Read(ref _producerPosition)) return -1;
                uint offset = (uint)consumer & _mask;
                uint header = Volatile.Read(ref *(uint*)(_data + offset));
                if ((header & BusyBit) != 0) return -1;
                uint length = header & LengthMask;
                bool discarded = (header & DiscardBit) != 0;
                if (!discarded)
                {
                    if (scratch.Length < length) scratch = new byte[Math.Max(length, scratch.Length * 2)];
                    CopyOut(offset, length, scratch);
                }
                Volatile.Write(ref _consumerPosition, consumer + ((length + HeaderSize + 7) & ~7u));
                if (!discarded) return (int)length;
            }
        }
    }

    // The record's data as one span: in place when it does not wrap, else copied into scratch.
    private ReadOnlySpan<byte> Record(uint headerOffset, uint length, ref byte[] scratch)
    {
        uint dataOffset = (headerOffset + HeaderSize) & _mask;
        if (dataOffset + length <= _capacity) return new ReadOnlySpan<byte>(_data + dataOffset, (int)length);
        if (scratch.Length < length) scratch = new byte[Math.Max(length, scratch.Length * 2)];
        CopyOut(headerOffset, length, scratch);
        return scratch.AsSpan(0, (int)length);
    }

    private void CopyOut(uint headerOffset, uint length, byte[] destination)
    {
        uint dataOffset = (headerOffset + HeaderSize) & _mask;
        uint first = Math.Min(length, _capacity - dataOffset);
        new ReadOnlySpan<byte>(_data + dataOffset, (int)first).CopyTo(destination);
        if (first < length) new ReadOnlySpan<byte>(_data, (int)(length - first)).CopyTo(destination.AsSpan((int)first));
    }

    public void Free() => NativeMemory.Free(_data);
}
