// Start a host command in a fresh kernel audit session, held at a gate until a tracer has attached.
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** A command waiting to exec in its own audit session. */
export interface SessionChild {
  child: ChildProcess;
  /** The audit session id, or undefined when it could not be set (not root, or loginuid immutable). */
  session: Promise<number | undefined>;
  /** Lets the command exec. */
  go(): void;
  /** Abandons the start (the wrapper exits 125 without running the command). */
  cancel(): void;
}

const WRAPPER = 'echo 0 >/proc/self/loginuid 2>/dev/null && cat /proc/self/sessionid >&3; exec 3>&-; read go <&4 || exit 125; exec 4<&-; exec "$@"';

/**
 * Spawns `sh` that moves itself to a new audit session (writing /proc/self/loginuid needs CAP_AUDIT_CONTROL), reports
 * the session id, waits for go(), then execs `argv` (same pid: the exec is the workload's start).
 */
export function spawnInSession(argv: readonly string[], opts: { stdio?: [StdioOptions, StdioOptions, StdioOptions] | undefined; env?: NodeJS.ProcessEnv; cwd?: string } = {}): SessionChild {
  const [i, o, e] = (opts.stdio ?? ['inherit', 'inherit', 'inherit']) as [never, never, never];
  const child = spawn('sh', ['-c', WRAPPER, 'sh', ...argv], {
    stdio: [i, o, e, 'pipe', 'pipe'],
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  const fd3 = child.stdio[3] as Readable;
  const fd4 = child.stdio[4] as Writable;
  fd4.on('error', () => undefined);
  const session = new Promise<number | undefined>((resolve) => {
    let text = '';
    fd3.on('data', (c: Buffer) => { text += c.toString(); });
    fd3.on('close', () => {
      const n = Number.parseInt(text.trim(), 10);
      resolve(Number.isFinite(n) && n !== 4294967295 ? n : undefined);
    });
    fd3.on('error', () => resolve(undefined));
  });
  return { child, session, go: () => { fd4.end('go\n'); }, cancel: () => { fd4.destroy(); } };
}
