using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Ebpf.Extensions.Process;
using RuntimeMetrics = Ebpf.Runtime.Tracing.RuntimeMetrics;

namespace Ebpf.Cli.Running;

/// <summary>
/// What a live run has done so far, for the dashboard: runs and run time per program (from the runtime's meter,
/// <see cref="RuntimeMetrics"/>, through a <see cref="MeterListener"/>, which also switches the recording on),
/// the non-zero verdicts each program returned, and the latest records. Thread-safe: programs, sources and readers
/// report from their own threads.
/// </summary>
public sealed class RunStatistics : IDisposable
{
    private readonly ConcurrentDictionary<string, ProgramTotals> _programs = new(StringComparer.Ordinal);
    private readonly Queue<RunRecord> _latest = new();
    private readonly Lock _gate = new();
    private readonly MeterListener _listener = new();

    public RunStatistics(int latestRecords = 10)
    {
        LatestCapacity = latestRecords;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == RuntimeMetrics.MeterName && instrument.Name == RuntimeMetrics.RunTimeName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>(OnRunTime);
        _listener.Start();
    }

    /// <summary>How many of the latest records are kept.</summary>
    public int LatestCapacity { get; }

    /// <summary>Runs, total run time and verdicts of a program so far (zeros for one that has not run).</summary>
    public ProgramTotals Program(string name) => _programs.GetOrAdd(name, _ => new ProgramTotals());

    /// <summary>The latest records, oldest first.</summary>
    public IReadOnlyList<RunRecord> Latest()
    {
        lock (_gate) return [.. _latest];
    }

    public void OnRecord(RunRecord record)
    {
        lock (_gate)
        {
            if (_latest.Count == LatestCapacity) _latest.Dequeue();
            _latest.Enqueue(record);
        }
    }

    public void OnVerdict(ProcessVerdict verdict)
    {
        if (verdict.ProgramName is { } name) Program(name).AddVerdict(verdict.Status);
    }

    private void OnRunTime(Instrument instrument, double nanoseconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag is { Key: "program", Value: string name })
            {
                Program(name).AddRun(nanoseconds);
                return;
            }
        }
    }

    public void Dispose() => _listener.Dispose();

    /// <summary>One program's counters.</summary>
    public sealed class ProgramTotals
    {
        private readonly ConcurrentDictionary<uint, long> _verdicts = new();
        private long _runs;
        private long _picoseconds; // sum of run times; integral so that it can be added atomically

        public long Runs => Interlocked.Read(ref _runs);

        /// <summary>Mean run time in nanoseconds (0 before the first run).</summary>
        public double MeanNanoseconds => Runs is var runs and > 0 ? Interlocked.Read(ref _picoseconds) / 1000.0 / runs : 0;

        /// <summary>Non-zero statuses returned, with how often; the rest of <see cref="Runs"/> returned 0.</summary>
        public IReadOnlyDictionary<uint, long> NonZeroVerdicts => _verdicts;

        internal void AddRun(double nanoseconds)
        {
            Interlocked.Add(ref _picoseconds, (long)(nanoseconds * 1000));
            Interlocked.Increment(ref _runs);
        }

        internal void AddVerdict(uint status) => _verdicts.AddOrUpdate(status, 1, (_, n) => n + 1);
    }
}
