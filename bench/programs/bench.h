/* Shared header: the same .c builds as a Linux XDP object (clang -target bpf) or, with -DNATIVE, as a plain C
 * function the native harness calls with a struct xdp_md whose fields hold real 64-bit pointers. */
#ifndef BENCH_H
#define BENCH_H
#ifdef NATIVE
#include <stdint.h>
typedef uint8_t __u8;
typedef uint16_t __u16;
typedef uint32_t __u32;
typedef uint64_t __u64;
struct xdp_md {
    unsigned long data, data_end, data_meta;
    __u32 ingress_ifindex, rx_queue_index, egress_ifindex;
};
enum xdp_action { XDP_ABORTED = 0, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT };
#define SEC(name)
#define __noinline __attribute__((noinline))
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#else
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
char LICENSE[] SEC("license") = "GPL";
#endif

#define PACKET_BEGIN(ctx) ((__u8 *)(long)(ctx)->data)
#define PACKET_END(ctx) ((__u8 *)(long)(ctx)->data_end)

/* Hides a value from the optimizer (clang may not constant-fold through it); the eBPF verifier still sees it. */
#define OPAQUE(x) ({ __typeof__(x) __v = (x); asm volatile("" : "+r"(__v)); __v; })
#endif
