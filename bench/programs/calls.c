#include "bench.h"
/* bpf-to-bpf call chain: a four-deep chain of non-inlined functions, called for 64 packet bytes. */
static __noinline __u32 step4(__u32 x) { return x * 2654435761u + 7; }
static __noinline __u32 step3(__u32 x) { return step4(x ^ (x >> 3)) + 3; }
static __noinline __u32 step2(__u32 x) { return step3(x + 0x9e37) ^ 0x55; }
static __noinline __u32 step1(__u32 x) { return step2(x << 1) - 1; }

SEC("xdp") int bench_calls(struct xdp_md *ctx)
{
    __u8 *data = PACKET_BEGIN(ctx), *end = PACKET_END(ctx);
    if (data + 64 > end) return XDP_ABORTED;
    __u32 acc = 0;
    for (int i = 0; i < 64; i++) acc += step1(data[i] + acc);
    return acc;
}
