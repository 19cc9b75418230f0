// Global variables in .data, .rodata and .bss: the loader turns each section into a one-entry array map.
#include "bpf_helpers.h"
#include "ebpf_xdp_test_hooks.h"

uint64_t packets_seen = 0;                          // .bss
uint32_t verdict_when_blocked = XDP_DROP;           // .data
volatile const uint32_t blocked_ifindex = 7;        // .rodata
static const char greeting[] = "xdp_test sample";   // .rodata (read through a pointer below)
uint8_t history[32];                                // .bss

SEC("xdp_test")
int filter_interface(xdp_md_t* ctx)
{
    packets_seen++;
    history[packets_seen & 31] = (uint8_t)ctx->ingress_ifindex;
    const volatile char* text = greeting;
    if (text[0] != 'x')
        return XDP_PASS;
    if (ctx->ingress_ifindex == blocked_ifindex)
        return verdict_when_blocked;
    return XDP_PASS;
}

char _license[] SEC("license") = "MIT";
