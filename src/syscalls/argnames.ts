// Syscall arguments by name: the curated set of arguments whose values decide risk (which seccompctl records and
// turns into argument rules), and their symbolic constants per architecture (generated from the kernel headers by
// scripts/gen-constants.ts), for printing (`AF_INET`, `SOCK_STREAM|SOCK_CLOEXEC`, `CLONE_NEWUSER`) and parsing.
import { BASE, CONSTANTS_KERNEL_VERSION, DIFF } from './constants.generated.js';
import type { ArchId } from './index.js';

/** The constant groups of constants.generated.ts. */
export type ConstantGroup =
  | 'af' | 'sock' | 'ipproto' | 'clone' | 'prot' | 'prctl' | 'personality' | 'signal' | 'sol' | 'so' | 'tcp' | 'ip'
  | 'ipv6' | 'ioctl';

/** Where the constants come from. */
export const CONSTANTS_PROVENANCE: { readonly source: string; readonly kernelVersion: string } = {
  source: 'Linux kernel headers per architecture (Debian linux-source-6.12: include/uapi, arch/*/include/uapi/asm, ' +
    'include/linux/socket.h, include/linux/net.h), scripts/gen-constants.ts',
  kernelVersion: CONSTANTS_KERNEL_VERSION,
};

interface GroupTable {
  readonly byName: ReadonlyMap<string, bigint>;
  /** The first name (header order) for each value. */
  readonly byValue: ReadonlyMap<bigint, string>;
  readonly list: readonly (readonly [string, bigint])[];
}

const tables = new Map<string, GroupTable>();

/** One constant group on one architecture. */
export function constantGroup(arch: ArchId, group: ConstantGroup): GroupTable {
  const key = `${arch}/${group}`;
  let t = tables.get(key);
  if (t) return t;
  const diff = new Map((DIFF[group]?.[arch] ?? []).map(([n, v]) => [n, v]));
  const list: [string, bigint][] = [];
  for (const [n, v] of BASE[group] ?? []) {
    if (!diff.has(n)) list.push([n, BigInt(v)]);
    else if (diff.get(n) !== null) list.push([n, BigInt(diff.get(n)!)]);
    diff.delete(n);
  }
  for (const [n, v] of diff) if (v !== null) list.push([n, BigInt(v)]);
  const byName = new Map(list);
  const byValue = new Map<bigint, string>();
  for (const [n, v] of list) if (!byValue.has(v)) byValue.set(v, n);
  t = { byName, byValue, list };
  tables.set(key, t);
  return t;
}

const ALL_GROUPS: readonly ConstantGroup[] = ['af', 'sock', 'ipproto', 'clone', 'prot', 'prctl', 'personality', 'signal', 'sol', 'so', 'tcp', 'ip', 'ipv6', 'ioctl'];

