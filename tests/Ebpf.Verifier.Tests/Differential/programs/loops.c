/* Counted loops: nested, counters kept on the stack, 32-bit counters, count-downs, strides, early exits, with and
 * without unrolling. */
#include "common.h"

SEC("xdp") int loop_nested_counted(struct xdp_md *ctx)
{
    __u32 x = OPAQUE(1);
    for (int i = 0; i < 16; i++)
        for (int j = 0; j < 16; j++) x = x * 3 + i * j;
    return x & 3;
}

SEC("xdp") int loop_nested_nounroll(struct xdp_md *ctx)
{
    __u32 x = OPAQUE(1);
#pragma nounroll
    for (int i = 0; i < 20; i++)
#pragma nounroll
        for (int j = 0; j < 10; j++) x += (i ^ j);
    return x & 3;
}

SEC("xdp") int loop_triangular(struct xdp_md *ctx)
{
    __u32 x = 0;
    for (int i = 0; i < 32; i++)
        for (int j = 0; j < i; j++) x += OPAQUE(j);
    return x & 3;
}

SEC("xdp") int loop_counter_on_stack(struct xdp_md *ctx)
{
    volatile int i;
    __u32 x = OPAQUE(7);
    for (i = 0; i < 50; i++) x = x * 5 + 1;
    return x & 3;
}

SEC("xdp") int loop_counter_on_stack_key(struct xdp_md *ctx)
{
    __u32 k;
    __u64 v = 1;
    for (k = 0; k < 8; k++) {
        asm volatile("" ::: "memory");
        bpf_map_update_elem(&flows, &k, &v, BPF_ANY);
    }
    return XDP_PASS;
}

SEC("xdp") int loop_u32_counter(struct xdp_md *ctx)
{
    __u32 n = OPAQUE(100u);
    __u64 x = 0;
    for (__u32 i = 0; i < n && i < 200; i++) x += i;
    return x & 3;
}

SEC("xdp") int loop_u32_zext_index(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    __u32 x = 0;
    for (__u32 i = 0; i < 24; i++) {
        __u64 idx = i;
        if (data + idx + 1 > end) break;
        x += data[idx];
    }
    return x & 3;
}

SEC("xdp") int loop_countdown(struct xdp_md *ctx)
{
    int n = OPAQUE(40);
    __u32 x = 1;
    while (n-- > 0) x = x * 7 + n;
    return x & 3;
}

SEC("xdp") int loop_stride_three(struct xdp_md *ctx)
{
    __u32 x = 0;
    for (int i = 0; i < 99; i += 3) x += OPAQUE(i);
    return x & 3;
}

SEC("xdp") int loop_do_while(struct xdp_md *ctx)
{
    __u32 i = 0, x = OPAQUE(3);
    do { x ^= x << 3; i++; } while (i < 30);
    return x & 3;
}

SEC("xdp") int loop_break_on_value(struct xdp_md *ctx)
{
    __u32 x = OPAQUE(12345);
    int i;
    for (i = 0; i < 64; i++) {
        if ((x & 1) == 0 && x > 100) break;
        x = x * 3 + 1;
    }
    return i & 3;
}

SEC("xdp") int loop_bounded_by_packet_byte(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 1 > end) return XDP_PASS;
    __u32 n = data[0];
    __u32 x = 0;
    for (__u32 i = 0; i < n; i++) x += i * i;
    return x & 3;
}

SEC("xdp") int loop_collatz_bounded(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 1 > end) return XDP_PASS;
    __u32 v = data[0] + 1;
    int steps = 0;
    while (v != 1 && steps < 100) {
        v = (v & 1) ? 3 * v + 1 : v / 2;
        steps++;
    }
    return steps & 3;
}

SEC("xdp") int loop_unrolled_array(struct xdp_md *ctx)
{
    __u32 a[8];
#pragma unroll
    for (int i = 0; i < 8; i++) a[i] = OPAQUE(i) * 3;
    __u32 s = 0;
#pragma unroll
    for (int i = 0; i < 8; i++) s += a[i];
    return s & 3;
}

SEC("xdp") int loop_stack_array_index(struct xdp_md *ctx)
{
    __u32 a[16];
#pragma nounroll
    for (int i = 0; i < 16; i++) a[i] = OPAQUE(i);
    __u32 s = 0;
#pragma nounroll
    for (int i = 0; i < 16; i++) s += a[i];
    return s & 3;
}

SEC("tc") int tc_loop_nested_stack(struct __sk_buff *skb)
{
    volatile __u32 i, j;
    __u32 x = skb->len;
    for (i = 0; i < 8; i++)
        for (j = 0; j < 8; j++) x = x * 33 + j;
    return x & 1;
}

SEC("xdp") int loop_map_lookups(struct xdp_md *ctx)
{
    __u64 total = 0;
    for (__u32 k = 0; k < 16; k++) {
        __u32 key = k;
        __u64 *v = bpf_map_lookup_elem(&counters, &key);
        if (v) total += *v;
    }
    return total & 3;
}

SEC("xdp") int loop_bit_count(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    if (data + 4 > end) return XDP_PASS;
    __u32 v = *(__u32 *)data, n = 0;
    while (v) { v &= v - 1; n++; }
    return n & 3;
}
