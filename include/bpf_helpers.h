// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// The header eBPF programs include (as eBPF for Windows' include/bpf_helpers.h): section and map-definition
// macros in libbpf style, the global helpers with their Windows ids, and (as upstream) the network hooks'
// contexts and helpers. Unlike libbpf's bpf_helpers.h, nothing here pulls in Linux helper ids.
#pragma once
#include "ebpf_structs.h"
#include "bpf_helper_defs.h"

// The integer names libbpf-style code uses.
typedef int32_t __s32;
typedef int64_t __s64;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
typedef uint16_t __be16;
typedef uint32_t __be32;
typedef uint32_t __wsum;

// A map argument is a pointer to the map's definition in the object: struct bpf_map is the legacy definition.
#define bpf_map _ebpf_map_definition_in_file

#define SEC(name) __attribute__((section(name), used))

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#ifndef __noinline
#define __noinline __attribute__((noinline))
#endif
#ifndef __weak
#define __weak __attribute__((weak))
#endif

// libbpf BTF-defined maps: SEC(".maps") struct { __uint(type, BPF_MAP_TYPE_HASH); __type(key, K); ... } name;
#define __uint(name, val) int(*name)[val]
#define __type(name, val) typeof(val)* name
#define __array(name, val) typeof(val)* name[]
#define __ulong(name, val) enum { ___bpf_concat(__unique_value, __COUNTER__) = val } name
#define ___bpf_concat(a, b) a##b

#define LIBBPF_PIN_NONE 0
#define LIBBPF_PIN_BY_NAME 1

// The legacy map definition type of older eBPF for Windows samples: SEC("maps") struct bpf_map_def name = {...};
#define bpf_map_def _ebpf_map_definition_in_file

#ifndef __section
#define __section(name) SEC(name)
#endif

// bpf_printk(fmt, args...): picks bpf_trace_printk2..5 by argument count (at most three arguments).
#define ___ebpf_printk_count(...) ___ebpf_printk_nth(_, ##__VA_ARGS__, 3, 2, 1, 0)
#define ___ebpf_printk_nth(_, a, b, c, n, ...) n
#define ___ebpf_printk_fn(n) ___bpf_concat(___ebpf_printk_, n)
#define ___ebpf_printk_0 bpf_trace_printk2
#define ___ebpf_printk_1 bpf_trace_printk3
#define ___ebpf_printk_2 bpf_trace_printk4
#define ___ebpf_printk_3 bpf_trace_printk5
#define bpf_printk(fmt, ...)                                                                       \
    ({                                                                                             \
        const char ___fmt[] = fmt;                                                                 \
        ___ebpf_printk_fn(___ebpf_printk_count(__VA_ARGS__))(___fmt, sizeof(___fmt), ##__VA_ARGS__); \
    })

// bpf_trace_printk(fmt, fmt_size, args...): the form programs written before bpf_printk use; same selection.
#define bpf_trace_printk(fmt, fmt_size, ...) \
    ___ebpf_printk_fn(___ebpf_printk_count(__VA_ARGS__))(fmt, fmt_size, ##__VA_ARGS__)

#include "ebpf_nethooks.h"
