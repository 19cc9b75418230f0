/* Near misses of the idioms above that no verifier may accept: the kernel refuses each, and so must we. */
#include "common.h"

SEC("xdp") int unsafe_off_by_one(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 14 > end) return XDP_PASS;
    return data[14];
}

SEC("xdp") int unsafe_loop_reads_past_check(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 sum = 0;
    for (int i = 0; i < 32; i++) {
        if (data + i > end) break;
        sum += data[i];
    }
    return sum & 3;
}

SEC("xdp") int unsafe_hoisted_check_too_short(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 16 > end) return XDP_PASS;
    __u32 sum = 0;
#pragma nounroll
    for (int i = 0; i < 17; i++) sum += data[i];
    return sum & 3;
}

SEC("xdp") int unsafe_unbounded_offset(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 2 > end) return XDP_PASS;
    __u32 off = data[0];
    return data[off];
}

SEC("xdp") int unsafe_endless_loop(struct xdp_md *ctx)
{
    __u32 x = OPAQUE(1);
    while (OPAQUE(x) != 0) x = x * 3 + 1;
    return XDP_PASS;
}

SEC("xdp") int unsafe_stack_index(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u8 buf[16] = {};
    if (data + 1 > end) return XDP_PASS;
    buf[data[0] & 31] = 1;
    return buf[3];
}

SEC("xdp") int unsafe_read_before_packet(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 4 > end) return XDP_PASS;
    __u8 *p = data + 2;
    return p[-3];
}
