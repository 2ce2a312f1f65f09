// The I/O half of lint's --profiles DIR check: finds and validates localhostProfile files under a directory that
// mirrors <kubelet-root>/seccomp/.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { UserError } from '../common/index.js';
import type { ProfileLookup } from './lint.js';
import { checkProfileText } from './profiles.js';

/** A cached lookup function for lintManifest over DIR. Paths resolving outside DIR count as missing. */
export function profileDirLookup(dir: string): (localhostProfile: string) => ProfileLookup {
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
        r = { found: true, errors: c.errors, ...(c.profile ? { defaultAction: c.profile.defaultAction } : {}) };
      }
    } catch {
      r = { found: false };
    }
    cache.set(lp, r);
    return r;
  };
}
