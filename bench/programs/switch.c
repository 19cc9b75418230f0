#include "bench.h"
/* Switch dispatch: a 16-way switch on each of 512 packet bytes (a tiny bytecode interpreter). */
SEC("xdp") int bench_switch(struct xdp_md *ctx)
{
    __u8 *data = PACKET_BEGIN(ctx), *end = PACKET_END(ctx);
    if (data + 512 > end) return XDP_ABORTED;
    __u32 acc = 1;
    for (int i = 0; i < 512; i++) {
        __u8 op = data[i];
        switch (op & 15) {
        case 0: acc += op; break;
        case 1: acc -= op; break;
        case 2: acc *= 3; break;
        case 3: acc ^= 0x5a5a; break;
        case 4: acc <<= 1; break;
        case 5: acc >>= 1; break;
        case 6: acc |= op << 8; break;
        case 7: acc &= 0xffff00ff; break;
        case 8: acc += i; break;
        case 9: acc = ~acc; break;
        case 10: acc += acc >> 3; break;
        case 11: acc -= i * 7; break;
        case 12: acc ^= op * 0x01010101; break;
        case 13: acc = (acc << 5) | (acc >> 27); break;
        case 14: acc += 12345; break;
        default: acc *= 7; break;
        }
    }
    return acc;
}
