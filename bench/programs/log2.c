#include "bench.h"
/* Integer log2 (branchy binary search) of 256 32-bit words of the packet. */
static __always_inline __u32 ilog2(__u32 v)
{
    __u32 r = 0;
    if (v >= 1u << 16) { v >>= 16; r += 16; }
    if (v >= 1u << 8) { v >>= 8; r += 8; }
    if (v >= 1u << 4) { v >>= 4; r += 4; }
    if (v >= 1u << 2) { v >>= 2; r += 2; }
    if (v >= 1u << 1) { r += 1; }
    return r;
}

SEC("xdp") int bench_log2(struct xdp_md *ctx)
{
    __u8 *data = PACKET_BEGIN(ctx), *end = PACKET_END(ctx);
    if (data + 1024 > end) return XDP_ABORTED;
    __u32 *words = (__u32 *)data, sum = 0;
    for (int i = 0; i < 256; i++) sum += ilog2(words[i] >> (i & 15));
    return sum;
}
