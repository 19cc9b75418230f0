#!/usr/bin/env bash
# Runs the same bench/programs objects and the large generated programs (bench/make_large.py) (a) here, on the JIT and the interpreter (bench/Ebpf.Benchmarks `run`),
# (b) in the Linux kernel (bpftool prog loadall + prog run ... repeat N, i.e. BPF_PROG_TEST_RUN), when allowed,
# (c) as native C (clang -O2, same source through bench.h's NATIVE shim) where the family has no map/tail call,
# and prints one table of ns per run with the ratios, the IL bytes of each JIT-compiled program and how the .NET JIT
# compiled it ("optimized", "optimized/N" for N more methods: functions or regions; "MINOPTS:k/n" if not).
# Cases run back to back per row to share the machine's noise.
# Then (unless SAMPLES=0) the Linux XDP objects of the sample corpus, unmodified, here and in the kernel: agreement of
# action and output packet on every test packet, and ns per run (Ebpf.Benchmarks `xdp-samples`).
# Environment: REPEAT (default 20000; the interpreter runs REPEAT/20), CASES (default: all), SAMPLES (default 1),
# ROUNDS (default 1): kernel, native and JIT timings interleaved ROUNDS times per case, each side's best kept.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$here/build"
repeat="${REPEAT:-20000}"
interp_repeat=$(( repeat / 20 > 10 ? repeat / 20 : 10 ))
rounds="${ROUNDS:-1}"
cases="${CASES:-prime memcpy strcmp_full strcmp_early switch log2 checksum parse hashmap calls tailcall large_straight large_branchy large_calls large_loop large_switch}"
pins=/sys/fs/bpf/ebpf_bench_$$ # per run: two runs at once must not remove each other's pins

"$here/build.sh" >/dev/null 2>&1 || { echo "bench/build.sh failed" >&2; exit 1; }
dotnet build "$here/Ebpf.Benchmarks/Ebpf.Benchmarks.csproj" -c Release -v q -nologo >/dev/null || { echo "dotnet build failed" >&2; exit 1; }
# Tier-0 wrappers around the compiled programs would otherwise be timed on a busy machine: compile everything optimised.
runner=(env DOTNET_TieredCompilation=0 dotnet "$here/Ebpf.Benchmarks/bin/Release/net10.0/Ebpf.Benchmarks.dll" run)

object_of() { case "$1" in strcmp_*) echo strcmp ;; *) echo "$1" ;; esac; }
packet_of() { case "$1" in strcmp_*|parse) echo "$1" ;; *) echo default ;; esac; }

# ---- kernel side: load every object once, fill maps as the runner does here ----
# The host kernel's refusal in one line, as src/Ebpf.Kernel/KernelRefusals.cs tells them apart: what the host lacks
# (a helper for the type, an instruction, privileges, bpf(2)) or the program refused by its verifier.
kernel_refusal() { # log -> one line
    local why
    why=$(grep -m1 -E 'program of this type cannot use helper|invalid func|unknown func|unknown opcode|not allowed in non-JITed|allowed for root only|back-edge from insn|Operation not permitted|Function not implemented|not supported' "$1")
    if [ -n "$why" ]; then echo "the host kernel lacks what it needs: $why"
    else echo "the host kernel refused it: $(grep -v -E '^(libbpf:|-- |Error:|processed |verification time|stack depth|[0-9]+:)' "$1" | grep -m1 . || echo "see $1")"; fi
}
kernel=1 kernel_lacks=""
# bpftool pins under /sys/fs/bpf: mount the BPF file system there if the machine has not (needs root).
mountpoint -q /sys/fs/bpf 2>/dev/null || mount -t bpf bpf /sys/fs/bpf 2>/dev/null || true
case ",${EBPF_KERNEL_REFUSE:-}," in *,bpf,*) kernel=0 kernel_lacks="bpf(2) (EBPF_KERNEL_REFUSE=bpf emulates a host that refuses it)" ;; esac
if [ "$kernel" = 1 ] && ! command -v bpftool >/dev/null; then kernel=0 kernel_lacks="bpftool"; fi
if [ "$kernel" = 1 ]; then rm -rf "$pins"; mkdir -p "$pins" 2>/dev/null || { kernel=0; kernel_lacks="a writable BPF file system at /sys/fs/bpf (mounting one needs root)"; }; fi
if [ "$kernel" = 1 ]; then
    for obj in $(for c in $cases; do object_of "$c"; done | sort -u); do
        if ! bpftool prog loadall "$build/$obj.o" "$pins/$obj" pinmaps "$pins/${obj}_maps" >"$build/$obj.kernel.log" 2>&1; then
            echo "kernel: $obj.o not loaded, its kernel column is empty: $(kernel_refusal "$build/$obj.kernel.log")" >&2
        fi
    done
    if [ -e "$pins/hashmap_maps/table" ]; then
        for k in $(seq 0 255); do
            printf 'map update pinned %s key hex %02x 00 00 00 value hex %s\n' "$pins/hashmap_maps/table" "$k" \
                "$(python3 -c "import struct;print(' '.join('%02x'%b for b in struct.pack('<Q',3*$k+1)))")"
        done > "$build/hashmap.batch"
        bpftool batch file "$build/hashmap.batch" >/dev/null || echo "kernel: filling the hash map failed" >&2
    fi
