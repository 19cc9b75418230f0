/* bpf-to-bpf calls that take packet pointers, return offsets, check bounds for the caller, and loop. */
#include "common.h"

static __noinline int parse_eth(void *data, void *end)
{
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return -1;
    return bpf_ntohs(eth->h_proto);
}

SEC("xdp") int call_parse_eth(struct xdp_md *ctx)
{
    int proto = parse_eth(XDP_DATA(ctx), XDP_END(ctx));
    if (proto < 0) return XDP_ABORTED;
    return proto == ETH_P_IP ? XDP_PASS : XDP_DROP;
}

static __noinline __u32 sum_bytes(__u8 *p, __u8 *end, int n)
{
    __u32 s = 0;
    for (int i = 0; i < 32; i++) {
        if (i >= n) break;
        if (p + i + 1 > end) break;
        s += p[i];
    }
    return s;
}

SEC("xdp") int call_sum_bytes(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    return (sum_bytes(data, end, 16) + sum_bytes(data + 14, end, 20)) & 3;
}

static __noinline int ip_ttl(struct iphdr *ip, void *end)
{
    if ((void *)(ip + 1) > end) return -1;
    return ip->ttl;
}

SEC("xdp") int call_with_header_pointer(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    int ttl = ip_ttl(data + sizeof(struct ethhdr), end);
    return ttl < 0 ? XDP_ABORTED : ttl > 64 ? XDP_PASS : XDP_DROP;
}

static __noinline __u32 mix(__u32 a, __u32 b)
{
    a ^= b; a *= 0x9e3779b1u; return a ^ (a >> 15);
}

SEC("xdp") int call_scalar_helper_fn(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct iphdr *ip = data + sizeof(struct ethhdr);
    if ((void *)(ip + 1) > end) return XDP_ABORTED;
    __u32 key = mix(ip->saddr, ip->daddr) & 255;
    __u64 *c = bpf_map_lookup_elem(&counters, &key);
    if (c) __sync_fetch_and_add(c, 1);
    return XDP_PASS;
}

static __noinline int count_in_loop(__u8 *data, __u8 *end)
{
    int n = 0;
    for (int i = 0; i < 64; i++) {
        if (data + i + 1 > end) break;
        n += data[i] == 0xff;
    }
    return n;
}

SEC("xdp") int call_loop_in_callee(struct xdp_md *ctx)
{
    return count_in_loop(XDP_DATA(ctx), XDP_END(ctx)) > 3 ? XDP_DROP : XDP_PASS;
}

static __noinline void *skip_vlans(void *cursor, void *end, __u16 *proto)
{
    for (int i = 0; i < 2; i++) {
        if (*proto != bpf_htons(ETH_P_8021Q)) break;
        struct vlan_hdr *v = cursor;
        if ((void *)(v + 1) > end) return 0;
        *proto = v->encapsulated_proto;
        cursor = v + 1;
    }
    return cursor;
}

SEC("xdp") int call_returns_packet_pointer(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return XDP_ABORTED;
    __u16 proto = eth->h_proto;
    void *next = skip_vlans(eth + 1, end, &proto);
    if (!next) return XDP_ABORTED;
    struct iphdr *ip = next;
    if ((void *)(ip + 1) > end) return XDP_ABORTED;
    return ip->ttl > 1 ? XDP_PASS : XDP_DROP;
}

static __noinline int write_mac(struct ethhdr *eth, void *end)
{
    if ((void *)(eth + 1) > end) return -1;
    for (int i = 0; i < ETH_ALEN; i++) {
        __u8 t = eth->h_dest[i];
        eth->h_dest[i] = eth->h_source[i];
        eth->h_source[i] = t;
    }
    return 0;
}

SEC("xdp") int call_swap_macs(struct xdp_md *ctx)
{
    return write_mac(XDP_DATA(ctx), XDP_END(ctx)) ? XDP_ABORTED : XDP_TX;
}

static __noinline int depth2(__u8 *p, __u8 *end) { return p + 1 <= end ? p[0] : 0; }
static __noinline int depth1(__u8 *p, __u8 *end) { return depth2(p + 2, end) + depth2(p + 5, end); }

SEC("tc") int tc_call_chain(struct __sk_buff *skb)
{
    return depth1((void *)(long)skb->data, (void *)(long)skb->data_end) & 1;
}
