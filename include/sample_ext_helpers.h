// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// The sample extension (eBPF for Windows undocked/tests/sample/ext/inc): SEC("sample_ext"). Layout: facts sheet §5.7.
#pragma once
#include "ebpf_structs.h"

#ifndef EBPF_HELPER
#define EBPF_HELPER(return_type, name, args) typedef return_type(*const name##_t) args
#endif

typedef struct _sample_program_context
{
    uint8_t* data_start;
    uint8_t* data_end;
    uint32_t uint32_data;
    uint16_t uint16_data;
    uint32_t helper_data_1;
    uint32_t helper_data_2;
} sample_program_context_t;

EBPF_HELPER(int64_t, sample_ebpf_extension_helper_function1, (const sample_program_context_t* context));
#define sample_ebpf_extension_helper_function1 ((sample_ebpf_extension_helper_function1_t)65536)
EBPF_HELPER(int64_t, sample_ebpf_extension_find, (const void* buffer, uint32_t size, const void* find, uint32_t arg_size));
#define sample_ebpf_extension_find ((sample_ebpf_extension_find_t)65537)
EBPF_HELPER(int64_t, sample_ebpf_extension_replace, (void* buffer, uint32_t size, int64_t position, const void* replace, uint32_t arg_size));
#define sample_ebpf_extension_replace ((sample_ebpf_extension_replace_t)65538)
EBPF_HELPER(int64_t, sample_ebpf_extension_helper_implicit_1, ());
#define sample_ebpf_extension_helper_implicit_1 ((sample_ebpf_extension_helper_implicit_1_t)65539)
EBPF_HELPER(int64_t, sample_ebpf_extension_helper_implicit_2, (uint32_t arg));
#define sample_ebpf_extension_helper_implicit_2 ((sample_ebpf_extension_helper_implicit_2_t)65540)

// Helpers over the sample extension's custom map (BPF_MAP_TYPE_SAMPLE_HASH_MAP); on any other map they fail.
/// The value stored under key, or NULL.
EBPF_HELPER(void*, sample_ext_helper_map_lookup_element, (void* map, const void* key));
#define sample_ext_helper_map_lookup_element ((sample_ext_helper_map_lookup_element_t)65541)
/// Copies the value stored under key into value (value_size bytes): 0, or -1 when there is none.
EBPF_HELPER(int64_t, sample_ext_helper_map_get_value, (void* map, const void* key, uint8_t* value, uint32_t value_size));
#define sample_ext_helper_map_get_value ((sample_ext_helper_map_get_value_t)65542)

// A BTF-resolved function of the sample extension: bound by name (and the provider's module GUID) at load, not by
// id, so any program type may call it. Returns key + value_size after writing value_size bytes to value.
#ifndef __ksym
#define __ksym __attribute__((section(".ksyms")))
#endif
extern int64_t sample_ebpf_extension_btf_lookup(uint32_t key, void* value, uint32_t value_size) __ksym;

_Static_assert(sizeof(sample_program_context_t) == 32 && __builtin_offsetof(sample_program_context_t, uint16_data) == 20 &&
               __builtin_offsetof(sample_program_context_t, helper_data_1) == 24,
               "sample_program_context_t layout");
