// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// The TCP header as Linux' struct tcphdr (eBPF for Windows include/net/tcp.h); bit-fields listed from the low bit of
// each byte, as clang lays them out for the little-endian bpf target.
#pragma once
#include "../ebpf_structs.h"

struct tcphdr
{
    uint16_t source;
    uint16_t dest;
    uint32_t seq;
    uint32_t ack_seq;
    uint16_t ns : 1;
    uint16_t reserved : 3;
    uint16_t doff : 4; // header length in 32-bit words
    uint16_t fin : 1;
    uint16_t syn : 1;
    uint16_t rst : 1;
    uint16_t psh : 1;
    uint16_t ack : 1;
    uint16_t urg : 1;
    uint16_t ece : 1;
    uint16_t cwr : 1;
    uint16_t window;
    uint16_t check;
    uint16_t urg_ptr;
};

_Static_assert(sizeof(struct tcphdr) == 20, "struct tcphdr layout");
