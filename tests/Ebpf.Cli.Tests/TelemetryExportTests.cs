using Ebpf.Cli.Telemetry;
using Ebpf.Runtime.Tracing;
using Ebpf.TestSupport;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;

namespace Ebpf.Cli.Tests;

/// <summary>
/// <see cref="TelemetryExport"/>: the runtime's meter and events reach OpenTelemetry exporters (the in-memory exporter
/// stands in for OTLP: the same provider and readers, another exporter), and the endpoint comes from --otlp or the
/// standard variable.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class TelemetryExportTests
{
    [Fact]
    public void RuntimeMetricsAndEventsAreExported()
    {
        var metrics = new List<MetricSnapshot>();
        var logs = new List<LogRecord>();
        string program = $"telemetry_{Guid.NewGuid():N}";
        using (var export = TelemetryExport.Start(m => m.AddInMemoryExporter(metrics), l => l.AddInMemoryExporter(logs), TimeSpan.FromSeconds(60)))
        {
            RuntimeMetrics.RecordInvocation(program, "sample", 250);
            RuntimeMetrics.RecordInvocation(program, "sample", 350);
            EbpfEventSource.Log.ProgramLoaded(program, "sample_ext", "sample", "ab12");
            Assert.True(export.Flush());
        }

        // Cumulative temporality: the last export of each instrument holds the totals.
        var invocations = metrics.Last(m => m.Name == "ebpf.program.invocations");
        long count = 0;
        foreach (var point in invocations.MetricPoints)
            if (Tag(point, "program") as string == program) count += point.GetSumLong();
        Assert.Equal(2, count);

        var runTime = metrics.Last(m => m.Name == "ebpf.program.run_time");
        Assert.Equal("ns", runTime.Unit);
        double sum = 0;
        foreach (var point in runTime.MetricPoints)
            if (Tag(point, "program") as string == program) sum += point.GetHistogramSum();
        Assert.Equal(600, sum);

        var loaded = logs.Single(l => l.Attributes!.Any(a => a.Key == "programName" && a.Value as string == program));
        Assert.Equal(EbpfEventSource.ProgramLoadedId, loaded.EventId.Id);
        Assert.Equal("ProgramLoaded", loaded.EventId.Name);
        Assert.Equal($"Program {program} (sample_ext) loaded as sample, hash ab12", loaded.FormattedMessage);
        Assert.Contains(loaded.Attributes!, a => a.Key == "hash" && a.Value as string == "ab12");
    }

    [Fact]
    public void EndpointComesFromTheOptionThenTheVariable()
    {
        string? Env(string name) => name == TelemetryExport.EndpointVariable ? "http://collector:4317" : null;
        Assert.Equal(new Uri("http://localhost:4318"), TelemetryExport.ResolveEndpoint("http://localhost:4318", Env));
        Assert.Equal(new Uri("http://collector:4317"), TelemetryExport.ResolveEndpoint(null, Env));
        Assert.Null(TelemetryExport.ResolveEndpoint(null, _ => null));
        Assert.Null(TelemetryExport.ResolveEndpoint("", _ => ""));

        var fromOption = Assert.Throws<CliInputException>(() => TelemetryExport.ResolveEndpoint("localhost:4317", _ => null));
        Assert.Contains("--otlp: 'localhost:4317' is not an OTLP endpoint", fromOption.Message);
        var fromVariable = Assert.Throws<CliInputException>(() => TelemetryExport.ResolveEndpoint(null, _ => "ftp://x"));
        Assert.Contains($"{TelemetryExport.EndpointVariable}: 'ftp://x'", fromVariable.Message);
    }

    [Fact]
    public void RunRefusesABadOtlpEndpointNamingIt()
    {
        var run = CliRun.Invoke("run", SampleObjects.Path("process_monitor"), "--duration", "0.1", "--otlp", "not a uri");
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--otlp: 'not a uri' is not an OTLP endpoint", run.Error);
    }

    private static object? Tag(in MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
            if (tag.Key == key) return tag.Value;
        return null;
    }
}
