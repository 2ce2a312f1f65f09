// Start a host command in a fresh kernel audit session, held at a gate until a tracer has attached.
//
// The gate is a SIGSTOP the wrapper sends itself after its last preparatory call: once it is stopped, every later
// syscall of the session is the workload's, starting with the execve of CMD right after SIGCONT (dash makes no call
// between kill() returning and the exec). So a tracer scoped to the session needs no per-task bookkeeping.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { registerCleanup } from './cleanup.js';
import { killTree } from './escalate.js';
import { readAuditSession } from './runc.js';

/** A command waiting to exec in its own audit session. */
export interface SessionChild {
  child: ChildProcess;
  /**
   * The audit session id once the wrapper is stopped at the gate, or undefined when it could not be set (not root, or
   * loginuid immutable) or the wrapper died.
   */
  session: Promise<number | undefined>;
  /**
   * Whether the wrapper shell is dash, which makes no syscall between its SIGSTOP and the exec: then the session
   * holds nothing but CMD's process tree from the moment the wrapper is stopped (bash resets signal handlers first).
   */
  exact: boolean;
  /** Lets the command exec (SIGCONT). */
  go(): void;
  /** Abandons the start (the wrapper is killed without running the command). */
  cancel(): void;
}

const WRAPPER = 'echo 0 >/proc/self/loginuid 2>/dev/null && cat /proc/self/sessionid >&3; exec 3>&-; kill -STOP $$; exec "$@"';

/** dash, when installed (Debian's and Ubuntu's /bin/sh). */
function dashPath(): string | undefined {
  for (const p of ['/usr/bin/dash', '/bin/dash']) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The state letter of /proc/PID/stat ('T' stopped), or undefined when the process is gone. */
function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** Resolves true once `pid` is stopped, false when it exits (or is a zombie) first. */
async function waitStopped(pid: number, exited: () => boolean): Promise<boolean> {
  for (let i = 0; ; i++) {
    if (exited()) return false;
    const st = procState(pid);
    if (st === undefined || st === 'Z' || st === 'X') return false;
    if (st === 'T') return true;
    await new Promise((r) => setTimeout(r, i < 50 ? 1 : 10));
  }
}

/**
 * Spawns `sh` that moves itself to a new audit session (writing /proc/self/loginuid needs CAP_AUDIT_CONTROL), reports
 * the session id, waits for go(), then execs `argv` (same pid: the exec is the workload's start).
 */
export function spawnInSession(argv: readonly string[], opts: { stdio?: [StdioOptions, StdioOptions, StdioOptions] | undefined; env?: NodeJS.ProcessEnv; cwd?: string } = {}): SessionChild {
  const [i, o, e] = (opts.stdio ?? ['inherit', 'inherit', 'inherit']) as [never, never, never];
  const shell = dashPath();
  const child = spawn(shell ?? 'sh', ['-c', WRAPPER, 'sh', ...argv], {
    stdio: [i, o, e, 'pipe'],
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  const fd3 = child.stdio[3] as Readable;
  let exited = false;
  const registered = child.pid !== undefined ? registerCleanup(`workload ${argv[0] ?? ''} (pid ${child.pid})`, () => killTree(child.pid!)) : undefined;
  child.on('exit', () => { exited = true; registered?.forget(); });
  child.on('error', () => { exited = true; registered?.forget(); });
  const session = readAuditSession(fd3).then(async (n) =>
    n !== undefined && child.pid !== undefined && await waitStopped(child.pid, () => exited) ? n : undefined);
  const signal = (sig: NodeJS.Signals): void => {
    if (exited) return;
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
  };
  return { child, session, exact: shell !== undefined, go: () => signal('SIGCONT'), cancel: () => signal('SIGKILL') };
}
