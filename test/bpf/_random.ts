// Seeded random profiles and seccomp_data inputs for the differential tests.
import type { Profile, SyscallArg, SyscallRule, Action, Operator } from '../../src/profile/index.js';
import { archInfo, syscallNumber, syscallsOf, ARCHES, type ArchId } from '../../src/syscalls/index.js';
import { IPC_CALLS, SOCKETCALL_CALLS, type SeccompData } from '../../src/bpf/index.js';

/** mulberry32: small, seeded, good enough for test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Rand {
  readonly next: () => number;
  constructor(seed: number) { this.next = rng(seed); }
  int(n: number): number { return Math.floor(this.next() * n); }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
  u32(): number { return this.int(0x100000000); }
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
}

const M64 = (1n << 64n) - 1n;
/** Argument values where 32/64-bit and signed/unsigned comparisons go wrong. */
export const BOUNDARY: readonly bigint[] = [
  0n, 1n, 2n, 40n, 0x7fn, 0xffn, 0x7fffffffn, 0x80000000n, 0xfffffffen, 0xffffffffn, 0x100000000n, 0x100000001n,
  0x1ffffffffn, 0x7fffffffffffffffn, 0x8000000000000000n, 0xffffffff00000000n, 0xffffffff80000000n, M64 - 1n, M64,
];

const ACTS: readonly Action[] = ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_TRAP', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE', 'SCMP_ACT_KILL_THREAD'];
const OPS: readonly Operator[] = ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'];

const MUX_NAMES = ['socket', 'bind', 'connect', 'listen', 'accept', 'accept4', 'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'setsockopt',
  'getsockopt', 'shutdown', 'socketpair', 'semop', 'semget', 'semctl', 'semtimedop', 'msgsnd', 'msgrcv', 'msgget', 'shmat', 'shmget', 'shmctl'];

/** Compat arches per native arch, plus a foreign one now and then. */
export const NATIVES: readonly ArchId[] = ['x86_64', 'x86_64', 'x86_64', 'aarch64', 'x86', 'arm', 's390x', 'ppc64le', 'riscv64'];

function value(r: Rand): bigint {
  if (r.chance(0.6)) return r.pick(BOUNDARY);
  return r.chance(0.5) ? BigInt(r.int(4096)) : r.u64();
}

/** A random profile over `pool` (names whose numbers libseccomp and our tables agree on). */
export function randomProfile(r: Rand, native: ArchId, pool: readonly string[]): Profile {
  const compat = archInfo(native).compat;
  const archs = new Set<string>();
  for (const c of compat) if (r.chance(0.6)) archs.add(archInfo(c).scmp);
  if (r.chance(0.15)) archs.add(r.pick(ARCHES.filter((a) => ['x86_64', 'aarch64', 'arm', 'x86', 's390x'].includes(a.id))).scmp);
  if (r.chance(0.3)) archs.add(archInfo(native).scmp);
  const defaultAction = r.pick(ACTS);
  const p: Profile = { defaultAction, ...(archs.size ? { architectures: [...archs] } : {}) };
  if (defaultAction === 'SCMP_ACT_ERRNO' && r.chance(0.7)) p.defaultErrnoRet = r.pick([1, 13, 38, 95]);
  const rules: SyscallRule[] = [];
  const nRules = 1 + r.int(14);
  // A few names per profile, reused across rules so several rules hit one syscall.
  const names = Array.from({ length: 2 + r.int(12) }, () => r.pick(pool));
  // Socket and SysV IPC calls exercise libseccomp's socketcall/ipc multiplexing on x86, s390x and ppc64le.
  const mux = MUX_NAMES.filter((n) => pool.includes(n));
  if (mux.length && r.chance(0.5)) for (let i = 1 + r.int(3); i > 0; i--) names.push(r.pick(mux));
  for (let i = 0; i < nRules; i++) {
    const action = r.pick(ACTS);
    const rule: SyscallRule = { names: [...new Set(Array.from({ length: 1 + r.int(3) }, () => r.pick(names)))], action };
    if ((action === 'SCMP_ACT_ERRNO' || action === 'SCMP_ACT_TRACE') && r.chance(0.7)) rule.errnoRet = r.pick([1, 2, 13, 22, 38, 4095]);
    if (r.chance(0.55)) {
      const args: SyscallArg[] = [];
      const n = 1 + r.int(3);
      for (let j = 0; j < n; j++) {
        const op = r.pick(OPS);
        const index = r.chance(0.3) && args.length ? args[0]!.index : r.int(6);
        if (op === 'SCMP_CMP_MASKED_EQ') {
          const mask = value(r);
          const v2 = r.chance(0.7) ? mask & value(r) : value(r);
          args.push({ index, op, value: mask, valueTwo: v2 });
        } else {
          args.push({ index, op, value: value(r) });
        }
      }
      rule.args = args;
    }
    rules.push(rule);
  }
  p.syscalls = rules;
  return p;
}

/** Random seccomp_data for a profile: its own syscalls mostly, with boundary numbers, args and foreign arches. */
export function randomInput(r: Rand, p: Profile, native: ArchId): SeccompData {
  const archIds = [native, ...(p.architectures ?? []).map((t) => ARCHES.find((a) => a.scmp === t)!.id)];
  const roll = r.next();
  let abi: ArchId = r.pick(archIds);
  let arch = archInfo(abi).auditArch;
  if (roll < 0.05) { arch = r.chance(0.5) ? r.u32() : r.pick(ARCHES).auditArch; abi = 'x86_64'; }
  const names = (p.syscalls ?? []).flatMap((x) => x.names);
  let nr: number;
  const n2 = r.next();
  const mux = ['socketcall', 'ipc'].map((m) => syscallNumber(abi, m)).filter((x): x is number => x !== undefined);
  if (n2 < 0.12 && mux.length) nr = r.pick(mux);
  else if (n2 < 0.6) nr = syscallNumber(abi, r.pick(names)) ?? r.int(500);
  else if (n2 < 0.8) nr = r.pick([...syscallsOf(abi).values()]);
  else nr = r.pick([0, 1, 0xffffffff, 0x40000000, 0x40000000 + r.int(600), 0x3fffffff, 0x80000000, 0xc0000000 + r.int(5), r.int(1000), r.u32()]);
  const args: bigint[] = [];
  const calls = names.map((n) => SOCKETCALL_CALLS[n] ?? IPC_CALLS[n]).filter((x): x is number => x !== undefined);
  const muxArg0 = !mux.includes(nr) ? undefined : calls.length && r.chance(0.7) ? BigInt(r.pick(calls)) : BigInt(r.int(26));
  const datums = (p.syscalls ?? []).flatMap((x) => (x.args ?? []).flatMap((a) => [a.value, a.valueTwo ?? 0n]));
  for (let i = 0; i < 6; i++) {
    const c = r.next();
    let v: bigint;
    if (c < 0.4 && datums.length) v = r.pick(datums) + BigInt(r.int(3) - 1);
    else if (c < 0.8) v = r.pick(BOUNDARY);
    else v = r.u64();
    args.push(BigInt.asUintN(64, i === 0 && muxArg0 !== undefined ? muxArg0 : v));
  }
  return { nr, arch, args, ip: r.u64() };
}
