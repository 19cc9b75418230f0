// One object, four extensions' program types: a process monitor and a connection tracker side by side (the case
// that once failed upstream with a program-information hash mismatch), plus bind and sock_ops programs. All four
// report into one ring buffer; each record starts with its kind.
#include "bpf_helpers.h"
#include "ebpf_nethooks.h"
#include "ebpf_ntos_hooks.h"

#define EVENT_PROCESS 1
#define EVENT_CONNECT 2
#define EVENT_BIND 3
#define EVENT_SOCK_OPS 4

struct event
{
    uint32_t kind;
    uint32_t detail; // process: operation; connect: destination port (network order); bind: operation; sock_ops: op
    uint64_t id;     // process: pid; connect: destination IPv4; bind: pid; sock_ops: flow id
};

struct
{
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 64 * 1024);
} events SEC(".maps");

// Connections per destination port, so user mode can check the tracker's state too.
struct
{
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, uint16_t);
    __type(value, uint64_t);
    __uint(max_entries, 256);
} connections_per_port SEC(".maps");

SEC("process")
int process_monitor(process_md_t* ctx)
{
    struct event e = {.kind = EVENT_PROCESS, .detail = ctx->operation, .id = ctx->process_id};
    bpf_ringbuf_output(&events, &e, sizeof(e), 0);
    return 0;
}

SEC("cgroup/connect4")
int connection_tracker(bpf_sock_addr_t* ctx)
{
    uint16_t port = ctx->user_port;
    uint64_t one = 1;
    uint64_t* count = bpf_map_lookup_elem(&connections_per_port, &port);
    if (count)
        __sync_fetch_and_add(count, 1);
    else
        bpf_map_update_elem(&connections_per_port, &port, &one, 0);

    struct event e = {.kind = EVENT_CONNECT, .detail = port, .id = ctx->user_ip4};
    bpf_ringbuf_output(&events, &e, sizeof(e), 0);
    return BPF_SOCK_ADDR_VERDICT_PROCEED_SOFT;
}

SEC("bind")
bind_action_t bind_monitor(bind_md_t* ctx)
{
    struct event e = {.kind = EVENT_BIND, .detail = ctx->operation, .id = ctx->process_id};
    bpf_ringbuf_output(&events, &e, sizeof(e), 0);
    return BIND_PERMIT_SOFT;
}

SEC("sockops")
int connection_monitor(bpf_sock_ops_t* ctx)
{
    struct event e = {.kind = EVENT_SOCK_OPS, .detail = ctx->op, .id = bpf_sock_ops_get_flow_id(ctx)};
    bpf_ringbuf_output(&events, &e, sizeof(e), 0);
    return 0;
}

char _license[] SEC("license") = "MIT";
