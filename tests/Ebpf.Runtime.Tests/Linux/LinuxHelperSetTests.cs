using Ebpf.Runtime.Extensions;
using Ebpf.Runtime.Maps;
using Ebpf.Runtime.Objects;
using Ebpf.Runtime.Programs;
using Ebpf.Runtime.Tracing;
using Ebpf.TestSupport;
using Xunit.Abstractions;

namespace Ebpf.Runtime.Tests.Linux;

/// <summary>
/// The Linux helpers packet programs call beyond maps and redirects (printk, event output, checksums, packet bytes,
/// the XDP tail, queues) and the status helpers' error numbers, each at its edges: run on the JIT and the interpreter,
/// and compared with the host kernel where the host offers what the case needs.
/// </summary>
public class LinuxHelperSetTests(ITestOutputHelper output)
{
    private const string Source = """
        #include <linux/bpf.h>
        #include <linux/if_ether.h>
        #include <bpf/bpf_helpers.h>
        #include <bpf/bpf_endian.h>

        struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, __u32); __type(value, __u64); } arr SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 2); __type(key, __u32); __type(value, __u64); } hash SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_QUEUE); __uint(max_entries, 2); __type(value, __u32); } queue SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_RINGBUF); __uint(max_entries, 4096); } ring SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_CPUMAP); __uint(max_entries, 4); __type(key, __u32); __type(value, struct bpf_cpumap_val); } cpus SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_XSKMAP); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } xsks SEC(".maps");
        struct { __uint(type, BPF_MAP_TYPE_DEVMAP_HASH); __uint(max_entries, 4); __type(key, __u32); __type(value, __u32); } devices SEC(".maps");

        static __always_inline int update(void *map, __u32 key, __u64 flags) { __u64 value = key + 100; return -bpf_map_update_elem(map, &key, &value, flags); }
        static __always_inline int delete(void *map, __u32 key) { return -bpf_map_delete_elem(map, &key); }

        SEC("xdp") int array_noexist(struct xdp_md *ctx) { return update(&arr, 0, BPF_NOEXIST); }
        SEC("xdp") int array_past_end(struct xdp_md *ctx) { return update(&arr, 4, BPF_ANY); }
        SEC("xdp") int array_bad_flags(struct xdp_md *ctx) { return update(&arr, 0, 4); }
        SEC("xdp") int array_delete(struct xdp_md *ctx)
        {
            update(&arr, 1, BPF_ANY);
            int err = delete(&arr, 1);
            __u32 key = 1;
            __u64 *value = bpf_map_lookup_elem(&arr, &key);
            return value ? err * 1000 + *value : -1;
        }
        SEC("xdp") int hash_exist_missing(struct xdp_md *ctx) { return update(&hash, 7, BPF_EXIST); }
        SEC("xdp") int hash_noexist_twice(struct xdp_md *ctx) { return update(&hash, 7, BPF_NOEXIST) * 100 + update(&hash, 7, BPF_NOEXIST); }
        SEC("xdp") int hash_full(struct xdp_md *ctx) { return update(&hash, 1, BPF_ANY) + update(&hash, 2, BPF_ANY) + update(&hash, 3, BPF_ANY); }
        SEC("xdp") int hash_delete_missing(struct xdp_md *ctx) { return delete(&hash, 9); }
        SEC("xdp") int queue_edges(struct xdp_md *ctx)
        {
            __u32 v = 0;
            int empty = -bpf_map_pop_elem(&queue, &v);
            int peek_empty = -bpf_map_peek_elem(&queue, &v);
            __u32 a = 1, b = 2, c = 3;
            bpf_map_push_elem(&queue, &a, 0);
            bpf_map_push_elem(&queue, &b, 0);
            int full = -bpf_map_push_elem(&queue, &c, 0);
            int replaced = -bpf_map_push_elem(&queue, &c, BPF_EXIST);
            bpf_map_pop_elem(&queue, &v); // the oldest left: b
            return empty * 1000000 + peek_empty * 10000 + full * 100 + replaced * 10 + v;
        }

        SEC("xdp") int load_word(struct xdp_md *ctx) { __u32 w = 0; return bpf_xdp_load_bytes(ctx, 20, &w, 4) ?: w; }
        SEC("xdp") int load_past_end(struct xdp_md *ctx) { __u32 w = 0; return -bpf_xdp_load_bytes(ctx, 62, &w, 4); }
        SEC("xdp") int load_past_64k(struct xdp_md *ctx) { __u32 w = 0; return -bpf_xdp_load_bytes(ctx, 0x10000, &w, 4); }
        SEC("xdp") int store_word(struct xdp_md *ctx) { __u32 w = 0x11223344; return bpf_xdp_store_bytes(ctx, 2, &w, 4) ?: XDP_TX; }
        SEC("xdp") int tail_shrink(struct xdp_md *ctx) { return bpf_xdp_adjust_tail(ctx, -10) ?: XDP_TX; }
        SEC("xdp") int tail_grow(struct xdp_md *ctx)
        {
            if (bpf_xdp_adjust_tail(ctx, 100)) return 99;
            __u8 *data = (void *)(long)ctx->data;
            if ((void *)(data + 164) > (void *)(long)ctx->data_end) return 98;
            data[163] = 0x5a;
            return XDP_TX;
        }
        SEC("xdp") int tail_to_frame_end(struct xdp_md *ctx) { return bpf_xdp_adjust_tail(ctx, 3520 - 64) ?: XDP_TX; }
        SEC("xdp") int tail_past_frame(struct xdp_md *ctx) { return -bpf_xdp_adjust_tail(ctx, 3520 - 63); }
        SEC("xdp") int tail_below_ethernet(struct xdp_md *ctx) { return -bpf_xdp_adjust_tail(ctx, -(64 - 13)); }

        SEC("xdp") int csum(struct xdp_md *ctx)
        {
            __u32 from[1] = { 0x04030201 }, to[2] = { 0xfffefdfc, 0x80706050 };
            return bpf_csum_diff(from, 4, to, 8, 0x1234);
        }
        SEC("xdp") int csum_carry(struct xdp_md *ctx)
        {
            __u32 to[4] = { 0xffffffff, 0xffffffff, 0xfffffffe, 0x00000003 };
            return bpf_csum_diff(0, 0, to, 16, 0xffffffff);
        }
        SEC("xdp") int csum_odd_size(struct xdp_md *ctx) { __u8 to[3] = { 1, 2, 3 }; return bpf_csum_diff(0, 0, to, 3, 0); }
        SEC("xdp") int csum_from(struct xdp_md *ctx) { __u32 from[1] = { 0x04030201 }; return bpf_csum_diff(from, 4, 0, 0, 0x10); }

        SEC("xdp") int printk_count(struct xdp_md *ctx) { return bpf_printk("x=%d y=%lx z=%u\n", -5, 0xabcdef012LL, 7); }
        SEC("xdp") int printk_width(struct xdp_md *ctx) { return bpf_printk("[%05d|%-4x|%c]", 42, 0xab, 'Z'); }
        SEC("xdp") int printk_percent(struct xdp_md *ctx) { return bpf_printk("100%% %X", 0xbeef); }
        SEC("xdp") int numa(struct xdp_md *ctx) { return bpf_get_numa_node_id(); }
        SEC("xdp") int vprintk_count(struct xdp_md *ctx) { return bpf_printk("%d %d %d %d|%x", 1, 2, 3, 4, 0xab); }
        SEC("xdp") int buff_len(struct xdp_md *ctx) { return bpf_xdp_get_buff_len(ctx); }
        SEC("xdp") int clocks_move(struct xdp_md *ctx)
        {
            __u64 a = bpf_ktime_get_coarse_ns(), j = bpf_jiffies64();
            return (a != 0) + (j != 0) * 10;
        }
        SEC("xdp") int cpumap_empty(struct xdp_md *ctx) { return bpf_redirect_map(&cpus, 1, XDP_PASS); }
        SEC("xdp") int xskmap_empty(struct xdp_md *ctx) { return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_DROP); }
        SEC("xdp") int devmap_hash_empty(struct xdp_md *ctx) { return bpf_redirect_map(&devices, 7, XDP_TX); }
        SEC("xdp") int ring_output(struct xdp_md *ctx) { __u64 v = 0x0123456789abcdefULL; return bpf_ringbuf_output(&ring, &v, 8, 0) ?: XDP_PASS; }
        SEC("xdp") int ring_bad_flags(struct xdp_md *ctx) { __u64 v = 1; return -bpf_ringbuf_output(&ring, &v, 8, 4); }

        SEC("socket") int skb_load(struct __sk_buff *skb) { __u8 b[2] = {}; return bpf_skb_load_bytes(skb, 8, b, 2) ?: (b[0] << 8 | b[1]); }
        SEC("socket") int skb_load_past_end(struct __sk_buff *skb)
        {
            __u8 b[4] = { 1, 1, 1, 1 };
            int err = -bpf_skb_load_bytes(skb, skb->len - 2, b, 4);
            return err * 1000 + b[0] + b[1] + b[2] + b[3];
        }
        SEC("tc") int tc_load(struct __sk_buff *skb) { __u8 b[2] = {}; return bpf_skb_load_bytes(skb, 12, b, 2) ?: (b[0] << 8 | b[1]); }
        SEC("tc") int tc_csum(struct __sk_buff *skb) { __u32 to[1] = { 0xdeadbeef }; return bpf_csum_diff(0, 0, to, 4, 1); }
        SEC("tc") int tc_store(struct __sk_buff *skb) { __u32 w = 0xa1b2c3d4; return bpf_skb_store_bytes(skb, 20, &w, 4, 0); }
        SEC("tc") int tc_store_past_end(struct __sk_buff *skb) { __u32 w = 1; return -bpf_skb_store_bytes(skb, 62, &w, 4, 0); }
        SEC("tc") int tc_store_bad_flags(struct __sk_buff *skb) { __u32 w = 1; return -bpf_skb_store_bytes(skb, 20, &w, 4, 4); }
        SEC("tc") int l3_replace2(struct __sk_buff *skb) { return bpf_l3_csum_replace(skb, 24, 0x1234, 0x5678, 2); }
        SEC("tc") int l3_replace4(struct __sk_buff *skb) { return bpf_l3_csum_replace(skb, 24, 0x01020304, 0x0a0b0c0d, 4); }
        SEC("tc") int l3_diff(struct __sk_buff *skb) { return bpf_l3_csum_replace(skb, 24, 0, 0x12345, 0); }
        SEC("tc") int l3_odd_offset(struct __sk_buff *skb) { return -bpf_l3_csum_replace(skb, 25, 1, 2, 2); }
        SEC("tc") int l3_bad_size(struct __sk_buff *skb) { return -bpf_l3_csum_replace(skb, 24, 1, 2, 3); }
        SEC("tc") int l3_diff_with_from(struct __sk_buff *skb) { return -bpf_l3_csum_replace(skb, 24, 1, 2, 0); }
        SEC("tc") int l3_past_end(struct __sk_buff *skb) { return -bpf_l3_csum_replace(skb, 64, 1, 2, 2); }
        SEC("tc") int l4_zero_left_alone(struct __sk_buff *skb)
        {
            __u16 zero = 0;
            bpf_skb_store_bytes(skb, 40, &zero, 2, 0);
            return bpf_l4_csum_replace(skb, 40, 0x1234, 0x5678, 2 | BPF_F_MARK_MANGLED_0);
        }
        SEC("tc") int l4_zero_enforced(struct __sk_buff *skb)
        {
            __u16 zero = 0;
            bpf_skb_store_bytes(skb, 40, &zero, 2, 0);
            return bpf_l4_csum_replace(skb, 40, 0x1234, 0x5678, 2 | BPF_F_MARK_MANGLED_0 | BPF_F_MARK_ENFORCE);
        }
        SEC("tc") int l4_result_zero_marked(struct __sk_buff *skb)
        {
            __u16 sum = 0xedcb; // ~0x1234: replacing 0x1234 by 0 leaves a zero checksum, written as 0xffff
            bpf_skb_store_bytes(skb, 40, &sum, 2, 0);
            return bpf_l4_csum_replace(skb, 40, 0x1234, 0, 2 | BPF_F_MARK_MANGLED_0);
        }
        SEC("tc") int l4_pseudo4(struct __sk_buff *skb) { return bpf_l4_csum_replace(skb, 40, 0x0a000001, 0xc0a80001, 4 | BPF_F_PSEUDO_HDR); }
        SEC("tc") int l4_bad_flags(struct __sk_buff *skb) { return -bpf_l4_csum_replace(skb, 40, 1, 2, 2 | 0x100); }
        SEC("tc") int tc_fields(struct __sk_buff *skb)
        {
            skb->mark = 0x42; skb->priority = 3; skb->cb[4] = 9; skb->tc_classid = 0x10001; skb->tc_index = 5;
            return skb->mark + skb->cb[4] + skb->priority * 100 + skb->pkt_type * 1000 + skb->ifindex * 10000 + skb->tc_index * 100000;
        }
        SEC("socket") int socket_cb(struct __sk_buff *skb) { skb->cb[0] = skb->len; return skb->cb[0] + skb->cb[1]; }
        SEC("tc") int tc_pull(struct __sk_buff *skb) { return bpf_skb_pull_data(skb, 20); }
        SEC("tc") int tc_pull_too_much(struct __sk_buff *skb) { return -bpf_skb_pull_data(skb, 2000); }
        SEC("tc") int tc_redirect(struct __sk_buff *skb) { return bpf_redirect(1, BPF_F_INGRESS); }
        SEC("tc") int tc_redirect_bad_flags(struct __sk_buff *skb) { return bpf_redirect(1, 4); }
        SEC("tc") int tc_hash(struct __sk_buff *skb) { __u32 h = bpf_get_hash_recalc(skb); return (h != 0) + (skb->hash == h) * 10; }
        SEC("tc") int tc_load_relative(struct __sk_buff *skb)
        {
            __u8 mac = 0, net = 0;
            int a = bpf_skb_load_bytes_relative(skb, 12, &mac, 1, BPF_HDR_START_MAC);
            int b = bpf_skb_load_bytes_relative(skb, 0, &net, 1, BPF_HDR_START_NET);
            int c = -bpf_skb_load_bytes_relative(skb, 0, &net, 1, 7);
            return a + b + mac * 1000 + net + c * 1000000;
        }
        SEC("socket") int socket_load_relative(struct __sk_buff *skb) { __u8 b = 0; return bpf_skb_load_bytes_relative(skb, 13, &b, 1, BPF_HDR_START_MAC) ?: b; }
        SEC("socket") int socket_cookie(struct __sk_buff *skb) { return bpf_get_socket_cookie(skb) != 0; }
        SEC("tc") int tc_grow_tail(struct __sk_buff *skb) { return bpf_skb_change_tail(skb, skb->len + 10, 0) ?: skb->len; }
        SEC("tc") int tc_shrink_tail(struct __sk_buff *skb) { return bpf_skb_change_tail(skb, 20, 0) ?: skb->len; }
        SEC("tc") int tc_tail_too_short(struct __sk_buff *skb) { return -bpf_skb_change_tail(skb, 10, 0); }
        SEC("tc") int room_grow_net(struct __sk_buff *skb) { return bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_NET, 0) ?: skb->len; }
        SEC("tc") int room_grow_mac(struct __sk_buff *skb) { return bpf_skb_adjust_room(skb, 8, BPF_ADJ_ROOM_MAC, 0) ?: skb->len; }
        SEC("tc") int room_shrink_net(struct __sk_buff *skb) { return bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_NET, 0) ?: skb->len; }
        SEC("tc") int room_shrink_mac(struct __sk_buff *skb) { return bpf_skb_adjust_room(skb, -8, BPF_ADJ_ROOM_MAC, 0) ?: skb->len; }
        SEC("tc") int room_shrink_past_base(struct __sk_buff *skb) { return -bpf_skb_adjust_room(skb, -40, BPF_ADJ_ROOM_MAC, 0); }
        SEC("tc") int room_bad_mode(struct __sk_buff *skb) { return -bpf_skb_adjust_room(skb, 8, 5, 0); }
        SEC("tc") int room_huge(struct __sk_buff *skb) { return -bpf_skb_adjust_room(skb, 0x1000, BPF_ADJ_ROOM_NET, 0); }
        SEC("tc") int room_encap_udp(struct __sk_buff *skb)
        {
            return bpf_skb_adjust_room(skb, 28, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L4_UDP) ?: skb->len;
        }
        SEC("tc") int room_encap_both_l3(struct __sk_buff *skb)
        {
            return -bpf_skb_adjust_room(skb, 28, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L3_IPV6);
        }
        SEC("tc") int room_encap_on_shrink(struct __sk_buff *skb) { return -bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC, BPF_F_ADJ_ROOM_ENCAP_L3_IPV4); }
        SEC("tc") int room_decap(struct __sk_buff *skb) { return bpf_skb_adjust_room(skb, -4, BPF_ADJ_ROOM_MAC, 1ULL << 7) ?: skb->len; } // DECAP_L3_IPV4
        SEC("tc") int room_decap_grow(struct __sk_buff *skb) { return -bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC, 1ULL << 7); }
        SEC("tc") int room_bad_flags(struct __sk_buff *skb) { return -bpf_skb_adjust_room(skb, 4, BPF_ADJ_ROOM_MAC, 1ULL << 20); }
        SEC("tc") int vlan_push_out_of_band(struct __sk_buff *skb)
        {
            return bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 5) ?: skb->len + skb->vlan_present * 1000 + skb->vlan_tci * 10000;
        }
        SEC("tc") int vlan_push_twice(struct __sk_buff *skb)
        {
            bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 5);
            return bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021AD), 7) ?: skb->len + skb->vlan_present * 1000 + skb->vlan_tci * 10000;
        }
        SEC("tc") int vlan_pop_untagged(struct __sk_buff *skb) { return bpf_skb_vlan_pop(skb) ?: skb->len + skb->vlan_present * 1000; }
        SEC("tc") int vlan_push_push_pop(struct __sk_buff *skb)
        {
            bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 5);
            bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), 7);
            return bpf_skb_vlan_pop(skb) ?: skb->len + skb->vlan_present * 1000 + skb->vlan_tci * 10000 + (skb->protocol == bpf_htons(ETH_P_IP)) * 100;
        }
        char _license[] SEC("license") = "GPL";
        """;

