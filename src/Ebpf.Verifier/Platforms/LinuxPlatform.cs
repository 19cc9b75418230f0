using Ebpf.Platform;

namespace Ebpf.Verifier.Platforms;

/// <summary>
/// The Linux platform (PREVAIL's <c>linux_platform.cpp</c>): program types chosen by ELF section prefix, their context
/// layouts (Linux context pointer fields are 32 bits wide), Linux helper ids, and the object's maps.
/// </summary>
public sealed class LinuxPlatform : IVerifierPlatform
{
    private const int PtRegsSize = (3 + 63 + 8 + 2) * 8;
    /// <summary>__sk_buff: 192 bytes in current kernels (data at 76, data_end at 80, data_meta at 140).</summary>
    public static readonly ContextDescriptor SkBuff = new(192, 19 * 4, 20 * 4, 35 * 4);
    public static readonly ContextDescriptor XdpMd = new(5 * 4, 0, 1 * 4, 2 * 4);
    public static readonly ContextDescriptor SkMsgMd = new(17 * 4, 0, 1 * 8, -1);
    public static readonly ContextDescriptor Unspecified = new(0, -1, -1, -1);
    public static readonly ContextDescriptor CgroupDevice = new(3 * 4, -1, -1, -1);
    public static readonly ContextDescriptor Kprobe = new(PtRegsSize, -1, -1, -1);
    public static readonly ContextDescriptor Tracepoint = new(2048, -1, -1, -1);
    public static readonly ContextDescriptor PerfEvent = new(3 * 8 + PtRegsSize, -1, -1, -1);
    /// <summary>struct bpf_sock, 80 bytes in current kernels.</summary>
    public static readonly ContextDescriptor CgroupSock = new(80, -1, -1, -1);
    public static readonly ContextDescriptor SockOps = new(42 * 4 + 2 * 8, -1, -1, -1);
    public static readonly ContextDescriptor SockAddr = new(80, -1, -1, -1);
    public static readonly ContextDescriptor SockOpt = new(40, 8, 16, -1);
    public static readonly ContextDescriptor CgroupSysctl = new(8, -1, -1, -1);

    public static readonly LinuxProgramType SocketFilter = new("socket_filter", SkBuff, 1, ["socket"]);
    public static readonly LinuxProgramType Xdp = new("xdp", XdpMd, 6, ["xdp"]);
    /// <summary>TC classifiers: libbpf's "tc", "tc/...", "tcx/...", "netkit/..." and the older "classifier" sections.</summary>
    public static readonly LinuxProgramType SchedCls = new("sched_cls", SkBuff, 3, ["classifier", "tc/", "tcx/", "netkit/"]);
    /// <summary>Cilium's lxc programs (recognised by file name) are socket filters over __sk_buff.</summary>
    public static readonly LinuxProgramType CiliumLxc = new("lxc", SkBuff, 1, []);

    public static IReadOnlyList<LinuxProgramType> ProgramTypes { get; } =
    [
        new("unspec", Unspecified, 0, []),
        SocketFilter,
        Xdp,
        new("cgroup_device", CgroupDevice, 15, ["cgroup/dev"]),
        new("cgroup_skb", SkBuff, 8, ["cgroup/skb", "cgroup_skb/"]),
        new("cgroup_sock", CgroupSock, 9, ["cgroup/sock"]),
        new("kprobe", Kprobe, 2, ["kprobe/", "kretprobe/", "kprobe.multi", "kretprobe.multi", "uprobe", "uretprobe", "ksyscall/",
            "kretsyscall/", "usdt"], IsPrivileged: true),
        new("lwt_in", SkBuff, 10, ["lwt_in"]),
        new("lwt_out", SkBuff, 11, ["lwt_out"]),
        new("lwt_xmit", SkBuff, 12, ["lwt_xmit"]),
        new("perf_event", PerfEvent, 7, ["perf_section", "perf_event"], IsPrivileged: true),
        new("sched_act", SkBuff, 4, ["action"]),
        SchedCls,
        new("sk_skb", SkBuff, 14, ["sk_skb"]),
        new("sock_ops", SockOps, 13, ["sockops"]),
        new("tracepoint", Tracepoint, 5, ["tracepoint/", "tp/"], IsPrivileged: true),
        new("cgroup_sockopt", SockOpt, 25, ["cgroup/getsockopt", "cgroup/setsockopt"]),
        new("sk_msg", SkMsgMd, 16, ["sk_msg"]),
        new("raw_tracepoint", Tracepoint, 17, ["raw_tracepoint/", "raw_tp/"], IsPrivileged: true),
        new("raw_tracepoint_writable", Tracepoint, 24, ["raw_tracepoint.w/", "raw_tp.w/"], IsPrivileged: true),
        new("cgroup_sock_addr", SockAddr, 18, ["cgroup/bind", "cgroup/post_bind", "cgroup/connect", "cgroup/sendmsg", "cgroup/recvmsg", "cgroup/getpeername", "cgroup/getsockname"]),
        new("lwt_seg6local", SkBuff, 19, ["lwt_seg6local"]),
        new("lirc_mode2", Unspecified, 20, ["lirc_mode2"]),
        new("flow_dissector", SkBuff, 22, ["flow_dissector"]),
        new("cgroup_sysctl", CgroupSysctl, 23, ["cgroup/sysctl"]),
        new("sk_reuseport", Unspecified, 21, ["sk_reuseport"]),
        new("ext", Unspecified, 28, ["freplace/"]),
        new("tracing", Unspecified, 26, ["fentry/", "fexit/", "fmod_ret/", "fentry.s/", "fexit.s/", "fmod_ret.s/", "iter/", "iter.s/", "tp_btf/"],
            IsPrivileged: true),
        new("struct_ops", Unspecified, 27, ["struct_ops"]),
        new("lsm", Unspecified, 29, ["lsm/", "lsm.s/", "lsm_cgroup/"], IsPrivileged: true),
        new("sk_lookup", Unspecified, 30, ["sk_lookup"]),
        new("syscall", Unspecified, 31, ["syscall"]),
        new("netfilter", Unspecified, 32, ["netfilter"]),
    ];

