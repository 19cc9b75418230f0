#!/usr/bin/env bash
# Builds every bench/programs/*.c as a Linux XDP object (bench/build/<name>.o) and, where the family has no map or
# tail call, as a native shared harness binary (bench/build/<name>.native), plus the input packets. The same for the
# large generated programs (bench/make_large.py, written to bench/build/generated).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/build"
mkdir -p "$out"
arch_include="/usr/include/$(uname -m)-linux-gnu"
# The large generated programs (make_large.py) build from build/generated with the same header.
python3 "$here/make_large.py" "$out/generated"
for source in "$here"/programs/*.c "$out"/generated/*.c; do
    name="$(basename "$source" .c)"
    clang-19 -target bpf -O2 -g -I"$arch_include" -I"$here/programs" -c "$source" -o "$out/$name.o"
    case "$name" in
        hashmap|tailcall) ;;  # maps and tail calls have no native counterpart
        *) clang-19 -O2 -DNATIVE -DENTRY="bench_$name" -I"$here/programs" -include "$source" "$here/native/harness.c" -o "$out/$name.native" ;;
    esac
done
python3 "$here/make_packets.py" "$out"
echo "built into $out"
