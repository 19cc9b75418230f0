using System.Collections.Immutable;

namespace Ebpf.Platform;

/// <summary>
/// Section name -> (program type, attach type), filled by extensions. An exact mapping wins over a prefix, and the
/// longest prefix wins among prefixes. eBPF for Windows registers every section as a prefix (its store holds
/// prefixes and the loader takes the longest that starts the name), so "bind/0", "bind_3" and "xdp/foo" resolve as
/// "bind", "bind" and "xdp". Each ABI has its own mappings (<see cref="SectionMapping.Abi"/>): an object's ABI follows
/// from its sections (<see cref="ChooseAbi"/>), and its sections then resolve among that ABI's mappings.
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
    /// The ABI an object whose programs are in <paramref name="sections"/> is compiled for: each section belongs to
    /// the ABI whose mapping matches it most closely (<see cref="SectionMapping.Specificity"/>); sections no mapping
    /// claims say nothing. Null when no section is claimed. <paramref name="problem"/> says why no ABI could be
    /// chosen: sections of two ABIs, or sections two ABIs claim equally closely (an explicit choice is needed then).
    /// </summary>
    public PlatformAbi? ChooseAbi(IEnumerable<string> sections, out string? problem)
    {
        problem = null;
        var snapshot = _mappings;
        var decided = new Dictionary<PlatformAbi, string>();
        var ties = new List<(string Section, PlatformAbi[] Abis)>();
        foreach (string section in sections.Distinct())
        {
            var best = snapshot.Where(m => m.Matches(section))
                .GroupBy(m => m.Abi).Select(g => (Abi: g.Key, Specificity: g.Max(m => m.Specificity)))
                .OrderByDescending(b => b.Specificity).ToArray();
            if (best.Length == 0) continue;
            if (best.Length > 1 && best[1].Specificity == best[0].Specificity)
                ties.Add((section, best.TakeWhile(b => b.Specificity == best[0].Specificity).Select(b => b.Abi).ToArray()));
            else
                decided.TryAdd(best[0].Abi, section);
        }
        if (decided.Count > 1)
        {
            problem = "its programs are in sections of different ABIs: " +
                string.Join(", ", decided.Select(d => $"'{d.Value}' ({d.Key.Name})"));
            return null;
        }
        if (decided.Count == 1)
        {
            var abi = decided.Keys.First();
            if (ties.FirstOrDefault(t => !t.Abis.Contains(abi)) is { Section: not null } other)
            {
                problem = $"section '{decided[abi]}' is {abi.Name}, section '{other.Section}' is not";
                return null;
            }
            return abi;
        }
        if (ties.Count > 0)
        {
            problem = $"section '{ties[0].Section}' means a program type of each of " +
                string.Join(" and ", ties[0].Abis.Select(a => a.Name)) + "; name the platform";
            return null;
        }
        return null;
    }
}
