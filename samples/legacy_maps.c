// The legacy SEC("maps") definition of eBPF for Windows (ebpf_map_definition_in_file_t, eight u32 fields).
#include "bpf_helpers.h"
#include "ebpf_ntos_hooks.h"

SEC("maps")
struct bpf_map_def process_starts = {
    .type = BPF_MAP_TYPE_HASH, .key_size = sizeof(uint64_t), .value_size = sizeof(uint64_t), .max_entries = 256};

SEC("maps")
struct bpf_map_def inner_template = {
    .type = BPF_MAP_TYPE_ARRAY, .key_size = sizeof(uint32_t), .value_size = sizeof(uint32_t), .max_entries = 1};

SEC("maps")
struct bpf_map_def outer_by_index = {
    .type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
    .key_size = sizeof(uint32_t),
    .value_size = sizeof(uint32_t),
    .max_entries = 4,
    .inner_map_idx = 1,
    .pinning = LIBBPF_PIN_BY_NAME};

SEC("process")
int record_process(process_md_t* ctx)
{
    if (ctx->operation != PROCESS_OPERATION_CREATE)
        return 0;
    uint64_t pid = ctx->process_id;
    uint64_t time = ctx->creation_time;
    bpf_map_update_elem(&process_starts, &pid, &time, BPF_ANY);
    uint8_t path[64];
    int length = bpf_process_get_image_path(ctx, path, sizeof(path));
    bpf_printk("process %llu image path %d bytes", pid, length);
    uint32_t key = 0;
    return bpf_map_lookup_elem(&outer_by_index, &key) ? 0 : 1;
}

char _license[] SEC("license") = "MIT";
uint32_t _version SEC("version") = 1;
