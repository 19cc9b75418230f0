// A packet filter for xdp_test (eBPF for Windows' ABI, the default) or, built with -DEBPF_LINUX_XDP, Linux XDP: the
// same logic for both, so replays through this runtime and BPF_PROG_TEST_RUN in the host kernel can be compared.
// For IPv4/UDP it counts packets per destination port (udp_ports), drops those to port 9 (discard) and bounces
// those to port 7 (echo) back with Ethernet and IP addresses and UDP ports swapped (XDP_TX). Everything else passes.
#ifdef EBPF_LINUX_XDP
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#define XDP_SECTION "xdp"
typedef struct xdp_md packet_md;
#define PACKET_START(ctx) ((void*)(long)(ctx)->data)
#define PACKET_END(ctx) ((void*)(long)(ctx)->data_end)
typedef __u8 uint8_t;
typedef __u16 uint16_t;
typedef __u32 uint32_t;
typedef __u64 uint64_t;
#else
#include "bpf_helpers.h"
#include "ebpf_xdp_test_hooks.h"
#define XDP_SECTION "xdp_test"
typedef xdp_md_t packet_md;
#define PACKET_START(ctx) ((ctx)->data)
#define PACKET_END(ctx) ((ctx)->data_end)
#endif

#define DISCARD_PORT 9
#define ECHO_PORT 7

struct ethernet
{
    uint8_t destination[6];
    uint8_t source[6];
    uint16_t type;
};

struct ipv4
{
    uint8_t version_ihl;
    uint8_t tos;
    uint16_t length;
    uint16_t id;
    uint16_t fragment;
    uint8_t ttl;
    uint8_t protocol;
    uint16_t checksum;
    uint32_t source;
    uint32_t destination;
};

struct udp
{
    uint16_t source;
    uint16_t destination;
    uint16_t length;
    uint16_t checksum;
};

struct
{
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, uint16_t); // destination port, host order
    __type(value, uint64_t);
    __uint(max_entries, 1024);
} udp_ports SEC(".maps");

SEC(XDP_SECTION)
int packet_filter(packet_md* ctx)
{
    uint8_t* data = PACKET_START(ctx);
    uint8_t* end = PACKET_END(ctx);
    struct ethernet* eth = (struct ethernet*)data;
    if ((uint8_t*)(eth + 1) > end || eth->type != __builtin_bswap16(0x0800))
        return XDP_PASS;
    struct ipv4* ip = (struct ipv4*)(eth + 1);
    if ((uint8_t*)(ip + 1) > end || ip->protocol != 17)
        return XDP_PASS;
    uint32_t header = (ip->version_ihl & 0x0F) * 4;
    if (header < sizeof(struct ipv4))
        return XDP_DROP; // malformed
    struct udp* udp = (struct udp*)((uint8_t*)ip + header);
    if ((uint8_t*)(udp + 1) > end)
        return XDP_PASS;

    uint16_t port = __builtin_bswap16(udp->destination);
    uint64_t one = 1;
    uint64_t* n = bpf_map_lookup_elem(&udp_ports, &port);
    if (n)
        __sync_fetch_and_add(n, 1);
    else
        bpf_map_update_elem(&udp_ports, &port, &one, 0);

    if (port == DISCARD_PORT)
        return XDP_DROP;
    if (port == ECHO_PORT)
    {
        uint8_t mac[6];
        __builtin_memcpy(mac, eth->destination, 6);
        __builtin_memcpy(eth->destination, eth->source, 6);
        __builtin_memcpy(eth->source, mac, 6);
        uint32_t address = ip->source;
        ip->source = ip->destination;
        ip->destination = address;
        uint16_t source_port = udp->source;
        udp->source = udp->destination;
        udp->destination = source_port;
        return XDP_TX;
    }
    return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
