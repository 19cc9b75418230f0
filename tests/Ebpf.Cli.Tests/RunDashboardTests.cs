using System.Text.Json.Nodes;
using Ebpf.Cli.Running;
using Ebpf.Extensions.Process;
using Ebpf.Runtime.Tracing;
using Ebpf.TestSupport;
using Spectre.Console.Testing;

namespace Ebpf.Cli.Tests;

/// <summary>
/// The <c>ebpf run</c> dashboard drawn on Spectre.Console's test console: samples/process_monitor.o opened for a live
/// run (not started), with runs, verdicts and records reported to its statistics as the run would.
/// </summary>
[Collection(ConsoleCollection.Name)]
public class RunDashboardTests
{
    [Fact]
    public void StatisticsCountRunsMeanTimeAndVerdictsPerProgram()
    {
        string a = $"dash_a_{Guid.NewGuid():N}", b = $"dash_b_{Guid.NewGuid():N}";
        using var statistics = new RunStatistics(latestRecords: 2);
        RuntimeMetrics.RecordInvocation(a, "process", 100);
        RuntimeMetrics.RecordInvocation(a, "process", 300);
        RuntimeMetrics.RecordInvocation(b, "process", 50);
        statistics.OnVerdict(new ProcessVerdict(5, a, 1));
        Assert.Equal(2, statistics.Program(a).Runs);
        Assert.Equal(200, statistics.Program(a).MeanNanoseconds, 3);
        Assert.Equal(1, statistics.Program(a).NonZeroVerdicts[5]);
        Assert.Equal(1, statistics.Program(b).Runs);
        Assert.Empty(statistics.Program(b).NonZeroVerdicts);

        for (int i = 0; i < 3; i++) statistics.OnRecord(Record(i));
        Assert.Equal([1, 2], statistics.Latest().Select(r => (int)r.Fields!["n"]!));
    }

    [Fact]
    public void FrameShowsProgramsMapsBuffersAndTheLatestRecords()
    {
        using var live = LiveRun.Open(SampleObjects.Path("process_monitor"), [], recordType: null);
        using var statistics = new RunStatistics(latestRecords: 3);
        foreach (var program in live.Attachable)
        {
            RuntimeMetrics.RecordInvocation(program.Name, program.ProgramTypeName, 1000);
            RuntimeMetrics.RecordInvocation(program.Name, program.ProgramTypeName, 3000);
            RuntimeMetrics.RecordInvocation(program.Name, program.ProgramTypeName, 2000);
            statistics.OnVerdict(new ProcessVerdict(0xC0000022, program.Name, 1));
        }
        for (int i = 0; i < 5; i++) statistics.OnRecord(Record(i));

        var console = new TestConsole().Width(220);
        console.Write(new RunDashboard(live, statistics).Render(TimeSpan.FromSeconds(3), 220));
        string frame = console.Output;

        Assert.Contains("ebpf run process_monitor", frame);
        Assert.Contains("00:00:03 elapsed", frame);
        foreach (var program in live.Attachable)
        {
            var row = Line(frame, $"│ {program.Name} ");
            Assert.Contains(program.ProgramTypeName, row);
            Assert.Contains(program.Section, row);
            Assert.Matches(@"│\s*3\s*│\s*2000\s*│\s*0: 2, 0xC0000022: 1\s*│", row);
        }
        foreach (var (program, reason) in live.Skipped) Assert.Contains("not attached: " + reason[..Math.Min(reason.Length, 40)], frame);
        Assert.NotEmpty(live.Attachable.Concat(live.Skipped.Select(s => s.Program)));

        foreach (var name in live.Object.Maps.Keys) Assert.Contains(name, frame);
        Assert.Matches(@"│\s*stats\s*│[^\n]*│\s*\d+\s*│", frame); // a map's entries are counted
        var buffer = Line(frame, "│ process_events ", "ring buffer");
        Assert.Matches(@"│\s*0\s*│\s*0\.0\s*│\s*0\s*│", buffer);

        Assert.DoesNotContain("n=0", frame);
        Assert.DoesNotContain("n=1", frame);
        foreach (int n in (int[])[2, 3, 4]) Assert.Contains($"n={n}", frame);

        // On a narrow console a record keeps to one line, cut with an ellipsis.
        var narrow = new TestConsole().Width(100);
        statistics.OnRecord(Record(5) with { Fields = new JsonObject { ["text"] = new string('x', 100) } });
        narrow.Write(new RunDashboard(live, statistics).Render(TimeSpan.Zero, 100));
        var cut = Line(narrow.Output, "process_events process_monitor: text=");
        Assert.EndsWith("…", cut.TrimEnd(' ', '│'));
        Assert.DoesNotContain(narrow.Output.Split('\n'), l => l.Contains("xxx") && !l.Contains("text="));
    }

    [Fact]
    public void ShowDrawsAFrameAndReturnsWhenCancelled()
    {
        using var live = LiveRun.Open(SampleObjects.Path("process_monitor"), [], recordType: null);
        using var statistics = new RunStatistics();
        var console = new TestConsole().Width(200);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        new RunDashboard(live, statistics).Show(console, TimeSpan.FromSeconds(1), cancelled.Token);
        Assert.Contains("Ring and perf buffers", console.Output);
        Assert.Contains("process_events", console.Output);
    }

    private static RunRecord Record(int n) =>
        new("process_events", "process_monitor", new DateTime(2026, 1, 1, 0, 0, n, DateTimeKind.Utc), null, [(byte)n], "t", new JsonObject { ["n"] = n });

    /// <summary>The first line of the frame holding every one of <paramref name="parts"/>.</summary>
    private static string Line(string frame, params string[] parts) =>
        frame.Split('\n').FirstOrDefault(l => parts.All(l.Contains)) ?? throw new Xunit.Sdk.XunitException($"no line with {string.Join(", ", parts)} in\n{frame}");
}
