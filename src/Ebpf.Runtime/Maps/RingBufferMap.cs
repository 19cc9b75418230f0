using System.Runtime.CompilerServices;
using Ebpf.Platform;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// RINGBUF (13): max_entries bytes of <see cref="RingBuffer"/> shared by all producers. Programs write records
/// with <see cref="OutputFromProgram"/> (bpf_ringbuf_output) or reserve them in place and submit or discard them;
/// one user-mode consumer reads them with
/// <see cref="Consume"/>, <see cref="Poll"/> or <see cref="ReadAllAsync"/>, which sleep until a producer signals.
/// Lookup, update and delete are not supported (<see cref="EbpfResult.OperationNotSupported"/>).
/// </summary>
public sealed class RingBufferMap : EbpfMap
{
    private static readonly RingRecordVisitor<RingBufferRecordHandler> s_visit = static (handler, record) => handler(record);

    private readonly ConsumerSignal _signal = new();
    private readonly RingBuffer _ring;
    private readonly Lock _consumeLock = new();
    private byte[] _scratch = new byte[256];

    internal RingBufferMap(string name, MapDefinition definition) : base(name, definition) =>
        _ring = new RingBuffer(MaxEntries, _signal);

    /// <summary>Records refused because the ring was full.</summary>
    public long LostRecords => _ring.LostRecords;

    /// <summary>Largest record data length.</summary>
    public uint MaxRecordLength => _ring.MaxRecordLength;

    /// <summary>Bytes written and not yet consumed (headers and padding included).</summary>
    public long PendingBytes => _ring.ProducerPosition - _ring.ConsumerPosition;

    /// <summary>bpf_ringbuf_output: 0, -12 (ring full, counted as lost) or -6 (length 0 or too large). Flags are ignored, as in the core.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe int OutputFromProgram(byte* data, ulong size, ulong flags) =>
        size > uint.MaxValue ? Fail(EbpfResult.InvalidArgument) : -(int)_ring.Output(data, (uint)size, null, 0);

    /// <summary>
    /// bpf_ringbuf_reserve: a busy record of <paramref name="size"/> bytes in place, or null (ring full, size too
    /// large, or flags other than 0, as in Linux). The program commits it with <see cref="RingBuffer.CommitRecord"/>.
    /// </summary>
    internal unsafe byte* ReserveFromProgram(ulong size, ulong flags) =>
        flags != 0 || size > MaxRecordLength ? null : _ring.ReserveRecord((uint)size);

    /// <summary>bpf_ringbuf_query: BPF_RB_AVAIL_DATA (0), BPF_RB_RING_SIZE (1), BPF_RB_CONS_POS (2), BPF_RB_PROD_POS (3); 0 otherwise.</summary>
    public ulong Query(ulong flags) => flags switch
    {
        0 => (ulong)PendingBytes,
        1 => _ring.Capacity,
        2 => (ulong)_ring.ConsumerPosition,
        3 => (ulong)_ring.ProducerPosition,
        _ => 0,
    };

    /// <summary>Writes a record from user mode or an extension (the same path programs use).</summary>
    public unsafe EbpfResult Output(ReadOnlySpan<byte> data)
    {
        if (IsDisposed) return EbpfResult.InvalidObject;
        using var epoch = Epoch.Enter();
        fixed (byte* d = data) return _ring.Output(d, (uint)data.Length, null, 0);
    }

    /// <summary>Delivers every committed record in order; returns how many. Does not wait.</summary>
    public int Consume(RingBufferRecordHandler handler, int maxRecords = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        using var epoch = Epoch.Enter();
        lock (_consumeLock) return _ring.Consume(s_visit, handler, ref _scratch, maxRecords);
    }

    /// <summary>ring_buffer__poll: waits up to <paramref name="timeout"/> for a record, then consumes what is there.</summary>
    public int Poll(RingBufferRecordHandler handler, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        int consumed = Consume(handler);
        if (consumed > 0) return consumed;
        _signal.PrepareWait();
        if (!_ring.HasCommittedRecord() && !IsDisposed)
            _signal.Wait(timeout, cancellationToken);
        _signal.CancelWait();
        return IsDisposed ? 0 : Consume(handler);
    }

    /// <summary>Waits until a committed record is available (or the map is disposed).</summary>
    public async ValueTask WaitForDataAsync(CancellationToken cancellationToken = default)
    {
        // A short bounded spin first: a producer that is mid-record usually commits within it, sparing a wake-up.
        var spinner = new SpinWait();
        while (!spinner.NextSpinWillYield)
        {
            if (IsDisposed || _ring.HasCommittedRecord()) return;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        while (!IsDisposed && !_ring.HasCommittedRecord())
        {
            _signal.PrepareWait();
            if (_ring.HasCommittedRecord() || IsDisposed)
            {
                _signal.CancelWait();
                return;
            }
            await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Every record as it arrives, in order, until cancelled or the map is disposed. Each record's memory is reused:
    /// it is valid until the next one is requested. One reader at a time.
    /// </summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[256];
        while (!IsDisposed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int length = TakeNext(ref buffer);
            if (length >= 0)
            {
                yield return buffer.AsMemory(0, length);
                continue;
            }
            await WaitForDataAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private int TakeNext(ref byte[] buffer)
    {
        if (IsDisposed) return -1;
        using var epoch = Epoch.Enter();
        return _ring.TryTakeNext(ref buffer);
    }

    protected override EbpfResult LookupCore(ReadOnlySpan<byte> key, Span<byte> value) => EbpfResult.OperationNotSupported;
    protected override EbpfResult UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags) => EbpfResult.OperationNotSupported;
    protected override EbpfResult DeleteCore(ReadOnlySpan<byte> key) => EbpfResult.OperationNotSupported;
    protected override EbpfResult GetNextKeyCore(ReadOnlySpan<byte> previousKey, Span<byte> nextKey) => EbpfResult.OperationNotSupported;

    protected override void OnLastReferenceReleased() => _signal.WakeAll();

    protected override void FreeNativeResources() => _ring.Free();
}
