using System.Buffers.Binary;
using System.Net;
using System.Text;
using Ebpf.Extensions.Net;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Tracing;
using Ebpf.TestSupport;

namespace Ebpf.Extensions.Tests;

/// <summary>
/// eBPF for Windows' own sample programs, compiled unchanged against include/, driven through this runtime's hooks
/// with the expectations of upstream's tests (end_to_end bindmonitor and printk, the connect-authorization socket
/// tests, netebpfext's sock_ops flow id).
/// </summary>
public class EfwSampleBehaviourTests
{
    // connection_tuple_t of upstream's socket_tests_common.h: local ip @0 (16), local port @16, remote ip @20 (16),
    // remote port @36, protocol @40, interface LUID @48; 56 bytes.
    private const int TupleSize = 56;

    /// <summary>Loads a sample and attaches <paramref name="attach"/> (by default every program) to its hook.</summary>
    private static (EbpfRuntime Runtime, NetExtension Net, LoadedObject Loaded) Load(string sample, params string[] attach)
    {
        var net = new NetExtension();
        var runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(net);
        var loaded = runtime.Load(EfwSamples.Compile(sample));
        foreach (var program in loaded.ProgramList.Where(p => attach.Length == 0 || attach.Contains(p.Name))) runtime.Extensions.Attach(program);
        return (runtime, net, loaded);
    }

    private static BindRequest Bind(ulong pid, string app, BindOperation operation = BindOperation.Bind) =>
        new(pid, [2, 0, 0x1F, 0x90, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0], operation) { ApplicationId = Encoding.ASCII.GetBytes(app) };

    private static uint BindCount(EbpfMap processMap, ulong pid)
    {
        var key = BitConverter.GetBytes(pid);
        var value = new byte[processMap.Definition.ValueSize];
        Assert.Equal(EbpfResult.Success, processMap.TryLookup(key, value));
        return BinaryPrimitives.ReadUInt32LittleEndian(value);
    }

    [Fact]
    public void BindMonitorLimitsEachProcessToTheConfiguredNumberOfBinds()
    {
        var (_, net, loaded) = Load("bindmonitor");
        using var _ = loaded;
        const ulong fakePid = 12345;
        var processMap = loaded.Map("process_map");
        // Upstream's bindmonitor test: a policy of at most two binds per process.
        loaded.Map("limits_map").Update(BitConverter.GetBytes(0u), BitConverter.GetBytes(2u));

        Assert.Equal(BindVerdict.PermitSoft, net.Bind.Invoke(Bind(fakePid, "fake_app_1")).Verdict);
        Assert.Equal(1u, BindCount(processMap, fakePid));
        // The entry's name is the application id, copied by memcpy_s over the app_id_start..app_id_end region.
        var entry = processMap.Lookup(BitConverter.GetBytes(fakePid));
        Assert.Equal("fake_app_1", Encoding.ASCII.GetString(entry, 4, 10));
        Assert.Equal(0, entry[14]);
        Assert.Equal(BindVerdict.PermitSoft, net.Bind.Invoke(Bind(fakePid, "fake_app_1")).Verdict);
        Assert.Equal(2u, BindCount(processMap, fakePid));
        Assert.Equal(BindVerdict.Deny, net.Bind.Invoke(Bind(fakePid, "fake_app_1")).Verdict);
        Assert.Equal(2u, BindCount(processMap, fakePid));

        net.Bind.Invoke(Bind(fakePid, "fake_app_1", BindOperation.Unbind));
        Assert.Equal(1u, BindCount(processMap, fakePid));
        net.Bind.Invoke(Bind(fakePid, "fake_app_1", BindOperation.Unbind));
        // At zero the program deletes the process's entry.
        Assert.Equal(EbpfResult.ObjectNotFound, processMap.TryLookup(BitConverter.GetBytes(fakePid), new byte[processMap.Definition.ValueSize]));
    }

