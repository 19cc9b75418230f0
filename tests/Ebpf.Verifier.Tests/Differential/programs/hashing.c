/* Hashes over packet bytes feeding map keys: FNV-1a, a bitwise CRC-32 (nested loop), jhash-style mixing of a
 * 5-tuple, and a djb2 over a variable-length field. */
#include "common.h"

SEC("xdp") int hash_fnv1a(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 h = 2166136261u;
    for (int i = 0; i < 64; i++) {
        if (data + i + 1 > end) break;
        h = (h ^ data[i]) * 16777619u;
    }
    __u32 key = h & 255;
    __u64 *c = bpf_map_lookup_elem(&counters, &key);
    if (c) (*c)++;
    return XDP_PASS;
}

SEC("xdp") int hash_crc32_bitwise(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 crc = ~0u;
    for (int i = 0; i < 16; i++) {
        if (data + i + 1 > end) break;
        crc ^= data[i];
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc & 3;
}

SEC("xdp") int hash_crc32_nounroll(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 crc = ~0u;
#pragma nounroll
    for (int i = 0; i < 16; i++) {
        if (data + i + 1 > end) break;
        crc ^= data[i];
#pragma nounroll
        for (int k = 0; k < 8; k++) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
    }
    return ~crc & 3;
}

static __always_inline __u32 rol32(__u32 w, int s) { return (w << s) | (w >> (32 - s)); }

SEC("xdp") int hash_five_tuple(struct xdp_md *ctx)
{
    void *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    struct ethhdr *eth = data;
    struct iphdr *ip = (void *)(eth + 1);
    struct udphdr *udp = (void *)(ip + 1);
    if ((void *)(udp + 1) > end) return XDP_ABORTED;
    __u32 a = ip->saddr, b = ip->daddr, c = ((__u32)udp->source << 16) | udp->dest;
    a -= c; a ^= rol32(c, 4); c += b;
    b -= a; b ^= rol32(a, 6); a += c;
    c -= b; c ^= rol32(b, 8); b += a;
    __u32 key = (c ^ ip->protocol) % 1024;
    __u64 one = 1, *v = bpf_map_lookup_elem(&flows, &key);
    if (v) __sync_fetch_and_add(v, 1);
    else bpf_map_update_elem(&flows, &key, &one, BPF_ANY);
    return XDP_PASS;
}

SEC("xdp") int hash_djb2_field(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 1 > end) return XDP_PASS;
    __u8 n = data[0];
    __u32 h = 5381;
    for (__u32 i = 1; i < 48; i++) {
        if (i > n) break;
        if (data + i + 1 > end) break;
        h = h * 33 + data[i];
    }
    return h & 3;
}

SEC("tc") int tc_hash_to_map(struct __sk_buff *skb)
{
    __u8 *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
    __u32 h = 0;
    for (int i = 0; i < 32; i++) {
        if (data + i + 1 > end) break;
        h = h * 31 + data[i];
    }
    __u32 key = h % 256;
    __u64 *c = bpf_map_lookup_elem(&counters, &key);
    if (c) __sync_fetch_and_add(c, skb->len);
    return 0;
}

SEC("xdp") int hash_xor_words_hoisted(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 64 > end) return XDP_PASS;
    __u64 h = 0;
#pragma nounroll
    for (int i = 0; i < 8; i++) h = (h ^ *(__u64 *)(data + i * 8)) * 0x100000001b3ull;
    return h & 3;
}
