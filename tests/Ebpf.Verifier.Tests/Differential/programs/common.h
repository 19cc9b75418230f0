/* Shared by the differential programs: kernel UAPI types, libbpf's helper declarations, and small parsing aids. */
#ifndef DIFFERENTIAL_COMMON_H
#define DIFFERENTIAL_COMMON_H
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define XDP_DATA(ctx) ((void *)(long)(ctx)->data)
#define XDP_END(ctx) ((void *)(long)(ctx)->data_end)

/* linux/icmp.h pulls in libc headers; the echo header is all these programs need. */
#define ICMP_ECHO 8
struct icmphdr {
    __u8 type;
    __u8 code;
    __sum16 checksum;
    __be16 id;
    __be16 sequence;
};

struct vlan_hdr {
    __be16 tci;
    __be16 encapsulated_proto;
};

/* Hides a value from the optimizer so loops stay loops; the verifier still sees it. */
#define OPAQUE(x) ({ __typeof__(x) __v = (x); asm volatile("" : "+r"(__v)); __v; })

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 256);
    __type(key, __u32);
    __type(value, __u64);
} counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, 1024);
    __type(key, __u32);
    __type(value, __u64);
} flows SEC(".maps");
#endif