    /// <summary>Also a seed of the mutation fuzzing (<see cref="Fuzz.MutationSoundnessTests"/>): every helper above at its edges.</summary>
    internal static readonly Lazy<string> Object = new(() => ClangObjects.Compile("linux_helper_set", Source));

    public static TheoryData<string, ExecutionEngine> Cases()
    {
        string[] programs =
        [
            "array_noexist", "array_past_end", "array_bad_flags", "array_delete", "hash_exist_missing", "hash_noexist_twice",
            "hash_full", "hash_delete_missing", "queue_edges", "load_word", "load_past_end", "load_past_64k", "store_word",
            "tail_shrink", "tail_grow", "tail_to_frame_end", "tail_past_frame", "tail_below_ethernet", "csum", "csum_carry",
            "csum_odd_size", "csum_from", "printk_count", "printk_width", "printk_percent", "numa", "vprintk_count", "buff_len", "clocks_move", "cpumap_empty", "xskmap_empty", "devmap_hash_empty", "ring_output", "ring_bad_flags",
            "skb_load", "skb_load_past_end", "tc_load", "tc_csum", "tc_store", "tc_store_past_end", "tc_store_bad_flags",
            "l3_replace2", "l3_replace4", "l3_diff", "l3_odd_offset", "l3_bad_size", "l3_diff_with_from", "l3_past_end",
            "l4_zero_left_alone", "l4_zero_enforced", "l4_result_zero_marked", "l4_pseudo4", "l4_bad_flags",
            "tc_fields", "socket_cb", "tc_pull", "tc_pull_too_much", "tc_redirect", "tc_redirect_bad_flags", "tc_hash",
            "tc_load_relative", "socket_load_relative", "socket_cookie", "tc_grow_tail", "tc_shrink_tail", "tc_tail_too_short",
            "room_grow_net", "room_grow_mac", "room_shrink_net", "room_shrink_mac", "room_shrink_past_base", "room_bad_mode", "room_huge",
            "room_encap_udp", "room_encap_both_l3", "room_encap_on_shrink", "room_decap", "room_decap_grow", "room_bad_flags",
            "vlan_push_out_of_band", "vlan_push_twice", "vlan_pop_untagged", "vlan_push_push_pop",
        ];
        var data = new TheoryData<string, ExecutionEngine>();
        foreach (var program in programs)
        {
            data.Add(program, ExecutionEngine.Jit);
            data.Add(program, ExecutionEngine.Interpreter);
        }
        return data;
    }

