#include "bench.h"
/* Arithmetic loop: count the primes below n (n = 8 * packet[0], at most 1024) by trial division. */
SEC("xdp") int bench_prime(struct xdp_md *ctx)
{
    __u8 *data = PACKET_BEGIN(ctx), *end = PACKET_END(ctx);
    if (data + 1 > end) return XDP_ABORTED;
    __u32 n = (__u32)data[0] * 8, count = 0;
    for (__u32 i = 2; i < n && i < 1024; i++) {
        __u32 prime = 1;
        for (__u32 d = 2; d * d <= i && d < 32; d++) {
            if (i % d == 0) { prime = 0; break; }
        }
        count += prime;
    }
    return count;
}
