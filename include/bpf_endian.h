// Copyright (c) eBPF for .NET contributors. SPDX-License-Identifier: MIT
// Byte-order conversion for eBPF programs (the names of libbpf's and eBPF for Windows' bpf_endian.h). The bpf
// target is little-endian here, so network order means a byte swap. A constant argument folds at compile time
// (usable in case labels and initialisers); any other argument becomes one BPF_END instruction.
#pragma once
#include "ebpf_structs.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "bpf_endian.h expects the little-endian bpf target (-target bpf or bpfel)"
#endif

// Byte n of x moved to byte m, for a b-bit x: what the constant forms are built from.
#define ___bpf_mvb(x, b, n, m) ((__UINT##b##_TYPE__)(x) << (b - (n + 1) * 8) >> (b - 8) << (m * 8))
#define ___bpf_swab16(x) ((__UINT16_TYPE__)(___bpf_mvb(x, 16, 0, 1) | ___bpf_mvb(x, 16, 1, 0)))
#define ___bpf_swab32(x) \
    ((__UINT32_TYPE__)(___bpf_mvb(x, 32, 0, 3) | ___bpf_mvb(x, 32, 1, 2) | ___bpf_mvb(x, 32, 2, 1) | ___bpf_mvb(x, 32, 3, 0)))
#define ___bpf_swab64(x)                                                                                            \
    ((__UINT64_TYPE__)(___bpf_mvb(x, 64, 0, 7) | ___bpf_mvb(x, 64, 1, 6) | ___bpf_mvb(x, 64, 2, 5) |                \
                       ___bpf_mvb(x, 64, 3, 4) | ___bpf_mvb(x, 64, 4, 3) | ___bpf_mvb(x, 64, 5, 2) |                \
                       ___bpf_mvb(x, 64, 6, 1) | ___bpf_mvb(x, 64, 7, 0)))

#define __bpf_htons(x) __builtin_bswap16(x)
#define __bpf_ntohs(x) __builtin_bswap16(x)
#define __bpf_htonl(x) __builtin_bswap32(x)
#define __bpf_ntohl(x) __builtin_bswap32(x)
#define __bpf_cpu_to_be64(x) __builtin_bswap64(x)
#define __bpf_be64_to_cpu(x) __builtin_bswap64(x)
#define __bpf_constant_htons(x) ___bpf_swab16(x)
#define __bpf_constant_ntohs(x) ___bpf_swab16(x)
#define __bpf_constant_htonl(x) ___bpf_swab32(x)
#define __bpf_constant_ntohl(x) ___bpf_swab32(x)
#define __bpf_constant_cpu_to_be64(x) ___bpf_swab64(x)
#define __bpf_constant_be64_to_cpu(x) ___bpf_swab64(x)

#define bpf_htons(x) (__builtin_constant_p(x) ? __bpf_constant_htons(x) : __bpf_htons(x))
#define bpf_ntohs(x) (__builtin_constant_p(x) ? __bpf_constant_ntohs(x) : __bpf_ntohs(x))
#define bpf_htonl(x) (__builtin_constant_p(x) ? __bpf_constant_htonl(x) : __bpf_htonl(x))
#define bpf_ntohl(x) (__builtin_constant_p(x) ? __bpf_constant_ntohl(x) : __bpf_ntohl(x))
#define bpf_cpu_to_be64(x) (__builtin_constant_p(x) ? __bpf_constant_cpu_to_be64(x) : __bpf_cpu_to_be64(x))
#define bpf_be64_to_cpu(x) (__builtin_constant_p(x) ? __bpf_constant_be64_to_cpu(x) : __bpf_be64_to_cpu(x))

// The socket-API names, unless the program brought its own.
#ifndef htons
#define htons bpf_htons
#endif
#ifndef ntohs
#define ntohs bpf_ntohs
#endif
#ifndef htonl
#define htonl bpf_htonl
#endif
#ifndef ntohl
#define ntohl bpf_ntohl
#endif
