// What argument rules close: the dangerous calls a name-only allow-list lets through (one table, with why each is
// dangerous), whether a profile of generate's shape allows a call, and which dangerous calls a profile change denies.
import type { Profile, SyscallArg } from '../profile/index.js';
import { argSpec, parseArgValue, resolveArch, syscallNumber, type ArchId } from '../syscalls/index.js';

/** A dangerous call the argument rules deny that the name-only profile allowed. */
export interface ClosedCall {
  readonly call: string;
  readonly why: string;
}

/** The profile's native arch: its first 64-bit one, else its first, else x86_64. */
export function nativeOf(p: Profile): ArchId {
  for (const s of p.architectures ?? []) {
    const a = resolveArch(s);
    if (a && a.bits === 64) return a.id;
  }
  const first = p.architectures?.[0];
  return (first !== undefined ? resolveArch(first)?.id : undefined) ?? 'x86_64';
}

/** A dangerous call: name, argument values by index (symbolic), and why it is dangerous. */
export interface DangerousCall {
  readonly syscall: string;
  readonly args: Readonly<Record<number, string>>;
  readonly why: string;
}

const D = (syscall: string, args: Record<number, string>, why: string): DangerousCall => ({ syscall, args, why });

/** The dangerous argument values the explanation counts (each one a call a name-only allow-list lets through). */
export const DANGEROUS_CALLS: readonly DangerousCall[] = [
  D('socket', { 0: 'AF_PACKET', 1: 'SOCK_RAW' }, 'raw link-layer frames (CVE-2020-14386, CVE-2017-7308)'),
  D('socket', { 0: 'AF_PACKET', 1: 'SOCK_DGRAM' }, 'packet sockets'),
  D('socket', { 0: 'AF_NETLINK', 1: 'SOCK_RAW' }, 'kernel configuration interfaces (nf_tables: CVE-2022-32250, CVE-2023-32233, CVE-2024-1086)'),
  D('socket', { 0: 'AF_NETLINK', 1: 'SOCK_RAW|SOCK_CLOEXEC' }, 'netlink, as glibc opens it'),
  D('socket', { 0: 'AF_INET', 1: 'SOCK_RAW' }, 'forged IP packets'),
  D('socket', { 0: 'AF_INET6', 1: 'SOCK_RAW' }, 'forged IPv6 packets'),
  D('socket', { 0: 'AF_VSOCK', 1: 'SOCK_STREAM' }, 'host/VM sockets (CVE-2021-26708)'),
  D('socket', { 0: 'AF_ALG', 1: 'SOCK_SEQPACKET' }, 'kernel crypto API (CVE-2015-8970, CVE-2019-8912)'),
  D('socket', { 0: 'AF_KEY', 1: 'SOCK_RAW' }, 'IPsec key management'),
  D('socket', { 0: 'AF_BLUETOOTH', 1: 'SOCK_RAW' }, 'Bluetooth'),
  D('socket', { 0: 'AF_CAN', 1: 'SOCK_RAW' }, 'CAN bus (CVE-2021-3609)'),
  D('socket', { 0: 'AF_XDP', 1: 'SOCK_RAW' }, 'XDP sockets'),
  D('socket', { 0: 'AF_TIPC', 1: 'SOCK_RDM' }, 'TIPC (CVE-2021-43267)'),
  D('socket', { 0: 'AF_RDS', 1: 'SOCK_SEQPACKET' }, 'RDS (CVE-2010-3904)'),
  D('clone', { 0: 'CLONE_NEWUSER' }, 'a new user namespace: every capability inside it'),
  D('clone', { 0: 'CLONE_NEWNS' }, 'a new mount namespace'),
  D('clone', { 0: 'CLONE_NEWNET' }, 'a new network namespace'),
  D('clone', { 0: 'CLONE_NEWPID' }, 'a new pid namespace'),
  D('clone', { 0: 'CLONE_NEWCGROUP' }, 'a new cgroup namespace'),
  D('unshare', { 0: 'CLONE_NEWUSER' }, 'a new user namespace: every capability inside it'),
  D('unshare', { 0: 'CLONE_NEWNS' }, 'a new mount namespace'),
  D('unshare', { 0: 'CLONE_NEWNET' }, 'a new network namespace'),
  D('unshare', { 0: 'CLONE_NEWUSER|CLONE_NEWNS' }, 'the classic unprivileged escalation start'),
  D('setns', { 1: '0' }, 'join any namespace'),
  D('setns', { 1: 'CLONE_NEWUSER' }, 'join a user namespace'),
  D('setns', { 1: 'CLONE_NEWNS' }, 'join a mount namespace'),
  D('personality', { 0: 'READ_IMPLIES_EXEC' }, 'every readable mapping becomes executable'),
  D('personality', { 0: 'ADDR_NO_RANDOMIZE' }, 'ASLR off'),
  D('personality', { 0: 'PER_LINUX32' }, 'a 32-bit personality'),
  D('prctl', { 0: 'PR_SET_DUMPABLE' }, 'core dumps and ptrace of a privileged process'),
  D('prctl', { 0: 'PR_SET_MM' }, 'rewrites the process memory map descriptors'),
  D('prctl', { 0: 'PR_SET_PTRACER' }, 'lets another process ptrace this one'),
  D('prctl', { 0: 'PR_CAP_AMBIENT' }, 'ambient capabilities survive exec'),
  D('prctl', { 0: 'PR_SET_SECUREBITS' }, 'changes the capability rules'),
  D('prctl', { 0: 'PR_SET_KEEPCAPS' }, 'keeps capabilities across setuid'),
  D('prctl', { 0: 'PR_SET_SPECULATION_CTRL' }, 'turns speculation mitigations off'),
  D('mprotect', { 2: 'PROT_WRITE|PROT_EXEC' }, 'writable and executable memory'),
  D('mprotect', { 2: 'PROT_READ|PROT_WRITE|PROT_EXEC' }, 'writable and executable memory'),
  D('mprotect', { 2: 'PROT_READ|PROT_EXEC' }, 'turns written memory executable'),
  D('pkey_mprotect', { 2: 'PROT_READ|PROT_WRITE|PROT_EXEC' }, 'writable and executable memory'),
  D('mmap', { 2: 'PROT_READ|PROT_WRITE|PROT_EXEC' }, 'writable and executable memory'),
  D('mmap', { 2: 'PROT_WRITE|PROT_EXEC' }, 'writable and executable memory'),
  D('ioctl', { 1: 'TIOCSTI' }, 'injects input into the terminal (CVE-2016-7545, CVE-2017-5226)'),
  D('ioctl', { 1: 'TIOCLINUX' }, 'console selection and paste'),
  D('ioctl', { 1: 'TIOCCONS' }, 'redirects the console'),
  D('ioctl', { 1: 'SIOCSIFFLAGS' }, 'reconfigures network interfaces'),
  D('kill', { 1: 'SIGKILL' }, 'kills other processes'),
  D('kill', { 1: 'SIGSTOP' }, 'stops other processes'),
  D('tgkill', { 2: 'SIGKILL' }, 'kills other threads'),
  D('setsockopt', { 1: 'SOL_SOCKET', 2: 'SO_ATTACH_BPF' }, 'loads a BPF program on a socket'),
  D('setsockopt', { 1: 'SOL_SOCKET', 2: 'SO_ATTACH_FILTER' }, 'attaches a classic BPF filter'),
  D('setsockopt', { 1: 'SOL_SOCKET', 2: 'SO_BINDTODEVICE' }, 'binds to another interface'),
  D('setsockopt', { 1: 'SOL_SOCKET', 2: 'SO_MARK' }, 'marks packets for routing/firewall rules'),
  D('setsockopt', { 1: 'SOL_IP', 2: 'IP_HDRINCL' }, 'forged IP headers'),
  D('setsockopt', { 1: 'SOL_IPV6', 2: 'IPV6_HOPOPTS' }, 'IPv6 extension headers'),
];

