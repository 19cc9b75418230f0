// The trivial programs the network benchmarks measure a hook's own cost with: each proceeds without looking.
#include "bpf_helpers.h"
#include "ebpf_nethooks.h"
#include "ebpf_xdp_test_hooks.h"

SEC("cgroup/connect4")
int connect_proceed(bpf_sock_addr_t* ctx)
{
    return BPF_SOCK_ADDR_VERDICT_PROCEED_SOFT;
}

SEC("xdp_test")
int xdp_pass(xdp_md_t* ctx)
{
    return XDP_PASS;
}

char _license[] SEC("license") = "MIT";
