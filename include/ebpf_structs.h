// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// Types, map types, program/attach types and helper ids of eBPF for Windows (include/ebpf_structs.h), so programs
// written for eBPF for Windows compile unchanged. The numbering is Windows', not Linux': map types past ARRAY and
// every helper id differ from <linux/bpf.h>.
#pragma once

#ifndef __EBPF_FIXED_WIDTH_TYPES
#define __EBPF_FIXED_WIDTH_TYPES
// No libc for the bpf target: take the fixed-width types from the compiler's predefined macros.
typedef __INT8_TYPE__ int8_t;
typedef __UINT8_TYPE__ uint8_t;
typedef __INT16_TYPE__ int16_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __INT32_TYPE__ int32_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __INT64_TYPE__ int64_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __SIZE_TYPE__ size_t;
typedef __INTPTR_TYPE__ intptr_t;
typedef __UINTPTR_TYPE__ uintptr_t;
#if !defined(__cplusplus) && !defined(bool)
typedef _Bool bool;
#endif
#ifndef true
#define true 1
#define false 0
#endif
#ifndef NULL
#define NULL ((void*)0)
#endif
#endif

#define BPF_ENUM_TO_STRING(X) #X

// Maximum length of a map or program name (Windows uses 64; Linux uses 16).
#define BPF_OBJ_NAME_LEN 64U

typedef enum bpf_map_type
{
    BPF_MAP_TYPE_UNSPEC = 0,
    BPF_MAP_TYPE_HASH = 1,
    BPF_MAP_TYPE_ARRAY = 2,
    BPF_MAP_TYPE_PROG_ARRAY = 3,
    BPF_MAP_TYPE_PERCPU_HASH = 4,
    BPF_MAP_TYPE_PERCPU_ARRAY = 5,
    BPF_MAP_TYPE_HASH_OF_MAPS = 6,
    BPF_MAP_TYPE_ARRAY_OF_MAPS = 7,
    BPF_MAP_TYPE_LRU_HASH = 8,
    BPF_MAP_TYPE_LPM_TRIE = 9,
    BPF_MAP_TYPE_QUEUE = 10,
    BPF_MAP_TYPE_LRU_PERCPU_HASH = 11,
    BPF_MAP_TYPE_STACK = 12,
    BPF_MAP_TYPE_RINGBUF = 13,
    BPF_MAP_TYPE_PERF_EVENT_ARRAY = 14,
    BPF_MAP_TYPE_SAMPLE_HASH_MAP = 15, // custom map of the sample extension (a hash map underneath)
} ebpf_map_type_t;

// Most tail calls one invocation may make: it runs at most 1 + MAX_TAIL_CALL_CNT programs.
#define MAX_TAIL_CALL_CNT 33

// Update flags of bpf_map_update_elem / bpf_map_push_elem.
#define BPF_ANY 0
#define BPF_NOEXIST 1
#define BPF_EXIST 2

// Flag of bpf_perf_event_output: the current CPU.
#define EBPF_MAP_FLAG_CURRENT_CPU 0xFFFFFFFFULL
#define BPF_F_CURRENT_CPU EBPF_MAP_FLAG_CURRENT_CPU
#define EBPF_MAP_FLAG_CTX_LENGTH_SHIFT 32
#define EBPF_MAP_FLAG_CTX_LENGTH_MASK (0xFFFFFULL << EBPF_MAP_FLAG_CTX_LENGTH_SHIFT)
#define BPF_F_CTXLEN_MASK EBPF_MAP_FLAG_CTX_LENGTH_MASK

