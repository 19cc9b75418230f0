// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// The Ethernet header with eBPF for Windows' names (include/net/if_ether.h) and the Linux aliases.
#pragma once
#include "../ebpf_structs.h"

typedef uint8_t mac_address_t[6];

#define ETHERNET_TYPE_IPV4 0x0800
#define ETHERNET_TYPE_IPV6 0x86dd

typedef struct _ETHERNET_HEADER
{
    uint8_t Destination[6];
    uint8_t Source[6];
    union
    {
        uint16_t Type;   // Ethernet II: EtherType, network order
        uint16_t Length; // IEEE 802.3: frame length
    };
} ETHERNET_HEADER, *PETHERNET_HEADER;

// Linux names.
#define h_proto Type
#define ethhdr _ETHERNET_HEADER
#define ETH_P_IP ETHERNET_TYPE_IPV4

_Static_assert(sizeof(ETHERNET_HEADER) == 14, "ETHERNET_HEADER layout");
