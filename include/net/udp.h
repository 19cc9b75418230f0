// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// The UDP header with eBPF for Windows' names (include/net/udp.h); fields in network order.
#pragma once
#include "../ebpf_structs.h"

typedef struct UDP_HEADER_
{
    uint16_t srcPort;
    uint16_t destPort;
    uint16_t length; // header and payload
    uint16_t checksum;
} UDP_HEADER;

_Static_assert(sizeof(UDP_HEADER) == 8, "UDP_HEADER layout");
