using System.Runtime.CompilerServices;
using Ebpf.Platform;
using Ebpf.Runtime.Memory;

namespace Ebpf.Runtime.Maps;

/// <summary>
/// PERF_EVENT_ARRAY (14): one <see cref="RingBuffer"/> of max_entries bytes per processor slot. A program
/// writes to its own slot's ring (bpf_perf_event_output, <see cref="OutputFromProgram"/>); one consumer reads all
/// rings with <see cref="Consume"/>, <see cref="Poll"/> or <see cref="ReadAllAsync"/>, woken by producers through
/// one shared signal. Records refused for lack of space are counted per CPU and reported to the lost handler.
/// </summary>
public sealed class PerfEventArrayMap : EbpfMap
{
    /// <summary>Low 32 bits of the flags meaning "the current CPU".</summary>
    public const ulong CurrentCpu = 0xFFFFFFFF;

    /// <summary>Bits 32..51 of the flags: bytes to append from the context's data.</summary>
    public const ulong CaptureLengthMask = 0xFFFFFul << 32;

    private static readonly RingRecordVisitor<(PerfEventHandler Handler, int Cpu)> s_visit =
        static (state, record) => state.Handler(state.Cpu, record);

    private readonly ConsumerSignal _signal = new();
    private readonly RingBuffer[] _rings;
    private readonly long[] _reportedLost;
    private readonly Lock _consumeLock = new();
    private byte[] _scratch = new byte[256];

    internal PerfEventArrayMap(string name, MapDefinition definition) : base(name, definition)
    {
        _rings = new RingBuffer[ProcessorSlots.Count];
        for (int i = 0; i < _rings.Length; i++) _rings[i] = new RingBuffer(MaxEntries, _signal);
        _reportedLost = new long[_rings.Length];
    }

    /// <summary>Number of per-CPU rings.</summary>
    public int CpuCount => _rings.Length;

    public long LostRecords(int cpu) => _rings[cpu].LostRecords;

    public long TotalLostRecords => _rings.Sum(r => r.LostRecords);

    /// <summary>
    /// bpf_perf_event_output. The low 32 bits of <paramref name="flags"/> name the CPU (<see cref="CurrentCpu"/> or
    /// the current slot; another CPU gives -6); bits 32..51 ask for that many bytes of
    /// <paramref name="contextData"/> (the context's data..data_end, resolved by the helper) to be appended: without
    /// context data that gives -18, more than is available -6. Remaining high bits must be 0 (-6).
    /// Returns 0, -6, -18, or -12 (ring full, counted as lost).
    /// </summary>
    public unsafe int OutputFromProgram(ulong flags, byte* data, ulong size, byte* contextData, ulong contextDataLength)
    {
        if ((flags & ~(CaptureLengthMask | CurrentCpu)) != 0) return Fail(EbpfResult.InvalidArgument);
        int cpu = ProcessorSlots.Current;
        ulong requestedCpu = flags & CurrentCpu;
        if (requestedCpu != CurrentCpu && requestedCpu != (ulong)cpu) return Fail(EbpfResult.InvalidArgument);
        ulong capture = (flags & CaptureLengthMask) >> 32;
        if (capture != 0)
        {
            if (contextData == null) return Fail(EbpfResult.OperationNotSupported);
            if (capture > contextDataLength) return Fail(EbpfResult.InvalidArgument);
        }
        if (size > uint.MaxValue) return Fail(EbpfResult.InvalidArgument);
        return -(int)_rings[cpu].Output(data, (uint)size, contextData, (uint)capture);
    }

    /// <summary>Writes a record into <paramref name="cpu"/>'s ring from user mode or an extension.</summary>
    public unsafe EbpfResult Output(int cpu, ReadOnlySpan<byte> data)
    {
        if ((uint)cpu >= (uint)_rings.Length) return EbpfResult.InvalidArgument;
        if (IsDisposed) return EbpfResult.InvalidObject;
        using var epoch = Epoch.Enter();
        fixed (byte* d = data) return _rings[cpu].Output(d, (uint)data.Length, null, 0);
    }