    [Fact]
    public void PrintkWritesUpstreamsLinesAndReturnsTheBytesWritten()
    {
        var (runtime, _, loaded) = Load("printk");
        using var _ = loaded;
        using var trace = TraceLog.Subscribe();
        // bind_md_t for the test run: process id @16, socket address length @40, protocol @48 (TCP).
        var context = new byte[56];
        const ulong processId = 4321;
        BinaryPrimitives.WriteUInt64LittleEndian(context.AsSpan(16), processId);
        context[40] = 16;
        context[48] = 6;
        var run = runtime.TestRun(loaded.Program("func"), new TestRunOptions { ContextIn = context });

        ulong pid = (ulong)Environment.ProcessId; // bpf_get_current_pid_tgid() >> 32 in a bind program
        string[] expected =
        [
            "Hello, world",
            "Hello, world",
            $"PID: {pid} using %u",
            $"PID: {pid} using %lu",
            $"PID: {pid} using %llu",
            $"PID: {processId} PROTO: 6",
            $"PID: {processId} PROTO: 6 ADDRLEN: 16",
            "100% done",
        ];
        Assert.Equal(expected, trace.Drain().Where(r => r.ProgramName == "func").Select(r => r.Text));
        // Every good call returns its byte count; the six malformed ones (BAD1..BAD6) return -1 each.
        Assert.Equal(expected.Sum(Encoding.ASCII.GetByteCount) - 6, (int)run.ReturnValue);
    }

