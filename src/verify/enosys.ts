// verify's verdict policy for ENOSYS: a call the profile answers ENOSYS through its own unconditional rule for that
// syscall (RuntimeDefault's clone3) is the profile's deliberate answer — callers treat it as "not implemented" and
// fall back (glibc retries clone3 as clone) — so it is listed but not counted as a denial. advise uses the same names.
import type { Profile } from '../profile/index.js';

/**
 * Syscalls the profile itself answers ENOSYS by an unconditional rule of their own (RuntimeDefault's clone3: its flags
 * are in memory seccomp cannot read). runc drops such a rule when the default action is the same (CRI-O's ENOSYS
 * default), so this reads the profile, not the compiled model.
 */
export function deliberateEnosysNames(profile: Profile): Set<string> {
  const out = new Set<string>();
  const defaultErrno = profile.defaultErrnoRet;
  for (const r of profile.syscalls ?? []) {
    if (r.action !== 'SCMP_ACT_ERRNO' || (r.args && r.args.length > 0)) continue;
    if ((r.errnoRet ?? defaultErrno) === 38) for (const n of r.names) out.add(n);
  }
  return out;
}

/** Verify's denials split into the ones a profile answers ENOSYS on purpose (an explicit rule, e.g. RuntimeDefault's clone3) and the rest. */
export interface DenialSplit<D> {
  /** Answered ENOSYS by an explicit rule for that syscall: the caller sees "not implemented" and falls back (glibc: clone3 → clone). */
  deliberate: D[];
  other: D[];
}

/**
 * Splits verify's denials: a call answered ENOSYS by the profile's own unconditional rule for that syscall is the
 * profile's deliberate answer, not a denial to fix.
 */
export function splitDeliberateEnosys<D extends { name: string | undefined; errno?: number }>(profile: Profile, denials: readonly D[]): DenialSplit<D> {
  const names = deliberateEnosysNames(profile);
  const out: DenialSplit<D> = { deliberate: [], other: [] };
  for (const d of denials) (d.errno === 38 && d.name !== undefined && names.has(d.name) ? out.deliberate : out.other).push(d);
  return out;
}
