// Merge (union) and diff of OCI profiles, per architecture.
import type { Diagnostic } from '../common/index.js';
import { normalizeProfile, type Action, type Profile, type SyscallArg, type SyscallRule } from '../profile/index.js';
import { ARCHES, hostArch, resolveArch, syscallNumber, type ArchId } from '../syscalls/index.js';
import { crossArch } from './generate.js';
import { describeArgConditions } from './args.js';

/** Actions from least to most restrictive (the kernel's precedence, reversed; KILL is KILL_THREAD). */
const PERMISSIVENESS: readonly Action[] = [
  'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE', 'SCMP_ACT_NOTIFY', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRAP',
  'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS',
];

/** Lower is less restrictive. */
export function restrictiveness(a: Action): number {
  const i = PERMISSIVENESS.indexOf(a);
  return i < 0 ? PERMISSIVENESS.length : i;
}

// valueTwo only means something for MASKED_EQ, where absent is 0.
const argText = (a: SyscallArg): string => a.op === 'SCMP_CMP_MASKED_EQ'
  ? `arg${a.index} & ${a.value} == ${a.valueTwo ?? 0n}`
  : `arg${a.index} ${a.op.replace('SCMP_CMP_', '')} ${a.value}`;

/** A rule as text: `SCMP_ACT_ERRNO(38) [arg0 EQ 1]`. */
export function describeRule(r: Pick<SyscallRule, 'action' | 'errnoRet' | 'args'>): string {
  // runc returns EPERM for ERRNO/TRACE without an errno (crun too): spell it out so equal meanings compare equal.
  const errno = r.errnoRet ?? (r.action === 'SCMP_ACT_ERRNO' || r.action === 'SCMP_ACT_TRACE' ? 1 : undefined);
  const e = errno !== undefined ? `(${errno})` : '';
  const args = r.args && r.args.length > 0 ? ` [${r.args.map(argText).join(', ')}]` : '';
  return `${r.action}${e}${args}`;
}

