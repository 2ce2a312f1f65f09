#!/bin/sh
# Builds seccompctl-record-bpf (the libbpf record loader, docs/runtime.md) into OUT (default:
# ${XDG_CACHE_HOME:-$HOME/.cache}/seccompctl/record-bpf). Needs clang, bpftool, libbpf-dev, libelf-dev, zlib1g-dev and
# a C compiler (scripts/install-system-deps.sh installs them). Prints the loader's path on success.
set -eu
SRC=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/seccompctl/record-bpf}
ARCH=$(uname -m)
case "$ARCH" in
  x86_64) TARGET=x86 ;;
  *) echo "build.sh: the libbpf record program is written for x86_64 (this is $ARCH)" >&2; exit 1 ;;
esac
for t in clang bpftool cc; do
  command -v "$t" >/dev/null || { echo "build.sh: $t is not installed (scripts/install-system-deps.sh)" >&2; exit 1; }
done
[ -r /sys/kernel/btf/vmlinux ] || { echo "build.sh: the kernel has no BTF (/sys/kernel/btf/vmlinux)" >&2; exit 1; }
mkdir -p "$OUT"
TMP=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
bpftool btf dump file /sys/kernel/btf/vmlinux format c > "$TMP/vmlinux.h"
clang -O2 -g -target bpf -D__TARGET_ARCH_$TARGET -I "$TMP" -c "$SRC/record.bpf.c" -o "$TMP/record.bpf.o"
bpftool gen skeleton "$TMP/record.bpf.o" name record_bpf > "$TMP/record.skel.h"
cc -O2 -Wall -I "$TMP" "$SRC/loader.c" -o "$TMP/seccompctl-record-bpf" -lbpf -lelf -lz
mv "$TMP/seccompctl-record-bpf" "$OUT/seccompctl-record-bpf"
# The sources' hash, so a later run knows the binary is current.
cat "$SRC/record.bpf.c" "$SRC/loader.c" "$SRC/build.sh" | sha256sum | cut -c1-16 > "$OUT/source-hash"
echo "$OUT/seccompctl-record-bpf"
