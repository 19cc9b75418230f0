#!/usr/bin/env bash
# The main job on this project's own sample: set-up (tools, samples, build; eng/setup.sh), then live process events
# through `ebpf run samples/build/process_monitor.o` while a few processes start and exit. On a terminal `ebpf run`
# is a live dashboard; otherwise one line per record. Live events need root (the Linux process connector needs
# CAP_NET_ADMIN): without it the script says so and runs what needs no root (verify, hash, a test run).
#   EBPF_RUN_SECONDS=N (default 10)   EBPF_RUN_SKIP_SETUP=1 when eng/setup.sh already ran
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${EBPF_RUN_SECONDS:-10}
[ "${EBPF_RUN_SKIP_SETUP:-0}" = 1 ] || bash eng/setup.sh
ebpf() { dotnet src/Ebpf.Cli/bin/Release/net10.0/ebpf.dll "$@"; }
sample=samples/build/process_monitor.o

ebpf verify "$sample"
if [ "$(id -u)" -ne 0 ]; then
  echo "run: live process events need root (the Linux process connector needs CAP_NET_ADMIN): sudo bash eng/run.sh"
  echo "run: what ebpf run says without it:"
  ebpf run "$sample" --duration 1 || true
  echo "run: what needs no root: the program-information hash and a test run on an empty process context"
  ebpf show hash "$sample"
  ebpf test-run "$sample" process_monitor
  exit 0
fi

# Processes that start and exit while the program watches: each shows as a start and an exit record (each lives
# 0.2 s: one that exits within a millisecond or two may be reported without image path and command line).
(
  sleep 1
  end=$((SECONDS + seconds))
  i=0
  while [ $SECONDS -lt $end ]; do /bin/sh -c "sleep 0.2; exit $((i % 5))" || true; i=$((i + 1)); sleep 0.3; done
) &
spawner=$!
trap 'kill $spawner 2>/dev/null || true' EXIT
ebpf run "$sample" --duration "$seconds"