/** The result of a merge: the union profile and the conflicts that were resolved. */
export interface MergeResult {
  readonly profile: Profile;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * The union of profiles: a call any input allows is allowed. Architectures and flags are unioned. When inputs give
 * one syscall (or the default) different actions, the less restrictive wins and a warning says so; a syscall that
 * some input allows unconditionally loses its conditional rules in the others.
 */
export function mergeProfiles(profiles: readonly { profile: Profile; file: string }[]): MergeResult {
  if (profiles.length === 0) throw new Error('internal: mergeProfiles needs at least one profile');
  const diags: Diagnostic[] = [];
  // Default action: the least restrictive; errno from the first profile with that action.
  const first = profiles[0]!;
  let def = first;
  for (const p of profiles) if (restrictiveness(p.profile.defaultAction) < restrictiveness(def.profile.defaultAction)) def = p;
  const defaults = new Set(profiles.map((p) => describeRule({ action: p.profile.defaultAction, ...(p.profile.defaultErrnoRet !== undefined ? { errnoRet: p.profile.defaultErrnoRet } : {}) })));
  if (defaults.size > 1) {
    diags.push({
      code: 'MERGE_DEFAULT_CONFLICT', severity: 'warning',
      message: `the default actions differ (${[...defaults].join(' vs ')}); the less restrictive, ${describeRule({ action: def.profile.defaultAction, ...(def.profile.defaultErrnoRet !== undefined ? { errnoRet: def.profile.defaultErrnoRet } : {}) })} from ${def.file}, wins`,
    });
  }
  // Per syscall: rules keyed by their conditions.
  interface Entry { action: Action; errnoRet?: number; args?: SyscallArg[]; file: string }
  const byName = new Map<string, Map<string, Entry>>();
  const condKey = (args: SyscallArg[] | undefined): string =>
    (args ?? []).map((a) => `${a.index}:${a.op}:${a.value}:${a.valueTwo ?? ''}`).sort().join(',');
  const arches = [...new Set(profiles.flatMap((p) => p.profile.architectures ?? []))];
  // An input written for fewer arches than the union: on the others, the same libc calls make other syscalls
  // (mkdir → mkdirat on arm64). Add those counterparts with the rule's action, as generate --arch does.
  const targets = arches.map((t) => resolveArch(t)?.id).filter((a): a is ArchId => a !== undefined);
  const extra: { profile: Profile; file: string }[] = [];
  for (const { profile, file } of profiles) {
    const own = (profile.architectures ?? []).map((t) => resolveArch(t)?.id).filter((a): a is ArchId => a !== undefined);
    const from = own.length > 0 ? own : [hostArch().id];
    for (const r of profile.syscalls ?? []) {
      if ((r.args?.length ?? 0) > 0 || (r.action !== 'SCMP_ACT_ALLOW' && r.action !== 'SCMP_ACT_LOG')) continue;
      const add = crossArch(new Map(from.map((a) => [a, new Set(r.names)])), targets.filter((t) => !from.includes(t))).add;
      for (const n of r.names) add.delete(n);
      if (add.size > 0) extra.push({ profile: { defaultAction: profile.defaultAction, syscalls: [{ ...r, names: [...add].sort() }] }, file: `${file} (counterparts on other arches)` });
    }
  }
  for (const { profile, file } of [...profiles, ...extra]) {
    for (const r of profile.syscalls ?? []) {
      for (const n of r.names) {
        let m = byName.get(n);
        if (!m) byName.set(n, (m = new Map()));
        const k = condKey(r.args);
        const prev = m.get(k);
        const entry: Entry = { action: r.action, file, ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}), ...(r.args && r.args.length ? { args: r.args } : {}) };
        if (!prev) {
          m.set(k, entry);
        } else if (describeRule(prev) !== describeRule(entry)) {
          const winner = restrictiveness(entry.action) < restrictiveness(prev.action) ? entry : prev;
          diags.push({
            code: 'MERGE_ACTION_CONFLICT', severity: 'warning',
            message: `${n}${k ? ` with ${describeRule({ action: r.action, ...(r.args ? { args: r.args } : {}) }).replace(/^\S+ /, '')}` : ''}: ${describeRule(prev)} (${prev.file}) vs ${describeRule(entry)} (${file}); the less restrictive, ${describeRule(winner)}, wins`,
          });
          m.set(k, winner);
        }
      }
    }
  }
  const rules: SyscallRule[] = [];
  for (const [name, m] of byName) {
    const uncond = m.get('');
    for (const [k, e] of m) {
      if (k !== '' && uncond) {
        if (restrictiveness(e.action) < restrictiveness(uncond.action)) {
          diags.push({
            code: 'MERGE_CONDITION_DROPPED', severity: 'warning',
            message: `${name}: the conditional ${describeRule(e)} (${e.file}) is less restrictive than the unconditional ${describeRule(uncond)}; the unconditional rule becomes ${describeRule({ action: e.action, ...(e.errnoRet !== undefined ? { errnoRet: e.errnoRet } : {}) })}`,
          });
          uncond.action = e.action;
          if (e.errnoRet !== undefined) uncond.errnoRet = e.errnoRet;
          else delete uncond.errnoRet;
        }
        continue; // an unconditional rule covers every call (libseccomp drops conditional rules under it anyway)
      }
      rules.push({ names: [name], action: e.action, ...(e.errnoRet !== undefined ? { errnoRet: e.errnoRet } : {}), ...(e.args ? { args: e.args } : {}) });
    }
  }
  const flags = [...new Set(profiles.flatMap((p) => p.profile.flags ?? []))];
  const profile = normalizeProfile({
    defaultAction: def.profile.defaultAction,
    ...(def.profile.defaultErrnoRet !== undefined ? { defaultErrnoRet: def.profile.defaultErrnoRet } : {}),
    ...(arches.length > 0 ? { architectures: arches } : {}),
    flags,
    syscalls: rules,
  });
  return { profile, diagnostics: diags };
}

/** One syscall whose treatment differs between A and B on some arch. */
export interface ChangedSyscall {
  readonly name: string;
  readonly a: string;
  readonly b: string;
  /** Argument rules (conditional, symbolic) only in B / only in A, when both sides have some. */
  readonly argsAdded?: readonly string[];
  readonly argsRemoved?: readonly string[];
}

/** Differences on one set of architectures that share them. */
export interface ArchDiff {
  readonly arches: readonly string[];
  /** Whether A / B list these architectures (a process of an unlisted arch gets the bad-arch action: killed). */
  readonly inA: boolean;
  readonly inB: boolean;
  /** Allowed (unconditionally) in B, not in A. */
  readonly added: readonly string[];
  /** Allowed in A, not in B. */
  readonly removed: readonly string[];
  /** Action, errno or argument rules differ. */
  readonly changed: readonly ChangedSyscall[];
  /** How many syscalls each side allows unconditionally on these arches. */
  readonly allowedA: number;
  readonly allowedB: number;
}

/** The difference between two profiles. `same` is true when nothing below differs. */
export interface ProfileDiff {
  readonly same: boolean;
  readonly defaultAction?: { a: string; b: string };
  readonly architectures: { added: string[]; removed: string[] };
  readonly flags: { added: string[]; removed: string[] };
  readonly perArch: ArchDiff[];
}

