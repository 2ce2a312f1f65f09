#!/usr/bin/env bash
# The cross-architecture tests' programs, unpacked under /var/cache/seccompctl-cross/<arch>-root: Debian's
# busybox-static for arm64 and amd64 (the same program, version and applets), and Debian's nginx for arm64 with its
# libraries (the amd64 nginx is the installed nginx-light). qemu-user-static (installed by install-system-deps.sh)
# runs the arm64 ones (`qemu-aarch64-static -L /var/cache/seccompctl-cross/arm64-root`). Kept out of
# /var/lib/seccompctl, the agent's state directory. Idempotent: does nothing when all are there. Needs root.
set -euo pipefail
ROOT=${SECCOMPCTL_CROSS_ROOT:-/var/cache/seccompctl-cross}
if [ -x "$ROOT/arm64-root/bin/busybox" ] && [ -x "$ROOT/amd64-root/bin/busybox" ] && [ -x "$ROOT/arm64-root/usr/sbin/nginx" ]; then
  echo "install-cross-arch: ok (already in $ROOT)"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  apt-get update -qq
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
PKGS="busybox-static:arm64 busybox-static:amd64 nginx:arm64 libc6:arm64 libcrypt1:arm64 libpcre2-8-0:arm64 libssl3:arm64 zlib1g:arm64"
(cd "$tmp" && { apt-get download -qq $PKGS >/dev/null 2>&1 || { apt-get update -qq && apt-get download -qq $PKGS >/dev/null; }; })
for a in arm64 amd64; do
  mkdir -p "$ROOT/$a-root"
  for d in "$tmp"/*_"$a".deb; do dpkg -x "$d" "$ROOT/$a-root"; done
done
echo "install-cross-arch: ok ($ROOT/arm64-root: busybox, nginx; $ROOT/amd64-root: busybox)"
