// The runc + libseccomp reading of an OCI profile, shared by the reference evaluator and the compiler:
// which arches the filter has, the action values, the rules runc hands to libseccomp (in order), runc's ENOSYS stub.
import { UserError } from '../common/index.js';
import { ACTIONS, OPERATORS, type Operator, type Profile } from '../profile/index.js';
import { hostArch, resolveArch, syscallNumber, isKnownSyscall, type ArchId, type ArchInfo } from '../syscalls/index.js';
import { ENOSYS, RET, actionValue } from './actions.js';
import { disjoint, effectiveConds, mergeHazards, nestedRefusal, sameConds } from './overlap.js';

/** A profile feature the compiler cannot express exactly; named, never approximated. Exit 2. */
export class UnsupportedFeatureError extends UserError {
  readonly feature: string;
  constructor(feature: string, detail: string) {
    super(`cannot compile exactly: ${feature}: ${detail}`);
    this.feature = feature;
  }
}

/** One argument condition as libseccomp receives it (MASKED_EQ: `(arg & value) == valueTwo`). */
export interface Cond {
  index: number;
  op: Operator;
  value: bigint;
  valueTwo: bigint;
  /** JSON path in the profile, e.g. `syscalls[2].args[0]`. */
  path: string;
}

/** One rule as runc adds it to libseccomp: one syscall name, one action, a conjunction of conditions. */
export interface RuncRule {
  /** `syscalls[i]` of the profile rule it came from. */
  path: string;
  /** `syscalls[i].names[j]`. */
  namePath: string;
  name: string;
  /** The filter return value (action | data). */
  ret: number;
  /** Empty: unconditional. */
  conds: Cond[];
  /** The number of `name` on each filter arch where it exists (x32 numbers include the x32 bit). */
  nrs: ReadonlyMap<ArchId, number>;
  /** Set when libseccomp derived this rule for the multiplexer (`socketcall`/`ipc`) from a rule on `via`. */
  via?: string;
}

/** Arches where libseccomp also filters socket and SysV IPC calls made through socketcall(2)/ipc(2). */
export const MUX_ARCHES: ReadonlySet<ArchId> = new Set<ArchId>(['x86', 'mips', 'mipsel', 'ppc', 'ppc64', 'ppc64le', 's390', 's390x']);
/** socketcall(2) call numbers (include/uapi/linux/net.h). */
export const SOCKETCALL_CALLS: Readonly<Record<string, number>> = {
  socket: 1, bind: 2, connect: 3, listen: 4, accept: 5, getsockname: 6, getpeername: 7, socketpair: 8, send: 9, recv: 10,
  sendto: 11, recvfrom: 12, shutdown: 13, setsockopt: 14, getsockopt: 15, sendmsg: 16, recvmsg: 17, accept4: 18,
  recvmmsg: 19, sendmmsg: 20,
};
/** ipc(2) call numbers (include/uapi/linux/ipc.h). */
export const IPC_CALLS: Readonly<Record<string, number>> = {
  semop: 1, semget: 2, semctl: 3, semtimedop: 4, msgsnd: 11, msgrcv: 12, msgget: 13, msgctl: 14, shmat: 21, shmdt: 22,
  shmget: 23, shmctl: 24,
};

/** Everything needed to decide a verdict or emit a program for one native arch. */
export interface FilterModel {
  /** The machine's arch (runc always adds it to the filter). */
  native: ArchInfo;
  /** Filter arches: native first, then the profile's, without repeats. */
  arches: readonly ArchInfo[];
  defaultRet: number;
  /** libseccomp's default bad-arch action, which runc keeps: KILL_THREAD. */
  badArchRet: number;
  /** Rules in the order runc adds them (rules equal to the default action and unknown names left out). */
  rules: readonly RuncRule[];
  /** runc's -ENOSYS stub: the highest named syscall number per arch (arches with none are absent), or null when runc adds no stub. */
  stubMax: ReadonlyMap<ArchId, number> | null;
  /** Syscall names runc would skip because no architecture knows them (JSON paths). */
  skippedNames: readonly string[];
  /** Rule pairs libseccomp ≤ 2.6.0 is known to merge wrongly (see mergeHazards); the written semantics are compiled. */
  hazards: readonly MergeHazard[];
}

