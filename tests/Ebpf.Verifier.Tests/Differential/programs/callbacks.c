/* Callbacks of bpf_loop and bpf_for_each_map_elem: safe uses, and near misses (unsafe_*) no verifier may accept. */
#include "common.h"

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 16);
    __type(key, __u32);
    __type(value, __u64);
} cb_array SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 64);
    __type(key, __u32);
    __type(value, __u64);
} cb_hash SEC(".maps");

struct walk { __u64 sum; __u32 count; __u32 limit; };

static long add_index(__u32 index, void *ctx)
{
    __u64 *acc = ctx;
    *acc += index;
    return 0;
}

SEC("xdp") int loop_sums_indexes(struct xdp_md *ctx)
{
    __u64 acc = 0;
    long done = bpf_loop(OPAQUE(8), add_index, &acc, 0);
    return (acc == 28 && done == 8) ? XDP_DROP : XDP_PASS;
}

static long stop_at_limit(__u32 index, void *ctx)
{
    struct walk *w = ctx;
    w->count++;
    return index >= w->limit ? 1 : 0;
}

SEC("xdp") int loop_stops_early(struct xdp_md *ctx)
{
    struct walk w = { .limit = 3 };
    bpf_loop(100, stop_at_limit, &w, 0);
    return w.count == 4 ? XDP_DROP : XDP_PASS;
}

static long index_packet(__u32 index, void *ctx)
{
    __u8 *bytes = ctx;
    /* The index stays below nr_loops: 16 bytes of the caller's stack. */
    bytes[index] = (__u8)index;
    return 0;
}

SEC("xdp") int loop_index_bounds_buffer(struct xdp_md *ctx)
{
    __u8 bytes[16] = {};
    bpf_loop(16, index_packet, bytes, 0);
    return bytes[15] == 15 ? XDP_DROP : XDP_PASS;
}

static long inner_add(__u32 index, void *ctx)
{
    __u64 *acc = ctx;
    *acc += 1;
    return 0;
}

static long outer(__u32 index, void *ctx)
{
    bpf_loop(4, inner_add, ctx, 0);
    return 0;
}

SEC("xdp") int loop_nested(struct xdp_md *ctx)
{
    __u64 acc = 0;
    bpf_loop(3, outer, &acc, 0);
    return acc == 12 ? XDP_DROP : XDP_PASS;
}

static long sum_values(void *map, __u32 *key, __u64 *value, void *ctx)
{
    struct walk *w = ctx;
    w->sum += *value + *key;
    w->count++;
    *value += 1;
    return 0;
}

SEC("xdp") int for_each_array(struct xdp_md *ctx)
{
    struct walk w = {};
    long n = bpf_for_each_map_elem(&cb_array, sum_values, &w, 0);
    return (n == 16 && w.count == 16) ? XDP_DROP : XDP_PASS;
}

static long first_hash(void *map, __u32 *key, __u64 *value, void *ctx)
{
    struct walk *w = ctx;
    w->sum = *value;
    w->count++;
    return 1;
}

SEC("xdp") int for_each_hash_stops(struct xdp_md *ctx)
{
    struct walk w = {};
    __u32 k = 7;
    __u64 v = 70;
    bpf_map_update_elem(&cb_hash, &k, &v, BPF_ANY);
    long n = bpf_for_each_map_elem(&cb_hash, first_hash, &w, 0);
    return (n == 1 && w.count == 1) ? XDP_DROP : XDP_PASS;
}

static long write_past_ctx(__u32 index, void *ctx)
{
    __u64 *acc = ctx;
    acc[1] = index;
    return 0;
}

SEC("xdp") int unsafe_callback_writes_past_ctx(struct xdp_md *ctx)
{
    __u64 acc = 0;
    bpf_loop(2, write_past_ctx, &acc, 0);
    return acc & 1;
}

static long returns_two(__u32 index, void *ctx)
{
    return 2;
}

SEC("xdp") int unsafe_callback_returns_two(struct xdp_md *ctx)
{
    __u64 acc = 0;
    bpf_loop(2, returns_two, &acc, 0);
    return acc & 1;
}

static long add_four(__u32 index, void *ctx)
{
    __u32 *at = ctx;
    *at += 4;
    return 0;
}

SEC("xdp") int unsafe_offset_grows_per_iteration(struct xdp_md *ctx)
{
    /* Safe after one call of the callback (at = 4), not after two (at = 8). */
    __u8 buf[8] = {};
    __u32 at = 0;
    bpf_loop(OPAQUE(2), add_four, &at, 0);
    return buf[at & 15];
}

static long writes_key(void *map, __u32 *key, __u64 *value, void *ctx)
{
    *key = 0;
    return 0;
}

SEC("xdp") int unsafe_callback_writes_key(struct xdp_md *ctx)
{
    bpf_for_each_map_elem(&cb_array, writes_key, 0, 0);
    return XDP_PASS;
}

static long reads_past_value(void *map, __u32 *key, __u64 *value, void *ctx)
{
    __u64 *acc = ctx;
    *acc += value[1];
    return 0;
}

SEC("xdp") int unsafe_callback_reads_past_value(struct xdp_md *ctx)
{
    __u64 acc = 0;
    bpf_for_each_map_elem(&cb_array, reads_past_value, &acc, 0);
    return acc & 1;
}

SEC("xdp") int unsafe_loop_flags(struct xdp_md *ctx)
{
    __u64 acc = 0;
    bpf_loop(2, add_index, &acc, OPAQUE(1));
    return acc & 1;
}

SEC("xdp") int unsafe_loop_count_is_pointer(struct xdp_md *ctx)
{
    __u64 acc = 0;
    bpf_loop((__u32)(long)&acc, add_index, &acc, 0);
    return acc & 1;
}

SEC("xdp") int unsafe_callback_is_number(struct xdp_md *ctx)
{
    __u64 acc = 0;
    bpf_loop(2, (void *)OPAQUE(64L), &acc, 0);
    return acc & 1;
}

static long recurse(__u32 index, void *ctx)
{
    bpf_loop(1, recurse, ctx, 0);
    return 0;
}

SEC("xdp") int unsafe_callback_recursion(struct xdp_md *ctx)
{
    __u64 acc = 0;
    bpf_loop(2, recurse, &acc, 0);
    return acc & 1;
}

struct {
    __uint(type, BPF_MAP_TYPE_QUEUE);
    __uint(max_entries, 16);
    __type(value, __u64);
} cb_queue SEC(".maps");

static long any_element(void *map, void *key, __u64 *value, void *ctx)
{
    return 0;
}

SEC("xdp") int unsafe_for_each_queue(struct xdp_md *ctx)
{
    bpf_for_each_map_elem(&cb_queue, any_element, 0, 0);
    return XDP_PASS;
}
