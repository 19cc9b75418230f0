using Ebpf.Platform;
using Ebpf.Runtime.Extensions;

namespace Ebpf.Extensions.Net;

/// <summary>
/// The network extension (netebpfext): program types xdp (and the historical xdp_test), bind, sock_addr (all
/// cgroup/* sections) and sock_ops, with their hooks and helpers.
/// </summary>
public sealed class NetExtension : IExtension
{
    public const string ExtensionName = "Ebpf.Extensions.Net";

    public NetExtension()
    {
        XdpProvider = new ProgramInformationProvider($"{ExtensionName}/xdp", WellKnownProgramTypes.Xdp,
            [(NetHelpers.XdpAdjustHead, NetHelpers.AdjustHead)]);
        XdpTestProvider = new ProgramInformationProvider($"{ExtensionName}/xdp_test", WellKnownProgramTypes.XdpTest,
            [(NetHelpers.XdpAdjustHead, NetHelpers.AdjustHead)]);
        BindProvider = new ProgramInformationProvider($"{ExtensionName}/bind", WellKnownProgramTypes.Bind);
        SockAddrProvider = new ProgramInformationProvider($"{ExtensionName}/sock_addr", WellKnownProgramTypes.SockAddr,
            [(NetHelpers.SockAddrSetRedirectContext, NetHelpers.SetRedirectContext),
             (NetHelpers.SockAddrGetNetworkContext, NetHelpers.GetNetworkContext)],
            [(GlobalHelpers.GetCurrentPidTgid, NetHelpers.ConnectionPidTgid),
             (GlobalHelpers.GetCurrentLogonId, NetHelpers.LogonId),
             (GlobalHelpers.IsCurrentAdmin, NetHelpers.IsAdmin),
             (GlobalHelpers.GetSocketCookie, NetHelpers.SocketCookie)]);
        SockOpsProvider = new ProgramInformationProvider($"{ExtensionName}/sockops", WellKnownProgramTypes.SockOps,
            [(NetHelpers.SockOpsGetFlowId, NetHelpers.GetFlowId)],
            [(GlobalHelpers.GetCurrentPidTgid, NetHelpers.ConnectionPidTgid)]);

        var sockAddrSections = SectionRegistry.DefaultMappings.Where(m => m.Section.StartsWith("cgroup/", StringComparison.Ordinal)).ToArray();
        SockAddrHooks = sockAddrSections.Select(m => new SockAddrHook(m.Section, m.AttachType)).ToArray();
        Sections = SectionRegistry.DefaultMappings
            .Where(m => m.ProgramType == WellKnownProgramTypes.XdpGuid || m.ProgramType == WellKnownProgramTypes.XdpTestGuid || m.ProgramType == WellKnownProgramTypes.BindGuid ||
                        m.ProgramType == WellKnownProgramTypes.SockAddrGuid || m.ProgramType == WellKnownProgramTypes.SockOpsGuid)
            .ToArray();
        ProgramInformationProviders = [XdpProvider, XdpTestProvider, BindProvider, SockAddrProvider, SockOpsProvider];
        HookProviders = [Xdp, XdpTest, Bind, SockOps, .. SockAddrHooks];
    }

    public string Name => ExtensionName;

    public ProgramInformationProvider XdpProvider { get; }
    public ProgramInformationProvider XdpTestProvider { get; }
    public ProgramInformationProvider BindProvider { get; }
    public ProgramInformationProvider SockAddrProvider { get; }
    public ProgramInformationProvider SockOpsProvider { get; }

    public XdpHook Xdp { get; } = new("xdp", WellKnownAttachTypes.Xdp, WellKnownProgramTypes.XdpGuid);
    public XdpHook XdpTest { get; } = new("xdp_test", WellKnownAttachTypes.XdpTest, WellKnownProgramTypes.XdpTestGuid);
    public BindHook Bind { get; } = new();
    public SockOpsHook SockOps { get; } = new();
    public IReadOnlyList<SockAddrHook> SockAddrHooks { get; }

    public SockAddrHook SockAddr(string section)
    {
        foreach (var hook in SockAddrHooks)
        {
            if (hook.Section == section) return hook;
        }
        throw new ArgumentException($"No sock_addr hook for section '{section}'.", nameof(section));
    }

    public IReadOnlyList<SectionMapping> Sections { get; }
    public IReadOnlyList<IProgramInformationProvider> ProgramInformationProviders { get; }
    public IReadOnlyList<HookProvider> HookProviders { get; }
}
