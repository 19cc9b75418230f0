using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ebpf.Cli.Running;
using Ebpf.Cli.Telemetry;
using Ebpf.Elf;
using Ebpf.Extensions.Process;
using Ebpf.Runtime.Maps;

namespace Ebpf.Cli.Commands;

/// <summary>
/// <c>ebpf run &lt;object&gt; [program...] [--duration S] [--record-type T] [--json] [--otlp URI]</c>: runs an object's programs on
/// real events (<see cref="LiveRun"/>) and prints every ring-buffer and perf-buffer record as it arrives, until
/// Ctrl+C or the duration ends. On a terminal (without --json) standard output shows a live dashboard
/// (<see cref="RunDashboard"/>); otherwise records go to standard output (one line each, or one JSON object each with --json);
/// what was attached, what could not be and why, recorded verdicts and the closing counts go to standard error.
/// With <c>--otlp</c> or OTEL_EXPORTER_OTLP_ENDPOINT the runtime's metrics and events are exported over OTLP meanwhile.
/// </summary>
public static class RunCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var command = new Command("run", "Attach an object's programs to real events and stream their ring-buffer and perf-buffer records.");
        var file = new Argument<FileInfo>("object") { Description = "The ELF object file (clang -target bpf)." };
        var programs = new Argument<string[]>("program") { Description = "Programs to attach (default: every program).", Arity = ArgumentArity.ZeroOrMore };
        var duration = new Option<double?>("--duration") { Description = "Stop after this many seconds (default: run until Ctrl+C)." };
        var recordType = new Option<string?>("--record-type")
        {
            Description = "Decode records as this struct of the object's BTF (default: a struct whose size matches the record, else hex).",
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per record: map, program, time, fields." };
        var pcap = new Option<FileInfo?>("--pcap") { Description = "Run the object's xdp/xdp_test programs on the packets of this pcap or pcapng file and print the per-action summary." };
        var write = new Option<FileInfo?>("--write") { Description = "With --pcap: write the packets the programs pass or transmit (as they left them) to this pcap file." };
        var interfaceName = new Option<string?>("--interface")
        {
            Description = "Run the object's xdp/xdp_test programs on packets arriving on this interface (root), in observe mode: verdicts counted, not enforced.",
        };
        command.Arguments.Add(file);
        command.Arguments.Add(programs);
        command.Options.Add(duration);
        command.Options.Add(recordType);
        var otlp = new Option<string?>("--otlp")
        {
            Description = $"Export the runtime's metrics and events over OTLP to this endpoint (default: ${TelemetryExport.EndpointVariable} if set).",
        };
        command.Options.Add(json);
        command.Options.Add(otlp);
        command.Options.Add(pcap);
        command.Options.Add(write);
        command.Options.Add(interfaceName);
        command.SetAction(parse => CommandErrors.Run(parse, output => parse.GetValue(pcap) is not null || parse.GetValue(interfaceName) is not null || parse.GetValue(write) is not null
            ? RunOnPackets(parse.GetRequiredValue(file), parse.GetValue(programs) ?? [], parse.GetValue(duration), parse.GetValue(pcap),
                parse.GetValue(write), parse.GetValue(interfaceName), output, parse.InvocationConfiguration.Error)
            : Run(parse.GetRequiredValue(file), parse.GetValue(programs) ?? [], parse.GetValue(duration), parse.GetValue(recordType),
                parse.GetValue(json), parse.GetValue(otlp), output, parse.InvocationConfiguration.Error)));
        return command;
    }

    private static void CheckDuration(double? duration)
    {
        if (duration is { } d && !(d > 0 && d <= TimeSpan.MaxValue.TotalSeconds))
            throw new CliInputException($"--duration must be a positive number of seconds, not {d.ToString(CultureInfo.InvariantCulture)}");
    }

    private static int RunOnPackets(FileInfo file, string[] programs, double? duration, FileInfo? pcap, FileInfo? write, string? interfaceName,
        TextWriter output, TextWriter error)
    {
        if (pcap is not null && interfaceName is not null) throw new CliInputException("--pcap and --interface are exclusive: packets come from one source");
        if (write is not null && pcap is null) throw new CliInputException("--write needs --pcap (a live interface is observed, nothing is written)");
        CheckDuration(duration);
        using var cancellation = duration is { } s ? new CancellationTokenSource(TimeSpan.FromSeconds(s)) : new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            return PacketRun.Run(file.FullName, programs, pcap?.FullName, write?.FullName, interfaceName, cancellation.Token, output, error);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static int Run(FileInfo file, string[] programs, double? duration, string? recordType, bool json, string? otlp, TextWriter output, TextWriter error)
    {
        var endpoint = TelemetryExport.ResolveEndpoint(otlp, Environment.GetEnvironmentVariable);
        CheckDuration(duration);
        // Started before the object loads, so its load and verification events are exported too.
        using var telemetry = endpoint is null ? null : TelemetryExport.StartOtlp(endpoint, TimeSpan.FromSeconds(1));
        if (endpoint is not null) error.WriteLine($"ebpf run: exporting metrics and events over OTLP to {endpoint}");
        LiveRun live;
        try
        {
            live = LiveRun.Open(file.FullName, programs, recordType);
        }
        catch (EbpfException e)
        {
            throw new CliInputException(e.Message);
        }
        using (live)
        {
            foreach (var (program, reason) in live.Skipped)
                error.WriteLine($"ebpf run: cannot attach {program.Name} (section {program.Section}): {reason}");
            if (live.Attachable.Count == 0)
            {
                error.WriteLine($"ebpf run: {file.Name}: no program can be attached to real events on this host");
                return ExitCodes.Failure;
            }
            foreach (var program in live.Attachable)
                error.WriteLine($"ebpf run: attaching {program.Name} (section {program.Section}, {program.ProgramTypeName})");
            foreach (var source in live.Sources.Where(s => !s.EnforcesVerdicts))
                error.WriteLine($"ebpf run: events come from the {source.Name}: processes already run when their programs see them, " +
                    "so a non-zero status is recorded and reported, not enforced");
            foreach (var stream in live.Streams)
                error.WriteLine($"ebpf run: streaming {stream.Kind} {stream.Name}" +
                    (recordType is not null ? $" (records as {recordType})" : " (records as the struct of their size, else hex)"));
            if (live.Streams.Count == 0) error.WriteLine("ebpf run: the object has no ring buffer or perf buffer: nothing will be printed");
            error.WriteLine(duration is { } seconds
                ? string.Create(CultureInfo.InvariantCulture, $"ebpf run: running for {seconds} s")
                : "ebpf run: running until Ctrl+C");

            using var cancellation = duration is { } s ? new CancellationTokenSource(TimeSpan.FromSeconds(s)) : new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true; // end the run cleanly (detach, drain), not the process
                cancellation.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                if (!json && !Console.IsOutputRedirected) RunWithDashboard(live, cancellation);
                else live.Run(record => output.WriteLine(json ? Json(record) : Text(record)), (e, verdict) => error.WriteLine(Verdict(e, verdict)),
                    cancellation.Token);
            }
            catch (ProcessEventSourceException e)
            {
                error.WriteLine($"ebpf run: {e.Message}");
                return ExitCodes.Failure;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            output.Flush();
            foreach (var stream in live.Streams)
                error.WriteLine($"ebpf run: detached; {stream.Name}: {stream.Records} records read, {stream.Lost} lost");
            return ExitCodes.Ok;
        }
    }

    /// <summary>
    /// The run on a background thread, the dashboard redrawn every second on this one until the run is cancelled or
    /// fails (a source that cannot start: rethrown here). Verdicts are counted in the view rather than printed.
    /// </summary>
    private static void RunWithDashboard(LiveRun live, CancellationTokenSource cancellation)
    {
        using var statistics = new RunStatistics();
        var run = Task.Factory.StartNew(() => live.Run(statistics.OnRecord, (_, verdict) => statistics.OnVerdict(verdict), cancellation.Token),
            TaskCreationOptions.LongRunning);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(cancellation.Token);
        run.ContinueWith(_ => ended.Cancel(), TaskScheduler.Default);
        new RunDashboard(live, statistics).Show(Spectre.Console.AnsiConsole.Console, TimeSpan.FromSeconds(1), ended.Token);
        run.GetAwaiter().GetResult();
    }

    /// <summary>One JSON object: map, program (null when several write the map), time (UTC), cpu (perf buffers), type, fields or data (hex).</summary>
    public static string Json(RunRecord record)
    {
        var node = new JsonObject
        {
            ["map"] = record.Map,
            ["program"] = record.Program,
            ["time"] = record.Time.ToString("O", CultureInfo.InvariantCulture),
        };
        if (record.Cpu is { } cpu) node["cpu"] = cpu;
        node["type"] = record.TypeName;
        node["fields"] = record.Fields?.DeepClone();
        if (record.Fields is null) node["data"] = Convert.ToHexStringLower(record.Data);
        return node.ToJsonString(JsonOptions);
    }

    /// <summary>One line: time, map, program, then name=value fields (strings quoted) or the hex bytes.</summary>
    public static string Text(RunRecord record)
    {
        var line = new StringBuilder();
        line.Append(record.Time.ToString("HH:mm:ss.ffffff", CultureInfo.InvariantCulture)).Append(' ').Append(record.Map);
        if (record.Program is not null) line.Append(' ').Append(record.Program);
        if (record.Cpu is { } cpu) line.Append(CultureInfo.InvariantCulture, $" cpu{cpu}");
        line.Append(':');
        if (record.Fields is null)
        {
            line.Append(' ').Append(Convert.ToHexStringLower(record.Data));
            return line.ToString();
        }
        foreach (var (name, value) in record.Fields) line.Append(' ').Append(name).Append('=').Append(value?.ToJsonString(JsonOptions) ?? "null");
        return line.ToString();
    }

    private static string Verdict(ProcessEvent e, ProcessVerdict verdict) => string.Create(CultureInfo.InvariantCulture,
        $"ebpf run: verdict recorded, not enforced: {verdict.ProgramName} returned 0x{verdict.Status:X8} for process {e.ProcessId} ({e.ImagePath})");
}
