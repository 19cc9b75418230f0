#include "bench.h"
/* Packet header parsing: Ethernet, optional VLAN, IPv4/IPv6, TCP/UDP; drop one port, pass the rest. */
struct eth { __u8 dst[6], src[6]; __u16 proto; };
struct ipv4 { __u8 vhl, tos; __u16 len, id, frag; __u8 ttl, proto; __u16 check; __u32 saddr, daddr; };
struct ipv6 { __u32 flow; __u16 len; __u8 next, hops; __u8 saddr[16], daddr[16]; };
struct ports { __u16 source, dest; };

#define BE16(x) ((__u16)((((x) & 0xff) << 8) | ((x) >> 8)))

SEC("xdp") int bench_parse(struct xdp_md *ctx)
{
    __u8 *data = PACKET_BEGIN(ctx), *end = PACKET_END(ctx);
    struct eth *eth = (struct eth *)data;
    if ((__u8 *)(eth + 1) > end) return XDP_ABORTED;
    __u16 proto = eth->proto;
    __u8 *next = (__u8 *)(eth + 1);
    if (proto == BE16(0x8100)) {
        if (next + 4 > end) return XDP_ABORTED;
        proto = *(__u16 *)(next + 2);
        next += 4;
    }
    __u8 l4;
    if (proto == BE16(0x0800)) {
        struct ipv4 *ip = (struct ipv4 *)next;
        if ((__u8 *)(ip + 1) > end) return XDP_ABORTED;
        __u32 ihl = (ip->vhl & 15) * 4;
        if (ihl < sizeof(*ip)) return XDP_DROP;
        l4 = ip->proto;
        next += ihl;
    } else if (proto == BE16(0x86dd)) {
        struct ipv6 *ip6 = (struct ipv6 *)next;
        if ((__u8 *)(ip6 + 1) > end) return XDP_ABORTED;
        l4 = ip6->next;
        next = (__u8 *)(ip6 + 1);
    } else {
        return XDP_PASS;
    }
    if (l4 != 6 && l4 != 17) return XDP_PASS;
    struct ports *ports = (struct ports *)next;
    if ((__u8 *)(ports + 1) > end) return XDP_ABORTED;
    if (ports->dest == BE16(9999)) return XDP_DROP;
    return XDP_PASS + (ports->source == BE16(53)) * 10;
}
