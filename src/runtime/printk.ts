// kernel.printk_ratelimit = 0 while recording from the kernel log, restored afterwards, shared safely between
// concurrent seccompctl runs: the first holder saves the value, the last one restores it.
import { mkdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';

const SYSCTL = '/proc/sys/kernel/printk_ratelimit';
const DIR = '/run/seccompctl';
const STATE = `${DIR}/printk-ratelimit.json`;
const LOCK = `${DIR}/printk-ratelimit.lock`;

interface State { original: string; holders: number[] }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function withLock<T>(f: () => T): T {
  mkdirSync(DIR, { recursive: true });
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() > deadline) rmdirSync(LOCK); // a holder died with the lock taken
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
  try {
    return f();
  } finally {
    rmdirSync(LOCK);
  }
}

function readState(): State | undefined {
  try {
    return JSON.parse(readFileSync(STATE, 'utf8')) as State;
  } catch {
    return undefined;
  }
}

/** Sets kernel.printk_ratelimit to 0 (no rate limit); returns a function that undoes it. Needs root. */
export function disablePrintkRatelimit(): () => void {
  const me = process.pid;
  withLock(() => {
    const st = readState();
    const holders = (st?.holders ?? []).filter(alive);
    // A state file left by a holder that died still has the value to restore (the sysctl itself reads 0 now).
    const original = st ? st.original : readFileSync(SYSCTL, 'utf8').trim();
    writeFileSync(STATE, JSON.stringify({ original, holders: [...holders, me] }));
    writeFileSync(SYSCTL, '0');
  });
  let done = false;
  return () => {
    if (done) return;
    done = true;
    withLock(() => {
      const st = readState();
      if (!st) return;
      const holders = st.holders.filter((p, i) => alive(p) && !(p === me && st.holders.indexOf(me) === i));
      if (holders.length === 0) {
        writeFileSync(SYSCTL, st.original);
        rmSync(STATE, { force: true });
      } else {
        writeFileSync(STATE, JSON.stringify({ original: st.original, holders }));
      }
    });
  };
}
