using System.Collections.Frozen;
using Ebpf.Platform;
using static Ebpf.Platform.ArgumentType;
using static Ebpf.Platform.ReturnType;

namespace Ebpf.Verifier.Platforms;

/// <summary>
/// Prototypes of Linux helpers by their Linux ids (<c>enum bpf_func_id</c>), in PREVAIL's vocabulary (after
/// PREVAIL's <c>spec_prototypes.cpp</c>): enough to verify Linux objects offline. Helpers that move or resize the
/// packet are marked <see cref="HelperPrototype.ReallocatePacket"/>.
/// </summary>
public static class LinuxHelpers
{
    private static HelperPrototype P(uint id, string name, ReturnType ret, params ArgumentType[] args) => new(id, name, ret, args);
    private static HelperPrototype Moves(HelperPrototype p) => p with { ReallocatePacket = true };

    public static IReadOnlyList<HelperPrototype> All { get; } =
    [
        P(1, "map_lookup_elem", PtrToMapValueOrNull, PtrToMap, PtrToMapKey),
        P(2, "map_update_elem", Integer, PtrToMap, PtrToMapKey, PtrToMapValue, Anything),
        P(3, "map_delete_elem", Integer, PtrToMap, PtrToMapKey),
        P(4, "probe_read", Integer, PtrToWritableMem, ConstSizeOrZero, Anything),
        P(5, "ktime_get_ns", Integer),
        P(6, "trace_printk", Integer, PtrToReadableMem, ConstSize),
        P(7, "get_prandom_u32", Integer),
        P(8, "get_smp_processor_id", Integer),
        Moves(P(9, "skb_store_bytes", Integer, PtrToCtx, Anything, PtrToReadableMem, ConstSize, Anything)),
        Moves(P(10, "l3_csum_replace", Integer, PtrToCtx, Anything, Anything, Anything, Anything)),
        Moves(P(11, "l4_csum_replace", Integer, PtrToCtx, Anything, Anything, Anything, Anything)),
        P(12, "tail_call", IntegerOrNoReturnIfSucceed, PtrToCtx, PtrToMapOfPrograms, Anything),
        Moves(P(13, "clone_redirect", Integer, PtrToCtx, Anything, Anything)),
        P(14, "get_current_pid_tgid", Integer),
        P(15, "get_current_uid_gid", Integer),
        P(16, "get_current_comm", Integer, PtrToWritableMem, ConstSize),
        P(17, "get_cgroup_classid", Integer, PtrToCtx),
        Moves(P(18, "skb_vlan_push", Integer, PtrToCtx, Anything, Anything)),
        Moves(P(19, "skb_vlan_pop", Integer, PtrToCtx)),
        P(20, "skb_get_tunnel_key", Integer, PtrToCtx, PtrToWritableMem, ConstSize, Anything),
        P(21, "skb_set_tunnel_key", Integer, PtrToCtx, PtrToReadableMem, ConstSize, Anything),
        P(22, "perf_event_read", Integer, PtrToMap, Anything),
        P(23, "redirect", Integer, Anything, Anything),
        P(24, "get_route_realm", Integer, PtrToCtx),
        P(25, "perf_event_output", Integer, PtrToCtx, PtrToMap, Anything, PtrToReadableMem, ConstSizeOrZero),
        P(26, "skb_load_bytes", Integer, PtrToCtx, Anything, PtrToWritableMem, ConstSize),
        P(27, "get_stackid", Integer, PtrToCtx, PtrToMap, Anything),
        P(28, "csum_diff", Integer, PtrToReadableMemOrNull, ConstSizeOrZero, PtrToReadableMemOrNull, ConstSizeOrZero, Anything),
        P(29, "skb_get_tunnel_opt", Integer, PtrToCtx, PtrToWritableMem, ConstSize),
        P(30, "skb_set_tunnel_opt", Integer, PtrToCtx, PtrToReadableMem, ConstSize),
        Moves(P(31, "skb_change_proto", Integer, PtrToCtx, Anything, Anything)),
        P(32, "skb_change_type", Integer, PtrToCtx, Anything),
        P(33, "skb_under_cgroup", Integer, PtrToCtx, PtrToMap, Anything),
        P(34, "get_hash_recalc", Integer, PtrToCtx),
        P(35, "get_current_task", Integer),
        P(36, "probe_write_user", Integer, Anything, PtrToReadableMem, ConstSize),
        P(37, "current_task_under_cgroup", Integer, PtrToMap, Anything),
        Moves(P(38, "skb_change_tail", Integer, PtrToCtx, Anything, Anything)),
        Moves(P(39, "skb_pull_data", Integer, PtrToCtx, Anything)),
        P(40, "csum_update", Integer, PtrToCtx, Anything),
        P(41, "set_hash_invalid", Integer, PtrToCtx),
        P(42, "get_numa_node_id", Integer),
        Moves(P(43, "skb_change_head", Integer, PtrToCtx, Anything, Anything)),
        Moves(P(44, "xdp_adjust_head", Integer, PtrToCtx, Anything)),
        P(45, "probe_read_str", Integer, PtrToWritableMem, ConstSizeOrZero, Anything),
        P(46, "get_socket_cookie", Integer, PtrToCtx),
        P(47, "get_socket_uid", Integer, PtrToCtx),
        P(48, "set_hash", Integer, PtrToCtx, Anything),
        P(49, "setsockopt", Integer, PtrToCtx, Anything, Anything, PtrToReadableMem, ConstSize),
        Moves(P(50, "skb_adjust_room", Integer, PtrToCtx, Anything, Anything, Anything)),
        P(51, "redirect_map", Integer, PtrToMap, Anything, Anything),
        P(52, "sk_redirect_map", Integer, PtrToCtx, PtrToMap, Anything, Anything),
        P(53, "sock_map_update", Integer, PtrToCtx, PtrToMap, PtrToMapKey, Anything),
        Moves(P(54, "xdp_adjust_meta", Integer, PtrToCtx, Anything)),
        P(55, "perf_event_read_value", Integer, PtrToMap, Anything, PtrToWritableMem, ConstSize),
        P(56, "perf_prog_read_value", Integer, PtrToCtx, PtrToWritableMem, ConstSize),
        P(57, "getsockopt", Integer, PtrToCtx, Anything, Anything, PtrToWritableMem, ConstSize),
        P(58, "override_return", Integer, PtrToCtx, Anything),
        P(59, "sock_ops_cb_flags_set", Integer, PtrToCtx, Anything),
        P(60, "msg_redirect_map", Integer, PtrToCtx, PtrToMap, Anything, Anything),
        P(61, "msg_apply_bytes", Integer, PtrToCtx, Anything),
        P(62, "msg_cork_bytes", Integer, PtrToCtx, Anything),
        Moves(P(63, "msg_pull_data", Integer, PtrToCtx, Anything, Anything, Anything)),
        P(64, "bind", Integer, PtrToCtx, PtrToReadableMem, ConstSize),
        Moves(P(65, "xdp_adjust_tail", Integer, PtrToCtx, Anything)),
        P(66, "skb_get_xfrm_state", Integer, PtrToCtx, Anything, PtrToWritableMem, ConstSize, Anything),
        P(67, "get_stack", Integer, PtrToCtx, PtrToWritableMem, ConstSizeOrZero, Anything),
        P(68, "skb_load_bytes_relative", Integer, PtrToCtx, Anything, PtrToWritableMem, ConstSize, Anything),
        P(69, "fib_lookup", Integer, PtrToCtx, PtrToWritableMem, ConstSize, Anything),
        P(70, "sock_hash_update", Integer, PtrToCtx, PtrToMap, PtrToMapKey, Anything),
        P(71, "msg_redirect_hash", Integer, PtrToCtx, PtrToMap, PtrToMapKey, Anything),
        P(72, "sk_redirect_hash", Integer, PtrToCtx, PtrToMap, PtrToMapKey, Anything),
        P(79, "skb_cgroup_id", Integer, PtrToCtx),
        P(80, "get_current_cgroup_id", Integer),
        P(83, "skb_ancestor_cgroup_id", Integer, PtrToCtx, Anything),
        P(84, "sk_lookup_tcp", PtrToSocketOrNull, PtrToCtx, PtrToReadableMem, ConstSize, Anything, Anything),
        P(85, "sk_lookup_udp", PtrToSocketOrNull, PtrToCtx, PtrToReadableMem, ConstSize, Anything, Anything),
        P(86, "sk_release", Integer, PtrToSockCommon),
        P(87, "map_push_elem", Integer, PtrToMap, PtrToMapValue, Anything),
        P(88, "map_pop_elem", Integer, PtrToMap, PtrToUninitMapValue),
        P(89, "map_peek_elem", Integer, PtrToMap, PtrToUninitMapValue),
        P(95, "sk_fullsock", PtrToSocketOrNull, PtrToSockCommon),
        P(96, "tcp_sock", PtrToTcpSocketOrNull, PtrToSockCommon),
        P(97, "skb_ecn_set_ce", Integer, PtrToCtx),
        P(98, "get_listener_sock", PtrToTcpSocketOrNull, PtrToSockCommon),
        P(99, "skc_lookup_tcp", PtrToSockCommonOrNull, PtrToCtx, PtrToReadableMem, ConstSize, Anything, Anything),
        P(100, "tcp_check_syncookie", Integer, PtrToSockCommon, PtrToReadableMem, ConstSize, PtrToReadableMem, ConstSize),
        P(109, "send_signal", Integer, Anything),
        P(112, "probe_read_user", Integer, PtrToWritableMem, ConstSizeOrZero, Anything),
        P(113, "probe_read_kernel", Integer, PtrToWritableMem, ConstSizeOrZero, Anything),
        P(114, "probe_read_user_str", Integer, PtrToWritableMem, ConstSizeOrZero, Anything),
        P(115, "probe_read_kernel_str", Integer, PtrToWritableMem, ConstSizeOrZero, Anything),
        P(117, "send_signal_thread", Integer, Anything),
        P(118, "jiffies64", Integer),
        P(122, "get_netns_cookie", Integer, PtrToCtxOrNull),
        P(123, "get_current_ancestor_cgroup_id", Integer, Anything),
        P(124, "sk_assign", Integer, PtrToCtx, PtrToSockCommon, Anything),
        P(125, "ktime_get_boot_ns", Integer),
        P(130, "ringbuf_output", Integer, PtrToMap, PtrToReadableMem, ConstSizeOrZero, Anything),
        P(131, "ringbuf_reserve", PtrToAllocMemOrNull, PtrToMap, ConstAllocSizeOrZero, Anything),
        P(134, "ringbuf_query", Integer, PtrToMap, Anything),
        P(135, "csum_level", Integer, PtrToCtx, Anything),
        P(152, "redirect_neigh", Integer, Anything, PtrToReadableMemOrNull, ConstSizeOrZero, Anything),
        P(155, "redirect_peer", Integer, Anything, Anything),
        P(160, "ktime_get_coarse_ns", Integer),
        P(164, "for_each_map_elem", Integer, PtrToMap, PtrToFunc, PtrToStackOrNull, Anything),
        P(173, "get_func_ip", Integer, PtrToCtx),
        P(208, "ktime_get_tai_ns", Integer),
    ];

