using Ebpf.Cli.Commands;
using Ebpf.Extensions.Process;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;

namespace Ebpf.Cli.Running;

/// <summary>
/// An object running on real events: loaded and verified with the command line's extensions, the programs whose hook
/// has a live source (<see cref="LiveSources"/>) attached, and every ring buffer and perf buffer streamed record by
/// record until cancelled. Detaching comes first when the run ends, so no source is left and every record a program
/// put in a map is read before the run returns. <see cref="Open"/> and <see cref="Run"/> are separate so a front end
/// can show what will run (and what cannot) before it starts.
/// </summary>
public sealed class LiveRun : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly EbpfRuntime _runtime;
    private readonly LiveSources _sources;
    private readonly LoadedObject _loaded;
    private readonly Lock _deliver = new();

    private LiveRun(EbpfRuntime runtime, LiveSources sources, LoadedObject loaded, IReadOnlyList<EbpfProgram> attachable,
        IReadOnlyList<(EbpfProgram, string)> skipped, IReadOnlyList<RecordStream> streams)
    {
        (_runtime, _sources, _loaded) = (runtime, sources, loaded);
        Attachable = attachable;
        Skipped = skipped;
        Streams = streams;
    }

    public LoadedObject Object => _loaded;

    /// <summary>Programs that will be attached: their hook has a live source here.</summary>
    public IReadOnlyList<EbpfProgram> Attachable { get; }

    /// <summary>Programs that cannot be attached, and why.</summary>
    public IReadOnlyList<(EbpfProgram Program, string Reason)> Skipped { get; }

    /// <summary>The object's ring buffers and perf buffers.</summary>
    public IReadOnlyList<RecordStream> Streams { get; }

    /// <summary>The sources that will drive the attached programs.</summary>
    public IEnumerable<ProcessEventSource> Sources => _sources.Sources;

    /// <summary>
    /// Loads and verifies <paramref name="path"/>; selects <paramref name="programNames"/> (every entry program when
    /// empty); decodes records as <paramref name="recordType"/> when given. Throws <see cref="EbpfException"/> for a
    /// bad object or program name and <see cref="CliInputException"/> for an unknown record type.
    /// </summary>
    public static LiveRun Open(string path, IReadOnlyList<string> programNames, string? recordType)
    {
        var extensions = CliPlatform.CreateExtensions();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier());
        foreach (var extension in extensions) runtime.Use(extension);
        var sources = new LiveSources(extensions);
        LoadedObject? loaded = null;
        try
        {
            loaded = runtime.Load(path);
            RecordLayout? named = null;
            if (recordType is not null && (named = RecordLayout.Find(loaded.Source.Btf, recordType, out string error)) is null)
                throw new CliInputException($"--record-type {recordType}: {error}");
            var selected = programNames.Count == 0 ? loaded.ProgramList : programNames.Select(loaded.Program).Distinct().ToList();
            var attachable = new List<EbpfProgram>();
            var skipped = new List<(EbpfProgram, string)>();
            foreach (var program in selected)
            {
                if (sources.WhyNotLive(program, runtime.Extensions.HookProviders) is { } reason) skipped.Add((program, reason));
                else attachable.Add(program);
            }
            var streams = new List<RecordStream>();
            var attachedNames = attachable.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            for (int i = 0; i < loaded.Source.Maps.Length; i++)
            {
                var map = loaded.MapsByIndex[i];
                if (map is not (RingBufferMap or PerfEventArrayMap)) continue;
                var producers = loaded.Source.Programs
                    .Where(p => attachedNames.Contains(p.Name) && p.MapReferences.Any(r => r.MapIndex == i))
                    .Select(p => p.Name).ToList();
                streams.Add(new RecordStream(loaded.Source.Maps[i].Name, map, producers, loaded.Source.Btf, named));
            }
            return new LiveRun(runtime, sources, loaded, attachable, skipped, streams);
        }
        catch
        {
            loaded?.Dispose();
            sources.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Attaches <see cref="Attachable"/>, calls <paramref name="onRecord"/> for every record as it is read (one call at
    /// a time, in each map's order) and <paramref name="onVerdict"/> for every non-zero creation status a source
    /// recorded, until <paramref name="cancellation"/> fires; then detaches, reads what is left and returns.
    /// Throws <see cref="ProcessEventSourceException"/> when a source cannot start (nothing stays attached).
    /// </summary>
    public void Run(Action<RunRecord> onRecord, Action<ProcessEvent, ProcessVerdict>? onVerdict, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(onRecord);
        void Verdict(ProcessEvent e, ProcessVerdict v) { lock (_deliver) onVerdict?.Invoke(e, v); }
        foreach (var source in _sources.Sources) source.VerdictRecorded += Verdict;
        var links = new List<Link>();
        using var stop = new CancellationTokenSource();
        var readers = new List<Thread>();
        try
        {
            foreach (var program in Attachable) links.Add(_runtime.Extensions.Attach(program));
            if (_sources.Sources.FirstOrDefault(s => s.Fault is not null) is { } failed) throw failed.Fault!;
            foreach (var stream in Streams)
            {
                var reader = new Thread(() => Read(stream, onRecord, stop.Token)) { IsBackground = true, Name = "ebpf-run-" + stream.Name };
                reader.Start();
                readers.Add(reader);
            }
            cancellation.WaitHandle.WaitOne();
        }
        finally
        {
            // Detach first: the sources stop (no program runs after this), then the readers finish and the rest is read.
            foreach (var link in links) _runtime.Extensions.Detach(link);
            stop.Cancel();
            foreach (var reader in readers) reader.Join();
            foreach (var stream in Streams) Drain(stream, onRecord);
            foreach (var source in _sources.Sources) source.VerdictRecorded -= Verdict;
        }
    }

    private void Read(RecordStream stream, Action<RunRecord> onRecord, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            switch (stream.Map)
            {
                case RingBufferMap ring:
                    ring.Poll(data => Deliver(stream, data, null, onRecord), PollInterval);
                    break;
                case PerfEventArrayMap perf:
                    perf.Poll((cpu, data) => Deliver(stream, data, cpu, onRecord), PollInterval);
                    break;
            }
        }
    }

    private void Drain(RecordStream stream, Action<RunRecord> onRecord)
    {
        switch (stream.Map)
        {
            case RingBufferMap ring: ring.Consume(data => Deliver(stream, data, null, onRecord)); break;
            case PerfEventArrayMap perf: perf.Consume((cpu, data) => Deliver(stream, data, cpu, onRecord)); break;
        }
    }

    private void Deliver(RecordStream stream, ReadOnlySpan<byte> data, int? cpu, Action<RunRecord> onRecord)
    {
        var record = stream.Decode(data, cpu);
        lock (_deliver) onRecord(record);
    }

    public void Dispose()
    {
        _sources.Dispose();
        _loaded.Dispose();
    }
}
