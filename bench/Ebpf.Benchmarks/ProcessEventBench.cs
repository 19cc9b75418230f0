using System.Diagnostics;
using System.Globalization;
using Ebpf.Extensions.Process;
using Ebpf.Extensions.Process.Linux;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Benchmarks;

/// <summary>
/// `process-events [--seconds S]`: samples/process_monitor.c attached to the process hook.
/// (1) Cost per event in thread CPU time, best of five rounds: building the context alone; a creation end to end
/// (context build + program run + ring-buffer record + user-mode read of that record); the same with the reads
/// batched. (2) Sustained rate: a producer thread feeds the hook at a fixed rate for S seconds while a consumer thread
/// polls the ring buffer; for each rate, the rate reached and the records the ring buffer refused (lost). (3) With the
/// process connector (root): a fork storm for S seconds, the real events per second and what was lost.
/// </summary>
public static class ProcessEventBench
{
    private const int Iterations = 100_000;

    public static int Execute(string[] args)
    {
        double seconds = args.Length >= 2 && args[0] == "--seconds" ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        var extension = new ProcessExtension();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(extension);
        using var loaded = runtime.Load(SampleObjects.Path("process_monitor"));
        var ring = (RingBufferMap)loaded.Map("process_events");
        var link = runtime.Extensions.Attach(loaded.Program("process_monitor"));
        var e = new ProcessEvent(ProcessOperation.Create, 4242)
        {
            ParentProcessId = 1, CreatingProcessId = 1, CreatingThreadId = 1, CreationTime = 133_000_000_000_000_000,
            ImagePath = "/usr/bin/dash", CommandLine = "/bin/sh -c 'exit 7'",
        };
        var hook = extension.Hook;

        Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} processors");
        Console.WriteLine($"process_monitor on the process hook; {Iterations} events per round, best of 5 (thread CPU ns per event)");
        Report("context build only", Best(() => { for (int i = 0; i < Iterations; i++) ProcessContextFactory.FromEvent(e).Dispose(); }));
        Report("create: build + run + record + read", Best(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                hook.Decide(e);
                ring.Consume(static _ => { });
            }
        }));
        Report("create, reads batched by 512", Best(() =>
        {
            for (int i = 0; i < Iterations; i++)
            {
                hook.Decide(e);
                if ((i & 511) == 511) ring.Consume(static _ => { });
            }
            ring.Consume(static _ => { });
        }));

        Console.WriteLine();
        Console.WriteLine($"sustained: producer at a fixed rate for {seconds} s, consumer polling the ring buffer (1 MiB, 552-byte records)");
        Console.WriteLine($"{"target/s",12} {"reached/s",12} {"read",10} {"lost",8}");
        foreach (int rate in (int[])[10_000, 25_000, 50_000, 100_000, 200_000, 400_000, 800_000, 0])
        {
            var (reached, read, lost) = Sustain(hook, ring, e, rate, seconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(rate == 0 ? "unpaced" : rate.ToString("N0", CultureInfo.InvariantCulture)),12} {reached,12:N0} {read,10:N0} {lost,8:N0}"));
        }
        runtime.Extensions.Detach(link);

        Console.WriteLine();
        RealStorm(runtime, extension, loaded, ring, seconds);
        return 0;
    }

    private static double Best(Action round)
    {
        double best = double.MaxValue;
        for (int r = 0; r < 5; r++)
        {
            double start = ThreadCpuClock.NowNanoseconds();
            round();
            best = Math.Min(best, (ThreadCpuClock.NowNanoseconds() - start) / Iterations);
        }
        return best;
    }

    private static void Report(string what, double nanoseconds) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {what,-40} {nanoseconds,8:F0} ns"));

    /// <summary>Feeds <paramref name="rate"/> creations per second (0: as fast as possible) while another thread reads.</summary>
    private static (double Reached, long Read, long Lost) Sustain(ProcessHook hook, RingBufferMap ring, ProcessEvent e, int rate, double seconds)
    {
        long lostBefore = ring.LostRecords, read = 0, produced = 0;
        using var stop = new CancellationTokenSource();
        var consumer = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) read += ring.Poll(static _ => { }, TimeSpan.FromMilliseconds(10));
        });
        consumer.Start();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            long due = rate == 0 ? produced + 256 : (long)(clock.Elapsed.TotalSeconds * rate);
            while (produced < due)
            {
                hook.Decide(e);
                produced++;
            }
            if (rate != 0) Thread.SpinWait(50);
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        consumer.Join();
        read += ring.Consume(static _ => { });
        return (produced / elapsed, read, ring.LostRecords - lostBefore);
    }

    private static void RealStorm(EbpfRuntime runtime, ProcessExtension extension, LoadedObject loaded, RingBufferMap ring, double seconds)
    {
        if (!LinuxProcessConnector.IsAvailable(out string reason))
        {
            Console.WriteLine($"process connector: unavailable ({reason}); no real-event figures");
            return;
        }
        using var source = new LinuxProcessConnector(extension.Hook);
        source.FollowHook();
        long lostBefore = ring.LostRecords, read = 0;
        var link = runtime.Extensions.Attach(loaded.Program("process_monitor"));
        using var stop = new CancellationTokenSource();
        var consumer = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) read += ring.Poll(static _ => { }, TimeSpan.FromMilliseconds(10));
        });
        consumer.Start();
        var clock = Stopwatch.StartNew();
        using (var storm = Process.Start(new ProcessStartInfo("/bin/sh", ["-c", "while :; do /bin/true; /bin/true & done"]))!)
        {
            Thread.Sleep(TimeSpan.FromSeconds(seconds));
            runtime.Extensions.Detach(link);
            storm.Kill(entireProcessTree: true);
        }
        double elapsed = clock.Elapsed.TotalSeconds;
        stop.Cancel();
        consumer.Join();
        read += ring.Consume(static _ => { });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"process connector, fork storm for {seconds} s: {source.Creations:N0} starts and {source.Exits:N0} exits " +
            $"({(source.Creations + source.Exits) / elapsed:N0} events/s), {read:N0} records read, {ring.LostRecords - lostBefore} lost in the ring buffer, " +
            $"{source.Overruns} connector overruns"));
    }
}