/** Two conditional rules for one syscall that compare the same argument with a range or NE test. */
export interface MergeHazard {
  arch: ArchId;
  name: string;
  rules: [string, string];
  index: number;
}

/** Options shared by compile, evaluate and check. */
export interface TargetOptions {
  /** The native architecture of the machine runc runs on (any spelling resolveArch accepts; default: this machine's). */
  arch?: string;
}

/** The ENOSYS return value runc's stub uses. */
export const RET_ENOSYS = (RET.ERRNO | ENOSYS) >>> 0;

const MAX_U64 = (1n << 64n) - 1n;

/** Resolves the native arch option. */
export function nativeArch(opts: TargetOptions): ArchInfo {
  if (opts.arch === undefined) return hostArch();
  const a = resolveArch(opts.arch);
  if (!a) throw new UserError(`unknown architecture "${opts.arch}"`);
  return a;
}

const cache = new WeakMap<Profile, Map<string, FilterModel>>();

/** Reads a profile the way runc 1.x + libseccomp do. Throws UserError for what runc refuses. */
export function prepareProfile(profile: Profile, opts: TargetOptions = {}): FilterModel {
  const native = nativeArch(opts);
  let perArch = cache.get(profile);
  const hit = perArch?.get(native.id);
  if (hit) return hit;
  const m = buildModel(profile, native);
  if (!perArch) cache.set(profile, (perArch = new Map()));
  perArch.set(native.id, m);
  return m;
}

