// A process monitor as an ntosebpfext user writes it: on every process start and exit, one process_event_t record
// into a ring buffer with the process id, parent id, times, exit code, image path and command line. The strings
// are UTF-16, as the process hook hands them over, truncated to fit. A per-CPU array holds the record (it is larger than the stack)
// and an array counts what the ring buffer took and what it refused.
#include "bpf_helpers.h"
#include "ebpf_ntos_hooks.h"

typedef uint16_t char16_t; // a UTF-16 code unit, as WCHAR is upstream

#define IMAGE_PATH_CHARS 128
#define COMMAND_LINE_CHARS 128

#define PROCESS_EVENT_START 0
#define PROCESS_EVENT_EXIT 1

typedef struct _process_event
{
    uint64_t process_id;
    uint64_t parent_process_id;
    uint64_t creation_time; // FILETIME
    uint64_t exit_time;     // FILETIME; exit only
    uint32_t exit_code;     // exit only
    uint8_t operation;      // PROCESS_EVENT_START or PROCESS_EVENT_EXIT
    uint8_t reserved[3];
    char16_t image_path[IMAGE_PATH_CHARS];     // truncated, zero-padded
    char16_t command_line[COMMAND_LINE_CHARS]; // truncated, zero-padded
} process_event_t;

#define STAT_SUBMITTED 0
#define STAT_REFUSED 1

struct
{
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 1024 * 1024);
} process_events SEC(".maps");

struct
{
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __type(key, uint32_t);
    __type(value, process_event_t);
    __uint(max_entries, 1);
} scratch SEC(".maps");

struct
{
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __type(key, uint32_t);
    __type(value, uint64_t);
    __uint(max_entries, 2);
} stats SEC(".maps");

static void
count(uint32_t which)
{
    uint64_t* counter = bpf_map_lookup_elem(&stats, &which);
    if (counter)
        __sync_fetch_and_add(counter, 1);
}

process_hook_t process_monitor;

SEC("process")
int
process_monitor(process_md_t* ctx)
{
    uint32_t zero = 0;
    process_event_t* event = bpf_map_lookup_elem(&scratch, &zero);
    if (!event)
        return 0;
    bpf_memset(event, sizeof(*event), 0);

    event->process_id = ctx->process_id;
    event->parent_process_id = ctx->parent_process_id;
    event->creation_time = ctx->creation_time;
    event->operation = ctx->operation == PROCESS_OPERATION_CREATE ? PROCESS_EVENT_START : PROCESS_EVENT_EXIT;
    if (ctx->operation == PROCESS_OPERATION_DELETE) {
        event->exit_time = ctx->exit_time;
        event->exit_code = ctx->process_exit_code;
    }

    // Leave the last code unit of each string zero, so a reader always finds the end.
    bpf_process_get_image_path(ctx, (uint8_t*)event->image_path, sizeof(event->image_path) - sizeof(char16_t));
    // The command line is the context's data: copy it one code unit at a time, each read checked against its end.
    char16_t* command = (char16_t*)ctx->command_start;
    char16_t* command_end = (char16_t*)ctx->command_end;
#pragma unroll
    for (int i = 0; i < COMMAND_LINE_CHARS - 1; i++) {
        if (command + i + 1 > command_end)
            break;
        event->command_line[i] = command[i];
    }

    if (bpf_ringbuf_output(&process_events, event, sizeof(*event), 0) == 0)
        count(STAT_SUBMITTED);
    else
        count(STAT_REFUSED);
    return 0; // allow: a monitor only watches
}

char _license[] SEC("license") = "MIT";
