#!/usr/bin/env bash
# Compiles samples/*.c into samples/build/*.o with clang-19 for the bpf target; a sample is rebuilt only when it
# is older than its source or than any header in include/. Usage: samples/build.sh [-f] (force a full rebuild).
set -euo pipefail
cd "$(dirname "$0")"
clang="${CLANG:-clang-19}"
command -v "$clang" >/dev/null 2>&1 || { echo "samples: $clang not found; run eng/setup.sh" >&2; exit 1; }
force=0
[ "${1:-}" = "-f" ] && force=1
mkdir -p build
newest_header=$(ls -t ../include/*.h | head -n 1)
built=0; skipped=0
for src in *.c; do
  out="build/${src%.c}.o"
  if [ $force -eq 0 ] && [ -f "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$newest_header" ]; then
    skipped=$((skipped + 1)); continue
  fi
  "$clang" -target bpf -O2 -g -Wall -Werror -I ../include -c "$src" -o "$out.tmp"
  mv "$out.tmp" "$out"
  # A sample written for both ABIs also builds as a Linux XDP object (name_linux.o) for the host-kernel comparison.
  if grep -q EBPF_LINUX_XDP "$src"; then
    "$clang" -target bpf -O2 -g -Wall -Werror -DEBPF_LINUX_XDP -I "/usr/include/$(uname -m)-linux-gnu" -c "$src" -o "${out%.o}_linux.o.tmp"
    mv "${out%.o}_linux.o.tmp" "${out%.o}_linux.o"
  fi
  built=$((built + 1))
done
echo "samples: $built built, $skipped up to date"
