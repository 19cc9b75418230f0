// A tail-call chain (entry -> stage_one -> stage_two through a program array with static slots) whose last stage
// calls a bpf-to-bpf subprogram; every stage counts itself in an array map. For a packet of bytes b and
// uint32_data u, the chain returns 3 * sum(first 16 bytes of b) + (2u + 100) + hops, where hops counts every stage
// run since the object was loaded (3 after the first run): see TailCallSampleTests.
#include "bpf_helpers.h"
#include "sample_ext_helpers.h"

struct
{
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, uint32_t);
    __type(value, uint64_t);
    __uint(max_entries, 1);
} hops SEC(".maps");

static __always_inline uint64_t count_hop(void)
{
    uint32_t key = 0;
    uint64_t* value = bpf_map_lookup_elem(&hops, &key);
    if (!value)
        return 0;
    return __sync_fetch_and_add(value, 1) + 1;
}

// Sums at most 16 bytes of [start, end): a real call (noinline) with its own stack frame.
static __noinline uint32_t checksum(const uint8_t* start, const uint8_t* end)
{
    uint32_t total = 0;
#pragma clang loop unroll(full)
    for (int i = 0; i < 16; i++) {
        if (start + i + 1 > end)
            break;
        total += start[i];
    }
    return total;
}

SEC("sample_ext/stage_two")
int stage_two(sample_program_context_t* ctx)
{
    uint64_t hop = count_hop();
    return (int)(3 * checksum(ctx->data_start, ctx->data_end) + ctx->uint32_data + hop);
}

SEC("sample_ext/stage_one")
int stage_one(sample_program_context_t* ctx);

struct
{
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(key_size, sizeof(uint32_t));
    __uint(max_entries, 4);
    __array(values, int(sample_program_context_t*));
} stages SEC(".maps") = {
    .values = {[1] = (void*)&stage_one, [2] = (void*)&stage_two},
};

SEC("sample_ext/stage_one")
int stage_one(sample_program_context_t* ctx)
{
    count_hop();
    ctx->uint32_data += 100;
    bpf_tail_call(ctx, &stages, 2);
    return -1;
}

SEC("sample_ext")
int entry(sample_program_context_t* ctx)
{
    count_hop();
    ctx->uint32_data *= 2;
    bpf_tail_call(ctx, &stages, 1);
    return -2;
}

char _license[] SEC("license") = "MIT";
