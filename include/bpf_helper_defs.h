// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// Declarations of the global helpers with their eBPF for Windows ids (include/bpf_helper_defs.h): each helper is a
// function pointer constant whose value is its id, which clang turns into `call <id>`.
#pragma once
#include "ebpf_structs.h"

#define EBPF_HELPER(return_type, name, args) typedef return_type(*const name##_t) args

/// Pointer to the value stored under key, or NULL.
EBPF_HELPER(void*, bpf_map_lookup_elem, (void* map, const void* key));
#define bpf_map_lookup_elem ((bpf_map_lookup_elem_t)BPF_FUNC_map_lookup_elem)

/// Inserts or replaces; flags is BPF_ANY, BPF_NOEXIST or BPF_EXIST. 0 or a negative ebpf_result_t.
EBPF_HELPER(int64_t, bpf_map_update_elem, (void* map, const void* key, const void* value, uint64_t flags));
#define bpf_map_update_elem ((bpf_map_update_elem_t)BPF_FUNC_map_update_elem)

EBPF_HELPER(int64_t, bpf_map_delete_elem, (void* map, const void* key));
#define bpf_map_delete_elem ((bpf_map_delete_elem_t)BPF_FUNC_map_delete_elem)

EBPF_HELPER(void*, bpf_map_lookup_and_delete_elem, (void* map, const void* key));
#define bpf_map_lookup_and_delete_elem ((bpf_map_lookup_and_delete_elem_t)BPF_FUNC_map_lookup_and_delete_elem)

/// Runs prog_array_map[index] with the same context; returns only on failure.
EBPF_HELPER(int64_t, bpf_tail_call, (const void* ctx, const void* prog_array_map, uint32_t index));
#define bpf_tail_call ((bpf_tail_call_t)BPF_FUNC_tail_call)

EBPF_HELPER(uint32_t, bpf_get_prandom_u32, ());
#define bpf_get_prandom_u32 ((bpf_get_prandom_u32_t)BPF_FUNC_get_prandom_u32)

EBPF_HELPER(uint64_t, bpf_ktime_get_boot_ns, ());
#define bpf_ktime_get_boot_ns ((bpf_ktime_get_boot_ns_t)BPF_FUNC_ktime_get_boot_ns)

EBPF_HELPER(uint32_t, bpf_get_smp_processor_id, ());
#define bpf_get_smp_processor_id ((bpf_get_smp_processor_id_t)BPF_FUNC_get_smp_processor_id)

EBPF_HELPER(uint64_t, bpf_ktime_get_ns, ());
#define bpf_ktime_get_ns ((bpf_ktime_get_ns_t)BPF_FUNC_ktime_get_ns)

EBPF_HELPER(int, bpf_csum_diff, (void* from, int from_size, void* to, int to_size, int seed));
#define bpf_csum_diff ((bpf_csum_diff_t)BPF_FUNC_csum_diff)

EBPF_HELPER(int64_t, bpf_ringbuf_output, (void* ring_buffer, void* data, uint64_t size, uint64_t flags));
#define bpf_ringbuf_output ((bpf_ringbuf_output_t)BPF_FUNC_ringbuf_output)

EBPF_HELPER(long, bpf_trace_printk2, (const char* fmt, uint32_t fmt_size));
#define bpf_trace_printk2 ((bpf_trace_printk2_t)BPF_FUNC_trace_printk2)
EBPF_HELPER(long, bpf_trace_printk3, (const char* fmt, uint32_t fmt_size, uint64_t arg3));
#define bpf_trace_printk3 ((bpf_trace_printk3_t)BPF_FUNC_trace_printk3)
EBPF_HELPER(long, bpf_trace_printk4, (const char* fmt, uint32_t fmt_size, uint64_t arg3, uint64_t arg4));
#define bpf_trace_printk4 ((bpf_trace_printk4_t)BPF_FUNC_trace_printk4)
EBPF_HELPER(long, bpf_trace_printk5, (const char* fmt, uint32_t fmt_size, uint64_t arg3, uint64_t arg4, uint64_t arg5));
#define bpf_trace_printk5 ((bpf_trace_printk5_t)BPF_FUNC_trace_printk5)

EBPF_HELPER(int64_t, bpf_map_push_elem, (void* map, const void* value, uint64_t flags));
#define bpf_map_push_elem ((bpf_map_push_elem_t)BPF_FUNC_map_push_elem)
EBPF_HELPER(int64_t, bpf_map_pop_elem, (void* map, void* value));
#define bpf_map_pop_elem ((bpf_map_pop_elem_t)BPF_FUNC_map_pop_elem)
EBPF_HELPER(int64_t, bpf_map_peek_elem, (void* map, void* value));
#define bpf_map_peek_elem ((bpf_map_peek_elem_t)BPF_FUNC_map_peek_elem)

