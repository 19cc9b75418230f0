using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using Ebpf.Extensions.Process.Linux;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Service.Tests;

[Collection(DaemonCollection.Name)]
public class DaemonEndToEndTests(ITestOutputHelper output)
{
    private const uint ProcessEventKind = 1; // samples/multi_extension.c: EVENT_PROCESS

    /// <summary>
    /// The acceptance run: the daemon starts on a temporary socket; one client process loads and pins the seed sample
    /// and exits; further client processes list the programs, attach the process monitor, dump the ring buffer
    /// (records of processes started meanwhile, when the process connector is available), detach, unload; the
    /// daemon stops. A first round warms what a process starts once (socket engine, connector threads); around a
    /// second round this process's threads (thread-pool workers aside) and open descriptors are counted.
    /// </summary>
    [Fact]
    public async Task LoadInOneClientListDumpDetachUnloadFromAnotherAndStopLeavesNoThreadOrDescriptor()
    {
        await Round(report: true);
        var before = await Settled();
        await Round(report: false);
        var after = Census();
        for (int i = 0; i < 50 && after != before; i++)
        {
            await Task.Delay(200);
            after = Census();
        }
        output.WriteLine($"threads (thread-pool workers aside) {before.Threads} -> {after.Threads}, descriptors {before.Descriptors} -> {after.Descriptors}");
        Assert.Equal(before.Descriptors, after.Descriptors);
        Assert.Equal(before.Threads, after.Threads);
    }

    private async Task Round(bool report)
    {
        string sample = SampleObjects.Path("multi_extension");
        bool live = LinuxProcessConnector.IsAvailable(out string reason);
        var daemon = await TestDaemon.StartAsync();
        string socket = daemon.Socket;
        try
        {
            var load = CliProcess.Run(["prog", "load", sample, "--pin", "/e2e", "--socket", socket, "--json"]);
            Assert.True(load.ExitCode == 0, load.ToString());
            Assert.Equal(6, load.Json.GetProperty("pins").GetArrayLength()); // 4 programs and 2 maps

            // The loading client has exited: a second one finds what it left.
            var list = CliProcess.Run(["prog", "list", "--socket", socket, "--json"]);
            Assert.True(list.ExitCode == 0, list.ToString());
            var programs = list.Json.GetProperty("programs").EnumerateArray().ToDictionary(p => p.GetProperty("name").GetString()!);
            Assert.Equal(["bind_monitor", "connection_monitor", "connection_tracker", "process_monitor"], programs.Keys.Order());
            var monitor = programs["process_monitor"];
            Assert.Equal("process", monitor.GetProperty("programType").GetString());
            Assert.Equal("BPF:\\e2e\\process_monitor", monitor.GetProperty("pins")[0].GetString());
            string id = monitor.GetProperty("id").GetUInt32().ToString();

            var attach = CliProcess.Run(["link", "attach", id, "--socket", socket, "--json"]);
            Assert.True(attach.ExitCode == 0, attach.ToString());
            string link = attach.Json.GetProperty("id").GetUInt32().ToString();
            string note = attach.Json.GetProperty("liveSourceNote").GetString()!;
            if (live)
            {
                Assert.Equal("", note);
                await SeeProcessRecord(socket);
            }
            else
            {
                Assert.False(OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess, $"root, yet the process connector is unavailable: {reason}");
                Assert.Contains(reason, note);
                var dump = CliProcess.Run(["map", "dump", "pinned", "/e2e/events", "--socket", socket]);
                Assert.True(dump.ExitCode == 0, dump.ToString());
                Assert.Contains("0 records read from map", dump.Output);
                if (report) HostKernelReport.Note(output.WriteLine, $"ebpf serve end-to-end: no live process events ({reason}); checked load, list, dump, detach, unload");
            }

            var detach = CliProcess.Run(["link", "detach", link, "--socket", socket]);
            Assert.True(detach.ExitCode == 0, detach.ToString());
            var again = CliProcess.Run(["link", "detach", link, "--socket", socket]);
            Assert.Equal(1, again.ExitCode);
            Assert.Contains($"link {link} is not attached", again.Error);

            var unload = CliProcess.Run(["prog", "unload", id, "--socket", socket, "--json"]);
            Assert.True(unload.ExitCode == 0, unload.ToString());
            Assert.Equal(4, unload.Json.GetProperty("unpinned").GetArrayLength());

            // The object's maps were pinned: they outlive it.
            var pins = CliProcess.Run(["pin", "list", "--socket", socket, "--json"]);
            Assert.True(pins.ExitCode == 0, pins.ToString());
            Assert.Equal(["BPF:\\e2e\\connections_per_port", "BPF:\\e2e\\events"],
                pins.Json.GetProperty("pins").EnumerateArray().Select(p => p.GetProperty("path").GetString()!));
            var programsLeft = CliProcess.Run(["prog", "list", "--socket", socket, "--json"]);
            Assert.Equal(0, programsLeft.Json.GetProperty("programs").GetArrayLength());
        }
        finally
        {
            await daemon.DisposeAsync();
        }
        Assert.False(File.Exists(socket));
        var gone = CliProcess.Run(["prog", "list", "--socket", socket]);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains($"no ebpf daemon runs on {socket}", gone.Error);
    }

    /// <summary>Starts short processes until a dump of the ring buffer shows the record of one of them.</summary>
    private async Task SeeProcessRecord(string socket)
    {
        var pids = new HashSet<ulong>();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            using (var child = Process.Start("/bin/sh", ["-c", "exit 3"])!)
            {
                pids.Add((ulong)child.Id);
                await child.WaitForExitAsync();
            }
            await Task.Delay(100);
            var dump = CliProcess.Run(["map", "dump", "pinned", "/e2e/events", "--socket", socket, "--json"]);
            Assert.True(dump.ExitCode == 0, dump.ToString());
            foreach (var record in dump.Json.GetProperty("records").EnumerateArray().Select(r => r.GetBytesFromBase64()))
            {
                Assert.Equal(16, record.Length); // struct event: kind, detail, id
                if (BinaryPrimitives.ReadUInt32LittleEndian(record) == ProcessEventKind && pids.Contains(BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(8))))
                {
                    output.WriteLine($"record of process {BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(8))} read after {deadline.ElapsedMilliseconds} ms");
                    return;
                }
            }
        }
        Assert.Fail($"no process record of the {pids.Count} processes started appeared in the ring buffer within 20 s");
    }

    /// <summary>The census once it has not changed for a second (threads of the last round may still be finishing).</summary>
    private static async Task<(int Threads, int Descriptors)> Settled()
    {
        var last = Census();
        for (int stable = 0, i = 0; stable < 5 && i < 50; i++)
        {
            await Task.Delay(200);
            var now = Census();
            stable = now == last ? stable + 1 : 0;
            last = now;
        }
        return last;
    }

    private static (int Threads, int Descriptors) Census()
    {
        // Sockets and handles the round dropped are closed by their finalizers at the latest.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        int threads = Directory.GetDirectories("/proc/self/task").Count(t =>
        {
            try { return File.ReadAllText(Path.Combine(t, "comm")).TrimEnd('\n') != ".NET TP Worker"; }
            catch (IOException) { return false; }
        });
        return (threads, Directory.GetFiles("/proc/self/fd").Length);
    }
}
