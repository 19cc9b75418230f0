using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Net;

/// <summary>Context construction shared by the network hooks and test-run.</summary>
internal static class NetContexts
{
    public static ProgramContext Xdp(ReadOnlySpan<byte> packet)
    {
        var d = WellKnownProgramTypes.XdpTest.Context;
        var ctx = new ProgramContext(d.Size, packet.Length, d.Data, d.End, d.Meta);
        ctx.SetData(packet);
        return ctx;
    }

    public static ProgramContext Bind(ReadOnlySpan<byte> appId)
    {
        var d = WellKnownProgramTypes.Bind.Context;
        var ctx = new ProgramContext(d.Size, appId.Length, d.Data, d.End);
        ctx.SetData(appId);
        return ctx;
    }

    public static ProgramContext Plain(ContextDescriptor d) => new(d.Size);
}
