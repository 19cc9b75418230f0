#include "bench.h"
/* Tail-call chain: bench_tailcall jumps through seven more programs of a PROG_ARRAY (filled declaratively, so
 * libbpf and this runtime both populate it at load). eBPF only. */
int hop1(struct xdp_md *ctx);
int hop2(struct xdp_md *ctx);
int hop3(struct xdp_md *ctx);
int hop4(struct xdp_md *ctx);
int hop5(struct xdp_md *ctx);
int hop6(struct xdp_md *ctx);
int hop7(struct xdp_md *ctx);

struct {
    __uint(type, BPF_MAP_TYPE_PROG_ARRAY);
    __uint(max_entries, 8);
    __type(key, __u32);
    __array(values, int(void *));
} chain SEC(".maps") = {
    .values = { [1] = (void *)&hop1, [2] = (void *)&hop2, [3] = (void *)&hop3, [4] = (void *)&hop4,
                [5] = (void *)&hop5, [6] = (void *)&hop6, [7] = (void *)&hop7 },
};

#define HOP(n, next)                                                \
    SEC("xdp") int hop##n(struct xdp_md *ctx)                       \
    {                                                               \
        bpf_tail_call(ctx, &chain, next);                           \
        return XDP_ABORTED;                                         \
    }

HOP(1, 2)
HOP(2, 3)
HOP(3, 4)
HOP(4, 5)
HOP(5, 6)
HOP(6, 7)
SEC("xdp") int hop7(struct xdp_md *ctx) { return XDP_PASS; }

SEC("xdp") int bench_tailcall(struct xdp_md *ctx)
{
    bpf_tail_call(ctx, &chain, 1);
    return XDP_ABORTED;
}
