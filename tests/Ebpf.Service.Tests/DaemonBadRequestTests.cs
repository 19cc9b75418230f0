using System.Net.Sockets;
using System.Text;
using Ebpf.Service.Protocol;
using Ebpf.TestSupport;
using Google.Protobuf;
using Grpc.Core;
using Xunit.Abstractions;

namespace Ebpf.Service.Tests;

/// <summary>Bad requests get an error each, naming what is wrong; clients that misbehave or vanish leave the daemon serving.</summary>
[Collection(DaemonCollection.Name)]
public class DaemonBadRequestTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AThousandMalformedRequestsEachGetAnErrorAndTheDaemonKeepsServing()
    {
        byte[] sample = File.ReadAllBytes(SampleObjects.Path("multi_extension"));
        await using var daemon = await TestDaemon.StartAsync();
        using var client = daemon.Client();
        var loaded = client.Call(d => d.LoadObject(new LoadRequest { Object = ByteString.CopyFrom(sample), FileName = "multi_extension.o", PinDir = "/good" }));
        uint program = loaded.Programs[0].Id;
        var hash = new MapRef { Name = "connections_per_port" };
        var ring = new MapRef { Pinned = "/good/events" };
        var random = new Random(17);

        // Each case: the request, and words its error must contain (what is at fault).
        var cases = new (string What, Action<Protocol.EbpfDaemon.EbpfDaemonClient> Call, StatusCode Status, string Says)[]
        {
            ("truncated object", d => d.LoadObject(new LoadRequest { Object = ByteString.CopyFrom(sample.AsSpan(0, 1 + random.Next(sample.Length - 1))), FileName = "cut.o" }), StatusCode.InvalidArgument, "cut.o"),
            ("random bytes", d => d.LoadObject(new LoadRequest { Object = ByteString.CopyFrom(RandomBytes(random)), FileName = "noise.o" }), StatusCode.InvalidArgument, "noise.o"),
            ("no bytes", d => d.LoadObject(new LoadRequest { FileName = "empty.o" }), StatusCode.InvalidArgument, "no object bytes"),
            ("unknown program", d => d.ShowProgram(new ProgramRef { Id = 100_000 + (uint)random.Next(1000) }), StatusCode.NotFound, "no program with id"),
            ("attach unknown program", d => d.Attach(new AttachRequest { ProgramId = 0 }), StatusCode.NotFound, "no program with id 0"),
            ("attach bad type", d => d.Attach(new AttachRequest { ProgramId = program, AttachType = "not-a-guid" }), StatusCode.InvalidArgument, "is not a GUID"),
            ("unknown link", d => d.Detach(new LinkRef { Id = 100_000 + (uint)random.Next(1000) }), StatusCode.NotFound, "is not attached"),
            ("unload unknown", d => d.UnloadProgram(new ProgramRef { Id = 99_999 }), StatusCode.NotFound, "no program with id 99999"),
            ("unknown map id", d => d.DumpMap(new MapRef { Id = 100_000 }), StatusCode.NotFound, "no map with id 100000"),
            ("two map names", d => d.DumpMap(new MapRef { Id = 1, Name = "events" }), StatusCode.InvalidArgument, "exactly one of"),
            ("no map", d => d.LookupMap(new MapKeyRequest { Key = ByteString.CopyFrom(0, 0) }), StatusCode.InvalidArgument, "names no map"),
            ("bad pin path", d => d.DumpMap(new MapRef { Pinned = "a:b" }), StatusCode.InvalidArgument, "pin path 'a:b'"),
            ("pinned program as map", d => d.DumpMap(new MapRef { Pinned = $"/good/{loaded.Programs[0].Name}" }), StatusCode.InvalidArgument, "not a map"),
            ("short key", d => d.LookupMap(new MapKeyRequest { Map = hash, Key = ByteString.CopyFrom(1) }), StatusCode.InvalidArgument, "has 2-byte keys; the key given has 1 bytes"),
            ("long key", d => d.DeleteMapEntry(new MapKeyRequest { Map = hash, Key = ByteString.CopyFrom(new byte[3 + random.Next(60)]) }), StatusCode.InvalidArgument, "has 2-byte keys"),
            ("wrong value", d => d.UpdateMap(new MapUpdateRequest { Map = hash, Key = ByteString.CopyFrom(0, 80), Value = ByteString.CopyFrom(1, 2, 3) }), StatusCode.InvalidArgument, "has 8-byte values; the value given has 3 bytes"),
            ("bad flags", d => d.UpdateMap(new MapUpdateRequest { Map = hash, Key = ByteString.CopyFrom(0, 80), Value = ByteString.CopyFrom(new byte[8]), Flags = 7 }), StatusCode.InvalidArgument, "update flags 7"),
            ("absent key", d => d.LookupMap(new MapKeyRequest { Map = hash, Key = ByteString.CopyFrom(0xff, 0xfe) }), StatusCode.NotFound, "no entry for key FFFE"),
            ("key on ring buffer", d => d.LookupMap(new MapKeyRequest { Map = ring, Key = ByteString.CopyFrom(0) }), StatusCode.InvalidArgument, "holds records, not keyed entries"),
            ("taken pin path", d => d.PinProgram(new PinProgramRequest { Id = program, Path = "/good/events" }), StatusCode.AlreadyExists, "already taken by a map"),
            ("pin above root", d => d.PinProgram(new PinProgramRequest { Id = program, Path = "../x" }), StatusCode.InvalidArgument, "'..' goes above the root"),
        };
        var seen = new Dictionary<string, int>();
        for (int i = 0; i < 1000; i++)
        {
            var (what, call, status, says) = cases[i % cases.Length];
            var error = Assert.Throws<RpcException>(() => client.Call(d => { call(d); return 0; }));
            Assert.True(error.StatusCode == status && error.Status.Detail.Contains(says, StringComparison.Ordinal),
                $"request {i} ({what}): expected {status} saying '{says}', got {error.StatusCode}: {error.Status.Detail}");
            seen[what] = seen.GetValueOrDefault(what) + 1;
        }
        output.WriteLine(string.Join(", ", seen.Select(s => $"{s.Key} {s.Value}")));

        // Still serving, and nothing changed: the one object, its pins, an empty hash map.
        Assert.Equal(loaded.Programs.Select(p => p.Id), client.Call(d => d.ListPrograms(new Empty())).Programs.Select(p => p.Id));
        Assert.Equal(6, client.Call(d => d.ListPins(new Empty())).Pins.Count);
        Assert.Empty(client.Call(d => d.DumpMap(hash)).Entries);
        var again = client.Call(d => d.LoadObject(new LoadRequest { Object = ByteString.CopyFrom(sample), FileName = "multi_extension.o" }));
        Assert.Equal(4, again.Programs.Count);
    }

    [Fact]
    public async Task ClientsThatSendGarbageOrVanishMidRequestLeaveTheDaemonServing()
    {
        byte[] sample = File.ReadAllBytes(SampleObjects.Path("multi_extension"));
        await using var daemon = await TestDaemon.StartAsync();
        for (int i = 0; i < 20; i++)
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(daemon.Socket));
            // Not HTTP/2; then an HTTP/2 preface with a frame cut short; then nothing at all.
            byte[] garbage = (i % 3) switch
            {
                0 => Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n" + new string('x', 1000)),
                1 => [.. Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), 0, 0, 40, 4, 0, 0, 0, 0, 0, 1, 2],
                _ => [],
            };
            socket.Send(garbage);
            socket.Close(); // gone before any reply
        }
        // A client that starts a large load and vanishes before the reply.
        using (var vanishing = daemon.Client())
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(1));
            var request = new LoadRequest { Object = ByteString.CopyFrom(new byte[8 * 1024 * 1024]), FileName = "big.o" };
            var error = Assert.Throws<RpcException>(() => vanishing.Daemon.LoadObject(request, cancellationToken: cancel.Token));
            Assert.True(error.StatusCode is StatusCode.Cancelled or StatusCode.DeadlineExceeded or StatusCode.InvalidArgument, error.ToString());
        }
        using var client = daemon.Client();
        var loaded = client.Call(d => d.LoadObject(new LoadRequest { Object = ByteString.CopyFrom(sample), FileName = "multi_extension.o" }));
        Assert.Equal(4, client.Call(d => d.ListPrograms(new Empty())).Programs.Count);
        Assert.Equal(loaded.ObjectId, client.Call(d => d.ShowProgram(new ProgramRef { Id = loaded.Programs[0].Id })).ObjectId);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[1 + random.Next(4096)];
        random.NextBytes(bytes);
        return bytes;
    }
}
