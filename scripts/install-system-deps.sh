#!/usr/bin/env bash
# Installs the Debian packages seccompctl's system tests use, and mounts tracefs for bpftrace. Needs root.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "install-system-deps: needs root (apt-get)"; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  runc strace bpftrace python3-seccomp seccomp golang-github-containers-common \
  nginx-light redis-server auditd procps iproute2 curl ca-certificates >/dev/null
mountpoint -q /sys/kernel/tracing || mount -t tracefs nodev /sys/kernel/tracing || true
echo "install-system-deps: ok ($(runc --version | head -1); $(strace -V | head -1); bpftrace $(bpftrace --version 2>/dev/null | awk '{print $2}'))"
