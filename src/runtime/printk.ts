// kernel.printk_ratelimit = 0 (and the audit backlog limit raised) while recording from the kernel log, restored
// afterwards, shared safely between concurrent seccompctl runs: the first holder saves the values, the last one
// restores them.
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
  /**
   * Also raise the kernel's audit backlog limit (`auditctl -b`, at least 8192) while held, restoring it with the
   * sysctl: with the default 64 a LOG profile's flood overflows the queue as soon as kauditd runs late.
   */
  auditBacklog?: boolean;
}

const DEFAULT_PATHS: PrintkPaths = { sysctl: '/proc/sys/kernel/printk_ratelimit', dir: '/run/seccompctl', auditBacklog: true };

// Runs under the lock: argv = [mode, pid, sysctl, dir, backlog]. Prints nothing on success; exits non-zero with a
// message.
const CRITICAL = String.raw`
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const [mode, pidText, sysctl, dir, backlogText] = process.argv.slice(1);
const backlog = backlogText === '1';
const auditctl = (args) => spawnSync('auditctl', args, { encoding: 'utf8', timeout: 5000 });
const readBacklog = () => { const r = auditctl(['-s']); const m = /^backlog_limit (\d+)$/m.exec(r.stdout || ''); return r.status === 0 && m ? m[1] : undefined; };
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
  const backlogLimit = st ? st.backlogLimit : backlog ? readBacklog() : undefined;
  write({ original, holders: [...holders, me], ...(backlogLimit !== undefined ? { backlogLimit } : {}) });
  fs.writeFileSync(sysctl, '0');
  if (backlogLimit !== undefined && Number(backlogLimit) < 8192) auditctl(['-b', '8192']);
} else {
  if (!st) process.exit(0);
  const holders = st.holders.filter((p) => p !== me && alive(p));
  if (holders.length === 0) {
    fs.writeFileSync(sysctl, st.original);
    if (typeof st.backlogLimit === 'string' && /^\d+$/.test(st.backlogLimit)) auditctl(['-b', st.backlogLimit]);
    fs.rmSync(state, { force: true });
  } else {
    write({ ...st, holders });
  }
}
`;

function underLock(mode: 'acquire' | 'release', pid: number, paths: PrintkPaths): void {
  const r = spawnSync('flock', ['-x', '-w', '30', `${paths.dir}/printk-ratelimit.lock`, process.execPath, '-e', CRITICAL, mode, String(pid), paths.sysctl, paths.dir, paths.auditBacklog ? '1' : '0'],
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
