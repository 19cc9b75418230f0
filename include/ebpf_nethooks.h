// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// Contexts, verdicts and type-specific helpers of the network hooks (eBPF for Windows include/ebpf_nethooks.h and,
// for xdp_test, netebpfext/net_ebpf_ext_xdp_hooks.h of v0.21.1). Layouts: facts sheet §5 (x64).
#pragma once
#include "ebpf_structs.h"

// ---- xdp_test: SEC("xdp_test") ------------------------------------------------------------------------------

typedef struct xdp_md_
{
    void* data;               // start of the packet
    void* data_end;           // end of the packet
    uint64_t data_meta;       // metadata
    uint32_t ingress_ifindex; // interface index
} xdp_md_t;

typedef enum _xdp_action
{
    XDP_PASS = 1,
    XDP_DROP = 2,
    XDP_TX = 3,
} xdp_action_t;

typedef int xdp_hook_t(xdp_md_t* context);

/// Moves the start of the packet by delta bytes; 0 or negative. Invalidates packet pointers.
EBPF_HELPER(int, bpf_xdp_adjust_head, (xdp_md_t * ctx, int delta));
#define bpf_xdp_adjust_head ((bpf_xdp_adjust_head_t)65536)

// ---- bind: SEC("bind") ---------------------------------------------------------------------------------------

typedef enum _bind_operation
{
    BIND_OPERATION_BIND = 0,      // entry to bind
    BIND_OPERATION_POST_BIND = 1, // after port allocation
    BIND_OPERATION_UNBIND = 2,    // release port
} bind_operation_t;

typedef struct _bind_md
{
    uint8_t* app_id_start;
    uint8_t* app_id_end;
    uint64_t process_id;
    uint8_t socket_address[16];
    uint8_t socket_address_length;
    bind_operation_t operation;
    uint8_t protocol;
} bind_md_t;

typedef enum _bind_action
{
    BIND_PERMIT_SOFT = 0, // allow; lower-priority filters may still decide
    BIND_DENY = 1,
    BIND_REDIRECT = 2,    // the program rewrote socket_address
    BIND_PERMIT_HARD = 3,
} bind_action_t;
#define BIND_PERMIT BIND_PERMIT_SOFT

typedef bind_action_t bind_hook_t(bind_md_t* context);

// ---- cgroup sock_addr: SEC("cgroup/connect4") and the other cgroup/* sections ---------------------------------

typedef struct bpf_sock_addr
{
    uint32_t family;
    union
    {
        uint32_t msg_src_ip4;
        uint32_t msg_src_ip6[4];
    };
    uint16_t msg_src_port;
    union
    {
        uint32_t user_ip4;
        uint32_t user_ip6[4];
    };
    uint16_t user_port;
    uint32_t protocol;
    uint32_t compartment_id;
    uint64_t interface_luid;
} bpf_sock_addr_t;

typedef enum _bpf_sock_addr_verdict
{
    BPF_SOCK_ADDR_VERDICT_REJECT = 0,
    BPF_SOCK_ADDR_VERDICT_PROCEED_SOFT = 1,
    BPF_SOCK_ADDR_VERDICT_PROCEED_HARD = 2,
} bpf_sock_addr_verdict_t;
#define BPF_SOCK_ADDR_VERDICT_PROCEED BPF_SOCK_ADDR_VERDICT_PROCEED_SOFT

typedef int sock_addr_hook_t(bpf_sock_addr_t* context);

/// Stores an opaque blob for the user-mode proxy (connect4/6 only). 0 or -1.
EBPF_HELPER(int, bpf_sock_addr_set_redirect_context, (bpf_sock_addr_t * ctx, void* data, uint32_t data_size));
#define bpf_sock_addr_set_redirect_context ((bpf_sock_addr_set_redirect_context_t)65537)

/// Copies min(size, 32) bytes of the network context. 0 or -1.
EBPF_HELPER(int, bpf_sock_addr_get_network_context, (bpf_sock_addr_t * ctx, void* data, uint32_t data_size));
#define bpf_sock_addr_get_network_context ((bpf_sock_addr_get_network_context_t)65538)

// ---- sock_ops: SEC("sockops") --------------------------------------------------------------------------------

typedef enum _bpf_sock_op_type
{
    BPF_SOCK_OPS_ACTIVE_ESTABLISHED_CB = 0,
    BPF_SOCK_OPS_PASSIVE_ESTABLISHED_CB = 1,
    BPF_SOCK_OPS_CONNECTION_DELETED_CB = 2,
} bpf_sock_op_type_t;

typedef struct _bpf_sock_ops
{
    bpf_sock_op_type_t op;
    uint32_t family;
    union
    {
        uint32_t local_ip4;
        uint32_t local_ip6[4];
    };
    uint32_t local_port;
    union
    {
        uint32_t remote_ip4;
        uint32_t remote_ip6[4];
    };
    uint32_t remote_port;
    uint8_t protocol;
    uint32_t compartment_id;
    uint64_t interface_luid;
} bpf_sock_ops_t;

typedef int sock_ops_hook_t(bpf_sock_ops_t* context);

/// The WFP flow id of the connection.
EBPF_HELPER(uint64_t, bpf_sock_ops_get_flow_id, (bpf_sock_ops_t * ctx));
#define bpf_sock_ops_get_flow_id ((bpf_sock_ops_get_flow_id_t)65536)

// Layouts fixed by the facts sheet (§5); a mismatch here would silently break every program.
_Static_assert(sizeof(xdp_md_t) == 32 && __builtin_offsetof(xdp_md_t, ingress_ifindex) == 24, "xdp_md_t layout");
_Static_assert(sizeof(bind_md_t) == 56 && __builtin_offsetof(bind_md_t, socket_address_length) == 40 &&
               __builtin_offsetof(bind_md_t, operation) == 44 && __builtin_offsetof(bind_md_t, protocol) == 48,
               "bind_md_t layout");
_Static_assert(sizeof(bpf_sock_addr_t) == 64 && __builtin_offsetof(bpf_sock_addr_t, msg_src_port) == 20 &&
               __builtin_offsetof(bpf_sock_addr_t, user_ip4) == 24 && __builtin_offsetof(bpf_sock_addr_t, user_port) == 40 &&
               __builtin_offsetof(bpf_sock_addr_t, protocol) == 44 && __builtin_offsetof(bpf_sock_addr_t, compartment_id) == 48 &&
               __builtin_offsetof(bpf_sock_addr_t, interface_luid) == 56,
               "bpf_sock_addr_t layout");
_Static_assert(sizeof(bpf_sock_ops_t) == 64 && __builtin_offsetof(bpf_sock_ops_t, local_port) == 24 &&
               __builtin_offsetof(bpf_sock_ops_t, remote_ip4) == 28 && __builtin_offsetof(bpf_sock_ops_t, remote_port) == 44 &&
               __builtin_offsetof(bpf_sock_ops_t, protocol) == 48 && __builtin_offsetof(bpf_sock_ops_t, compartment_id) == 52 &&
               __builtin_offsetof(bpf_sock_ops_t, interface_luid) == 56,
               "bpf_sock_ops_t layout");