    [Fact]
    public void ConnectAuthorizationVerdictsFollowThePolicyMap()
    {
        var (_, net, loaded) = Load("cgroup_sock_addr");
        using var _ = loaded;
        var hook = net.SockAddr("cgroup/connect_authorization4");
        var source = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 50000);
        var destination = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 8989);
        SockAddrEvent Connect() => new(source, destination) { SocketCookie = 0xC00C1E };

        // No policy: proceed (soft), and the socket cookie is recorded under the connection's tuple.
        Assert.Equal(SockAddrVerdict.ProceedSoft, hook.Invoke(Connect()).Verdict);
        var tuple = new byte[TupleSize];
        destination.Address.GetAddressBytes().CopyTo(tuple, 20);
        BinaryPrimitives.WriteUInt16BigEndian(tuple.AsSpan(36), (ushort)destination.Port);
        BinaryPrimitives.WriteUInt32LittleEndian(tuple.AsSpan(40), 6);
        Assert.Equal(0xC00C1EUL, BinaryPrimitives.ReadUInt64LittleEndian(loaded.Map("socket_cookie_map").Lookup(tuple)));

        // The policy map's verdict for the tuple is the program's verdict.
        var policy = loaded.Map("egress_connection_policy_map");
        policy.Update(tuple, BitConverter.GetBytes(0u)); // BPF_SOCK_ADDR_VERDICT_REJECT
        Assert.Equal(SockAddrVerdict.Reject, hook.Invoke(Connect()).Verdict);
        policy.Update(tuple, BitConverter.GetBytes(2u)); // BPF_SOCK_ADDR_VERDICT_PROCEED_HARD
        Assert.Equal(SockAddrVerdict.ProceedHard, hook.Invoke(Connect()).Verdict);

        // Another destination has no policy.
        var other = hook.Invoke(new SockAddrEvent(source, new IPEndPoint(IPAddress.Parse("10.0.0.3"), 8989)));
        Assert.Equal(SockAddrVerdict.ProceedSoft, other.Verdict);
    }

    [Fact]
    public void ConnectAuthorizationLeavesTheDestinationReadOnly()
    {
        var (_, net, loaded) = Load("cgroup_connect_authorization_readonly");
        using var _ = loaded;
        var destination = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 8989);
        var result = net.SockAddr("cgroup/connect_authorization4").Invoke(new SockAddrEvent(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 50000), destination));
        // The program flips the port's low bit; the extension discards the change and keeps the program's verdict.
        Assert.Equal((SockAddrVerdict.ProceedSoft, destination), (result.Verdict, result.Destination));
    }

    [Fact]
    public void SockOpsFlowIdMonitorRecordsEachConnectionsFlowId()
    {
        var (_, net, loaded) = Load("sockops_flow_id");
        using var _ = loaded;
        var local = new IPEndPoint(IPAddress.Parse("10.0.0.1"), 50000);
        var remote = new IPEndPoint(IPAddress.Parse("10.0.0.2"), 8989);
        net.SockOps.Notify(new SockOpsEvent(SockOpsOperation.ActiveEstablished, local, remote) { FlowId = 0x1111, ProcessId = 77 });
        net.SockOps.Notify(new SockOpsEvent(SockOpsOperation.ConnectionDeleted, local, remote) { FlowId = 0x1111, ProcessId = 77 });

        var tuple = new byte[TupleSize];
        local.Address.GetAddressBytes().CopyTo(tuple, 0);
        BinaryPrimitives.WriteUInt16BigEndian(tuple.AsSpan(16), (ushort)local.Port);
        remote.Address.GetAddressBytes().CopyTo(tuple, 20);
        BinaryPrimitives.WriteUInt16BigEndian(tuple.AsSpan(36), (ushort)remote.Port);
        BinaryPrimitives.WriteUInt32LittleEndian(tuple.AsSpan(40), 6);
        Assert.Equal(0x1111UL, BinaryPrimitives.ReadUInt64LittleEndian(loaded.Map("flow_id_map").Lookup(tuple)));

        // flow_id_audit_entry_t: tuple, flow id @56, process id @64, operation @72, outbound @76, connected @77.
        var records = new List<byte[]>();
        ((RingBufferMap)loaded.Map("flow_id_audit_map")).Consume(r => records.Add(r.ToArray()));
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(tuple, r[..TupleSize]));
        Assert.All(records, r => Assert.Equal((0x1111UL, 77UL), (BinaryPrimitives.ReadUInt64LittleEndian(r.AsSpan(56)), BinaryPrimitives.ReadUInt64LittleEndian(r.AsSpan(64)))));
        Assert.Equal([(0u, 1, 1), (2u, 0, 0)], records.Select(r => (BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(72)), (int)r[76], (int)r[77])));
    }

    [Theory]
    [InlineData("utility", "UtilityTest")]
    [InlineData("strings", "StringOpsTest")]
    public void HelperSelfTestsReturnZero(string sample, string program)
    {
        // Upstream's utility_test and strings_test: each check in the program returns its own non-zero code on failure.
        var (runtime, _, loaded) = Load(sample);
        using var _ = loaded;
        var context = new byte[56];
        Assert.Equal(0u, runtime.TestRun(loaded.Program(program), new TestRunOptions { ContextIn = context }).ReturnValue);
    }

    [Fact]
    public void TailCallsPastTheLimitDenyTheBind()
    {
        // Upstream's bind_tail_call_max_exceed: the caller and each callee tail call the next. One invocation runs at most
        // 1 + MAX_TAIL_CALL_CNT programs, so callee 32's call (the 34th) fails, its BIND_DENY is the verdict, and
        // callee 34's permit is never reached.
        var (_, net, loaded) = Load("tail_call_max_exceed", "bind_test_caller");
        using var _ = loaded;
        using var trace = TraceLog.Subscribe();
        Assert.Equal(BindVerdict.Deny, net.Bind.Invoke(Bind(123456, "fake_app_1")).Verdict);
        var lines = trace.Drain().Select(r => r.Text).ToArray();
        Assert.Equal("bind_test_caller: Start tail caller.", lines[0]);
        Assert.Contains("Tail call failed at index 33", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Calling tail call index [x = 33]", StringComparison.Ordinal));
        Assert.DoesNotContain("Last tail call index: bind_test_callee34", lines);
    }
}
