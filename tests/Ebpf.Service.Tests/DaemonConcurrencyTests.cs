using System.Buffers.Binary;
using System.Diagnostics;
using Ebpf.Service.Protocol;
using Ebpf.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using Xunit.Abstractions;

namespace Ebpf.Service.Tests;

[Collection(DaemonCollection.Name)]
public class DaemonConcurrencyTests(ITestOutputHelper output)
{
    private const int Clients = 8;

    /// <summary>Seconds of the run: EBPF_DAEMON_SOAK_SECONDS, else 30 with EBPF_LONG_TESTS=1, else 5.</summary>
    private static double Duration =>
        double.TryParse(Environment.GetEnvironmentVariable("EBPF_DAEMON_SOAK_SECONDS"), out double seconds) && seconds > 0 ? seconds
        : Environment.GetEnvironmentVariable("EBPF_LONG_TESTS") == "1" ? 30 : 5;

    /// <summary>
    /// Eight clients, each on its own connection, load the seed sample, pin a program, attach two programs, write
    /// their own key of a map another object pinned, detach each link from two connections at once (exactly one
    /// wins, the other is told the link is gone) and unload, over and over. Afterwards the daemon holds exactly the
    /// shared object, its six pins and no link, and the shared pinned map holds each client's last write.
    /// </summary>
    [Fact]
    public async Task EightClientsLoadingAttachingUpdatingAndDetachingLeaveAConsistentStateAndEveryPinnedMap()
    {
        var sample = ByteString.CopyFrom(File.ReadAllBytes(SampleObjects.Path("multi_extension")));
        await using var daemon = await TestDaemon.StartAsync();
        using var admin = daemon.Client();
        var shared = admin.Call(d => d.LoadObject(new LoadRequest { Object = sample, FileName = "shared.o", PinDir = "/shared" }));
        var sharedMap = new MapRef { Pinned = "/shared/connections_per_port" };

        var stop = Stopwatch.StartNew();
        var duration = TimeSpan.FromSeconds(Duration);
        var lastWritten = new ulong[Clients];
        var rounds = new int[Clients];
        var raceLosses = new int[Clients];
        var workers = Enumerable.Range(0, Clients).Select(i => Task.Run(() =>
        {
            using var client = daemon.Client();
            using var racer = daemon.Client();
            byte[] key = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(key, (ushort)(1000 + i));
            // The duration is a floor: on a loaded machine one round can take longer, and every client must finish one.
            for (ulong round = 1; round == 1 || stop.Elapsed < duration; round++)
            {
                var loaded = client.Call(d => d.LoadObject(new LoadRequest { Object = sample, FileName = $"client{i}.o" }));
                var programs = loaded.Programs.ToDictionary(p => p.Name);
                client.Call(d => d.PinProgram(new PinProgramRequest { Id = programs["connection_tracker"].Id, Path = $"/client{i}/tracker" }));
                var links = new[] { "connection_tracker", "process_monitor" }
                    .Select(name => client.Call(d => d.Attach(new AttachRequest { ProgramId = programs[name].Id }))).ToList();

                var value = new byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(value, round);
                client.Call(d => d.UpdateMap(new MapUpdateRequest { Map = sharedMap, Key = ByteString.CopyFrom(key), Value = ByteString.CopyFrom(value) }));
                lastWritten[i] = round;

                foreach (var link in links)
                {
                    var outcomes = new[] { client, racer }.AsParallel().Select(c =>
                    {
                        try
                        {
                            c.Call(d => d.Detach(new LinkRef { Id = link.Id }));
                            return StatusCode.OK;
                        }
                        catch (RpcException e)
                        {
                            Assert.Contains($"link {link.Id} is not attached", e.Status.Detail);
                            return e.StatusCode;
                        }
                    }).ToList();
                    Assert.Equal(1, outcomes.Count(o => o == StatusCode.OK));
                    Assert.Equal(1, outcomes.Count(o => o == StatusCode.NotFound));
                    raceLosses[i]++;
                }
                var unloaded = client.Call(d => d.UnloadProgram(new ProgramRef { Id = programs["process_monitor"].Id }));
                Assert.Equal(loaded.ObjectId, unloaded.ObjectId);
                Assert.Equal([$"BPF:\\client{i}\\tracker"], unloaded.Unpinned);
                Assert.Empty(unloaded.LinkIds); // both were detached above
                rounds[i]++;
            }
        })).ToArray();
        await Task.WhenAll(workers);
        output.WriteLine($"{Clients} clients, {duration.TotalSeconds} s: {rounds.Sum()} rounds (load, pin, 2 attaches, update, 2 raced detaches, unload), " +
            $"{raceLosses.Sum()} detach races with one winner each; rounds per client {string.Join(",", rounds)}");

        var programsLeft = admin.Call(d => d.ListPrograms(new Empty())).Programs;
        Assert.Equal(shared.Programs.Select(p => p.Id).Order(), programsLeft.Select(p => p.Id).Order());
        Assert.Empty(admin.Call(d => d.ListLinks(new Empty())).Links);
        Assert.Equal(shared.Pins.Order(), admin.Call(d => d.ListPins(new Empty())).Pins.Select(p => p.Path).Order());
        Assert.Equal(shared.Maps.Select(m => m.Id).Order(), admin.Call(d => d.ListMaps(new Empty())).Maps.Select(m => m.Id).Order());
        var entries = admin.Call(d => d.DumpMap(sharedMap)).Entries
            .ToDictionary(e => BinaryPrimitives.ReadUInt16LittleEndian(e.Key.Span), e => BinaryPrimitives.ReadUInt64LittleEndian(e.Value.Span));
        Assert.Equal(Enumerable.Range(0, Clients).ToDictionary(i => (ushort)(1000 + i), i => lastWritten[i]), entries);
    }
}