    private readonly LinuxProgramType _type;
    private readonly IReadOnlyList<MapDescriptor> _maps;

    public LinuxPlatform(LinuxProgramType type, IReadOnlyList<MapDescriptor>? maps = null)
    {
        _type = type;
        _maps = maps ?? [];
    }

    /// <summary>
    /// The program type of a section, as PREVAIL chooses it (Cilium objects by file name, else by prefix, else socket
    /// filter). The prefixes are PREVAIL's plus libbpf's own names for the same types (<c>tp/</c>, <c>uprobe</c>,
    /// <c>ksyscall/</c>, <c>usdt</c>, <c>netkit/</c>, <c>cgroup_skb/</c>...), so that an object built for libbpf gets the type
    /// libbpf would load it as. The BTF-typed ones (tracing, lsm, struct_ops, ext) have no context layout here.
    /// The tracing types are privileged, as PREVAIL has kprobes: the kernel loads them only for a loader with
    /// CAP_PERFMON, which also lets them pass pointers where a helper takes any value (bpf_probe_read's source).
    /// </summary>
    public static LinuxProgramType ProgramTypeFor(string section, string? path = null)
    {
        if (path is not null && path.Contains("cilium", StringComparison.Ordinal))
        {
            if (path.Contains("xdp", StringComparison.Ordinal)) return Xdp;
            if (path.Contains("lxc", StringComparison.Ordinal)) return CiliumLxc;
        }
        if (section == "tc") return SchedCls; // a prefix "tc" would also take "tcp..." sections
        foreach (var t in ProgramTypes)
        {
            foreach (var prefix in t.SectionPrefixes)
            {
                if (section.StartsWith(prefix, StringComparison.Ordinal)) return t;
            }
        }
        return SocketFilter;
    }

    public static LinuxPlatform ForSection(string section, string? path = null, IReadOnlyList<MapDescriptor>? maps = null) =>
        new(ProgramTypeFor(section, path), maps);

    public LinuxProgramType ProgramType => _type;
    public string ProgramTypeName => _type.Name;
    public ContextDescriptor Context => _type.Context;
    public int ContextPointerWidth => 4;
    public bool IsPrivileged => _type.IsPrivileged;

    /// <summary>The helper, unless it only works on another program type's context (e.g. sock_map_update on sock_ops).</summary>
    public HelperPrototype? FindHelper(int id)
    {
        var helper = LinuxHelpers.Find(id);
        if (helper is null) return null;
        return LinuxHelpers.RequiredContext(id) is { } required && required != Context ? null : helper;
    }

    public MapDescriptor? FindMap(int reference, bool byIndex) =>
        reference >= 0 && reference < _maps.Count ? _maps[reference] : null;

    public string? CheckMapHelper(HelperPrototype helper, MapDescriptor map) => MapHelperCompatibility.Linux.Check(helper, map.PlatformType);

    public CallbackKind CallbackOf(int id) => LinuxHelpers.CallbackOf(id);

    /// <summary>Linux map types (<c>enum bpf_map_type</c>) whose values are programs or maps.</summary>
    public static MapValueKind ValueKindOf(uint linuxMapType) => linuxMapType switch
    {
        3 => MapValueKind.Programs,
        12 or 13 => MapValueKind.Maps,
        _ => MapValueKind.Data,
    };
}
