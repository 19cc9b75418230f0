/* Header parsers as XDP and TC programs write them: Ethernet, VLAN tags, IPv4 with options, IPv6 extension headers,
 * TCP options, UDP payload peeks. */
#include "common.h"

SEC("xdp") int parse_eth_ipv4_proto(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return XDP_ABORTED;
    if (eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end) return XDP_ABORTED;
    return ip->protocol == IPPROTO_UDP ? XDP_DROP : XDP_PASS;
}

SEC("xdp") int parse_vlan_loop(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return XDP_ABORTED;
    __u16 proto = eth->h_proto;
    void *cursor = eth + 1;
#pragma unroll
    for (int i = 0; i < 2; i++) {
        if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD)) break;
        struct vlan_hdr *vlan = cursor;
        if ((void *)(vlan + 1) > end) return XDP_ABORTED;
        proto = vlan->encapsulated_proto;
        cursor = vlan + 1;
    }
    return proto == bpf_htons(ETH_P_IP) ? XDP_PASS : XDP_DROP;
}

SEC("xdp") int parse_vlan_loop_nounroll(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return XDP_ABORTED;
    __u16 proto = eth->h_proto;
    void *cursor = eth + 1;
#pragma nounroll
    for (int i = 0; i < 4; i++) {
        if (proto != bpf_htons(ETH_P_8021Q) && proto != bpf_htons(ETH_P_8021AD)) break;
        struct vlan_hdr *vlan = cursor;
        if ((void *)(vlan + 1) > end) return XDP_ABORTED;
        proto = vlan->encapsulated_proto;
        cursor = vlan + 1;
    }
    return proto == bpf_htons(ETH_P_IP) ? XDP_PASS : XDP_DROP;
}

SEC("xdp") int parse_ipv4_ihl(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return XDP_ABORTED;
    if (eth->h_proto != bpf_htons(ETH_P_IP)) return XDP_PASS;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end) return XDP_ABORTED;
    __u32 hl = ip->ihl * 4;
    if (hl < sizeof(*ip)) return XDP_DROP;
    struct udphdr *udp = (void *)ip + hl;
    if ((void *)(udp + 1) > end) return XDP_ABORTED;
    return udp->dest == bpf_htons(53) ? XDP_DROP : XDP_PASS;
}

SEC("xdp") int parse_ipv4_options(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct iphdr *ip = data + sizeof(struct ethhdr);
    if ((void *)(ip + 1) > end) return XDP_ABORTED;
    __u8 *opt = (__u8 *)(ip + 1);
    __u32 options = ip->ihl * 4 - sizeof(*ip);
    int seen = 0;
    for (__u32 i = 0; i < 40 && i < options; i++) {
        if (opt + i + 1 > (__u8 *)end) break;
        if (opt[i] == 0) break;
        if (opt[i] == 7) seen++;
    }
    return seen ? XDP_DROP : XDP_PASS;
}

SEC("xdp") int parse_tcp_options(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct tcphdr *tcp = data + sizeof(struct ethhdr) + sizeof(struct iphdr);
    if ((void *)(tcp + 1) > end) return XDP_ABORTED;
    __u8 *p = (__u8 *)(tcp + 1);
    __u16 mss = 0;
    for (int i = 0; i < 10; i++) {
        if (p + 1 > (__u8 *)end) break;
        __u8 kind = p[0];
        if (kind == 0) break;
        if (kind == 1) { p++; continue; }
        if (p + 2 > (__u8 *)end) break;
        __u8 len = p[1];
        if (len < 2) break;
        if (kind == 2 && len == 4) {
            if (p + 4 > (__u8 *)end) break;
            mss = (p[2] << 8) | p[3];
        }
        p += len;
    }
    return mss > 1400 ? XDP_DROP : XDP_PASS;
}

SEC("xdp") int parse_ipv6_ext(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return XDP_ABORTED;
    if (eth->h_proto != bpf_htons(ETH_P_IPV6)) return XDP_PASS;
    struct ipv6hdr *ip6 = (void *)(eth + 1);
    if ((void *)(ip6 + 1) > end) return XDP_ABORTED;
    __u8 next = ip6->nexthdr;
    __u8 *cursor = (__u8 *)(ip6 + 1);
    for (int i = 0; i < 6; i++) {
        if (next != 0 && next != 43 && next != 60) break;
        if (cursor + 2 > (__u8 *)end) return XDP_ABORTED;
        next = cursor[0];
        cursor += (cursor[1] + 1) * 8;
    }
    return next == IPPROTO_TCP ? XDP_PASS : XDP_DROP;
}

SEC("tc") int tc_parse_udp_port(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return 0;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end) return 0;
    if (ip->protocol != IPPROTO_UDP) return 0;
    struct udphdr *udp = (void *)(ip + 1);
    if ((void *)(udp + 1) > end) return 0;
    return udp->dest == bpf_htons(4789) ? 2 : 0;
}

SEC("tc") int tc_parse_vlan_then_ip(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    if ((void *)(eth + 1) > end) return 0;
    __u16 proto = eth->h_proto;
    __u32 off = sizeof(*eth);
    if (proto == bpf_htons(ETH_P_8021Q)) {
        struct vlan_hdr *v = data + off;
        if ((void *)(v + 1) > end) return 0;
        proto = v->encapsulated_proto;
        off += sizeof(*v);
    }
    if (proto != bpf_htons(ETH_P_IP)) return 0;
    struct iphdr *ip = data + off;
    if ((void *)(ip + 1) > end) return 0;
    return ip->ttl;
}

SEC("xdp") int parse_udp_payload_peek(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct udphdr *udp = data + sizeof(struct ethhdr) + sizeof(struct iphdr);
    if ((void *)(udp + 1) > end) return XDP_ABORTED;
    __u8 *payload = (__u8 *)(udp + 1);
    __u16 len = bpf_ntohs(udp->len);
    if (len < sizeof(*udp) + 4) return XDP_PASS;
    if (payload + 4 > (__u8 *)end) return XDP_PASS;
    return payload[0] == 0xde && payload[3] == 0xef ? XDP_DROP : XDP_PASS;
}

SEC("xdp") int parse_icmp_echo(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    struct icmphdr *icmp = (void *)(ip + 1);
    if ((void *)(icmp + 1) > end) return XDP_ABORTED;
    if (eth->h_proto != bpf_htons(ETH_P_IP) || ip->protocol != IPPROTO_ICMP) return XDP_PASS;
    return icmp->type == ICMP_ECHO ? XDP_TX : XDP_PASS;
}
