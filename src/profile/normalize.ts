// Canonical OCI form: one way to write each profile, so equal profiles print equal bytes.
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

/**
 * The canonical OCI form: names sorted and deduplicated; rules with the same action, errno and conditions merged;
 * conditions sorted (index, op, value); rules sorted (unconditional first, then by action, errno, conditions);
 * `flags` always present (`[]` when absent: an absent key would turn on SPEC_ALLOW); architectures sorted and
 * deduplicated; empty rules dropped; `args: []` dropped. Equal meaning except for one case documented in
 * docs/profile.md: if the same syscall has unconditional rules with different actions (a CONTRADICTORY_RULES
 * finding), libseccomp keeps the first, and reordering can change which one that is.
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
  for (const r of p.syscalls) {
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
