// kernel.printk_ratelimit = 0 while recording from the kernel log, restored afterwards, shared safely between
// concurrent seccompctl runs: the first holder saves the value, the last one restores it.
//
// The shared state (`/run/seccompctl/printk-ratelimit.json`: the original value and the holders' pids) is changed only
// under an exclusive flock(2) on `/run/seccompctl/printk-ratelimit.lock`, held by util-linux `flock` around a short
// Node child that does the read-modify-write: the kernel drops the lock when its holder dies, so a `kill -9` at any
// moment leaves no stale lock. The state file is replaced atomically (temporary file + rename), so it is never torn;
// holders that died without releasing (kill -9) are dropped by the next run, which restores the saved original when
// it is the last one.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { EnvironmentError } from '../common/index.js';
import { registerCleanup } from './cleanup.js';

/** Where the sysctl, the shared state and the lock live (tests point them elsewhere). */
export interface PrintkPaths {
  sysctl: string;
  dir: string;
}

const DEFAULT_PATHS: PrintkPaths = { sysctl: '/proc/sys/kernel/printk_ratelimit', dir: '/run/seccompctl' };

// Runs under the lock: argv = [mode, pid, sysctl, dir]. Prints nothing on success; exits non-zero with a message.
const CRITICAL = String.raw`
const fs = require('node:fs');
const [mode, pidText, sysctl, dir] = process.argv.slice(1);
const me = Number(pidText);
const state = dir + '/printk-ratelimit.json';
const alive = (p) => { try { process.kill(p, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
let st;
try {
  const o = JSON.parse(fs.readFileSync(state, 'utf8'));
  if (typeof o.original === 'string' && /^\d+$/.test(o.original) && Array.isArray(o.holders)) st = o;
} catch { /* none, or unreadable: start over */ }
const write = (o) => {
  const tmp = state + '.' + process.pid + '.tmp';
  fs.writeFileSync(tmp, JSON.stringify(o));
  fs.renameSync(tmp, state);
};
if (mode === 'acquire') {
  const holders = (st ? st.holders : []).filter((p) => p !== me && alive(p));
  // A state file left by holders that died still has the value to restore (the sysctl itself reads 0 now).
  const original = st ? st.original : fs.readFileSync(sysctl, 'utf8').trim();
  write({ original, holders: [...holders, me] });
  fs.writeFileSync(sysctl, '0');
} else {
  if (!st) process.exit(0);
  const holders = st.holders.filter((p) => p !== me && alive(p));
  if (holders.length === 0) {
    fs.writeFileSync(sysctl, st.original);
    fs.rmSync(state, { force: true });
  } else {
    write({ original: st.original, holders });
  }
}
`;

function underLock(mode: 'acquire' | 'release', pid: number, paths: PrintkPaths): void {
  const r = spawnSync('flock', ['-x', '-w', '30', `${paths.dir}/printk-ratelimit.lock`, process.execPath, '-e', CRITICAL, mode, String(pid), paths.sysctl, paths.dir],
    { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) {
    const why = r.error?.message ?? (r.stderr.trim().split('\n').filter(Boolean).pop() || `exit ${r.status}`);
    throw new EnvironmentError(`cannot ${mode === 'acquire' ? 'set' : 'restore'} kernel.printk_ratelimit (${paths.sysctl}): ${why}`,
      'run as root; flock(1) comes with util-linux');
  }
}

/**
 * Sets kernel.printk_ratelimit to 0 (no rate limit); returns a function that undoes it (also registered with the
 * cleanup registry, so a signal or an uncaught error restores it too). Needs root. `pid` names the holder (default
 * this process).
 */
export function disablePrintkRatelimit(opts: { paths?: PrintkPaths; pid?: number } = {}): () => void {
  const paths = opts.paths ?? DEFAULT_PATHS;
  const pid = opts.pid ?? process.pid;
  try {
    mkdirSync(paths.dir, { recursive: true });
  } catch (e) {
    throw new EnvironmentError(`cannot create ${paths.dir}: ${(e as Error).message}`, 'run as root');
  }
  underLock('acquire', pid, paths);
  const c = registerCleanup('kernel.printk_ratelimit', () => underLock('release', pid, paths));
  return () => c.release();
}
