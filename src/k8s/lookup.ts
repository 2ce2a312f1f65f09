// The I/O half of lint's --profiles DIR check: finds and validates localhostProfile files under a directory that
// mirrors <kubelet-root>/seccomp/.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { UserError, type Diagnostic } from '../common/index.js';
import type { ProfileLookup } from './lint.js';
import { checkProfileText, type CheckedProfile } from './profiles.js';

/** Options for profileDirLookup. */
export interface ProfileDirOptions {
  /**
   * More checks on each profile that parsed (e.g. against a node's facts: the libseccomp runc was built with, the
   * kernel's actions). Their error-severity diagnostics make the profile SECCOMP_LOCALHOST_INVALID in lint.
   */
  readonly checkProfile?: (checked: CheckedProfile) => readonly Diagnostic[];
}

/** A cached lookup function for lintManifest over DIR. Paths resolving outside DIR count as missing. */
export function profileDirLookup(dir: string, opts: ProfileDirOptions = {}): (localhostProfile: string) => ProfileLookup {
  let root: string;
  try {
    root = realpathSync(dir);
    if (!statSync(root).isDirectory()) throw new UserError(`--profiles ${dir}: not a directory`);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`--profiles ${dir}: no such directory`);
  }
  const cache = new Map<string, ProfileLookup>();
  return (lp) => {
    const hit = cache.get(lp);
    if (hit) return hit;
    let r: ProfileLookup = { found: false };
    try {
      const real = realpathSync(join(root, lp));
      if ((real.startsWith(root + sep)) && statSync(real).isFile()) {
        const c = checkProfileText(readFileSync(real, 'utf8'), join(dir, lp), { asWritten: true });
        const extra = c.profile && opts.checkProfile ? opts.checkProfile(c).filter((d) => d.severity === 'error') : [];
        r = { found: true, errors: [...c.errors, ...extra], ...(c.profile ? { defaultAction: c.profile.defaultAction } : {}) };
      }
    } catch {
      r = { found: false };
    }
    cache.set(lp, r);
    return r;
  };
}