/// (process id << 32) | thread id.
EBPF_HELPER(uint64_t, bpf_get_current_pid_tgid, ());
#define bpf_get_current_pid_tgid ((bpf_get_current_pid_tgid_t)BPF_FUNC_get_current_pid_tgid)

EBPF_HELPER(uint64_t, bpf_get_current_logon_id, (const void* ctx));
#define bpf_get_current_logon_id ((bpf_get_current_logon_id_t)BPF_FUNC_get_current_logon_id)

EBPF_HELPER(int32_t, bpf_is_current_admin, (const void* ctx));
#define bpf_is_current_admin ((bpf_is_current_admin_t)BPF_FUNC_is_current_admin)

EBPF_HELPER(int, bpf_memcpy_s, (void* destination, size_t destination_size, const void* source, size_t source_size));
#define bpf_memcpy_s ((bpf_memcpy_s_t)BPF_FUNC_memcpy_s)
#define bpf_memcpy bpf_memcpy_s
EBPF_HELPER(int, bpf_memcmp_s, (const void* buffer1, size_t buffer1_size, const void* buffer2, size_t buffer2_size));
#define bpf_memcmp_s ((bpf_memcmp_s_t)BPF_FUNC_memcmp_s)
#define bpf_memcmp bpf_memcmp_s
EBPF_HELPER(void*, bpf_memset, (void* buffer, size_t buffer_size, int value));
#define bpf_memset ((bpf_memset_t)BPF_FUNC_memset)
EBPF_HELPER(int, bpf_memmove_s, (void* destination, size_t destination_size, const void* source, size_t source_size));
#define bpf_memmove_s ((bpf_memmove_s_t)BPF_FUNC_memmove_s)
#define bpf_memmove bpf_memmove_s

// The C library names a program may use, mapped onto the helpers (there is no libc for the bpf target). The _s
// forms keep their bounds-checked argument order; the plain forms pass one size for both buffers.
#ifndef memcpy_s
#define memcpy_s bpf_memcpy_s
#endif
#ifndef memmove_s
#define memmove_s bpf_memmove_s
#endif
#ifndef memcmp_s
#define memcmp_s bpf_memcmp_s
#endif
#ifndef memcpy
#define memcpy(destination, source, length) bpf_memcpy_s((destination), (length), (source), (length))
#endif
#ifndef memmove
#define memmove(destination, source, length) bpf_memmove_s((destination), (length), (source), (length))
#endif
#ifndef memcmp
#define memcmp(buffer1, buffer2, length) bpf_memcmp_s((buffer1), (length), (buffer2), (length))
#endif
#ifndef memset
#define memset(buffer, value, length) bpf_memset((buffer), (length), (value))
#endif

EBPF_HELPER(uint64_t, bpf_get_socket_cookie, (void* ctx));
#define bpf_get_socket_cookie ((bpf_get_socket_cookie_t)BPF_FUNC_get_socket_cookie)

EBPF_HELPER(long, bpf_strncpy_s, (char* destination, size_t destination_size, const char* source, size_t count));
#define bpf_strncpy_s ((bpf_strncpy_s_t)BPF_FUNC_strncpy_s)
EBPF_HELPER(long, bpf_strncat_s, (char* destination, size_t destination_size, const char* source, size_t count));
#define bpf_strncat_s ((bpf_strncat_s_t)BPF_FUNC_strncat_s)
EBPF_HELPER(long, bpf_strnlen_s, (const char* str, size_t str_size));
#define bpf_strnlen_s ((bpf_strnlen_s_t)BPF_FUNC_strnlen_s)

EBPF_HELPER(uint64_t, bpf_ktime_get_boot_ms, ());
#define bpf_ktime_get_boot_ms ((bpf_ktime_get_boot_ms_t)BPF_FUNC_ktime_get_boot_ms)
EBPF_HELPER(uint64_t, bpf_ktime_get_ms, ());
#define bpf_ktime_get_ms ((bpf_ktime_get_ms_t)BPF_FUNC_ktime_get_ms)

EBPF_HELPER(long, bpf_perf_event_output, (void* ctx, void* perf_event_array, uint64_t flags, void* data, uint64_t size));
#define bpf_perf_event_output ((bpf_perf_event_output_t)BPF_FUNC_perf_event_output)

EBPF_HELPER(uint64_t, bpf_get_current_process_start_key, ());
#define bpf_get_current_process_start_key ((bpf_get_current_process_start_key_t)BPF_FUNC_get_current_process_start_key)
EBPF_HELPER(int64_t, bpf_get_current_thread_create_time, ());
#define bpf_get_current_thread_create_time ((bpf_get_current_thread_create_time_t)BPF_FUNC_get_current_thread_create_time)

EBPF_HELPER(long, bpf_redirect_map, (void* map, uint32_t key, uint64_t flags));
#define bpf_redirect_map ((bpf_redirect_map_t)BPF_FUNC_redirect_map)