fi

kernel_run() { # case -> "ret ns" or "- -"
    local c=$1 obj; obj=$(object_of "$c")
    local out; out=$(bpftool prog run pinned "$pins/$obj/bench_$obj" data_in "$build/$(packet_of "$c").bin" repeat "$repeat" 2>&1) || { echo "- -"; return; }
    echo "$out" | sed -n 's/.*Return value: \([0-9]*\), duration (average): \([0-9]*\)ns.*/\1 \2/p'
}
native_run() {
    local c=$1 obj; obj=$(object_of "$c")
    [ -x "$build/$obj.native" ] || { echo "- -"; return; }
    "$build/$obj.native" "$build/$(packet_of "$c").bin" "$repeat"
}
here_run() { # engine case repeat -> "ret ns IL-bytes how-compiled" (the last two "-" on the interpreter)
    "${runner[@]}" --engine "$1" --repeat "$3" "$2" | awk '{print $2, $3, $4, $5}'
}

printf '%-15s %10s %10s %10s %12s | %9s %9s %10s | %8s %-14s | %s\n' case kernel native jit interpreter jit/kern jit/native interp/jit "IL bytes" "jit compiled" "return values (kernel native jit interp)"
rows=()
# The smaller of two timings ("-" loses): with ROUNDS > 1 each side keeps its best round.
least() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || a == "-") print b; else if (b == "" || b == "-" || a + 0 <= b + 0) print a; else print b }'; }
for c in $cases; do
    kns=""; nns=""; jns=""; ins=""
    for round in $(seq "$rounds"); do # sides interleaved, so a slow spell of the machine hits all of them
        read -r kret k <<<"$( [ "$kernel" = 1 ] && kernel_run "$c" || echo "- -")"
        read -r nret n <<<"$(native_run "$c")"
        read -r jret j il compiled <<<"$(here_run jit "$c" "$repeat")"
        kns=$(least "$kns" "$k"); nns=$(least "$nns" "$n"); jns=$(least "$jns" "$j")
    done
    read -r iret ins _ _ <<<"$(here_run interpreter "$c" "$interp_repeat")"
    ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2f", a / b }'; }
    jk=$(ratio "$jns" "$kns"); jn=$(ratio "$jns" "$nns"); ij=$(ratio "$ins" "$jns")
    agree="ok"; for r in "$kret" "$nret" "$iret"; do [ "$r" != "-" ] && [ -n "$r" ] && [ "$r" != "$jret" ] && agree="MISMATCH"; done
    printf '%-15s %10s %10s %10s %12s | %9s %9s %10s | %8s %-14s | %s %s %s %s %s\n' "$c" "${kns:--}" "${nns:--}" "$jns" "$ins" "$jk" "$jn" "$ij" "$il" "$compiled" "$kret" "$nret" "$jret" "$iret" "$agree"
    rows+=("$c $jk $jn $ij")
done
printf '%s\n' "${rows[@]}" | awk '
    function g(sum, n) { return n ? sprintf("%.2f", exp(sum / n)) : "-" }
    # bench/programs and the large generated programs (large_*) summed apart
    { k = ($1 ~ /^large_/) ? 3 : 0; for (i = 1; i <= 3; i++) if ($(i + 1) != "-") { j = i + k; s[j] += log($(i + 1)); n[j]++; if ($(i + 1) > m[j]) m[j] = $(i + 1) } }
    END {
        printf "geometric mean, bench/programs: jit/kernel %s (max %s), jit/native %s (max %s), interpreter/jit %s\n", g(s[1], n[1]), m[1] ? m[1] : "-", g(s[2], n[2]), m[2] ? m[2] : "-", g(s[3], n[3])
        if (n[4] + n[5]) printf "geometric mean, large generated: jit/kernel %s (max %s), jit/native %s (max %s), interpreter/jit %s\n", g(s[4], n[4]), m[4] ? m[4] : "-", g(s[5], n[5]), m[5] ? m[5] : "-", g(s[6], n[6])
    }'
[ "$kernel" = 1 ] || echo "kernel: kernel column skipped, this host lacks $kernel_lacks"
rm -rf "$pins"
if [ "${SAMPLES:-1}" != 0 ]; then
    echo
    echo "Linux XDP sample objects (../shared/ebpf-samples), here (JIT) and in the kernel:"
    env DOTNET_TieredCompilation=0 dotnet "$here/Ebpf.Benchmarks/bin/Release/net10.0/Ebpf.Benchmarks.dll" xdp-samples --repeat "$repeat" ||
        echo "xdp-samples: some runs disagree with the kernel (see above)"
fi
