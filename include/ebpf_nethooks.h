// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// Contexts, verdicts and type-specific helpers of the network hooks (eBPF for Windows include/ebpf_nethooks.h):
// bind, cgroup sock_addr and sock_ops. bpf_helpers.h includes it, as upstream's does. XDP contexts live elsewhere
// (ebpf_xdp_test_hooks.h here; the XDP provider's own header upstream), so a program may declare xdp_md_t itself.
// Layouts: facts sheet §5 (x64).
#pragma once
#include "ebpf_structs.h"

#ifndef EBPF_HELPER
#define EBPF_HELPER(return_type, name, args) typedef return_type(*const name##_t) args
#endif

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
    BIND_PERMIT_HARD = 3, // allow; lower-priority filters cannot override
    BIND_PERMIT = BIND_PERMIT_SOFT, // the name older programs use
} bind_action_t;

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

// Any other return value counts as a reject.
typedef enum _ebpf_sock_addr_verdict
{
    BPF_SOCK_ADDR_VERDICT_REJECT = 0,       // hard block
    BPF_SOCK_ADDR_VERDICT_PROCEED_SOFT = 1, // permit; lower-priority filters may still block
    BPF_SOCK_ADDR_VERDICT_PROCEED_HARD = 2, // permit; lower-priority filters cannot block
    BPF_SOCK_ADDR_VERDICT_PROCEED = BPF_SOCK_ADDR_VERDICT_PROCEED_SOFT,
} ebpf_sock_addr_verdict_t;
typedef ebpf_sock_addr_verdict_t bpf_sock_addr_verdict_t;

typedef ebpf_sock_addr_verdict_t sock_addr_hook_t(bpf_sock_addr_t* context);

// What bpf_sock_addr_get_network_context copies out (version 1, 32 bytes).
#define BPF_SOCK_ADDR_NETWORK_CONTEXT_VERSION 1
typedef struct _bpf_sock_addr_network_context
{
    uint32_t version;                 // BPF_SOCK_ADDR_NETWORK_CONTEXT_VERSION
    uint32_t interface_type;          // IANA interface type (IF_TYPE_*), or UINT32_MAX when unknown
    uint32_t tunnel_type;             // 0 when the interface is not a tunnel
    uint64_t next_hop_interface_luid;
    uint32_t sub_interface_index;
} bpf_sock_addr_network_context_t;

#define SOCK_ADDR_EXT_HELPER_FN_BASE 0xFFFF
typedef enum
{
    BPF_FUNC_sock_addr_set_redirect_context = SOCK_ADDR_EXT_HELPER_FN_BASE + 2,
    BPF_FUNC_sock_addr_get_network_context = SOCK_ADDR_EXT_HELPER_FN_BASE + 3,
} ebpf_sock_addr_helper_id_t;

/// Stores an opaque blob for the user-mode proxy (connect4/6 only). 0 or -1.
EBPF_HELPER(int, bpf_sock_addr_set_redirect_context, (bpf_sock_addr_t * ctx, void* data, uint32_t data_size));
#define bpf_sock_addr_set_redirect_context ((bpf_sock_addr_set_redirect_context_t)BPF_FUNC_sock_addr_set_redirect_context)

/// Copies min(size, 32) bytes of the network context (connect_authorization, recv_accept, bind, listen). 0 or -1.
EBPF_HELPER(int, bpf_sock_addr_get_network_context, (bpf_sock_addr_t * ctx, void* data, uint32_t data_size));
#define bpf_sock_addr_get_network_context ((bpf_sock_addr_get_network_context_t)BPF_FUNC_sock_addr_get_network_context)

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

#define SOCK_OPS_EXT_HELPER_FN_BASE 0xFFFF
typedef enum
{
    BPF_FUNC_sock_ops_get_flow_id = SOCK_OPS_EXT_HELPER_FN_BASE + 1,
} ebpf_sock_ops_helper_id_t;

/// The WFP flow id of the connection.
EBPF_HELPER(uint64_t, bpf_sock_ops_get_flow_id, (bpf_sock_ops_t * ctx));
#define bpf_sock_ops_get_flow_id ((bpf_sock_ops_get_flow_id_t)BPF_FUNC_sock_ops_get_flow_id)

// Layouts fixed by the facts sheet (§5); a mismatch here would silently break every program.
_Static_assert(sizeof(bpf_sock_addr_network_context_t) == 32 &&
               __builtin_offsetof(bpf_sock_addr_network_context_t, next_hop_interface_luid) == 16 &&
               __builtin_offsetof(bpf_sock_addr_network_context_t, sub_interface_index) == 24,
               "bpf_sock_addr_network_context_t layout");
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
