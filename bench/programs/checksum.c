#include "bench.h"
/* Internet checksum (RFC 1071) over 1024 packet bytes. */
SEC("xdp") int bench_checksum(struct xdp_md *ctx)
{
    __u8 *data = PACKET_BEGIN(ctx), *end = PACKET_END(ctx);
    if (data + 1024 > end) return XDP_ABORTED;
    __u16 *words = (__u16 *)data;
    __u64 sum = 0;
    for (int i = 0; i < 512; i++) sum += words[i];
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (__u16)~sum;
}
