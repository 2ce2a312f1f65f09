#!/usr/bin/env bash
# Installs the Debian packages seccompctl's system tests use, and mounts tracefs for bpftrace. Needs root.
set -euo pipefail
SUDO=
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo -E"; else echo "install-system-deps: needs root (apt-get); run it as root"; exit 1; fi
fi
if ! command -v apt-get >/dev/null; then echo "install-system-deps: needs a Debian/Ubuntu system (apt-get)"; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  runc strace bpftrace python3-seccomp python3-yaml patch seccomp golang-github-containers-common \
  nginx-light redis-server auditd procps iproute2 curl ca-certificates gcc libc6-dev util-linux \
  containerd qemu-user-static gcc-multilib chromium fonts-dejavu-core stress-ng \
  clang llvm lld libbpf-dev bpftool libelf-dev zlib1g-dev make wrk time \
  valgrind libsimde-dev >/dev/null
$SUDO "$(dirname "$0")/install-cross-arch.sh"
mountpoint -q /sys/kernel/tracing || $SUDO mount -t tracefs nodev /sys/kernel/tracing || true
# The libbpf record program (record --backend ebpf; bpftrace is the fallback when it does not build or load).
$SUDO sh "$(dirname "$0")/../native/record-bpf/build.sh" >/dev/null || echo "install-system-deps: the libbpf record program did not build; record uses bpftrace"
echo "install-system-deps: ok ($(runc --version | head -1); $(strace -V | head -1); bpftrace $(bpftrace --version 2>/dev/null | awk '{print $2}'))"
