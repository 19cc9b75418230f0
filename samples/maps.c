// Maps of several kinds, declared libbpf-style in SEC(".maps"), used by a bind program.
#include "bpf_helpers.h"
#include "ebpf_nethooks.h"

struct process_entry
{
    uint64_t count;
    uint64_t last_seen_ns;
};

struct
{
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, uint64_t);
    __type(value, struct process_entry);
    __uint(max_entries, 1024);
} process_map SEC(".maps");

struct
{
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, uint32_t);
    __type(value, uint64_t);
    __uint(max_entries, 4);
} bind_counters SEC(".maps");

struct
{
    __uint(type, BPF_MAP_TYPE_LRU_HASH);
    __uint(key_size, 16);
    __uint(value_size, 4);
    __uint(max_entries, 128);
    __uint(pinning, LIBBPF_PIN_BY_NAME);
} recent_addresses SEC(".maps");

struct lpm_key
{
    uint32_t prefix_length;
    uint8_t address[4];
};

struct
{
    __uint(type, BPF_MAP_TYPE_LPM_TRIE);
    __type(key, struct lpm_key);
    __type(value, uint32_t);
    __uint(max_entries, 64);
    __uint(map_flags, 1);
} blocked_prefixes SEC(".maps");

struct
{
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 64 * 1024);
} events SEC(".maps");

struct
{
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, uint32_t);
    __type(value, uint32_t);
    __uint(max_entries, 1);
} scratch SEC(".maps");

SEC("bind")
bind_action_t count_binds(bind_md_t* ctx)
{
    uint32_t slot = ctx->operation;
    uint64_t* counter = bpf_map_lookup_elem(&bind_counters, &slot);
    if (counter)
        *counter += 1;

    uint64_t pid = ctx->process_id;
    struct process_entry* entry = bpf_map_lookup_elem(&process_map, &pid);
    if (entry) {
        entry->count++;
        entry->last_seen_ns = bpf_ktime_get_ns();
    } else {
        struct process_entry fresh = {1, bpf_ktime_get_ns()};
        bpf_map_update_elem(&process_map, &pid, &fresh, BPF_ANY);
    }

    uint8_t address[16] = {0};
    for (int i = 0; i < 16; i++)
        address[i] = ctx->socket_address[i];
    uint32_t one = 1;
    bpf_map_update_elem(&recent_addresses, address, &one, BPF_ANY);

    struct lpm_key key = {32, {address[4], address[5], address[6], address[7]}};
    if (bpf_map_lookup_elem(&blocked_prefixes, &key))
        return BIND_DENY;

    uint32_t zero = 0;
    uint32_t* scratch_value = bpf_map_lookup_elem(&scratch, &zero);
    if (scratch_value)
        *scratch_value = ctx->protocol;

    bpf_ringbuf_output(&events, &pid, sizeof(pid), 0);
    return BIND_PERMIT;
}

char _license[] SEC("license") = "MIT";
