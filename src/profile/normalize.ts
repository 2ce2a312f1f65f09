// Canonical OCI form: one way to write each profile, so equal profiles print equal bytes.
import { isKnownSyscall, resolveArch, syscallNumber, type ArchId } from '../syscalls/index.js';
import type { Profile, SyscallArg, SyscallRule } from './types.js';

const byStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byBig = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

function cmpArg(a: SyscallArg, b: SyscallArg): number {
  return a.index - b.index || byStr(a.op, b.op) || byBig(a.value, b.value) || byBig(a.valueTwo ?? -1n, b.valueTwo ?? -1n);
}

/** The identity of a rule apart from its names: action, errno and the (sorted) conditions. */
export function ruleKey(r: SyscallRule): string {
  const args = [...(r.args ?? [])].sort(cmpArg).map((a) => `${a.index}:${a.op}:${a.value}:${a.valueTwo ?? ''}`).join(',');
  return `${r.action}|${r.errnoRet ?? ''}|${args}`;
}

/** runc's and libseccomp's action value for comparisons: KILL is KILL_THREAD; ERRNO/TRACE carry the errno (EPERM default). */
function actionKey(action: string, errno: number | undefined): string {
  const a = action === 'SCMP_ACT_KILL' ? 'SCMP_ACT_KILL_THREAD' : action;
  return a === 'SCMP_ACT_ERRNO' || a === 'SCMP_ACT_TRACE' ? `${a}(${errno ?? 1})` : a;
}

/**
 * Per syscall, the index of the rule that decides it on its own: the first unconditional rule whose action differs
 * from the default (runc skips rules equal to the default). libseccomp keeps that rule, drops later unconditional
 * rules for the syscall and every conditional one (db.c: an unconditional rule clears the argument chains).
 */
function deciding(p: Profile): Map<string, number> {
  const def = actionKey(p.defaultAction, p.defaultErrnoRet);
  const out = new Map<string, number>();
  (p.syscalls ?? []).forEach((r, i) => {
    if ((r.args?.length ?? 0) > 0 || actionKey(r.action, r.errnoRet) === def) return;
    for (const n of r.names) if (!out.has(n)) out.set(n, i);
  });
  return out;
}

/**
 * The canonical OCI form: names sorted and deduplicated; rules with the same action, errno and conditions merged;
 * conditions sorted (index, op, value); rules sorted (unconditional first, then by action, errno, conditions);
 * `flags` always present (`[]` when absent: an absent key would turn on SPEC_ALLOW); architectures sorted and
 * deduplicated; empty rules dropped; `args: []` dropped; a syscall that an unconditional rule decides is removed
 * from every other rule (libseccomp ignores those: see `deciding`), so reordering never changes the meaning.
 */
export function normalizeProfile(p: Profile): Profile {
  const out: Profile = { defaultAction: p.defaultAction };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  if (p.architectures !== undefined) out.architectures = [...new Set(p.architectures)].sort(byStr);
  out.flags = [...new Set(p.flags ?? [])].sort(byStr);
  if (p.listenerPath !== undefined) out.listenerPath = p.listenerPath;
  if (p.listenerMetadata !== undefined) out.listenerMetadata = p.listenerMetadata;
  if (p.syscalls === undefined) return out;
  const groups = new Map<string, { rule: SyscallRule; names: Set<string> }>();
  const winners = deciding(p);
  for (const [i, orig] of p.syscalls.entries()) {
    // Names another rule decides (see `deciding`) do nothing here: dropping them keeps the meaning in any order.
    const r = { ...orig, names: orig.names.filter((n) => (winners.get(n) ?? i) === i) };
    if (r.names.length === 0) continue;
    const k = ruleKey(r);
    let g = groups.get(k);
    if (!g) {
      const rule: SyscallRule = { names: [], action: r.action };
      if (r.errnoRet !== undefined) rule.errnoRet = r.errnoRet;
      if (r.args !== undefined && r.args.length > 0) {
        // Identical conditions are redundant in an AND and in an OR alike.
        const seen = new Set<string>();
        rule.args = [...r.args].sort(cmpArg).filter((a) => {
          const key = `${a.index}:${a.op}:${a.value}:${a.valueTwo ?? ''}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        }).map((a) => ({ ...a }));
      }
      g = { rule, names: new Set() };
      groups.set(k, g);
    }
    for (const n of r.names) g.names.add(n);
  }
  const keyed = [...groups.entries()].map(([key, g]) => ({ key, rule: { ...g.rule, names: [...g.names].sort(byStr) } }));
  keyed.sort((a, b) => (a.rule.args ? 1 : 0) - (b.rule.args ? 1 : 0) || byStr(a.key, b.key) || byStr(a.rule.names[0] ?? '', b.rule.names[0] ?? ''));
  out.syscalls = keyed.map((k) => k.rule);
  return out;
}

/**
 * Removes the names that exist on none of the profile's architectures (Linux 6.12 tables): libseccomp adds nothing
 * for them, so the filter is unchanged. Used after expanding a multi-arch Docker profile for one arch, whose
 * `recv`, `pciconfig_read`… belong to other arches. Names unknown everywhere are kept (validate reports them).
 */
export function pruneForArches(p: Profile): { profile: Profile; dropped: string[] } {
  const arches = (p.architectures ?? []).map((t) => resolveArch(t)?.id).filter((a): a is ArchId => a !== undefined);
  if (arches.length === 0 || p.syscalls === undefined) return { profile: p, dropped: [] };
  const dropped = new Set<string>();
  const keep = (n: string): boolean => {
    if (!isKnownSyscall(n) || arches.some((a) => syscallNumber(a, n) !== undefined)) return true;
    dropped.add(n);
    return false;
  };
  const syscalls = p.syscalls.map((r) => ({ ...r, names: r.names.filter(keep) })).filter((r) => r.names.length > 0);
  return { profile: { ...p, syscalls }, dropped: [...dropped].sort() };
}
