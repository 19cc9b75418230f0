// bpf-to-bpf calls into .text: a static noinline subprogram, a global function (verified on its own), and a loop.
#include "bpf_helpers.h"
#include "ebpf_nethooks.h"

static __noinline uint32_t sum_bytes(const uint8_t* bytes, uint32_t count)
{
    uint32_t total = 0;
    for (uint32_t i = 0; i < count && i < 16; i++)
        total += bytes[i];
    return total;
}

__noinline int is_loopback(uint32_t address)
{
    return (address & 0xFF) == 127;
}

SEC("cgroup/connect4")
int authorize_connect4(bpf_sock_addr_t* ctx)
{
    if (is_loopback(ctx->user_ip4))
        return BPF_SOCK_ADDR_VERDICT_PROCEED_HARD;
    // Zeroed first: the analysis does not follow which bytes a loop's variable-offset stores wrote, and reading
    // stack bytes it cannot prove written is refused (they would be stale memory of the host).
    uint8_t address[16] = {0};
    // clang turns this counted loop into an `== 16` exit test: widening with the loop's constants as thresholds
    // bounds it; sum_bytes keeps a loop with a `<` bound.
#pragma clang loop unroll(disable)
    for (int i = 0; i < 16; i++)
        address[i] = (uint8_t)(ctx->user_ip6[i / 4] >> ((i % 4) * 8));
    if (sum_bytes(address, 4) == 0)
        return BPF_SOCK_ADDR_VERDICT_REJECT;
    return BPF_SOCK_ADDR_VERDICT_PROCEED_SOFT;
}

SEC("sockops")
int track_connection(bpf_sock_ops_t* ctx)
{
    uint8_t local[4] = {(uint8_t)ctx->local_ip4, (uint8_t)(ctx->local_ip4 >> 8), 0, 0};
    return sum_bytes(local, 2) + is_loopback(ctx->remote_ip4);
}

char _license[] SEC("license") = "MIT";
