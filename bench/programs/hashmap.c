#include "bench.h"
/* Hash-map lookup loop: 64 lookups of keys taken from the packet in a 256-entry hash map the harness fills
 * with key k -> value 3k + 1 (k = 0..255). Native C has no map: this family runs only in eBPF. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 256);
    __type(key, __u32);
    __type(value, __u64);
} table SEC(".maps");

SEC("xdp") int bench_hashmap(struct xdp_md *ctx)
{
    __u8 *data = PACKET_BEGIN(ctx), *end = PACKET_END(ctx);
    if (data + 64 > end) return XDP_ABORTED;
    __u64 sum = 0;
    for (int i = 0; i < 64; i++) {
        __u32 key = data[i];
        __u64 *value = bpf_map_lookup_elem(&table, &key);
        if (value) sum += *value;
    }
    return (__u32)sum;
}
