#include "bench.h"
/* memcpy over a large buffer: copy 1024 packet bytes, 8 at a time, into a global buffer and fold the copy. */
#define COPY_BYTES 1024
__u64 buffer[COPY_BYTES / 8];

SEC("xdp") int bench_memcpy(struct xdp_md *ctx)
{
    __u8 *data = PACKET_BEGIN(ctx), *end = PACKET_END(ctx);
    if (data + COPY_BYTES > end) return XDP_ABORTED;
    __u64 *src = (__u64 *)data;
    for (int i = 0; i < COPY_BYTES / 8; i++) buffer[i] = src[i];
    __u64 fold = 0;
    for (int i = 0; i < COPY_BYTES / 8; i += 16) fold ^= buffer[i];
    return (__u32)(fold ^ (fold >> 32));
}