    /// <summary>Delivers the committed records of every ring (ring by ring, each in order); returns how many. Does not wait.</summary>
    public int Consume(PerfEventHandler handler, PerfEventLostHandler? lost = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        using var epoch = Epoch.Enter();
        lock (_consumeLock)
        {
            int delivered = 0;
            for (int cpu = 0; cpu < _rings.Length; cpu++)
            {
                ReportLost(cpu, lost);
                delivered += _rings[cpu].Consume(s_visit, (handler, cpu), ref _scratch);
            }
            return delivered;
        }
    }

    private void ReportLost(int cpu, PerfEventLostHandler? lost)
    {
        long total = _rings[cpu].LostRecords;
        long fresh = total - _reportedLost[cpu];
        if (fresh == 0 || lost is null) return;
        _reportedLost[cpu] = total;
        lost(cpu, fresh);
    }

    /// <summary>perf_buffer__poll: waits up to <paramref name="timeout"/> for a record on any CPU, then consumes.</summary>
    public int Poll(PerfEventHandler handler, TimeSpan timeout, PerfEventLostHandler? lost = null, CancellationToken cancellationToken = default)
    {
        int consumed = Consume(handler, lost);
        if (consumed > 0) return consumed;
        _signal.PrepareWait();
        if (!AnyCommitted() && !IsDisposed) _signal.Wait(timeout, cancellationToken);
        _signal.CancelWait();
        return IsDisposed ? 0 : Consume(handler, lost);
    }

    private bool AnyCommitted()
    {
        foreach (var ring in _rings)
            if (ring.HasCommittedRecord()) return true;
        return false;
    }

    /// <summary>Waits until any ring has a committed record (or the map is disposed).</summary>
    public async ValueTask WaitForDataAsync(CancellationToken cancellationToken = default)
    {
        // A short bounded spin first: a producer that is mid-record usually commits within it, sparing a wake-up.
        var spinner = new SpinWait();
        while (!spinner.NextSpinWillYield)
        {
            if (IsDisposed || AnyCommitted()) return;
            spinner.SpinOnce(sleep1Threshold: -1);
        }
        while (!IsDisposed && !AnyCommitted())
        {
            _signal.PrepareWait();
            if (AnyCommitted() || IsDisposed)
            {
                _signal.CancelWait();
                return;
            }
            await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Every record as it arrives until cancelled or disposed; record memory is reused (valid until the next). One reader at a time.</summary>
    public async IAsyncEnumerable<PerfEventRecord> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        byte[] buffer = new byte[256];
        int nextCpu = 0;
        while (!IsDisposed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool any = false;
            // Round-robin over the rings so a busy CPU cannot starve the others.
            for (int i = 0; i < _rings.Length; i++)
            {
                int cpu = (nextCpu + i) % _rings.Length;
                int length = TakeNext(cpu, ref buffer);
                if (length < 0) continue;
                nextCpu = cpu + 1;
                any = true;
                yield return new PerfEventRecord(cpu, buffer.AsMemory(0, length));
                break;
            }
            if (!any) await WaitForDataAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private int TakeNext(int cpu, ref byte[] buffer)
    {
        if (IsDisposed) return -1;
        using var epoch = Epoch.Enter();
        return _rings[cpu].TryTakeNext(ref buffer);
    }

    protected override EbpfResult LookupCore(ReadOnlySpan<byte> key, Span<byte> value) => EbpfResult.OperationNotSupported;
    protected override EbpfResult UpdateCore(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, MapUpdateFlags flags) => EbpfResult.OperationNotSupported;
    protected override EbpfResult DeleteCore(ReadOnlySpan<byte> key) => EbpfResult.OperationNotSupported;
    protected override EbpfResult GetNextKeyCore(ReadOnlySpan<byte> previousKey, Span<byte> nextKey) => EbpfResult.OperationNotSupported;

    protected override void OnLastReferenceReleased() => _signal.WakeAll();

    protected override void FreeNativeResources()
    {
        foreach (var ring in _rings) ring.Free();
    }
}
