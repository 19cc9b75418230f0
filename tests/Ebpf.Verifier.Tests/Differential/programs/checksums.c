/* Checksums over packet bytes: the IPv4 header checksum, a fold, an Internet checksum over a bounded payload, a
 * Fletcher sum, and an incremental update. */
#include "common.h"

static __always_inline __u16 fold(__u32 sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return ~sum;
}

SEC("xdp") int csum_ipv4_header(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct iphdr *ip = data + sizeof(struct ethhdr);
    if ((void *)(ip + 1) > end) return XDP_ABORTED;
    __u16 *w = (__u16 *)ip;
    __u32 sum = 0;
#pragma unroll
    for (int i = 0; i < 10; i++) sum += w[i];
    return fold(sum) == 0 ? XDP_PASS : XDP_DROP;
}

SEC("xdp") int csum_ipv4_header_loop(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct iphdr *ip = data + sizeof(struct ethhdr);
    if ((void *)(ip + 1) > end) return XDP_ABORTED;
    __u16 *w = (__u16 *)ip;
    __u32 sum = 0;
#pragma nounroll
    for (int i = 0; i < 10; i++) sum += w[i];
    return fold(sum) == 0 ? XDP_PASS : XDP_DROP;
}

SEC("xdp") int csum_payload_words(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u16 *w = data + 42;
    __u32 sum = 0;
    for (int i = 0; i < 64; i++) {
        if ((void *)(w + i + 1) > end) break;
        sum += w[i];
    }
    return fold(sum) & 3;
}

SEC("xdp") int csum_payload_pointer(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u16 *w = data + 34;
    __u32 sum = 0;
    for (int i = 0; i < 128; i++) {
        if ((void *)(w + 1) > end) break;
        sum += *w++;
    }
    if ((void *)w + 1 <= end) sum += *(__u8 *)w;
    return fold(sum) & 3;
}

SEC("xdp") int csum_fletcher16(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 a = 0, b = 0;
    for (int i = 0; i < 40; i++) {
        if (data + i + 1 > end) break;
        a = (a + data[i]) % 255;
        b = (b + a) % 255;
    }
    return ((b << 8) | a) & 3;
}

SEC("xdp") int csum_incremental_ttl(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    if ((void *)(ip + 1) > end) return XDP_ABORTED;
    if (ip->ttl <= 1) return XDP_DROP;
    __u32 check = ip->check;
    check += bpf_htons(0x0100);
    ip->check = (__u16)(check + (check >= 0xFFFF));
    ip->ttl--;
    return XDP_TX;
}

SEC("tc") int tc_csum_ip(struct __sk_buff *skb)
{
    void *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
    struct iphdr *ip = data + sizeof(struct ethhdr);
    if ((void *)(ip + 1) > end) return 0;
    __u16 *w = (__u16 *)ip;
    __u32 sum = 0;
    for (int i = 0; i < 10; i++) sum += w[i];
    return fold(sum) == 0;
}

SEC("xdp") int csum_ihl_words(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct iphdr *ip = data + sizeof(struct ethhdr);
    if ((void *)(ip + 1) > end) return XDP_ABORTED;
    __u32 words = ip->ihl * 2;
    __u16 *w = (__u16 *)ip;
    __u32 sum = 0;
    for (__u32 i = 0; i < 30; i++) {
        if (i >= words) break;
        if ((void *)(w + i + 1) > end) break;
        sum += w[i];
    }
    return fold(sum) == 0 ? XDP_PASS : XDP_DROP;
}
