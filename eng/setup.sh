#!/usr/bin/env bash
# Installs what the platform needs on a Debian machine with the .NET SDK (idempotent), then builds everything.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
for tool in clang-19 llc-19 llvm-objdump-19; do command -v "$tool" >/dev/null 2>&1 || need+=("$tool"); done
command -v bpftool >/dev/null 2>&1 || need+=(bpftool)
[ -f /usr/include/bpf/bpf_helpers.h ] || need+=(libbpf-dev)
# libpcap: capture files and live interfaces for packet programs (SharpPcap loads it at run time).
ldconfig -p 2>/dev/null | grep -q 'libpcap.so' || need+=(libpcap0.8)
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing clang-19, llvm-19, bpftool, libbpf-dev, libpcap0.8 (missing: ${need[*]})"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq clang-19 llvm-19 lld-19 bpftool libbpf-dev libpcap0.8 iproute2 >/dev/null
fi

command -v dotnet >/dev/null 2>&1 || { echo "setup: the .NET SDK (10.0) must be on PATH" >&2; exit 1; }

if [ -x samples/build.sh ]; then samples/build.sh; fi
dotnet build Ebpf.slnx -c Release -nologo -v q
echo "setup: done. Try: dotnet run --project src/Ebpf.Cli -c Release -- --help"
