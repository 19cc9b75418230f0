#include "bench.h"
/* String compare: the packet's first 256 bytes against its next 256 (full match or early mismatch by input). */
#define LENGTH 256
SEC("xdp") int bench_strcmp(struct xdp_md *ctx)
{
    __u8 *data = PACKET_BEGIN(ctx), *end = PACKET_END(ctx);
    if (data + 2 * LENGTH > end) return XDP_ABORTED;
    __u8 *a = data, *b = data + LENGTH;
    int i;
    for (i = 0; i < LENGTH; i++) {
        if (a[i] != b[i]) return 1000 + i;
        if (a[i] == 0) break;
    }
    return i;
}
