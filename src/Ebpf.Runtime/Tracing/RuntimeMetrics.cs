using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace Ebpf.Runtime.Tracing;

/// <summary>
/// <see cref="System.Diagnostics.Metrics"/> instruments of the runtime (meter "EbpfForDotNet"): program invocations
/// and their run time, tagged with program name and type. Recording costs nothing when no listener is enabled.
/// </summary>
public static class RuntimeMetrics
{
    public const string MeterName = "EbpfForDotNet";

    /// <summary>The run-time histogram's name, for listeners that pick instruments as they are published.</summary>
    public const string RunTimeName = "ebpf.program.run_time";

    public static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Invocations =
        Meter.CreateCounter<long>("ebpf.program.invocations", unit: "{invocation}", description: "Program invocations");

    public static readonly Histogram<double> RunTime =
        Meter.CreateHistogram<double>(RunTimeName, unit: "ns", description: "Run time of one program invocation");

    public static readonly Counter<long> ExtensionUnavailable =
        Meter.CreateCounter<long>("ebpf.program.extension_unavailable", unit: "{invocation}",
            description: "Invocations refused because the program-information provider was absent");

    /// <summary>
    /// Nanoseconds since a <see cref="Stopwatch.GetTimestamp"/> reading, at the timestamp's own resolution (a TimeSpan
    /// would round a fast invocation down to 0 in 100 ns ticks).
    /// </summary>
    public static double NanosecondsSince(long timestamp) =>
        (Stopwatch.GetTimestamp() - timestamp) * (1e9 / Stopwatch.Frequency);

    public static bool Enabled
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Invocations.Enabled || RunTime.Enabled;
    }

    public static void RecordInvocation(string programName, string programType, double nanoseconds)
    {
        var tags = new KeyValuePair<string, object?>[] { new("program", programName), new("type", programType) };
        Invocations.Add(1, tags);
        RunTime.Record(nanoseconds, tags);
    }
}
