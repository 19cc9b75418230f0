#!/usr/bin/env python3
"""Writes a pcap of N deterministic Ethernet frames for the packet-filter sample: IPv4/UDP to ports 7 (echo),
9 (discard), 53, 123 and 5353, some IPv4/TCP and some ARP. Usage: make_capture.py OUT.pcap [N]"""
import random, struct, sys

out, count = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1000
rng = random.Random(15)
with open(out, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
    for i in range(count):
        macs = bytes([2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2])
        kind = rng.random()
        if kind < 0.08:
            frame = macs + struct.pack(">H", 0x0806) + bytes(28)
        else:
            protocol = 6 if kind < 0.2 else 17
            payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 64)))
            port = rng.choice([7, 9, 53, 53, 123, 5353])
            l4 = struct.pack(">HHHH", 40000 + i % 1000, port, 8 + len(payload), 0) + payload if protocol == 17 \
                else struct.pack(">HHIIHHHH", 40000, 443, i, 0, 0x5010, 1024, 0, 0) + payload
            ip = struct.pack(">BBHHHBBHII", 0x45, 0, 20 + len(l4), i & 0xFFFF, 0, 64, protocol, 0, 0x0A000001, 0x0A000002)
            frame = macs + struct.pack(">H", 0x0800) + ip + l4
        f.write(struct.pack("<IIII", 1_700_000_000 + i // 100, (i % 100) * 10000, len(frame), len(frame)))
        f.write(frame)
