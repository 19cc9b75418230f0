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
/// <para>
/// Programs reserve records in place (bpf_ringbuf_reserve) and commit them later (submit, or discard: the consumer
/// skips the record). Such a record must be contiguous, so one that would wrap is preceded by a discarded filler up
/// to the ring's end. As in Linux, the header's page offset finds the ring from the record alone: the data starts on
/// a page, and the page before it holds a handle to this ring.
/// </para>
/// </summary>
internal sealed unsafe class RingBuffer
{
    public const uint BusyBit = 1u << 31;
    public const uint DiscardBit = 1u << 30;
    public const uint LengthMask = DiscardBit - 1;
    public const int HeaderSize = 8;
    private const int PageShift = 12;
    private const int PageSize = 1 << PageShift;

    private readonly byte* _block;
    private readonly byte* _data;
    private readonly GCHandle _self;
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
        _block = (byte*)NativeBlocks.AllocZeroedAligned((ulong)capacity + PageSize, PageSize, "ring buffer");
        _data = _block + PageSize;
        _self = GCHandle.Alloc(this, GCHandleType.Weak);
        *(nint*)_block = GCHandle.ToIntPtr(_self);
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
        uint* header = Reserve((uint)total, contiguous: false);
        if (header == null) return EbpfResult.NoMemory;
        uint dataOffset = (uint)((byte*)header - _data + HeaderSize) & _mask;
        Copy(dataOffset, data, length);
        if (extraLength != 0) Copy((dataOffset + length) & _mask, extra, extraLength);
        Commit(header, discard: false);
        return EbpfResult.Success;
    }

    /// <summary>
    /// bpf_ringbuf_reserve: a busy record of <paramref name="length"/> bytes whose data is contiguous, or null when
    /// the ring has no room (counted as lost) or the length is out of range. The caller commits it with
    /// <see cref="CommitRecord"/>.
    /// </summary>
    public byte* ReserveRecord(uint length)
    {
        if (length > MaxRecordLength) return null;
        uint* header = Reserve(length, contiguous: true);
        return header == null ? null : (byte*)header + HeaderSize;
    }

    /// <summary>
    /// Carves a busy record at the producer position under the producer lock. <paramref name="contiguous"/>: its data
    /// may not wrap; a discarded filler then takes the rest of the ring first. Null when it does not fit.
    /// </summary>
    private uint* Reserve(uint recordLength, bool contiguous)
    {
        uint size = (recordLength + HeaderSize + 7) & ~7u;
        lock (_producerLock)
        {
            long position = _producerPosition;
            uint offset = (uint)position & _mask;
            uint filler = contiguous && offset + size > _capacity ? _capacity - offset : 0;
            if (position + filler + size - Volatile.Read(ref _consumerPosition) > _capacity)
            {
                Interlocked.Increment(ref _lost);
                return null;
            }
            if (filler != 0)
            {
                // A committed, discarded record the consumer steps over to the ring's start.
                uint* skip = (uint*)(_data + offset);
                skip[1] = offset >> PageShift;
                Volatile.Write(ref skip[0], (filler - HeaderSize) | DiscardBit);
                position += filler;
                offset = 0;
            }
            uint* header = (uint*)(_data + offset);
            header[1] = offset >> PageShift;
            Volatile.Write(ref header[0], recordLength | BusyBit);
            Volatile.Write(ref _producerPosition, position + size);
            return header;
        }
    }

    private void Commit(uint* header, bool discard)
    {
        uint length = Volatile.Read(ref *header) & LengthMask;
        // Full fence: the commit must be visible before reading the consumer's "waiting" flag.
        Interlocked.Exchange(ref *(int*)header, (int)(discard ? length | DiscardBit : length));
        _signal.Notify();
    }

    /// <summary>
    /// bpf_ringbuf_submit / bpf_ringbuf_discard: commits the record whose data starts at <paramref name="data"/>
    /// (from <see cref="ReserveRecord"/> of any ring; the header names the ring, as in Linux). False when the
    /// record is not a busy one of a live ring.
    /// </summary>
    public static bool CommitRecord(byte* data, bool discard)
    {
        uint* header = (uint*)(data - HeaderSize);
        uint word = Volatile.Read(ref *header);
        if ((word & BusyBit) == 0) return false;
        byte* ringData = (byte*)((nuint)header & ~(nuint)(PageSize - 1)) - (nuint)header[1] * PageSize;
        if (GCHandle.FromIntPtr(*(nint*)(ringData - PageSize)).Target is not RingBuffer ring) return false;
        ring.Commit(header, discard);
        return true;
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

    public void Free()
    {
        _self.Free();
        NativeMemory.AlignedFree(_block);
    }
}
