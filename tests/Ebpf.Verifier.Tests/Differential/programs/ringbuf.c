/* Ring buffer records (bpf_ringbuf_reserve/submit/discard): references the program must release exactly once. The
 * programs named unsafe_ break one rule each; the kernel refuses them, and so must we. */
#include "common.h"

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, 4096);
} events SEC(".maps");

struct event { __u32 saddr; __u8 proto; };

/* Reads the first packet byte, or 0: a value the verifier cannot know. */
static __always_inline __u8 first_byte(struct xdp_md *ctx)
{
    __u8 *data = XDP_DATA(ctx), *end = XDP_END(ctx);
    return data + 1 > end ? 0 : data[0];
}

SEC("xdp") int ringbuf_submit_checked(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (e) { e->saddr = 1; e->proto = first_byte(ctx); bpf_ringbuf_submit(e, 0); }
    return XDP_PASS;
}

SEC("xdp") int ringbuf_discard_or_submit(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e) return XDP_PASS;
    e->proto = first_byte(ctx);
    if (e->proto == 6) bpf_ringbuf_discard(e, 0);
    else bpf_ringbuf_submit(e, BPF_RB_NO_WAKEUP);
    return XDP_PASS;
}

SEC("xdp") int ringbuf_two_records(struct xdp_md *ctx)
{
    struct event *a = bpf_ringbuf_reserve(&events, sizeof(*a), 0);
    if (!a) return XDP_PASS;
    __u64 *b = bpf_ringbuf_reserve(&events, 16, 0);
    if (!b) { bpf_ringbuf_discard(a, 0); return XDP_PASS; }
    b[0] = 1; b[1] = 2; a->saddr = 3;
    bpf_ringbuf_submit(b, 0);
    bpf_ringbuf_submit(a, 0);
    return XDP_PASS;
}

SEC("xdp") int ringbuf_spilled_copy(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e) return XDP_PASS;
    struct event *volatile kept = e;
    kept->saddr = bpf_get_prandom_u32();
    bpf_ringbuf_submit(kept, 0);
    return XDP_PASS;
}

SEC("xdp") int ringbuf_query_available(struct xdp_md *ctx)
{
    return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > 4096 ? XDP_DROP : XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_leak(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (e) e->saddr = 1;
    return XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_leak_on_one_path(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e) return XDP_PASS;
    if (first_byte(ctx) == 7) return XDP_DROP;
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_no_null_check(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    e->saddr = 1;
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_double_submit(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e) return XDP_PASS;
    bpf_ringbuf_submit(e, 0);
    bpf_ringbuf_discard(e, 0);
    return XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_use_after_submit(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e) return XDP_PASS;
    bpf_ringbuf_submit(e, 0);
    e->saddr = 2;
    return XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_use_spilled_after_submit(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e) return XDP_PASS;
    struct event *volatile kept = e;
    bpf_ringbuf_submit(e, 0);
    kept->saddr = 2;
    return XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_submit_inside(struct xdp_md *ctx)
{
    struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
    if (!e) return XDP_PASS;
    bpf_ringbuf_submit((char *)e + 4, 0);
    return XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_submit_map_value(struct xdp_md *ctx)
{
    __u32 key = 0;
    __u64 *v = bpf_map_lookup_elem(&counters, &key);
    if (v) bpf_ringbuf_submit(v, 0);
    return XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_variable_size(struct xdp_md *ctx)
{
    __u8 *e = bpf_ringbuf_reserve(&events, (first_byte(ctx) & 7) + 8, 0);
    if (!e) return XDP_PASS;
    e[0] = 1;
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_wrong_map(struct xdp_md *ctx)
{
    __u8 *e = bpf_ringbuf_reserve(&counters, 8, 0);
    if (!e) return XDP_PASS;
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}

SEC("xdp") int unsafe_ringbuf_past_the_record(struct xdp_md *ctx)
{
    __u8 *e = bpf_ringbuf_reserve(&events, 8, 0);
    if (!e) return XDP_PASS;
    e[OPAQUE(8)] = 1;
    bpf_ringbuf_submit(e, 0);
    return XDP_PASS;
}