const ALLOWING = new Set<Action>(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

/** A rule of one syscall as text, with symbolic argument conditions for the curated syscalls (`[domain == AF_INET]`). */
function describeRuleOf(name: string, r: SyscallRule, arch: ArchId): string {
  const sym = r.args && r.args.length > 0 ? describeArgConditions(name, r.args, arch) : undefined;
  return sym === undefined ? describeRule(r) : `${describeRule({ action: r.action, ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}) })} [${sym}]`;
}

/** How a profile treats each syscall of an arch: `default` or the sorted rule descriptions. */
function treatments(p: Profile, arch: ArchId): Map<string, string> {
  const m = new Map<string, string[]>();
  for (const r of p.syscalls ?? []) {
    for (const n of r.names) {
      if (syscallNumber(arch, n) === undefined) continue;
      const l = m.get(n) ?? [];
      l.push(describeRuleOf(n, r, arch));
      m.set(n, l);
    }
  }
  return new Map([...m].map(([n, l]) => [n, [...new Set(l)].sort().join('; ')]));
}

function allowedUnconditionally(t: string | undefined): boolean {
  if (t === undefined) return false;
  return t.split('; ').some((d) => !d.includes('[') && ALLOWING.has(d.replace(/\(.*$/, '') as Action));
}

function archIds(p: Profile, fallback: ArchId): ArchId[] {
  const list = (p.architectures ?? []).map((s) => resolveArch(s)?.id).filter((x): x is ArchId => x !== undefined);
  return list.length > 0 ? list : [fallback];
}

/** Compares two profiles per architecture (names absent on an arch are ignored there). */
export function diffProfiles(a: Profile, b: Profile, opts: { nativeArch?: ArchId } = {}): ProfileDiff {
  const native = opts.nativeArch ?? hostArch().id;
  const na = normalizeProfile(a);
  const nb = normalizeProfile(b);
  const archA = archIds(na, native);
  const archB = archIds(nb, native);
  const all = ARCHES.map((x) => x.id).filter((id) => archA.includes(id) || archB.includes(id));
  const defA = describeRule({ action: na.defaultAction, ...(na.defaultErrnoRet !== undefined ? { errnoRet: na.defaultErrnoRet } : {}) });
  const defB = describeRule({ action: nb.defaultAction, ...(nb.defaultErrnoRet !== undefined ? { errnoRet: nb.defaultErrnoRet } : {}) });
  const groups = new Map<string, { arches: string[]; d: Omit<ArchDiff, 'arches'> }>();
  for (const arch of all) {
    const ta = archA.includes(arch) ? treatments(na, arch) : new Map<string, string>();
    const tb = archB.includes(arch) ? treatments(nb, arch) : new Map<string, string>();
    const added: string[] = [];
    const removed: string[] = [];
    const changed: ChangedSyscall[] = [];
    let allowedA = 0;
    let allowedB = 0;
    for (const n of [...new Set([...ta.keys(), ...tb.keys()])].sort()) {
      const x = ta.get(n);
      const y = tb.get(n);
      const ax = allowedUnconditionally(x);
      const ay = allowedUnconditionally(y);
      if (ax) allowedA++;
      if (ay) allowedB++;
      if (ax && !ay && (y === undefined || !y.includes('['))) removed.push(n);
      else if (!ax && ay && (x === undefined || !x.includes('['))) added.push(n);
      // Unlisted on both sides is the default line's business; an explicit rule equal to the other side's default is no change.
      else if ((x ?? defA) !== (y ?? defB) && (x !== undefined || y !== undefined)) {
        const ra = new Set((x ?? '').split('; ').filter((d) => d.includes('[')));
        const rb = new Set((y ?? '').split('; ').filter((d) => d.includes('[')));
        const argSets = ra.size > 0 || rb.size > 0
          ? { argsAdded: [...rb].filter((d) => !ra.has(d)), argsRemoved: [...ra].filter((d) => !rb.has(d)) }
          : {};
        changed.push({ name: n, a: x ?? `default (${defA})`, b: y ?? `default (${defB})`, ...argSets });
      }
    }
    const d = { inA: archA.includes(arch), inB: archB.includes(arch), added, removed, changed, allowedA, allowedB };
    const key = JSON.stringify(d);
    const g = groups.get(key);
    const scmp = ARCHES.find((x) => x.id === arch)!.scmp;
    if (g) g.arches.push(scmp);
    else groups.set(key, { arches: [scmp], d });
  }
  const sa = new Set(na.architectures ?? []);
  const sb = new Set(nb.architectures ?? []);
  const fa = new Set(na.flags ?? []);
  const fb = new Set(nb.flags ?? []);
  const perArch = [...groups.values()].map((g) => ({ arches: g.arches, ...g.d }));
  const architectures = { added: [...sb].filter((x) => !sa.has(x)), removed: [...sa].filter((x) => !sb.has(x)) };
  const flags = { added: [...fb].filter((x) => !fa.has(x)), removed: [...fa].filter((x) => !fb.has(x)) };
  const same = defA === defB && architectures.added.length + architectures.removed.length + flags.added.length + flags.removed.length === 0 &&
    perArch.every((g) => g.added.length + g.removed.length + g.changed.length === 0);
  return { same, ...(defA !== defB ? { defaultAction: { a: defA, b: defB } } : {}), architectures, flags, perArch };
}
