// The reference evaluator: decides a verdict by walking the profile's rules (runc + libseccomp semantics),
// independently of the compiled program.
import type { Profile } from '../profile/index.js';
import type { ArchId, ArchInfo } from '../syscalls/index.js';
import { errnoOf, formatRet, kernelAction, type KernelAction } from './actions.js';
import type { SeccompData } from './emulate.js';
import { RET_ENOSYS, abiFor, condHolds, prepareProfile, type Cond, type FilterModel, type RuncRule, type TargetOptions } from './model.js';
import { argRuleOrder, effectiveConds } from './overlap.js';

/** Why a verdict came out as it did. */
export type VerdictReason = 'badarch' | 'enosys' | 'rule' | 'default';

/** A verdict with the part of the profile that decided it. */
export interface Verdict {
  /** The filter's 32-bit return value. */
  ret: number;
  action: KernelAction;
  /** `ERRNO(1)`, `ALLOW`… */
  text: string;
  /** The errno the task sees (ERRNO only). */
  errno?: number;
  reason: VerdictReason;
  /** The deciding rule (reason 'rule'). */
  rule?: RuncRule;
  /** The ABI that handled the call (absent for a bad arch). */
  abi?: ArchId;
}

const X32_BIT = 0x40000000;

function verdict(ret: number, reason: VerdictReason, extra: { rule?: RuncRule; abi?: ArchId | undefined } = {}): Verdict {
  const errno = errnoOf(ret);
  return {
    ret: ret >>> 0, action: kernelAction(ret), text: formatRet(ret), ...(errno !== undefined ? { errno } : {}), reason,
    ...(extra.rule ? { rule: extra.rule } : {}), ...(extra.abi ? { abi: extra.abi } : {}),
  };
}

/** runc's -ENOSYS stub for one audit arch: true when it answers ENOSYS before the libseccomp filter runs. */
function stubSaysEnosys(m: FilterModel, auditArch: number, nr: number): boolean {
  if (!m.stubMax) return false;
  const group = m.arches.filter((a) => a.auditArch === auditArch && m.stubMax!.has(a.id));
  const n = nr >>> 0;
  const bit = (n & X32_BIT) !== 0;
  if (group.length === 2) {
    return n > (bit ? m.stubMax.get('x32')! : m.stubMax.get('x86_64')!);
  }
  const a = group[0];
  if (!a) return false;
  const max = m.stubMax.get(a.id)!;
  if ((a.id === 's390' || a.id === 's390x') && n === 0) return true;
  if (a.id === 'x86_64' && bit) return false;
  if (a.id === 'x32' && !bit) return false;
  return n > max;
}

/** What the filter does for (arch, nr) before looking at arguments: a fixed return, or argument rules to test. */
export type Leaf =
  | { kind: 'ret'; ret: number; reason: VerdictReason; rule?: RuncRule; abi?: ArchId }
  | { kind: 'args'; abi: ArchInfo; nr: number; rules: readonly RuncRule[] };

/** Classifies (arch, nr): the part of the verdict that depends only on the arch and the syscall number. */
export function classify(m: FilterModel, auditArch: number, nr: number): Leaf {
  auditArch >>>= 0;
  nr >>>= 0;
  const group = m.arches.filter((a) => a.auditArch === auditArch);
  if (group.length === 0) return { kind: 'ret', ret: m.badArchRet, reason: 'badarch' };
  if (stubSaysEnosys(m, auditArch, nr)) return { kind: 'ret', ret: RET_ENOSYS, reason: 'enosys', abi: abiFor(m, auditArch, nr)!.id };
  const has = (id: ArchId): boolean => group.some((a) => a.id === id);
  // libseccomp's x86_64 filter without x32 refuses x32 numbers (but lets nr -1 through); x32 alone refuses the rest.
  if (has('x86_64') && !has('x32') && nr >= X32_BIT && nr !== 0xffffffff) return { kind: 'ret', ret: m.badArchRet, reason: 'badarch' };
  if (has('x32') && !has('x86_64') && nr < X32_BIT) return { kind: 'ret', ret: m.badArchRet, reason: 'badarch' };
  const abi = abiFor(m, auditArch, nr)!;
  const mine = m.rules.filter((r) => r.nrs.get(abi.id) === nr);
  // libseccomp: the first unconditional rule for a syscall wins over every other rule for it.
  const uncond = mine.find((r) => effectiveConds(r, abi).length === 0);
  if (uncond) return { kind: 'ret', ret: uncond.ret, reason: 'rule', rule: uncond, abi: abi.id };
  if (mine.length === 0) return { kind: 'ret', ret: m.defaultRet, reason: 'default', abi: abi.id };
  return { kind: 'args', abi, nr, rules: argRuleOrder(mine, abi) };
}

/** Evaluates a prepared model on one seccomp_data. */
export function evaluateModel(m: FilterModel, d: SeccompData): Verdict {
  const leaf = classify(m, d.arch, d.nr);
  if (leaf.kind === 'ret') {
    return verdict(leaf.ret, leaf.reason, { ...(leaf.rule ? { rule: leaf.rule } : {}), ...(leaf.abi ? { abi: leaf.abi } : {}) });
  }
  const args = d.args ?? [];
  const hit = leaf.rules.find((r) => effectiveConds(r, leaf.abi).every((c: Cond) => condHolds(c, args[c.index] ?? 0n, leaf.abi.bits)));
  if (hit) return verdict(hit.ret, 'rule', { rule: hit, abi: leaf.abi.id });
  return verdict(m.defaultRet, 'default', { abi: leaf.abi.id });
}

/** The verdict runc + libseccomp + the kernel give `profile` for one syscall, computed from the profile itself. */
export function evaluateProfile(profile: Profile, data: SeccompData, opts: TargetOptions = {}): Verdict {
  return evaluateModel(prepareProfile(profile, opts), data);
}
