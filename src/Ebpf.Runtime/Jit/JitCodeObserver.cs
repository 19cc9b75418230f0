using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;

namespace Ebpf.Runtime.Jit;

/// <summary>
/// Reads the .NET runtime's own report of what its JIT did (the MethodLoadVerbose event of
/// Microsoft-Windows-DotNETRuntime, JIT keyword, delivered in process to an <see cref="EventListener"/>; works in a
/// release runtime): whether each compiled program method was optimized or fell back to MinOpts, and its native size.
/// Create it before compiling; events arrive on the runtime's dispatch thread a little later (<see cref="WaitFor"/>).
/// </summary>
public sealed class JitCodeObserver : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords JitKeyword = (EventKeywords)0x10;
    private const int MethodLoadVerbose = 143;

    private readonly ConcurrentDictionary<string, JitMethodCode> _methods = new();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource) EnableEvents(eventSource, EventLevel.Verbose, JitKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (e.EventId != MethodLoadVerbose || e.PayloadNames is not { } names || e.Payload is not { } values) return;
        int nameAt = names.IndexOf("MethodName"), flagsAt = names.IndexOf("MethodFlags"), sizeAt = names.IndexOf("MethodSize");
        if (nameAt < 0 || flagsAt < 0 || values[nameAt] is not string name || !name.StartsWith("ebpf_", StringComparison.Ordinal)) return;
        uint flags = Convert.ToUInt32(values[flagsAt]);
        long size = sizeAt >= 0 ? Convert.ToInt64(values[sizeAt]) : 0;
        _methods[name] = new JitMethodCode(name, (JitOptimizationTier)((flags >> 7) & 7), size);
    }

    /// <summary>The method's report, if it has arrived.</summary>
    public JitMethodCode? Find(string methodName) => _methods.TryGetValue(methodName, out var code) ? code : null;

    /// <summary>
    /// The reports of <paramref name="methodNames"/> (see <see cref="JitExecutor.MethodNames"/>), waiting up to
    /// <paramref name="timeout"/> for the last of them; a method whose report did not arrive is missing from the list.
    /// </summary>
    public IReadOnlyList<JitMethodCode> WaitFor(IEnumerable<string> methodNames, TimeSpan timeout)
    {
        var wanted = methodNames.ToList();
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (wanted.Any(n => !_methods.ContainsKey(n)) && Stopwatch.GetTimestamp() < deadline) Thread.Sleep(20);
        return [.. wanted.Select(Find).OfType<JitMethodCode>()];
    }

    /// <summary>
    /// How the .NET JIT compiled <paramref name="program"/>, in one word: "optimized" (one method), "optimized/N"
    /// (the entry and N regions), "MINOPTS:k/n" when k of its n methods were not optimized, "unreported" when the
    /// runtime's events did not arrive within <paramref name="timeout"/>.
    /// </summary>
    public string Describe(JitExecutor program, TimeSpan timeout)
    {
        var reports = WaitFor(program.MethodNames, timeout);
        if (reports.Count < program.MethodNames.Count) return "unreported";
        int slow = reports.Count(r => !r.Optimized);
        if (slow > 0) return $"MINOPTS:{slow}/{reports.Count}";
        return reports.Count == 1 ? "optimized" : $"optimized/{reports.Count - 1}";
    }
}