// Ids of the global helpers (facts sheet §2). Type-specific helpers start at 65536 in each extension's header.
typedef enum
{
    BPF_FUNC_map_lookup_elem = 1,
    BPF_FUNC_map_update_elem = 2,
    BPF_FUNC_map_delete_elem = 3,
    BPF_FUNC_map_lookup_and_delete_elem = 4,
    BPF_FUNC_tail_call = 5,
    BPF_FUNC_get_prandom_u32 = 6,
    BPF_FUNC_ktime_get_boot_ns = 7,
    BPF_FUNC_get_smp_processor_id = 8,
    BPF_FUNC_ktime_get_ns = 9,
    BPF_FUNC_csum_diff = 10,
    BPF_FUNC_ringbuf_output = 11,
    BPF_FUNC_trace_printk2 = 12,
    BPF_FUNC_trace_printk3 = 13,
    BPF_FUNC_trace_printk4 = 14,
    BPF_FUNC_trace_printk5 = 15,
    BPF_FUNC_map_push_elem = 16,
    BPF_FUNC_map_pop_elem = 17,
    BPF_FUNC_map_peek_elem = 18,
    BPF_FUNC_get_current_pid_tgid = 19,
    BPF_FUNC_get_current_logon_id = 20,
    BPF_FUNC_is_current_admin = 21,
    BPF_FUNC_memcpy_s = 22,
    BPF_FUNC_memcmp_s = 23,
    BPF_FUNC_memset = 24,
    BPF_FUNC_memmove_s = 25,
    BPF_FUNC_get_socket_cookie = 26,
    BPF_FUNC_strncpy_s = 27,
    BPF_FUNC_strncat_s = 28,
    BPF_FUNC_strnlen_s = 29,
    BPF_FUNC_ktime_get_boot_ms = 30,
    BPF_FUNC_ktime_get_ms = 31,
    BPF_FUNC_perf_event_output = 32,
    BPF_FUNC_get_current_process_start_key = 33,
    BPF_FUNC_get_current_thread_create_time = 34,
    BPF_FUNC_redirect_map = 35,
} ebpf_helper_id_t;

// Integer program types kept for source compatibility (types are GUIDs at run time).
typedef enum bpf_prog_type
{
    BPF_PROG_TYPE_UNSPEC = 0,
    BPF_PROG_TYPE_XDP = 1,
    BPF_PROG_TYPE_BIND = 2,
    BPF_PROG_TYPE_CGROUP_SOCK_ADDR = 3,
    BPF_PROG_TYPE_SOCK_OPS = 4,
    BPF_PROG_TYPE_NETEVENT = 5,
    BPF_PROG_TYPE_PROCESS = 6,
    BPF_PROG_TYPE_XDP_TEST = 998,
    BPF_PROG_TYPE_SAMPLE = 999,
} bpf_prog_type_t;

typedef enum bpf_attach_type
{
    BPF_ATTACH_TYPE_UNSPEC = 0,
    BPF_XDP = 1,
    BPF_ATTACH_TYPE_BIND = 2,
    BPF_CGROUP_INET4_CONNECT = 3,
    BPF_CGROUP_INET6_CONNECT = 4,
    BPF_CGROUP_INET4_RECV_ACCEPT = 5,
    BPF_CGROUP_INET6_RECV_ACCEPT = 6,
    BPF_CGROUP_SOCK_OPS = 7,
    BPF_ATTACH_TYPE_SAMPLE = 8,
    BPF_XDP_TEST = 9,
    BPF_ATTACH_TYPE_NETEVENT = 10,
    BPF_ATTACH_TYPE_PROCESS = 11,
    BPF_CGROUP_INET4_CONNECT_AUTHORIZATION = 12,
    BPF_CGROUP_INET6_CONNECT_AUTHORIZATION = 13,
    BPF_CGROUP_INET4_BIND = 14,
    BPF_CGROUP_INET6_BIND = 15,
    BPF_CGROUP_INET4_LISTEN = 16,
    BPF_CGROUP_INET6_LISTEN = 17,
} bpf_attach_type_t;

// The legacy fixed-layout map definition of eBPF for Windows (SEC("maps")): eight u32 fields, 32 bytes.
typedef struct _ebpf_map_definition_in_file
{
    uint32_t type;
    uint32_t key_size;
    uint32_t value_size;
    uint32_t max_entries;
    uint32_t inner_map_idx; // index of the inner map template in the maps section (map-in-map)
    uint32_t pinning;       // LIBBPF_PIN_NONE or LIBBPF_PIN_BY_NAME
    uint32_t id;            // an id the inner_id of another map may name
    uint32_t inner_id;      // id of the inner map template (map-in-map)
} ebpf_map_definition_in_file_t;

_Static_assert(sizeof(ebpf_map_definition_in_file_t) == 32, "ebpf_map_definition_in_file_t is 8 u32 fields");
