#!/usr/bin/env bash
# Runs every test of the solution and prints one summary line: "N passed, N failed, N skipped".
# Options are passed to `dotnet test` (e.g. --filter). EBPF_LONG_TESTS=1 enables the long fuzz/soak runs.
set -uo pipefail
cd "$(dirname "$0")/.."

if [ -x samples/build.sh ]; then samples/build.sh || { echo "test: building samples failed" >&2; exit 1; }; fi

log=$(mktemp)
# Kernel comparisons this host could not make, and why (tests append; see tests/Ebpf.TestSupport/HostKernelReport.cs).
export EBPF_TEST_HOST_REPORT; EBPF_TEST_HOST_REPORT=$(mktemp)
dotnet test Ebpf.slnx -c Release -nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly result lines ("Passed!  - Failed: 0, Passed: 3, Skipped: 0, Total: 3, ...").
read -r passed failed skipped < <(grep -E '^(Passed|Failed)! +- Failed:' "$log" | awk -F'[:,]' '
  { failed += $2; passed += $4; skipped += $6 } END { printf "%d %d %d\n", passed, failed, skipped }')
rm -f "$log"
echo
if [ -s "$EBPF_TEST_HOST_REPORT" ]; then
  echo "Host kernel comparisons not made here (the rest of those tests ran):"
  sort -u "$EBPF_TEST_HOST_REPORT" | sed 's/^/  /'
fi
rm -f "$EBPF_TEST_HOST_REPORT"
echo "Tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
