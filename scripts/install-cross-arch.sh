#!/usr/bin/env bash
# The cross-architecture test's programs: Debian's busybox-static for arm64 and amd64 (the same program, version
# and applets), unpacked under /var/lib/seccompctl/<arch>-root. qemu-user-static (installed by install-system-deps.sh)
# runs the arm64 one. Idempotent: does nothing when both are there. Needs root.
set -euo pipefail
ROOT=${SECCOMPCTL_CROSS_ROOT:-/var/lib/seccompctl}
if [ -x "$ROOT/arm64-root/bin/busybox" ] && [ -x "$ROOT/amd64-root/bin/busybox" ]; then
  echo "install-cross-arch: ok (already in $ROOT)"; exit 0
fi
export DEBIAN_FRONTEND=noninteractive
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  apt-get update -qq
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for a in arm64 amd64; do
  (cd "$tmp" && apt-get download -qq "busybox-static:$a" >/dev/null 2>&1 || { apt-get update -qq && apt-get download -qq "busybox-static:$a"; })
  mkdir -p "$ROOT/$a-root"
  dpkg -x "$tmp"/busybox-static_*_"$a".deb "$ROOT/$a-root"
done
echo "install-cross-arch: ok ($ROOT/arm64-root/bin/busybox, $ROOT/amd64-root/bin/busybox)"