function buildModel(profile: Profile, native: ArchInfo): FilterModel {
  if (!(ACTIONS as readonly string[]).includes(profile.defaultAction)) {
    throw new UserError(`defaultAction: "${String(profile.defaultAction)}" is not a seccomp action`);
  }
  if (profile.defaultAction === 'SCMP_ACT_NOTIFY') throw new UserError('defaultAction: SCMP_ACT_NOTIFY cannot be the default action (runc refuses it)');
  const arches: ArchInfo[] = [native];
  (profile.architectures ?? []).forEach((t, i) => {
    const a = resolveArch(t);
    if (!a || !/^SCMP_ARCH_/.test(t)) throw new UserError(`architectures[${i}]: "${t}" is not a valid arch for seccomp (use e.g. SCMP_ARCH_X86_64)`);
    if (a.endian !== native.endian) {
      throw new UserError(`architectures[${i}]: ${a.scmp} is ${a.endian}-endian but the native ${native.scmp} is ${native.endian}-endian; libseccomp refuses to mix byte orders in one filter (EDOM), so runc fails`);
    }
    if (!arches.includes(a)) arches.push(a);
  });
  const defaultRet = checkedValue(profile.defaultAction, profile.defaultErrnoRet, 'defaultErrnoRet');
  const rules: RuncRule[] = [];
  const skippedNames: string[] = [];
  const allNames: string[] = [];
  (profile.syscalls ?? []).forEach((r, i) => {
    const path = `syscalls[${i}]`;
    if (!(ACTIONS as readonly string[]).includes(r.action)) throw new UserError(`${path}.action: "${String(r.action)}" is not a seccomp action`);
    const ret = checkedValue(r.action, r.errnoRet, `${path}.errnoRet`);
    const conds: Cond[] = (r.args ?? []).map((a, j) => {
      const p = `${path}.args[${j}]`;
      if (!Number.isInteger(a.index) || a.index < 0 || a.index > 5) throw new UserError(`${p}.index: ${a.index} is out of range (0..5)`);
      if (!(OPERATORS as readonly string[]).includes(a.op)) throw new UserError(`${p}.op: "${String(a.op)}" is not a comparison operator`);
      const value = BigInt(a.value);
      const valueTwo = BigInt(a.valueTwo ?? 0n);
      if (value < 0n || value > MAX_U64 || valueTwo < 0n || valueTwo > MAX_U64) throw new UserError(`${p}: values must be uint64`);
      return { index: a.index, op: a.op, value, valueTwo, path: p };
    });
    // runc: two conditions on one index turn every condition of the rule into its own rule (OR).
    const counts = new Map<number, number>();
    for (const c of conds) counts.set(c.index, (counts.get(c.index) ?? 0) + 1);
    const split = [...counts.values()].some((n) => n > 1);
    const groups = conds.length === 0 ? [[]] : split ? conds.map((c) => [c]) : [conds];
    r.names.forEach((name, j) => {
      const namePath = `${path}.names[${j}]`;
      if (name === '') throw new UserError(`${namePath}: empty string is not a valid syscall`);
      if (r.action === 'SCMP_ACT_NOTIFY' && name === 'write') throw new UserError(`${namePath}: SCMP_ACT_NOTIFY cannot be used for write (runc refuses it)`);
      if (!isKnownSyscall(name)) { skippedNames.push(namePath); return; }
      allNames.push(name);
      if (ret === defaultRet) return; // runc skips rules equal to the default action
      const nrs = new Map<ArchId, number>();
      for (const a of arches) {
        const n = syscallNumber(a.id, name);
        if (n !== undefined) nrs.set(a.id, n);
      }
      for (const g of groups) {
        rules.push({ path, namePath, name, ret, conds: g, nrs });
        // libseccomp (arch_filter_rule_add → *_rule_add): on multiplexing arches a rule on a socket or SysV IPC call
        // also filters socketcall/ipc with arg0 == the call number; the rule's own arg0 test is dropped there.
        const mux = name in SOCKETCALL_CALLS ? 'socketcall' : name in IPC_CALLS ? 'ipc' : undefined;
        if (mux === undefined) continue;
        const call = BigInt((mux === 'socketcall' ? SOCKETCALL_CALLS : IPC_CALLS)[name]!);
        const muxNrs = new Map<ArchId, number>();
        for (const a of arches) {
          const n = MUX_ARCHES.has(a.id) ? syscallNumber(a.id, mux) : undefined;
          if (n !== undefined) muxNrs.set(a.id, n);
        }
        if (muxNrs.size === 0) continue;
        const first: Cond = { index: 0, op: 'SCMP_CMP_EQ', value: call, valueTwo: 0n, path: `${namePath} (${mux} call ${call})` };
        rules.push({ path, namePath, name: mux, ret, conds: [first, ...g.filter((c) => c.index !== 0)], nrs: muxNrs, via: name });
      }
    });
  });
  const stubMax = needsStub(profile) ? stubMaxima(arches, allNames) : null;
  const model: FilterModel = { native, arches, defaultRet, badArchRet: RET.KILL_THREAD, rules, stubMax, skippedNames, hazards: [] };
  (model.hazards as MergeHazard[]).push(...mergeHazards(model));
  checkExpressible(model);
  return model;
}

// libseccomp refuses SCMP_ACT_ERRNO data at or above MAX_ERRNO (4095) with EINVAL, which fails runc.
function checkedValue(action: Profile['defaultAction'], errno: number | undefined, path: string): number {
  if (errno !== undefined && (!Number.isInteger(errno) || errno < 0)) throw new UserError(`${path}: ${errno} is not a valid errno`);
  const v = actionValue(action, errno);
  if (action === 'SCMP_ACT_ERRNO' && (v & 0xffff) >= 4095) {
    throw new UserError(`${path}: errno ${errno} is refused by libseccomp (it must be below 4095 after runc keeps its low 16 bits), so runc would fail to load the profile`);
  }
  return v;
}

// runc's generatePatch: no stub for allow-like defaults (and for a defaultErrnoRet equal to the whole ENOSYS action value).
function needsStub(p: Profile): boolean {
  if (p.defaultErrnoRet !== undefined && p.defaultErrnoRet === RET_ENOSYS) return false;
  return !['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE'].includes(p.defaultAction);
}

/**
 * The number runc's stub sees for a name (libseccomp `GetSyscallFromNameByArch`): libseccomp 2.5.4 resolves socket
 * and SysV IPC calls on multiplexing arches to socketcall/ipc (e.g. socket → 102 on x86, not 359).
 */
export function stubNumber(a: ArchId, name: string): number | undefined {
  if (MUX_ARCHES.has(a)) {
    if (name in SOCKETCALL_CALLS) return syscallNumber(a, 'socketcall');
    if (name in IPC_CALLS) return syscallNumber(a, 'ipc');
  }
  return syscallNumber(a, name);
}

