using System.Buffers.Binary;
using System.Net;
using Ebpf.Extensions.Net;
using Ebpf.Extensions.Process;
using Ebpf.Extensions.Sample;
using Ebpf.Platform;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Extensions.Tests;

/// <summary>
/// The seed case: samples/multi_extension.c holds a process monitor, a cgroup/connect4 connection tracker, a bind
/// monitor and a sock_ops monitor sharing one ring buffer. Upstream once refused such an object with a
/// program-information hash mismatch (error 6); here each program is verified and hashed against its own extension.
/// </summary>
public class MultiExtensionObjectTests
{
    private static string SamplePath
    {
        get
        {
            var path = RepoPaths.RepoPath("samples", "build", "multi_extension.o");
            Assert.True(File.Exists(path), $"{path} is missing: run samples/build.sh (eng/setup.sh installs clang-19).");
            return path;
        }
    }

    private sealed record Event(uint Kind, uint Detail, ulong Id);

    private static Event Parse(ReadOnlySpan<byte> record) => new(
        BinaryPrimitives.ReadUInt32LittleEndian(record),
        BinaryPrimitives.ReadUInt32LittleEndian(record[4..]),
        BinaryPrimitives.ReadUInt64LittleEndian(record[8..]));

    [Fact]
    public void OneObjectForFourExtensionsLoadsAttachesAndReportsThroughOneRingBuffer()
    {
        var process = new ProcessExtension();
        var net = new NetExtension();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(process).Use(net).Use(new SampleExtension());
        using var loaded = runtime.Load(SamplePath);

        // Each program was verified and hashed against its own extension's program information.
        var expected = ProviderOfEachProgram(process, net);
        Assert.Equal(expected.Keys.Order(), loaded.Programs.Keys.Order());
        foreach (var (name, provider) in expected)
        {
            var program = loaded.Program(name);
            Assert.Equal(provider.Name, program.ProviderName);
            Assert.Same(provider.Information, program.VerifiedAgainst);
            Assert.Equal(ProgramInformationHash.Compute(provider.Information, program.CalledHelperIds), program.ProgramInformationHash);
        }
        Assert.Equal(4, loaded.ProgramList.Select(p => p.ProgramInformationHashHex).Distinct().Count());

        AttachAndCheckHooksAndRingBuffer(runtime, process, net, loaded);
    }

    /// <summary>The extension provider that serves each of the seed's four programs.</summary>
    internal static Dictionary<string, IProgramInformationProvider> ProviderOfEachProgram(ProcessExtension process, NetExtension net) => new()
    {
        ["process_monitor"] = process.Provider,
        ["connection_tracker"] = net.SockAddrProvider,
        ["bind_monitor"] = net.BindProvider,
        ["connection_monitor"] = net.SockOpsProvider,
    };

    /// <summary>Attaches every program, fires each hook once and checks what the programs did (the JIT's and a native module's alike).</summary>
    internal static void AttachAndCheckHooksAndRingBuffer(EbpfRuntime runtime, ProcessExtension process, NetExtension net, LoadedObject loaded)
    {
        foreach (var program in loaded.ProgramList) runtime.Extensions.Attach(program);

        // Each hook runs only its own program.
        Assert.Equal(0u, process.Hook.NotifyCreate(new ProcessEvent(ProcessOperation.Create, 1234)));
        Assert.Equal(1, process.Hook.NotifyExit(new ProcessEvent(ProcessOperation.Delete, 1234)));
        var connect = net.SockAddr("cgroup/connect4").Invoke(new SockAddrEvent(
            new IPEndPoint(IPAddress.Parse("192.168.1.2"), 50000), new IPEndPoint(IPAddress.Parse("10.1.2.3"), 443)));
        Assert.Equal((SockAddrVerdict.ProceedSoft, 1), (connect.Verdict, connect.ProgramsRun));
        Assert.Equal(0, net.SockAddr("cgroup/connect6").Invoke(new SockAddrEvent(
            new IPEndPoint(IPAddress.IPv6Loopback, 1), new IPEndPoint(IPAddress.IPv6Loopback, 2))).ProgramsRun);
        var bind = net.Bind.Invoke(new BindRequest(77, [2, 0, 0x1F, 0x90, 127, 0, 0, 1]));
        Assert.Equal((BindVerdict.PermitSoft, 1), (bind.Verdict, bind.ProgramsRun));
        Assert.Equal(1, net.SockOps.Notify(new SockOpsEvent(SockOpsOperation.ActiveEstablished,
            new IPEndPoint(IPAddress.Loopback, 50000), new IPEndPoint(IPAddress.Loopback, 80)) { FlowId = 0xF10 }));

        // User mode receives every kind of record, in order, from the shared ring buffer.
        var ring = Assert.IsType<RingBufferMap>(loaded.Map("events"));
        var events = new List<Event>();
        ring.Consume(r => events.Add(Parse(r)));
        Assert.Equal(
        [
            new Event(1, (uint)ProcessOperation.Create, 1234),
            new Event(1, (uint)ProcessOperation.Delete, 1234),
            new Event(2, (uint)BinaryPrimitives.ReverseEndianness((ushort)443), BinaryPrimitives.ReadUInt32LittleEndian([10, 1, 2, 3])),
            new Event(3, (uint)BindOperation.Bind, 77),
            new Event(4, (uint)SockOpsOperation.ActiveEstablished, 0xF10),
        ], events);
        Assert.Equal(0, ring.LostRecords);

        // The tracker's own map counted the connection under its destination port (network order).
        var key = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(key, 443);
        Assert.Equal(1UL, BinaryPrimitives.ReadUInt64LittleEndian(loaded.Map("connections_per_port").Lookup(key)));
    }

    [Fact]
    public void UnloadingTheNetworkExtensionKeepsTheProcessMonitorReporting()
    {
        var process = new ProcessExtension();
        var net = new NetExtension();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(process).Use(net);
        using var loaded = runtime.Load(SamplePath);
        foreach (var program in loaded.ProgramList) runtime.Extensions.Attach(program);

        runtime.Extensions.Unload(net);
        for (ulong pid = 1; pid <= 10; pid++) process.Hook.NotifyCreate(new ProcessEvent(ProcessOperation.Create, pid));
        var ring = (RingBufferMap)loaded.Map("events");
        var ids = new List<ulong>();
        ring.Consume(r => ids.Add(Parse(r).Id));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (ulong)i), ids);
        Assert.False(loaded.Program("connection_tracker").IsBound);
        Assert.True(loaded.Program("process_monitor").IsBound);
    }
}
