/* Switch statements as clang lowers them: comparison trees, lookup tables in .rodata, and dispatch on parsed fields. */
#include "common.h"

SEC("xdp") int switch_protocol(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct iphdr *ip = data + sizeof(struct ethhdr);
    if ((void *)(ip + 1) > end) return XDP_ABORTED;
    switch (ip->protocol) {
    case IPPROTO_TCP: return XDP_PASS;
    case IPPROTO_UDP: return XDP_DROP;
    case IPPROTO_ICMP: return XDP_TX;
    case IPPROTO_GRE: return XDP_REDIRECT;
    default: return XDP_ABORTED;
    }
}

SEC("xdp") int switch_value_table(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 1 > end) return XDP_PASS;
    __u32 r;
    switch (data[0] & 7) {
    case 0: r = 11; break;
    case 1: r = 23; break;
    case 2: r = 37; break;
    case 3: r = 41; break;
    case 4: r = 53; break;
    case 5: r = 67; break;
    case 6: r = 79; break;
    default: r = 83; break;
    }
    return r & 3;
}

SEC("xdp") int switch_in_loop(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 state = 0;
    for (int i = 0; i < 32; i++) {
        if (data + i + 1 > end) break;
        switch (data[i]) {
        case 'G': state = state == 0 ? 1 : 0; break;
        case 'E': state = state == 1 ? 2 : 0; break;
        case 'T': state = state == 2 ? 3 : 0; break;
        default: state = 0; break;
        }
        if (state == 3) return XDP_DROP;
    }
    return XDP_PASS;
}

SEC("xdp") int switch_sparse(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct udphdr *udp = data + sizeof(struct ethhdr) + sizeof(struct iphdr);
    if ((void *)(udp + 1) > end) return XDP_ABORTED;
    switch (bpf_ntohs(udp->dest)) {
    case 53: case 853: return XDP_DROP;
    case 67: case 68: return XDP_PASS;
    case 123: return XDP_TX;
    case 4789: case 6081: return XDP_REDIRECT;
    default: return XDP_PASS;
    }
}

SEC("tc") int tc_switch_ethertype(struct __sk_buff *skb)
{
    switch (skb->protocol) {
    case bpf_htons(ETH_P_IP): return 1;
    case bpf_htons(ETH_P_IPV6): return 2;
    case bpf_htons(ETH_P_ARP): return 3;
    default: return 0;
    }
}

SEC("xdp") int switch_state_machine(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    int state = 0, fields = 0;
    for (int i = 0; i < 40; i++) {
        if (data + i + 1 > end) break;
        __u8 c = data[i];
        switch (state) {
        case 0: if (c == ' ') state = 1; break;
        case 1: if (c == '/') { state = 2; fields++; } else state = 0; break;
        case 2: if (c == ' ') state = 3; break;
        default: fields += c == '\r'; break;
        }
    }
    return fields & 3;
}
