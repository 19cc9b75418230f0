using System.Collections.Immutable;

namespace Ebpf.Platform;

/// <summary>
/// Section name -> (program type, attach type), filled by extensions. An exact mapping wins over a prefix, and the
/// longest prefix wins among prefixes. eBPF for Windows registers every section as a prefix (its store holds
/// prefixes and the loader takes the longest that starts the name), so "bind/0", "bind_3" and "xdp/foo" resolve as
/// "bind", "bind" and "xdp". Each ABI has its own mappings (<see cref="SectionMapping.Abi"/>): an object's ABI follows
/// from its sections (<see cref="ClosestMappings"/>), and its sections then resolve among that ABI's mappings.
/// Thread-safe: readers see an immutable snapshot.
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
        Prefix("xdp", WellKnownProgramTypes.XdpGuid, WellKnownAttachTypes.Xdp, 1),
        Prefix("xdp_test", WellKnownProgramTypes.XdpTestGuid, WellKnownAttachTypes.XdpTest, 9),
        Prefix("bind", WellKnownProgramTypes.BindGuid, WellKnownAttachTypes.Bind, 2),
        Prefix("cgroup/connect4", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4Connect, 3),
        Prefix("cgroup/connect6", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet6Connect, 4),
        Prefix("cgroup/recv_accept4", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4RecvAccept, 5),
        Prefix("cgroup/recv_accept6", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet6RecvAccept, 6),
        Prefix("cgroup/connect_authorization4", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4ConnectAuthorization, 12),
        Prefix("cgroup/connect_authorization6", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet6ConnectAuthorization, 13),
        Prefix("cgroup/bind4", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4Bind, 14),
        Prefix("cgroup/bind6", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet6Bind, 15),
        Prefix("cgroup/listen4", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet4Listen, 16),
        Prefix("cgroup/listen6", WellKnownProgramTypes.SockAddrGuid, WellKnownAttachTypes.CgroupInet6Listen, 17),
        Prefix("sockops", WellKnownProgramTypes.SockOpsGuid, WellKnownAttachTypes.SockOps, 7),
        Prefix("process", WellKnownProgramTypes.ProcessGuid, WellKnownAttachTypes.Process, 11),
        Prefix("netevent_monitor", WellKnownProgramTypes.NetEventGuid, WellKnownAttachTypes.NetEvent, 10),
        Prefix("sample_ext", WellKnownProgramTypes.SampleGuid, WellKnownAttachTypes.Sample, 8),
    ];

    private static SectionMapping Prefix(string section, Guid programType, Guid attachType, uint bpfAttachType) =>
        new(section, programType, attachType, bpfAttachType, IsPrefix: true);

    public IReadOnlyList<SectionMapping> Mappings => _mappings;

    /// <summary>Adds a mapping; a mapping for the same section (and prefix kind) of the same ABI is replaced.</summary>
    public void Register(SectionMapping mapping)
    {
        lock (_gate)
        {
            var existing = _mappings.FirstOrDefault(m => m.Section == mapping.Section && m.IsPrefix == mapping.IsPrefix && m.Abi == mapping.Abi);
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

    /// <summary>Removes exactly <paramref name="mapping"/> (as an extension that registered it leaves).</summary>
    public bool Unregister(SectionMapping mapping)
    {
        lock (_gate)
        {
            if (!_mappings.Contains(mapping)) return false;
            _mappings = _mappings.Remove(mapping);
            return true;
        }
    }

    /// <summary>The mapping for <paramref name="section"/>, or null when no extension claims it.</summary>
    public SectionMapping? Resolve(string section) => Resolve(section, abi: null);

    /// <summary>The mapping for <paramref name="section"/> among those of <paramref name="abi"/> (all when null).</summary>
    public SectionMapping? Resolve(string section, PlatformAbi? abi)
    {
        var snapshot = _mappings;
        SectionMapping? best = null;
        foreach (var m in snapshot)
        {
            if (!m.Matches(section) || (abi is not null && m.Abi != abi)) continue;
            if (!m.IsPrefix) return m;
            if (best is null || m.Section.Length > best.Section.Length) best = m;
        }
        return best;
    }

    /// <summary>
    /// The mappings that claim <paramref name="section"/> most closely (<see cref="SectionMapping.Specificity"/>), one
    /// per ABI: none when no mapping matches it, one when a single ABI's mapping is the closest, more when ABIs claim it
    /// alike (SEC("xdp") is an XDP program of each). <c>ObjectAbi</c> in the runtime decides an object's ABI from these.
    /// </summary>
    public IReadOnlyList<SectionMapping> ClosestMappings(string section)
    {
        var byAbi = new Dictionary<PlatformAbi, SectionMapping>();
        var snapshot = _mappings;
        foreach (var m in snapshot)
        {
            if (!m.Matches(section)) continue;
            if (!byAbi.TryGetValue(m.Abi, out var best) || m.Specificity > best.Specificity) byAbi[m.Abi] = m;
        }
        if (byAbi.Count == 0) return [];
        int closest = byAbi.Values.Max(m => m.Specificity);
        return [.. byAbi.Values.Where(m => m.Specificity == closest)];
    }
}
