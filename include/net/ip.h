// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// IPv4 and IPv6 headers with eBPF for Windows' names (include/net/ip.h): Windows field names, and in the IPv4
// header the Linux (struct iphdr) names as aliases of the same bytes. Addresses and lengths are in network order.
#pragma once
#include "../ebpf_structs.h"

#define IPPROTO_IPV4 4
#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define IPPROTO_IPV6 41

// Windows' address family numbers (AF_INET6 is 23, not Linux' 10).
#define AF_INET 2
#define AF_INET6 23

#ifndef DEFAULT_COMPARTMENT_ID
#define DEFAULT_COMPARTMENT_ID 1
#endif

typedef struct _IPV4_HEADER
{
    union
    {
        uint8_t VersionAndHeaderLength;
        struct
        {
            uint8_t HeaderLength : 4; // in 32-bit words
            uint8_t Version : 4;
        };
        struct
        {
            uint8_t ihl : 4;
            uint8_t version : 4;
        };
    };
    union
    {
        uint8_t TypeOfServiceAndEcnField;
        uint8_t tos;
        struct
        {
            uint8_t EcnField : 2;
            uint8_t TypeOfService : 6;
        };
    };
    union
    {
        uint16_t TotalLength;
        uint16_t tot_len;
    };
    union
    {
        uint16_t Identification;
        uint16_t id;
    };
    union
    {
        uint16_t FlagsAndOffset;
        uint16_t frag_off;
        struct
        {
            uint16_t DontUse1 : 5; // fragment offset, high bits
            uint16_t MoreFragments : 1;
            uint16_t DontFragment : 1;
            uint16_t Reserved : 1;
            uint16_t DontUse2 : 8; // fragment offset, low bits
        };
    };
    union
    {
        uint8_t TimeToLive;
        uint8_t ttl;
    };
    union
    {
        uint8_t Protocol;
        uint8_t protocol;
    };
    union
    {
        uint16_t HeaderChecksum;
        uint16_t check;
    };
    union
    {
        uint32_t SourceAddress;
        uint32_t saddr;
    };
    union
    {
        uint32_t DestinationAddress;
        uint32_t daddr;
    };
} IPV4_HEADER, *PIPV4_HEADER;

typedef uint8_t ipv6_address_t[16];

typedef struct _IPV6_HEADER
{
    union
    {
        uint32_t VersionClassFlow; // version (4 bits), traffic class (8), flow label (20)
        struct
        {
            uint32_t : 4;
            uint32_t Version : 4;
            uint32_t : 24;
        };
    };
    uint16_t PayloadLength; // 0: jumbo payload (hop-by-hop option)
    uint8_t NextHeader;     // the IPv4 protocol numbers and more
    uint8_t HopLimit;
    ipv6_address_t SourceAddress;
    ipv6_address_t DestinationAddress;
} IPV6_HEADER, *PIPV6_HEADER;

// Linux name.
#define iphdr _IPV4_HEADER

_Static_assert(sizeof(IPV4_HEADER) == 20 && __builtin_offsetof(IPV4_HEADER, SourceAddress) == 12, "IPV4_HEADER layout");
_Static_assert(sizeof(IPV6_HEADER) == 40 && __builtin_offsetof(IPV6_HEADER, SourceAddress) == 8, "IPV6_HEADER layout");
