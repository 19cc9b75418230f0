#!/usr/bin/env python3
"""Writes the benchmark input packets (deterministic) into the directory given as argument."""
import random, struct, sys, os

out = sys.argv[1]
rng = random.Random(20261125)
def write(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(bytes(data))

base = bytearray(rng.getrandbits(8) for _ in range(1500))
base[0] = 125                                   # prime: n = 8 * 125 = 1000
write("default.bin", base)
text = bytearray(rng.choice(b"abcdefghijklmnopqrstuvwxyz") for _ in range(255)) + b"\0"
write("strcmp_full.bin", text + text + base[512:])
mismatch = bytearray(text); mismatch[3] ^= 1
write("strcmp_early.bin", text + mismatch + base[512:])
eth = bytes(6) + bytes([2, 0, 0, 0, 0, 1]) + struct.pack(">H", 0x0800)
ip = struct.pack(">BBHHHBBHII", 0x45, 0, 40, 1, 0, 64, 17, 0, 0x0a000001, 0x0a000002)
udp = struct.pack(">HHHH", 53, 4242, 20, 0)
write("parse.bin", eth + ip + udp + bytes(64))