    private static readonly FrozenDictionary<uint, HelperPrototype> ById = All.ToFrozenDictionary(p => p.Id);

    public static HelperPrototype? Find(int id) => id >= 0 && ById.TryGetValue((uint)id, out var p) ? p : null;

    /// <summary>Helpers usable only by program types with this context layout (PREVAIL's per-helper context descriptor).</summary>
    private static readonly FrozenDictionary<uint, ContextDescriptor> Contexts = new Dictionary<uint, ContextDescriptor>
    {
        [9] = LinuxPlatform.SkBuff, [10] = LinuxPlatform.SkBuff, [11] = LinuxPlatform.SkBuff, [13] = LinuxPlatform.SkBuff,
        [26] = LinuxPlatform.SkBuff, [39] = LinuxPlatform.SkBuff, [40] = LinuxPlatform.SkBuff, [52] = LinuxPlatform.SkBuff,
        [68] = LinuxPlatform.SkBuff, [72] = LinuxPlatform.SkBuff,
        [53] = LinuxPlatform.SockOps, [70] = LinuxPlatform.SockOps,
        [60] = LinuxPlatform.SkMsgMd, [61] = LinuxPlatform.SkMsgMd, [62] = LinuxPlatform.SkMsgMd, [63] = LinuxPlatform.SkMsgMd,
        [71] = LinuxPlatform.SkMsgMd,
        [56] = LinuxPlatform.PerfEvent,
    }.ToFrozenDictionary();

    public static ContextDescriptor? RequiredContext(int id) =>
        id >= 0 && Contexts.TryGetValue((uint)id, out var c) ? c : null;
}