    /// <summary>What each case returns by the kernel's definitions, and how many bytes its packet gains (or loses).</summary>
    private static readonly Dictionary<string, (uint Return, int Growth)> Expected = new()
    {
        ["array_noexist"] = (17, 0),        // EEXIST: array elements always exist
        ["array_past_end"] = (7, 0),        // E2BIG
        ["array_bad_flags"] = (22, 0),
        ["array_delete"] = (22 * 1000 + 101, 0), // EINVAL, the element stays
        ["hash_exist_missing"] = (2, 0),    // ENOENT
        ["hash_noexist_twice"] = (17, 0),
        ["hash_full"] = (7, 0),
        ["hash_delete_missing"] = (2, 0),
        ["queue_edges"] = (2 * 1000000 + 2 * 10000 + 7 * 100 + 0 * 10 + 2, 0), // the push with BPF_EXIST dropped the oldest (1)
        ["load_word"] = (0x17161514, 0),    // the pattern's bytes 20..23
        ["load_past_end"] = (22, 0),
        ["load_past_64k"] = (14, 0),
        ["store_word"] = (3, 0),
        ["tail_shrink"] = (3, -10),
        ["tail_grow"] = (3, 100),
        ["tail_to_frame_end"] = (3, 3520 - 64),
        ["tail_past_frame"] = (22, 0),
        ["tail_below_ethernet"] = (22, 0),
        ["csum"] = (0xeaec, 0),             // 0x1234 + 0xfdfc + 0xfffe + 0x6050 + 0x8070 - (0x0201 + 0x0403), 16 bits
        ["csum_odd_size"] = (0x0201 + 3, 0), // an odd last byte counts as a low byte
        ["csum_from"] = (0xfa0b, 0),        // 0x10 - 0x0604 in one's complement
        ["tc_csum"] = (0x9d9e, 0),          // 1 + 0xbeef + 0xdead, the carry folded back
        ["printk_count"] = (21, 0),         // "x=-5 y=abcdef012 z=7\n"
        ["printk_width"] = (14, 0),         // "[00042|ab  |Z]"
        ["printk_percent"] = (9, 0),        // "100% BEEF"
        ["numa"] = (0, 0),
        ["vprintk_count"] = (10, 0),        // "1 2 3 4|ab": bpf_printk with five arguments calls bpf_trace_vprintk
        ["buff_len"] = (64, 0),
        ["clocks_move"] = (11, 0),
        ["cpumap_empty"] = (2, 0),          // an empty slot: the fallback action
        ["xskmap_empty"] = (1, 0),
        ["devmap_hash_empty"] = (3, 0),
        ["ring_output"] = (2, 0),
        ["ring_bad_flags"] = (22, 0),
        ["skb_load"] = (22 << 8 | 23, 0),  // a socket filter's offsets start at the network header (14)
        ["skb_load_past_end"] = (14 * 1000, 0), // EFAULT, and the buffer cleared
        ["tc_load"] = (0x0800, 0),          // a classifier's start at the frame: the EtherType
        ["tc_store"] = (0, 0),
        ["tc_store_past_end"] = (14, 0),    // EFAULT
        ["tc_store_bad_flags"] = (22, 0),
        ["l3_odd_offset"] = (14, 0),        // EFAULT: a checksum is 16-bit aligned
        ["l3_bad_size"] = (22, 0),
        ["l3_diff_with_from"] = (22, 0),
        ["l3_past_end"] = (14, 0),
        ["l4_bad_flags"] = (22, 0),
        ["tc_fields"] = (0x42 + 9 + 300 + 3000 + 10000 + 500000, 0), // written fields read back; pkt_type OTHERHOST (3), ifindex 1
        ["socket_cb"] = (50, 0),            // cb[0] = len (64 less the Ethernet header), cb[1] still 0
        ["tc_pull"] = (0, 0),               // the packet is linear already
        ["tc_pull_too_much"] = (12, 0),     // ENOMEM
        ["tc_redirect"] = (7, 0),           // TC_ACT_REDIRECT
        ["tc_redirect_bad_flags"] = (2, 0), // TC_ACT_SHOT
        ["tc_hash"] = (11, 0),              // a flow hash, stored in skb->hash
        ["tc_load_relative"] = (8 * 1000 + 14 * 1000000, 0), // the EtherType's first byte; EFAULT for start 7, which clears the byte read before
        ["socket_load_relative"] = (0, 0),  // the MAC header is still there: the EtherType's second byte
        ["socket_cookie"] = (1, 0),
        ["tc_grow_tail"] = (74, 10),
        ["tc_shrink_tail"] = (20, -44),
        ["tc_tail_too_short"] = (22, 0),
        ["room_grow_net"] = (72, 8),        // zeroed room behind the 20-byte IPv4 base header
        ["room_grow_mac"] = (72, 8),        // behind the MAC header
        ["room_shrink_net"] = (60, -4),
        ["room_shrink_mac"] = (56, -8),
        ["room_shrink_past_base"] = (524, 0), // ENOTSUPP: 50 bytes of network layer less 40 is below the IPv4 base header
        ["room_bad_mode"] = (524, 0),
        ["room_huge"] = (14, 0),            // EFAULT past 4095 bytes
        ["room_encap_udp"] = (92, 28),
        ["room_encap_both_l3"] = (22, 0),
        ["room_encap_on_shrink"] = (22, 0),
        ["room_decap"] = (60, -4),
        ["room_decap_grow"] = (22, 0),
        ["room_bad_flags"] = (22, 0),
        ["vlan_push_out_of_band"] = (64 + 1000 + 50000, 0), // the tag goes out of band: the frame is unchanged
        ["vlan_push_twice"] = (68 + 1000 + 70000, 4),       // the first tag moves into the frame
        ["vlan_pop_untagged"] = (64, 0),
        ["vlan_push_push_pop"] = (64 + 1000 + 50000 + 100, 0), // the out-of-band 7 goes; the framed 5 moves out of band; IPv4 again
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void HelperBehavesAsTheKernelDefinesIt(string program, ExecutionEngine engine)
    {
        var packet = new byte[64];
        for (int i = 0; i < packet.Length; i++) packet[i] = (byte)i;
        packet[12] = 0x08; // an IPv4 EtherType, for the socket filter's view
        packet[13] = 0x00;
        using var trace = TraceLog.Subscribe();

        var runtime = LinuxXdp.Runtime();
        using var ours = runtime.Load(Object.Value, new ObjectLoadOptions { Abi = Ebpf.Extensions.Linux.LinuxAbi.Instance, Engine = engine });
        var result = runtime.TestRun(ours.Program(program), new TestRunOptions { DataIn = packet });
        if (Expected.TryGetValue(program, out var expected))
        {
            Assert.Equal(expected.Return, result.ReturnValue);
            Assert.Equal(packet.Length + expected.Growth, result.DataOut.Length);
        }
        if (program == "store_word") Assert.Equal([0, 1, 0x44, 0x33, 0x22, 0x11, .. packet[6..]], result.DataOut);
        if (program == "tc_store") Assert.Equal([.. packet[..20], 0xd4, 0xc3, 0xb2, 0xa1, .. packet[24..]], result.DataOut);
        if (program == "l4_zero_left_alone") Assert.Equal(0, BitConverter.ToUInt16(result.DataOut, 40));
        if (program == "l4_result_zero_marked") Assert.Equal(0xffff, BitConverter.ToUInt16(result.DataOut, 40));
        if (program == "vlan_push_twice") Assert.Equal([.. packet[..12], 0x81, 0x00, 0x00, 0x05, .. packet[12..]], result.DataOut);
        if (program == "tail_grow")
            Assert.Equal([.. packet, .. new byte[99], 0x5a], result.DataOut);
        if (program == "printk_count") // the trace log is the process's: other tests running meanwhile write to it too
            Assert.Equal(["x=-5 y=abcdef012 z=7"], trace.Drain().Where(r => r.ProgramName == program).Select(r => r.Text));
        if (program == "ring_output")
        {
            var records = new List<byte[]>();
            ((RingBufferMap)ours.Map("ring")).Consume(record => records.Add(record.ToArray()));
            Assert.Equal([BitConverter.GetBytes(0x0123456789abcdefUL)], records);
        }

        using var kernel = KernelReference.Load(Object.Value, output.WriteLine);
        if (kernel is null || !KernelReference.Has(kernel, program, output.WriteLine)) return; // checked against the definition only
        var reference = kernel.Run(program, packet);
        Assert.Equal(reference.ReturnValue, (uint)result.ReturnValue);
        Assert.Equal(Convert.ToHexString(reference.Packet), Convert.ToHexString(result.DataOut));
        output.WriteLine($"{program} ({engine}): kernel and here agree (r0 {reference.ReturnValue}, {reference.Packet.Length} bytes out)");
    }

    /// <summary>
    /// A checked run may touch the packet up to its end and no further: the frame's spare room past it becomes
    /// accessible only through bpf_xdp_adjust_tail, which grants what it adds.
    /// </summary>
    [Fact]
    public void ACheckedRunReachesTheGrownTailAndNothingPastTheEnd()
    {
        var runtime = LinuxXdp.Runtime(verify: false);
        using var loaded = runtime.Load(Object.Value, new ObjectLoadOptions
        {
            Abi = Ebpf.Extensions.Linux.LinuxAbi.Instance, Engine = ExecutionEngine.Interpreter, Unverified = true,
        });
        var grown = runtime.TestRun(loaded.Program("tail_grow"), new TestRunOptions { DataIn = new byte[64] });
        Assert.Equal(3u, grown.ReturnValue);
        Assert.Equal(0x5a, grown.DataOut[163]);

        string path = ClangObjects.Compile("unchecked_packet", ClangObjects.UncheckedPacketRead);
        using var stray = runtime.LoadXdp(path, ExecutionEngine.Interpreter, verify: false);
        Assert.ThrowsAny<Interpretation.ProgramExecutionException>(() => runtime.Run(stray, "unchecked_read", new byte[64]));
    }

    /// <summary>A slot that names a target (a queue size, a socket, an interface) redirects; an empty one falls back.</summary>
    [Theory]
    [InlineData("cpumap_empty", "cpus", 1, 2u)]
    [InlineData("xskmap_empty", "xsks", 0, 1u)]
    [InlineData("devmap_hash_empty", "devices", 7, 3u)]
    public void RedirectMapsRedirectOnlyToAFilledSlot(string program, string map, int key, uint fallback)
    {
        var runtime = LinuxXdp.Runtime();
        using var loaded = runtime.Load(Object.Value, new ObjectLoadOptions { Abi = Ebpf.Extensions.Linux.LinuxAbi.Instance });
        var packet = new byte[64];
        Assert.Equal(fallback, runtime.TestRun(loaded.Program(program), new TestRunOptions { DataIn = packet }).ReturnValue);
        var target = loaded.Map(map);
        var value = new byte[target.UserValueSize];
        value[0] = 64; // a queue size, a socket descriptor, an interface index
        Assert.Equal(EbpfResult.Success, target.TryUpdate(BitConverter.GetBytes(key), value));
        Assert.Equal(4u, runtime.TestRun(loaded.Program(program), new TestRunOptions { DataIn = packet }).ReturnValue); // XDP_REDIRECT
    }
}
