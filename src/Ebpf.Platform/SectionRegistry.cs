using System.Collections.Immutable;

namespace Ebpf.Platform;

/// <summary>
/// Section name -> (program type, attach type), filled by extensions. An exact mapping wins over a prefix, and the
/// longest prefix wins among prefixes. Thread-safe: readers see an immutable snapshot.
/// </summary>
public sealed class SectionRegistry
{
    private ImmutableArray<SectionMapping> _mappings = [];
    private readonly Lock _gate = new();

    /// <summary>A registry holding the eBPF for Windows defaults (facts sheet §5).</summary>
    public static SectionRegistry CreateDefault()
    {
        var registry = new SectionRegistry();
        foreach (var mapping in DefaultMappings) registry.Register(mapping);
        return registry;
    }

    public static IReadOnlyList<SectionMapping> DefaultMappings { get; } =
    [
        new("xdp_test", WellKnownProgramTypes.XdpTestGuid, WellKnownAttachTypes.XdpTest, 9),
        new("bind", WellKnownProgramTypes.BindGuid, WellKnownAttachTypes.Bind, 2),
        new("cgroup/connect4", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4Connect, 3),
        new("cgroup/connect6", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet6Connect, 4),
        new("cgroup/recv_accept4", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4RecvAccept, 5),
        new("cgroup/recv_accept6", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet6RecvAccept, 6),
        new("cgroup/connect_authorization4", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4ConnectAuthorization, 12),
        new("cgroup/connect_authorization6", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet6ConnectAuthorization, 13),
        new("cgroup/bind4", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4Bind, 14),
        new("cgroup/bind6", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet6Bind, 15),
        new("cgroup/listen4", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4Listen, 16),
        new("cgroup/listen6", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet6Listen, 17),
        new("sockops", WellKnownProgramTypes.SockOpsGuid, WellKnownAttachTypes.SockOps, 7),
        new("process", WellKnownProgramTypes.ProcessGuid, WellKnownAttachTypes.Process, 11),
        new("netevent_monitor", WellKnownProgramTypes.NetEventGuid, WellKnownAttachTypes.NetEvent, 10),
        new("sample_ext", WellKnownProgramTypes.SampleGuid, WellKnownAttachTypes.Sample, 8, IsPrefix: true),
    ];

    public IReadOnlyList<SectionMapping> Mappings => _mappings;

    /// <summary>Adds a mapping; a mapping for the same section (and prefix kind) is replaced.</summary>
    public void Register(SectionMapping mapping)
    {
        lock (_gate)
        {
            var existing = _mappings.FirstOrDefault(m => m.Section == mapping.Section && m.IsPrefix == mapping.IsPrefix);
            _mappings = existing is null ? _mappings.Add(mapping) : _mappings.Replace(existing, mapping);
        }
    }

    public bool Unregister(string section, bool isPrefix = false)
    {
        lock (_gate)
        {
            var existing = _mappings.FirstOrDefault(m => m.Section == section && m.IsPrefix == isPrefix);
            if (existing is null) return false;
            _mappings = _mappings.Remove(existing);
            return true;
        }
    }

    /// <summary>The mapping for <paramref name="section"/>, or null when no extension claims it.</summary>
    public SectionMapping? Resolve(string section)
    {
        var snapshot = _mappings;
        SectionMapping? best = null;
        foreach (var m in snapshot)
        {
            if (!m.Matches(section)) continue;
            if (!m.IsPrefix) return m;
            if (best is null || m.Section.Length > best.Section.Length) best = m;
        }
        return best;
    }
}