function stubMaxima(arches: readonly ArchInfo[], names: readonly string[]): Map<ArchId, number> {
  const out = new Map<ArchId, number>();
  for (const a of arches) {
    let max = 0;
    for (const n of names) max = Math.max(max, stubNumber(a.id, n) ?? 0);
    if (max > 0) out.set(a.id, max);
  }
  return out;
}

/** The bits a condition sees on this arch: 32-bit arches compare the low word only (datum truncated too). */
export function argWidth(a: ArchInfo): 32 | 64 {
  return a.bits;
}

/** Whether one condition holds for an argument value, as the generated BPF tests it on an arch of `width` bits. */
export function condHolds(c: Cond, arg: bigint, width: 32 | 64): boolean {
  const w = BigInt(width);
  const x = BigInt.asUintN(width, arg);
  const v = BigInt.asUintN(Number(w), c.value);
  switch (c.op) {
    case 'SCMP_CMP_EQ': return x === v;
    case 'SCMP_CMP_NE': return x !== v;
    case 'SCMP_CMP_LT': return x < v;
    case 'SCMP_CMP_LE': return x <= v;
    case 'SCMP_CMP_GT': return x > v;
    case 'SCMP_CMP_GE': return x >= v;
    // libseccomp 2.5.4 masks the datum too (_db_node_mask_fixup): (arg & mask) == (datum & mask).
    case 'SCMP_CMP_MASKED_EQ': return (x & v) === (BigInt.asUintN(width, c.valueTwo) & v);
  }
}

/** Which filter arch (ABI) handles a seccomp_data (arch, nr), given the filter's arches; undefined = bad arch. */
export function abiFor(model: FilterModel, auditArch: number, nr: number): ArchInfo | undefined {
  const group = model.arches.filter((a) => a.auditArch === auditArch >>> 0);
  if (group.length <= 1) return group[0];
  // x86_64 and x32 share AUDIT_ARCH_X86_64: libseccomp merges them and tells them apart by the x32 bit.
  return group.find((a) => (a.id === 'x32') === ((nr >>> 0) >= 0x40000000)) ?? group[0];
}

// Per (arch, syscall), conditional rules with different actions must not overlap: libseccomp's result would then
// depend on its tree layout (or it refuses the rule with EEXIST). We accept them when provably disjoint, and nested
// ranges on one argument that libseccomp orders the same way whatever the rule order (see nestedRefusal in overlap.ts).
function checkExpressible(m: FilterModel): void {
  for (const a of m.arches) {
    const byNr = new Map<number, RuncRule[]>();
    for (const r of m.rules) {
      const n = r.nrs.get(a.id);
      if (n === undefined) continue;
      const l = byNr.get(n) ?? [];
      l.push(r);
      byNr.set(n, l);
    }
    for (const all of byNr.values()) {
      // Conditional rules added before the first unconditional one still go through libseccomp's tree merge
      // (which may fail with EEXIST); those after it are dropped.
      const u = all.findIndex((r) => effectiveConds(r, a).length === 0);
      const rs = u < 0 ? all : all.slice(0, u);
      for (let i = 0; i < rs.length; i++) {
        for (let j = i + 1; j < rs.length; j++) {
          const x = rs[i]!;
          const y = rs[j]!;
          if (x.ret === y.ret) continue;
          if (sameConds(effectiveConds(x, a), effectiveConds(y, a), a.bits)) {
            throw new UserError(`${x.path} and ${y.path} give ${x.name} the same argument conditions with different actions on ${a.scmp}: libseccomp refuses the second rule (EEXIST), so runc fails to load the profile. Keep one of them`);
          }
          if (disjoint(effectiveConds(x, a), effectiveConds(y, a), a.bits)) continue;
          const why = nestedRefusal(x, y, rs, a);
          if (why === null) continue;
          throw new UnsupportedFeatureError('overlapping argument rules with different actions',
            `${x.path} and ${y.path} both can match ${x.name} on ${a.scmp} with different actions; ${why}`);
        }
      }
    }
  }
}
