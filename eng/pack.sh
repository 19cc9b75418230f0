#!/usr/bin/env bash
# Packs the libraries and the `ebpf` .NET tool into OUT (default artifacts/packages), then installs the tool from that
# output alone into a temporary tool path and checks that `ebpf --help` runs. Exit 0 only if all of it worked.
#   bash eng/pack.sh [OUT]          EBPF_PACK_NO_BUILD=1 packs what `dotnet build -c Release` already built.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-artifacts/packages}")
mkdir -p "$out"

pack_args=(-c Release -nologo -v q -o "$out")
[ "${EBPF_PACK_NO_BUILD:-0}" = 1 ] && pack_args+=(--no-build)
dotnet pack Ebpf.slnx "${pack_args[@]}"

tool=$(ls "$out"/ebpf.*.nupkg 2>/dev/null | head -1)
[ -n "$tool" ] || { echo "pack: no ebpf tool package in $out" >&2; exit 1; }
version=$(basename "$tool" .nupkg); version=${version#ebpf.}

tool_path=$(mktemp -d)
home=$(mktemp -d)
trap 'rm -rf "$tool_path" "$home"' EXIT
# A private NuGet cache so the installed tool comes from OUT, never from an earlier install of the same version.
NUGET_PACKAGES="$home/nuget" dotnet tool install --tool-path "$tool_path" --add-source "$out" --version "$version" ebpf >/dev/null
help=$("$tool_path/ebpf" --help)
for command in verify test-run show disasm serve prog map link pin; do
  grep -q "$command" <<<"$help" || { echo "pack: installed 'ebpf --help' does not list '$command'" >&2; exit 1; }
done
echo "pack: $(ls "$out"/*.nupkg | wc -l) packages in $out; ebpf $version installs as a tool and runs --help"
