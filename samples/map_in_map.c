// Map-in-map with __array(values, ...) templates, and a program array with statically initialised slots.
#include "bpf_helpers.h"
#include "sample_ext_helpers.h"

struct inner_map
{
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, uint32_t);
    __type(value, uint32_t);
    __uint(max_entries, 8);
} inner_a SEC(".maps");

struct
{
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __type(key, uint32_t);
    __uint(max_entries, 2);
    __array(values, struct inner_map);
} outer_array SEC(".maps") = {
    .values = {[0] = &inner_a},
};

struct
{
    __uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
    __type(key, uint32_t);
    __uint(max_entries, 16);
    __array(values, struct {
        __uint(type, BPF_MAP_TYPE_HASH);
        __type(key, uint64_t);
        __type(value, uint64_t);
        __uint(max_entries, 32);
    });
} outer_hash SEC(".maps");

SEC("sample_ext/1")
int tail_target(sample_program_context_t* ctx)
{
    return ctx->uint32_data + 1;
}

struct
{
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(key_size, sizeof(uint32_t));
    __uint(max_entries, 4);
    __array(values, int(sample_program_context_t*));
} programs SEC(".maps") = {
    .values = {[1] = (void*)&tail_target},
};

SEC("sample_ext")
int lookup_nested(sample_program_context_t* ctx)
{
    uint32_t outer_key = 0;
    void* inner = bpf_map_lookup_elem(&outer_array, &outer_key);
    if (!inner)
        return 0;
    uint32_t inner_key = ctx->uint32_data & 7;
    uint32_t* value = bpf_map_lookup_elem(inner, &inner_key);
    if (!value)
        return 0;
    uint32_t hash_key = *value;
    void* inner_hash = bpf_map_lookup_elem(&outer_hash, &hash_key);
    if (inner_hash) {
        uint64_t key = 7;
        uint64_t* found = bpf_map_lookup_elem(inner_hash, &key);
        if (found)
            return (int)*found;
    }
    bpf_tail_call(ctx, &programs, 1);
    return -1;
}

char _license[] SEC("license") = "MIT";
