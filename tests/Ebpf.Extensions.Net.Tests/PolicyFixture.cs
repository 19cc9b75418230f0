using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Ebpf.Extensions.Net.Sockets;
using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.TestSupport;

namespace Ebpf.Extensions.Net.Tests;

/// <summary>samples/connection_policy.o loaded (verified) and attached in a fresh runtime, with its maps at hand.</summary>
internal sealed class PolicyFixture : IDisposable
{
    public const uint Block = 1, Redirect = 2;

    public PolicyFixture()
    {
        Net = new NetExtension();
        Runtime = new EbpfRuntime(new AbstractInterpretationVerifier()).Use(Net);
        Loaded = Runtime.Load(SampleObjects.Path("connection_policy"));
        foreach (var program in Loaded.ProgramList) Runtime.Extensions.Attach(program);
        Policy = new SocketPolicy(Net);
    }

    public NetExtension Net { get; }
    public EbpfRuntime Runtime { get; }
    public LoadedObject Loaded { get; }
    public SocketPolicy Policy { get; }

    /// <summary>Sets a port's policy in one of the program's maps (connect_ports, accept_ports, bind_ports).</summary>
    public void SetPort(string map, int port, uint action, int redirectTo = 0)
    {
        var key = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(key, (ushort)port);
        var value = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(value, action);
        BinaryPrimitives.WriteUInt16BigEndian(value.AsSpan(4), (ushort)redirectTo);
        Assert.Equal(EbpfResult.Success, Loaded.Map(map).TryUpdate(key, value));
    }

    /// <summary>How often the programs took <paramref name="action"/> for <paramref name="port"/> (the decisions map).</summary>
    public ulong Decisions(int port, uint action)
    {
        uint key = ((uint)BinaryPrimitives.ReverseEndianness((ushort)port) << 8) | action;
        var value = new byte[8];
        return Loaded.Map("decisions").TryLookup(BitConverter.GetBytes(key), value) == EbpfResult.Success
            ? BinaryPrimitives.ReadUInt64LittleEndian(value) : 0;
    }

    public sealed record Flow(SockOpsOperation Operation, int LocalPort, int RemotePort, ulong FlowId);

    /// <summary>The sock_ops records flow_monitor wrote since the last call.</summary>
    public List<Flow> Flows()
    {
        var flows = new List<Flow>();
        ((RingBufferMap)Loaded.Map("flows")).Consume(r => flows.Add(new Flow(
            (SockOpsOperation)BinaryPrimitives.ReadUInt32LittleEndian(r),
            BinaryPrimitives.ReadUInt16LittleEndian(r[4..]),
            BinaryPrimitives.ReadUInt16LittleEndian(r[6..]),
            BinaryPrimitives.ReadUInt64LittleEndian(r[8..]))));
        return flows;
    }

    /// <summary>A TCP listener on 127.0.0.1 with a free port.</summary>
    public static Socket Listen()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        return listener;
    }

    /// <summary>A port nothing listens on (bound then released).</summary>
    public static int FreePort()
    {
        using var s = Listen();
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    public void Dispose() => Loaded.Dispose();
}
