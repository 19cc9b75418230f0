// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// The process hook of ntosebpfext (include/ebpf_ntos_hooks.h): SEC("process"). Layout: facts sheet §5.5 (x64).
#pragma once
#include "ebpf_structs.h"

typedef enum _process_operation
{
    PROCESS_OPERATION_CREATE = 0,
    PROCESS_OPERATION_DELETE = 1,
} process_operation_t;

typedef struct _process_md
{
    uint8_t* command_start; // command line (UTF-16)
    uint8_t* command_end;
    uint64_t process_id;
    uint64_t parent_process_id;
    uint64_t creating_process_id;
    uint64_t creating_thread_id;
    uint64_t creation_time;     // FILETIME
    uint64_t exit_time;         // FILETIME; DELETE only
    uint32_t process_exit_code; // DELETE only
    process_operation_t operation : 8;
    uint32_t token_sid_size; // CREATE only
    uint8_t token_sid[68];   // primary-token SID; CREATE only
} process_md_t;

typedef int process_hook_t(process_md_t* context);

/// Each copies a UTF-16 string into path: bytes copied, 0 when empty, -22 when the buffer is too small.
EBPF_HELPER(int, bpf_process_get_image_path, (process_md_t * ctx, uint8_t* path, uint32_t path_length));
#define bpf_process_get_image_path ((bpf_process_get_image_path_t)65536)
EBPF_HELPER(int, bpf_process_get_account_name, (process_md_t * ctx, uint8_t* name, uint32_t name_length));
#define bpf_process_get_account_name ((bpf_process_get_account_name_t)65537)
EBPF_HELPER(int, bpf_process_get_account_domain, (process_md_t * ctx, uint8_t* domain, uint32_t domain_length));
#define bpf_process_get_account_domain ((bpf_process_get_account_domain_t)65538)

_Static_assert(sizeof(process_md_t) == 144 && __builtin_offsetof(process_md_t, process_exit_code) == 64 &&
               __builtin_offsetof(process_md_t, token_sid_size) == 72 && __builtin_offsetof(process_md_t, token_sid) == 76,
               "process_md_t layout");
