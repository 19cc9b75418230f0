// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// The xdp_test hook of eBPF for Windows up to v0.21.1 (netebpfext/net_ebpf_ext_xdp_hooks.h): SEC("xdp_test").
// Its context layout is the one of the XDP program type (SEC("xdp")). Layout: facts sheet §5.1 (x64).
#pragma once
#include "ebpf_structs.h"

#ifndef EBPF_HELPER
#define EBPF_HELPER(return_type, name, args) typedef return_type(*const name##_t) args
#endif

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
#define XDP_EXT_HELPER_FN_BASE 0xFFFF
typedef enum
{
    BPF_FUNC_xdp_adjust_head = XDP_EXT_HELPER_FN_BASE + 1,
} ebpf_nethook_helper_id_t;
#define bpf_xdp_adjust_head ((bpf_xdp_adjust_head_t)BPF_FUNC_xdp_adjust_head)

_Static_assert(sizeof(xdp_md_t) == 32 && __builtin_offsetof(xdp_md_t, ingress_ifindex) == 24, "xdp_md_t layout");
