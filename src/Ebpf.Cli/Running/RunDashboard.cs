using System.Diagnostics;
using System.Globalization;
using Ebpf.Cli.Commands;
using Ebpf.Runtime.Maps;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ebpf.Cli.Running;

/// <summary>
/// The terminal view of a live run (<c>ebpf run</c> on a terminal): programs (type, hook, runs, mean ns per run,
/// verdicts), maps (entries, size), ring and perf buffers (records/s since the last view, lost) and the latest
/// decoded records. <see cref="Render"/> builds one frame; <see cref="Show"/> redraws it every second until cancelled.
/// </summary>
public sealed class RunDashboard(LiveRun live, RunStatistics statistics)
{
    /// <summary>Maps with more entries than this show "≥ N": counting walks the keys, once per frame.</summary>
    public const int EntryCountLimit = 100_000;

    private readonly Dictionary<RecordStream, (long Records, long Timestamp)> _previous = [];

    /// <summary>
    /// One frame for a console <paramref name="width"/> columns wide. Records per second are over the time since the
    /// previous frame (since the start for the first).
    /// </summary>
    public IRenderable Render(TimeSpan elapsed, int width)
    {
        var programs = Table("Programs", "program", "type", "hook", "runs", "mean ns/run", "verdicts");
        foreach (var program in live.Attachable)
        {
            var totals = statistics.Program(program.Name);
            programs.AddRow(Cell(program.Name), Cell(program.ProgramTypeName), Cell(program.Section), Number(totals.Runs),
                Cell(totals.Runs == 0 ? "-" : totals.MeanNanoseconds.ToString("F0", CultureInfo.InvariantCulture)), Cell(Verdicts(totals)));
        }
        foreach (var (program, reason) in live.Skipped)
            programs.AddRow(Cell(program.Name), Cell(program.ProgramTypeName), Cell(program.Section), Cell("-"), Cell("-"),
                new Text("not attached: " + reason, new Style(Color.Yellow)));

        var maps = Table("Maps", "map", "type", "entries", "max", "key+value bytes");
        foreach (var (name, map) in live.Object.Maps.OrderBy(m => m.Key, StringComparer.Ordinal))
            maps.AddRow(Cell(name), Cell(map.Type.ToString()), Cell(Entries(map)), Number(map.MaxEntries),
                Cell(string.Create(CultureInfo.InvariantCulture, $"{map.KeySize}+{map.ValueSize}")));

        var streams = Table("Ring and perf buffers", "map", "kind", "records", "records/s", "lost");
        long now = Stopwatch.GetTimestamp();
        foreach (var stream in live.Streams)
        {
            long records = stream.Records;
            var (before, since) = _previous.TryGetValue(stream, out var p) ? p : (0, now - (long)(elapsed.TotalSeconds * Stopwatch.Frequency));
            double seconds = (now - since) / (double)Stopwatch.Frequency;
            _previous[stream] = (records, now);
            streams.AddRow(Cell(stream.Name), Cell(stream.Kind), Number(records),
                Cell(seconds > 0 ? ((records - before) / seconds).ToString("F1", CultureInfo.InvariantCulture) : "-"),
                stream.Lost > 0 ? new Text(stream.Lost.ToString(CultureInfo.InvariantCulture), new Style(Color.Red)) : Number(0));
        }

        var latest = Table($"Latest records (last {statistics.LatestCapacity})", "record");
        // One line each, cut with an ellipsis: a wrapped record would push the frame off a small terminal.
        int room = Math.Max(width - 4, 10);
        foreach (var record in statistics.Latest())
            latest.AddRow(Cell(RunCommand.Text(record) is var line && line.Length > room ? line[..(room - 1)] + "…" : line));

        var header = new Text(string.Create(CultureInfo.InvariantCulture,
            $"ebpf run {live.Object.Name}: {elapsed:hh\\:mm\\:ss} elapsed, Ctrl+C to stop"), new Style(decoration: Decoration.Bold));
        return new Rows(header, programs, maps, streams, latest);
    }

    /// <summary>Draws a frame on <paramref name="console"/> every <paramref name="interval"/> until cancelled, then a last one.</summary>
    public void Show(IAnsiConsole console, TimeSpan interval, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        console.Live(Render(clock.Elapsed, console.Profile.Width)).AutoClear(false).Start(context =>
        {
            while (!cancellation.WaitHandle.WaitOne(interval))
            {
                context.UpdateTarget(Render(clock.Elapsed, console.Profile.Width));
                context.Refresh();
            }
            context.UpdateTarget(Render(clock.Elapsed, console.Profile.Width));
        });
    }

    private static Table Table(string title, params string[] columns)
    {
        var table = new Table { Title = new TableTitle(title), Border = TableBorder.Rounded, Expand = true };
        foreach (var column in columns) table.AddColumn(new TableColumn(new Text(column)));
        return table;
    }

    private static Text Cell(string text) => new(text);

    private static Text Number(long value) => new(value.ToString(CultureInfo.InvariantCulture));

    private static string Verdicts(RunStatistics.ProgramTotals totals)
    {
        var nonZero = totals.NonZeroVerdicts.OrderBy(v => v.Key).ToList();
        long zero = totals.Runs - nonZero.Sum(v => v.Value);
        var parts = new List<string>();
        if (zero > 0 || nonZero.Count == 0) parts.Add(string.Create(CultureInfo.InvariantCulture, $"0: {Math.Max(zero, 0)}"));
        parts.AddRange(nonZero.Select(v => string.Create(CultureInfo.InvariantCulture, $"0x{v.Key:X}: {v.Value}")));
        return string.Join(", ", parts);
    }

    /// <summary>Entries present: the keys a walk finds (up to <see cref="EntryCountLimit"/>); "-" for ring and perf buffers.</summary>
    private static string Entries(EbpfMap map)
    {
        if (map is RingBufferMap or PerfEventArrayMap || map.KeySize == 0) return "-";
        Span<byte> key = map.KeySize <= 256 ? stackalloc byte[map.KeySize] : new byte[map.KeySize];
        Span<byte> next = map.KeySize <= 256 ? stackalloc byte[map.KeySize] : new byte[map.KeySize];
        int count = 0;
        var result = map.TryGetNextKey([], next);
        while (result == EbpfResult.Success && count < EntryCountLimit)
        {
            count++;
            next.CopyTo(key);
            result = map.TryGetNextKey(key, next);
        }
        return count >= EntryCountLimit ? $"≥ {EntryCountLimit}" : count.ToString(CultureInfo.InvariantCulture);
    }
}