/** The value of a constant name on an architecture (any group), or undefined. */
export function constantValue(arch: ArchId, name: string): bigint | undefined {
  for (const g of ALL_GROUPS) {
    const v = constantGroup(arch, g).byName.get(name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** How an argument's value is printed. */
export type ArgFormat =
  | 'af' | 'socktype' | 'ipproto' | 'clone' | 'cloneflags' | 'nstype' | 'prot' | 'prctl' | 'personality' | 'signal'
  | 'level' | 'optname' | 'ioctl';

/**
 * How `generate --args` turns a set of observed values into conditions:
 * - `eq`: one rule per value (`SCMP_CMP_EQ`);
 * - `eq32`: one rule per value on the low 32 bits (`SCMP_CMP_MASKED_EQ` with mask 0xffffffff): for arguments the
 *   kernel reads as a 32-bit `int`/`unsigned int` while callers may leave the register's upper half sign-extended;
 * - `mask`: flag words — one condition `(arg & ~seen) == 0` (`SCMP_CMP_MASKED_EQ`): every bit never set is forbidden.
 */
export type ArgRuleKind = 'eq' | 'eq32' | 'mask';

/** One curated argument. */
export interface ArgSpec {
  readonly index: number;
  /** The parameter's name (man page). */
  readonly param: string;
  readonly format: ArgFormat;
  readonly rule: ArgRuleKind;
}

/** A syscall whose arguments decide its risk, and why. */
export interface SyscallArgSpec {
  readonly syscall: string;
  readonly args: readonly ArgSpec[];
  /** Why these arguments matter. */
  readonly why: string;
}

const S = (syscall: string, why: string, ...args: ArgSpec[]): SyscallArgSpec => ({ syscall, args, why });
const A = (index: number, param: string, format: ArgFormat, rule: ArgRuleKind): ArgSpec => ({ index, param, format, rule });

/**
 * The curated set (docs/args.md has the reasons at length). `clone3` is absent: its flags are in
 * a struct behind a pointer, which seccomp cannot read (see `generate --args`: clone3 gets ENOSYS so that glibc falls
 * back to clone, whose flags are checked).
 */
export const ARG_SPECS: readonly SyscallArgSpec[] = [
  S('socket', 'the address family opens kernel subsystems (AF_PACKET raw frames, AF_NETLINK kernel configuration, AF_VSOCK, AF_ALG…) whose bugs are the usual escape route; SOCK_RAW forges packets',
    A(0, 'domain', 'af', 'eq32'), A(1, 'type', 'socktype', 'eq32')),
  S('socketpair', 'same families as socket (AF_UNIX is the normal use)', A(0, 'domain', 'af', 'eq32'), A(1, 'type', 'socktype', 'eq32')),
  S('clone', 'namespace flags (CLONE_NEWUSER first: it hands out every capability inside) start the privilege escalations of unprivileged containers',
    A(0, 'flags', 'clone', 'mask')),
  S('unshare', 'the same namespace flags as clone, for the calling process', A(0, 'flags', 'cloneflags', 'mask')),
  S('setns', 'joining another namespace (nstype 0 = any kind)', A(1, 'nstype', 'nstype', 'eq32')),
  S('personality', 'READ_IMPLIES_EXEC makes every readable mapping executable; ADDR_NO_RANDOMIZE turns ASLR off', A(0, 'persona', 'personality', 'eq32')),
  S('prctl', 'one syscall, ~70 operations: PR_SET_SECCOMP, PR_SET_DUMPABLE, PR_SET_MM, PR_CAP_AMBIENT, PR_SET_PTRACER…', A(0, 'option', 'prctl', 'eq32')),
  S('mprotect', 'PROT_WRITE|PROT_EXEC (or EXEC on written memory) is what shellcode needs', A(2, 'prot', 'prot', 'eq')),
  S('pkey_mprotect', 'as mprotect', A(2, 'prot', 'prot', 'eq')),
  S('mmap', 'as mprotect: writable and executable memory', A(2, 'prot', 'prot', 'eq')),
  S('ioctl', 'a request number picks a driver entry point: TIOCSTI injects terminal input, TIOCLINUX, SIOCS* reconfigure devices', A(1, 'request', 'ioctl', 'eq32')),
  S('kill', 'which signals the workload sends (SIGKILL/SIGSTOP to others)', A(1, 'sig', 'signal', 'eq32')),
  S('tgkill', 'as kill, for threads', A(2, 'sig', 'signal', 'eq32')),
  S('tkill', 'as kill, for threads', A(1, 'sig', 'signal', 'eq32')),
  S('setsockopt', 'option handlers are a large, bug-prone attack surface (IP_SET, packet rings, IPV6 extension headers…); a server sets a handful',
    A(1, 'level', 'level', 'eq32'), A(2, 'optname', 'optname', 'eq32')),
];

const SPEC_BY_NAME = new Map(ARG_SPECS.map((s) => [s.syscall, s]));

/** The curated spec of a syscall on an architecture (clone takes flags second on s390), or undefined. */
export function argSpec(syscall: string, arch: ArchId): SyscallArgSpec | undefined {
  const s = SPEC_BY_NAME.get(syscall);
  if (!s) return undefined;
  if (syscall === 'clone' && (arch === 's390x' || arch === 's390')) return { ...s, args: [A(1, 'flags', 'clone', 'mask')] };
  return s;
}

function hex(v: bigint): string {
  return v < 10n ? v.toString() : `0x${v.toString(16)}`;
}

/** Flag names of `v` from a group (skipping names in `skip`), with any unnamed rest in hex. */
function flagNames(arch: ArchId, group: ConstantGroup, v: bigint, skip: (name: string, value: bigint) => boolean): string[] {
  const out: string[] = [];
  let rest = v;
  for (const [n, x] of constantGroup(arch, group).list) {
    if (x === 0n || (x & (x - 1n)) !== 0n || skip(n, x)) continue; // single bits only
    if ((rest & x) !== 0n) {
      out.push(n);
      rest &= ~x;
    }
  }
  if (rest !== 0n) out.push(hex(rest));
  return out;
}

function enumName(arch: ArchId, group: ConstantGroup, v: bigint): string {
  return constantGroup(arch, group).byValue.get(v) ?? hex(v);
}

/** Option-name group for a setsockopt level. */
function optGroup(arch: ArchId, level: bigint | undefined): ConstantGroup | undefined {
  if (level === undefined) return undefined;
  const sol = constantGroup(arch, 'sol').byName;
  if (level === sol.get('SOL_SOCKET')) return 'so';
  if (level === sol.get('SOL_TCP')) return 'tcp';
  if (level === sol.get('SOL_IP')) return 'ip';
  if (level === sol.get('SOL_IPV6')) return 'ipv6';
  return undefined;
}

/**
 * The symbolic form of an argument value: `AF_INET`, `SOCK_STREAM|SOCK_CLOEXEC`, `CLONE_NEWUSER|SIGCHLD`,
 * `PROT_READ|PROT_EXEC`. `others` holds the call's other argument values by index (setsockopt's optname needs its level).
 */
export function formatArgValue(arch: ArchId, format: ArgFormat, value: bigint, others: ReadonlyMap<number, bigint> = new Map()): string {
  const v = BigInt.asUintN(64, value);
  switch (format) {
    case 'af': return enumName(arch, 'af', v);
    case 'ipproto': return enumName(arch, 'ipproto', v);
    case 'prctl': return enumName(arch, 'prctl', v);
    case 'signal': return v === 0n ? '0' : enumName(arch, 'signal', v);
    case 'ioctl': return enumName(arch, 'ioctl', BigInt.asUintN(32, v));
    case 'level': return enumName(arch, 'sol', v);
    case 'optname': {
      const g = optGroup(arch, others.get(1));
      return g ? enumName(arch, g, v) : hex(v);
    }
    case 'socktype': {
      const sock = constantGroup(arch, 'sock');
      const flagVals = new Set(['SOCK_CLOEXEC', 'SOCK_NONBLOCK'].map((n) => sock.byName.get(n)));
      const base = v & 0xfn;
      const parts = [sock.list.find(([n, x]) => x === base && !flagVals.has(x) && n !== 'SOCK_CLOEXEC' && n !== 'SOCK_NONBLOCK')?.[0] ?? hex(base)];
      const fl = flagNames(arch, 'sock', v & ~0xfn, (n) => n !== 'SOCK_CLOEXEC' && n !== 'SOCK_NONBLOCK');
      return [...parts, ...fl].join('|');
    }
    case 'clone': {
      // The low byte is the exit signal (CSIGNAL), the rest CLONE_* flags.
      const sig = v & 0xffn;
      const fl = flagNames(arch, 'clone', v & ~0xffn, (n) => n === 'CSIGNAL');
      const parts = [...fl, ...(sig !== 0n ? [enumName(arch, 'signal', sig)] : [])];
      return parts.length > 0 ? parts.join('|') : '0';
    }
    case 'cloneflags': {
      const fl = flagNames(arch, 'clone', v, (n) => n === 'CSIGNAL');
      return fl.length > 0 ? fl.join('|') : '0';
    }
    case 'nstype': return v === 0n ? '0' : flagNames(arch, 'clone', v, (n) => !n.startsWith('CLONE_NEW')).join('|');
    case 'prot': {
      if (v === 0n) return 'PROT_NONE';
      return flagNames(arch, 'prot', v, () => false).join('|');
    }
    case 'personality': {
      const t = constantGroup(arch, 'personality');
      if (v === 0xffffffffn) return '0xffffffff';
      const exact = t.list.find(([n, x]) => x === v && n.startsWith('PER_'));
      if (exact) return exact[0];
      const base = t.list.find(([n, x]) => x === (v & 0xffn) && n.startsWith('PER_'))?.[0] ?? hex(v & 0xffn);
      const fl = flagNames(arch, 'personality', v & ~0xffn, (n) => n.startsWith('PER_'));
      return ((v & 0xffn) === 0n && fl.length > 0 ? fl : [base, ...fl]).join('|');
    }
  }
}

/**
 * Parses a number or a symbolic value (`AF_INET`, `SOCK_STREAM|SOCK_CLOEXEC`, `0x80000`, `CLONE_NEWNS|SIGCHLD`) on an
 * architecture; undefined when a part is neither a number nor a known constant.
 */
export function parseArgValue(arch: ArchId, text: string): bigint | undefined {
  let v = 0n;
  for (const raw of text.split('|')) {
    const p = raw.trim();
    let x: bigint | undefined;
    if (/^-?(0x[0-9a-f]+|\d+)$/i.test(p)) x = p.startsWith('-') ? -BigInt(p.slice(1)) : BigInt(p);
    else x = constantValue(arch, p);
    if (x === undefined) return undefined;
    v |= BigInt.asUintN(64, x);
  }
  return v;
}
