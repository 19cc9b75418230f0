/* Loops over packet bytes: per-iteration bounds checks, one hoisted check, variable start offsets, pointers advanced
 * past a check and read behind, and searches. */
#include "common.h"

SEC("xdp") int bytes_sum_checked_each(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 sum = 0;
    for (int i = 0; i < 64; i++) {
        if (data + i + 1 > end) break;
        sum += data[i];
    }
    return sum & 3;
}

SEC("xdp") int bytes_sum_hoisted(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 32 > end) return XDP_PASS;
    __u32 sum = 0;
#pragma nounroll
    for (int i = 0; i < 32; i++) sum += data[i];
    return sum & 3;
}

SEC("xdp") int bytes_sum_hoisted_unrolled(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 16 > end) return XDP_PASS;
    __u32 sum = 0;
#pragma unroll
    for (int i = 0; i < 16; i++) sum += data[i];
    return sum & 3;
}

SEC("xdp") int bytes_from_offset(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 1 > end) return XDP_PASS;
    __u32 off = data[0] & 0x1f;
    __u32 x = 0;
    for (int i = 0; i < 8; i++) {
        if (data + off + i + 1 > end) break;
        x ^= data[off + i];
    }
    return x & 3;
}

SEC("xdp") int bytes_cursor_advance(struct xdp_md *ctx)
{
    __u8 *p = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 x = 0;
    for (int i = 0; i < 16; i++) {
        if (p + 2 > end) break;
        x += p[0] * 31 + p[1];
        p += 2;
    }
    return x & 3;
}

SEC("xdp") int bytes_read_behind(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u8 *p = data + 14;
    if (p > end) return XDP_PASS;
    /* p was checked against end; the bytes before it are inside the packet too. */
    return (p[-1] + p[-2] + p[-14]) & 3;
}

SEC("xdp") int bytes_find_zero(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    int at = -1;
    for (int i = 0; i < 100; i++) {
        if (data + i + 1 > end) break;
        if (data[i] == 0) { at = i; break; }
    }
    return at < 0 ? XDP_PASS : XDP_DROP;
}

SEC("xdp") int bytes_compare_prefix(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    static const char magic[8] = "GET /ab";
    if (data + 8 > end) return XDP_PASS;
    for (int i = 0; i < 7; i++)
        if (data[i] != magic[i]) return XDP_PASS;
    return XDP_DROP;
}

SEC("xdp") int bytes_reverse_in_place(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 16 > end) return XDP_PASS;
#pragma nounroll
    for (int i = 0; i < 8; i++) {
        __u8 t = data[i];
        data[i] = data[15 - i];
        data[15 - i] = t;
    }
    return XDP_TX;
}

SEC("xdp") int bytes_payload_after_headers(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u8 *payload = data + 42;
    __u32 n = 0;
    for (__u32 i = 0; i < 32; i++) {
        if (payload + i + 1 > end) break;
        if (payload[i] == '\n') n++;
    }
    return n > 2 ? XDP_DROP : XDP_PASS;
}

SEC("xdp") int bytes_copy_to_stack(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u8 buf[32];
    if (data + sizeof(buf) > end) return XDP_PASS;
    for (int i = 0; i < (int)sizeof(buf); i++) buf[i] = data[i];
    __u32 key = buf[3] ^ buf[17];
    __u64 *c = bpf_map_lookup_elem(&counters, &key);
    if (c) __sync_fetch_and_add(c, 1);
    return XDP_PASS;
}

SEC("tc") int tc_bytes_sum(struct __sk_buff *skb)
{
    __u8 *data = (void *)(long)skb->data, *end = (void *)(long)skb->data_end;
    __u32 sum = 0;
    for (int i = 0; i < 48; i++) {
        if (data + i + 1 > end) break;
        sum += data[i];
    }
    return sum & 1;
}

SEC("xdp") int bytes_stride_words(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 x = 0;
    for (int i = 0; i < 64; i += 4) {
        if (data + i + 4 > end) break;
        x ^= *(__u32 *)(data + i);
    }
    return x & 3;
}

SEC("xdp") int bytes_len_bounded_loop(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 len = end - data;
    if (len > 64) len = 64;
    __u32 x = 0;
    for (__u32 i = 0; i < len; i++) {
        if (data + i + 1 > end) break;
        x += data[i];
    }
    return x & 3;
}
