using System.Diagnostics.Tracing;
using Ebpf.Runtime.Tracing;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace Ebpf.Cli.Telemetry;

/// <summary>
/// Exports the runtime's meter (<see cref="RuntimeMetrics.MeterName"/>) as OpenTelemetry metrics and its event stream
/// (<see cref="EbpfEventSource"/>) as OpenTelemetry log records, for as long as it is not disposed. The runtime itself
/// knows nothing of OpenTelemetry: it records through System.Diagnostics; this bridges that to an exporter.
/// Disposing flushes what was recorded and stops.
/// </summary>
public sealed class TelemetryExport : IDisposable
{
    /// <summary>The standard variable the OTLP exporter reads when no <c>--otlp</c> is given.</summary>
    public const string EndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The OpenTelemetry service name (resource attribute <c>service.name</c>).</summary>
    public const string ServiceName = "ebpf";

    private readonly MeterProvider _meters;
    private readonly ILoggerFactory _logs;
    private readonly EventForwarder _events;

    private TelemetryExport(Action<MeterProviderBuilder> addMetricExporter, Action<OpenTelemetryLoggerOptions> addLogExporter,
        TimeSpan exportInterval)
    {
        var resource = ResourceBuilder.CreateDefault().AddService(ServiceName);
        var meters = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(RuntimeMetrics.MeterName);
        addMetricExporter(meters);
        _meters = meters.Build();
        _logs = LoggerFactory.Create(logging => logging.AddOpenTelemetry(options =>
        {
            options.SetResourceBuilder(resource);
            options.IncludeFormattedMessage = true;
            addLogExporter(options);
        }));
        _events = new EventForwarder(_logs.CreateLogger(EbpfEventSource.SourceName));
        ExportInterval = exportInterval;
    }

    /// <summary>How often metrics are pushed (the periodic reader's interval).</summary>
    public TimeSpan ExportInterval { get; }

    /// <summary>
    /// The OTLP endpoint a command exports to: <paramref name="option"/> (<c>--otlp</c>) when given, else
    /// <see cref="EndpointVariable"/>; null when neither is set (no export). A value that is not an absolute http(s)
    /// URI is refused naming where it came from.
    /// </summary>
    public static Uri? ResolveEndpoint(string? option, Func<string, string?> environment)
    {
        var (value, origin) = !string.IsNullOrWhiteSpace(option) ? (option, "--otlp")
            : environment(EndpointVariable) is { Length: > 0 } variable ? (variable, EndpointVariable)
            : (null, null);
        if (value is null) return null;
        if (Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            return uri;
        throw new CliInputException($"{origin}: '{value}' is not an OTLP endpoint (an absolute http:// or https:// URI, e.g. http://localhost:4317)");
    }

    /// <summary>
    /// OTLP export to <paramref name="endpoint"/> (gRPC unless OTEL_EXPORTER_OTLP_PROTOCOL says http/protobuf, as the
    /// exporter reads it), metrics every <paramref name="exportInterval"/>.
    /// </summary>
    public static TelemetryExport StartOtlp(Uri endpoint, TimeSpan exportInterval)
    {
        void Configure(OtlpExporterOptions options) => options.Endpoint = endpoint;
        return new TelemetryExport(
            meters => meters.AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter);
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)exportInterval.TotalMilliseconds;
            }),
            logs => logs.AddOtlpExporter(Configure),
            exportInterval);
    }

    /// <summary>Export through exporters the caller adds (tests use OpenTelemetry's in-memory exporter).</summary>
    public static TelemetryExport Start(Action<MeterProviderBuilder> addMetricExporter, Action<OpenTelemetryLoggerOptions> addLogExporter,
        TimeSpan exportInterval) => new(addMetricExporter, addLogExporter, exportInterval);

    /// <summary>Pushes every metric and log record recorded so far.</summary>
    public bool Flush(int timeoutMilliseconds = 5000) => _meters.ForceFlush(timeoutMilliseconds);

    public void Dispose()
    {
        _events.Dispose();
        _meters.ForceFlush(5000);
        _meters.Dispose();
        _logs.Dispose(); // disposing the logger provider flushes its batch processor
    }

    /// <summary>Each <see cref="EbpfEventSource"/> event as one log record: its message, level, id and payload fields.</summary>
    private sealed class EventForwarder(ILogger logger) : EventListener
    {
        private static readonly LogLevel[] Levels =
            [LogLevel.Information, LogLevel.Critical, LogLevel.Error, LogLevel.Warning, LogLevel.Information, LogLevel.Debug];

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == EbpfEventSource.SourceName) EnableEvents(source, EventLevel.Informational, EventKeywords.All);
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventSource.Name != EbpfEventSource.SourceName) return;
            var level = (int)e.Level < Levels.Length ? Levels[(int)e.Level] : LogLevel.Information;
            var state = new List<KeyValuePair<string, object?>>(e.PayloadNames?.Count + 1 ?? 1) { new("event.name", e.EventName) };
            for (int i = 0; i < (e.PayloadNames?.Count ?? 0); i++) state.Add(new(e.PayloadNames![i], e.Payload![i]));
            string message = e.Message is { } format && e.Payload is { } payload ? string.Format(null, format, [.. payload]) : e.EventName ?? "";
            logger.Log(level, new EventId(e.EventId, e.EventName), state, null, (_, _) => message);
        }
    }
}