/** The full argument vector (6 values) of a dangerous call on an arch; undefined when a name does not exist there. */
export function dangerousCallArgs(arch: ArchId, d: DangerousCall): bigint[] | undefined {
  const out: bigint[] = [0n, 0n, 0n, 0n, 0n, 0n];
  for (const [i, text] of Object.entries(d.args)) {
    const v = parseArgValue(arch, text);
    if (v === undefined) return undefined;
    out[Number(i)] = v;
  }
  return out;
}

/** The call as text, with the curated parameters' names: `socket(domain=AF_PACKET, type=SOCK_RAW)`. */
export function dangerousCallText(d: DangerousCall, arch: ArchId = 'x86_64'): string {
  const spec = argSpec(d.syscall, arch);
  const parts = Object.entries(d.args).map(([i, v]) => `${spec?.args.find((a) => a.index === Number(i))?.param ?? `arg${i}`}=${v}`);
  return `${d.syscall}(${parts.join(', ')})`;
}

function argMatches(c: SyscallArg, v: bigint): boolean {
  const x = BigInt.asUintN(64, v);
  switch (c.op) {
    case 'SCMP_CMP_EQ': return x === c.value;
    case 'SCMP_CMP_NE': return x !== c.value;
    case 'SCMP_CMP_LT': return x < c.value;
    case 'SCMP_CMP_LE': return x <= c.value;
    case 'SCMP_CMP_GT': return x > c.value;
    case 'SCMP_CMP_GE': return x >= c.value;
    case 'SCMP_CMP_MASKED_EQ': return (x & c.value) === ((c.valueTwo ?? 0n) & c.value);
  }
}

/**
 * Whether a profile of generate's shape (unconditional ALLOW names, ALLOW rules with conditions, explicit ERRNO rules,
 * an ERRNO default) allows a call on a 64-bit arch. The BPF stage answers the general question (`check`); this one
 * lets generate explain its own output, and the tests compare the two.
 */
export function allowsCall(p: Profile, syscall: string, args: readonly bigint[]): boolean {
  let conditional = false;
  for (const r of p.syscalls ?? []) {
    if (!r.names.includes(syscall)) continue;
    if (!r.args || r.args.length === 0) return r.action === 'SCMP_ACT_ALLOW' || r.action === 'SCMP_ACT_LOG';
    conditional = true;
  }
  if (!conditional) return p.defaultAction === 'SCMP_ACT_ALLOW' || p.defaultAction === 'SCMP_ACT_LOG';
  for (const r of p.syscalls ?? []) {
    if (!r.names.includes(syscall) || !r.args || r.args.length === 0) continue;
    if (r.args.every((c) => argMatches(c, args[c.index] ?? 0n))) return r.action === 'SCMP_ACT_ALLOW' || r.action === 'SCMP_ACT_LOG';
  }
  return p.defaultAction === 'SCMP_ACT_ALLOW' || p.defaultAction === 'SCMP_ACT_LOG';
}

/** The dangerous calls `after` denies that `before` allowed (both on the profile's native arch). */
export function closedCalls(before: Profile, after: Profile): ClosedCall[] {
  const arch = nativeOf(after);
  const out: ClosedCall[] = [];
  for (const d of DANGEROUS_CALLS) {
    const args = dangerousCallArgs(arch, d);
    if (!args || syscallNumber(arch, d.syscall) === undefined) continue;
    if (allowsCall(before, d.syscall, args) && !allowsCall(after, d.syscall, args)) out.push({ call: dangerousCallText(d, arch), why: d.why });
  }
  return out;
}
