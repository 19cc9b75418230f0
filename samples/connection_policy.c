// A connection policy for a .NET application's own sockets (Ebpf.Extensions.Net.Sockets.SocketPolicy, the
// HttpClient handler and the Kestrel middleware). User mode fills the maps; the programs read them on every event:
//   connect_policy   (cgroup/connect4)    rejects connections to a blocked port, redirects a port to another
//   accept_policy    (cgroup/recv_accept4) rejects connections arriving on a blocked local port
//   bind_policy      (bind)               denies binding a blocked port, redirects a bind to another port
//   flow_monitor     (sockops)            reports established and closed connections with their flow ids
// Ports in the maps' keys and values are in network order, as the contexts hold them.
#include "bpf_helpers.h"
#include "ebpf_nethooks.h"

#define POLICY_BLOCK 1
#define POLICY_REDIRECT 2

struct port_policy
{
    uint32_t action;        // POLICY_BLOCK or POLICY_REDIRECT
    uint16_t redirect_port; // network order
    uint16_t padding;
};

struct
{
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, uint16_t);
    __type(value, struct port_policy);
    __uint(max_entries, 64);
} connect_ports SEC(".maps");

struct
{
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, uint16_t);
    __type(value, struct port_policy);
    __uint(max_entries, 64);
} accept_ports SEC(".maps");

struct
{
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, uint16_t);
    __type(value, struct port_policy);
    __uint(max_entries, 64);
} bind_ports SEC(".maps");

// Decisions per port and action, so user mode can see what the policy did.
struct
{
    __uint(type, BPF_MAP_TYPE_HASH);
    __type(key, uint32_t); // port (network order) << 8 | action
    __type(value, uint64_t);
    __uint(max_entries, 256);
} decisions SEC(".maps");

struct flow_event
{
    uint32_t op;          // bpf_sock_op_type_t
    uint16_t local_port;  // host order
    uint16_t remote_port; // host order
    uint64_t flow_id;
};

struct
{
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 64 * 1024);
} flows SEC(".maps");

static void count(uint16_t port, uint32_t action)
{
    uint32_t key = ((uint32_t)port << 8) | action;
    uint64_t one = 1;
    uint64_t* n = bpf_map_lookup_elem(&decisions, &key);
    if (n)
        __sync_fetch_and_add(n, 1);
    else
        bpf_map_update_elem(&decisions, &key, &one, 0);
}

SEC("cgroup/connect4")
int connect_policy(bpf_sock_addr_t* ctx)
{
    uint16_t port = ctx->user_port;
    struct port_policy* policy = bpf_map_lookup_elem(&connect_ports, &port);
    if (!policy)
        return BPF_SOCK_ADDR_VERDICT_PROCEED_SOFT;
    count(port, policy->action);
    if (policy->action == POLICY_BLOCK)
        return BPF_SOCK_ADDR_VERDICT_REJECT;
    if (policy->action == POLICY_REDIRECT)
        ctx->user_port = policy->redirect_port;
    return BPF_SOCK_ADDR_VERDICT_PROCEED_SOFT;
}

SEC("cgroup/recv_accept4")
int accept_policy(bpf_sock_addr_t* ctx)
{
    uint16_t port = ctx->msg_src_port; // at the accept layer the source is the local end
    struct port_policy* policy = bpf_map_lookup_elem(&accept_ports, &port);
    if (!policy || policy->action != POLICY_BLOCK)
        return BPF_SOCK_ADDR_VERDICT_PROCEED_SOFT;
    count(port, POLICY_BLOCK);
    return BPF_SOCK_ADDR_VERDICT_REJECT;
}

SEC("bind")
bind_action_t bind_policy(bind_md_t* ctx)
{
    if (ctx->operation != BIND_OPERATION_BIND || ctx->socket_address_length < 4)
        return BIND_PERMIT_SOFT;
    uint16_t port = *(uint16_t*)&ctx->socket_address[2];
    struct port_policy* policy = bpf_map_lookup_elem(&bind_ports, &port);
    if (!policy)
        return BIND_PERMIT_SOFT;
    count(port, policy->action);
    if (policy->action == POLICY_BLOCK)
        return BIND_DENY;
    *(uint16_t*)&ctx->socket_address[2] = policy->redirect_port;
    return BIND_REDIRECT;
}

SEC("sockops")
int flow_monitor(bpf_sock_ops_t* ctx)
{
    struct flow_event e = {
        .op = ctx->op,
        .local_port = __builtin_bswap16((uint16_t)ctx->local_port),
        .remote_port = __builtin_bswap16((uint16_t)ctx->remote_port),
        .flow_id = bpf_sock_ops_get_flow_id(ctx),
    };
    bpf_ringbuf_output(&flows, &e, sizeof(e), 0);
    return 0;
}

char _license[] SEC("license") = "MIT";
