// The runc driver: run a bundle under a unique container id, capture its output, forward stop signals, and always
// `runc delete -f` afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { EnvironmentError } from '../common/index.js';
import { registerCleanup } from './cleanup.js';
import { reapStale } from './reap.js';
import { killTree, stopGraceKill, type Escalation } from './escalate.js';

/** How to run one container. */
export interface ContainerOptions {
  /** Container id; default a unique `seccompctl-<pid>-<n>-<random>`. */
  id?: string;
  /** Kill the container (SIGKILL) after this many milliseconds; `timedOut` is then true. */
  timeoutMs?: number;
  /** Aborting stops the container: `stopSignal` first, SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  /** Aborting kills the container at once (SIGKILL), e.g. on a second Ctrl-C. */
  killSignal?: AbortSignal;
  /** Signal sent on abort; default SIGTERM. A function is asked at abort time (e.g. the signal the caller got). */
  stopSignal?: NodeJS.Signals | (() => NodeJS.Signals);
  /** Milliseconds between the stop signal and SIGKILL; default 5000. */
  killGraceMs?: number;
  /** Fed to the container's standard input (otherwise it reads /dev/null). */
  stdin?: string | Uint8Array;
  /**
   * Start runc in a fresh kernel audit session (writes /proc/self/loginuid first), so every audit record of the
   * container carries `ses=<auditSession>` and can be told apart from other processes' records. Needs root.
   */
  auditSession?: boolean;
  /**
   * With auditSession: runc is exec'd only once this resolves (the session id is known before, via `session`), so a
   * tracer scoped to the session can attach first. Rejecting it stops the start (the container never runs).
   */
  startGate?: Promise<unknown>;
  /** Called with each chunk the container writes to stdout / stderr (they are captured as well). */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** runc binary; default `runc` on PATH. */
  runc?: string;
  /** runc state directory (`runc --root`); default /run/seccompctl/runc. */
  stateRoot?: string;
}

/** How a container ended. */
export interface ContainerResult {
  id: string;
  /** runc's exit status: the container process's exit code, or 128+N when it was killed by signal N. */
  exitCode: number | null;
  /** Signal name when exitCode is 128+N (e.g. SIGTERM), or when runc itself was killed. */
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when the container was stopped through `signal` (abort) or `stop()`. */
  stopped: boolean;
  /** The audit session id of the container's processes when `auditSession` was asked for and could be set. */
  auditSession?: number;
}

/** A running container. */
export interface RunningContainer {
  id: string;
  /** Resolves when runc has exited and the container is deleted. */
  done: Promise<ContainerResult>;
  /** Resolves with the audit session id once known (undefined when not asked for or not settable). */
  session: Promise<number | undefined>;
  /** Sends a signal to the container's processes (`runc kill --all`). */
  kill(signal: NodeJS.Signals): void;
  /** Stops the container: stopSignal, then SIGKILL after the grace period. */
  stop(signal?: NodeJS.Signals): void;
  /** The host pid of the container's init process (`runc state`), once it runs. */
  initPid(): number | undefined;
}

const DEFAULT_STATE_ROOT = '/run/seccompctl/runc';
let counter = 0;

/** A fresh container id, unique across processes and calls. */
export function uniqueContainerId(prefix = 'seccompctl'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}-${randomBytes(4).toString('hex')}`;
}

/** Whether runc can be used here: root and a runc binary. `reason` says what is missing and how to get it. */
export function runcAvailability(runc = 'runc'): { ok: true; version: string } | { ok: false; reason: string; hint: string } {
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: 'runc needs root (CAP_SYS_ADMIN to create namespaces and mounts)', hint: 'run seccompctl as root (sudo)' };
  }
  const r = spawnSync(runc, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    return { ok: false, reason: `${runc} not found or not working`, hint: 'install runc (Debian/Ubuntu: apt-get install runc)' };
  }
  return { ok: true, version: parseRuncVersion(r.stdout) };
}

/** "runc version 1.1.5+ds1\n…" → "1.1.5+ds1". */
export function parseRuncVersion(text: string): string {
  return /runc version (\S+)/.exec(text)?.[1] ?? 'unknown';
}

/** Throws an EnvironmentError naming what is missing when runc cannot be used. */
export function requireRunc(runc = 'runc'): string {
  const a = runcAvailability(runc);
  if (!a.ok) throw new EnvironmentError(a.reason, a.hint);
  return a.version;
}

/**
 * Reads the audit session id a wrapper shell printed (`cat /proc/self/sessionid >&3`) from its pipe; undefined
 * when none was set (4294967295 is "unset") or the wrapper died first.
 */
export function readAuditSession(pipe: Readable): Promise<number | undefined> {
  return new Promise((resolve) => {
    let text = '';
    pipe.on('data', (c: Buffer) => { text += c.toString(); });
    pipe.on('close', () => {
      const n = Number.parseInt(text.trim(), 10);
      resolve(Number.isFinite(n) && n !== 4294967295 ? n : undefined);
    });
    pipe.on('error', () => resolve(undefined));
  });
}

/** Starts `runc run` on a bundle. The container is always deleted (`runc delete -f`) once it ends. */
export function startContainer(bundleDir: string, opts: ContainerOptions = {}): RunningContainer {
  const id = opts.id ?? uniqueContainerId();
  const runc = opts.runc ?? 'runc';
  const root = opts.stateRoot ?? DEFAULT_STATE_ROOT;
  // What a seccompctl killed with SIGKILL left behind (once per process).
  reapStale(runc, root);
  const runcArgs = ['--root', root, 'run', '--bundle', bundleDir, id];
  const stdinMode = opts.stdin !== undefined ? 'pipe' : 'ignore';
  const child = opts.auditSession
    ? spawn('sh', ['-c', 'echo 0 >/proc/self/loginuid 2>/dev/null && cat /proc/self/sessionid >&3; exec 3>&-; read go <&4 || exit 125; exec 4<&-; exec "$@"', 'sh', runc, ...runcArgs],
      { stdio: [stdinMode, 'pipe', 'pipe', 'pipe', 'pipe'] })
    : spawn(runc, runcArgs, { stdio: [stdinMode, 'pipe', 'pipe'] });

  // Until it is deleted, the container is this process's to remove, whatever ends it.
  const registered = registerCleanup(`runc container ${id}`, () => {
    spawnSync(runc, ['--root', root, 'kill', '--all', id, 'KILL'], { stdio: 'ignore', timeout: 5000 });
    if (child.pid !== undefined) killTree(child.pid);
    spawnSync(runc, ['--root', root, 'delete', '-f', id], { stdio: 'ignore', timeout: 10_000 });
  });
  const fd3 = opts.auditSession ? (child.stdio[3] as Readable | null) : null;
  const session = fd3 ? readAuditSession(fd3) : Promise.resolve(undefined);

  if (opts.auditSession) {
    const fd4 = child.stdio[4] as NodeJS.WritableStream & { destroy(): void; on(ev: 'error', f: () => void): void };
    fd4.on('error', () => undefined);
    (opts.startGate ?? Promise.resolve()).then(() => fd4.end('go\n'), () => fd4.destroy());
  }
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout!.on('data', (c: Buffer) => { out.push(c); opts.onStdout?.(c); });
  child.stderr!.on('data', (c: Buffer) => { err.push(c); opts.onStderr?.(c); });
  if (opts.stdin !== undefined && child.stdin) {
    child.stdin.on('error', () => { /* the container may not read its input */ });
    child.stdin.end(opts.stdin);
  }

  let timedOut = false;
  let stopped = false;
  let exited = false;
  const timers: NodeJS.Timeout[] = [];
  let stopping: Escalation | undefined;
  const kill = (sig: NodeJS.Signals): void => {
    if (exited) return;
    const r = spawnSync(runc, ['--root', root, 'kill', '--all', id, sig.replace(/^SIG/, '')], { stdio: 'ignore' });
    // Before the container exists (or after it is gone) runc kill fails: signal runc itself, which proxies it.
    if (r.status !== 0 && !exited) child.kill(sig);
  };
  const stop = (sig: NodeJS.Signals = resolveSignal(opts.stopSignal)): void => {
    if (exited || stopped) return;
    stopped = true;
    stopping = stopGraceKill(() => kill(sig), () => kill('SIGKILL'), opts.killGraceMs ?? 5000);
  };
  if (opts.timeoutMs !== undefined) {
    const t = setTimeout(() => { timedOut = true; kill('SIGKILL'); }, opts.timeoutMs);
    timers.push(t);
  }
  const onAbort = (): void => stop();
  if (opts.signal) {
    if (opts.signal.aborted) queueMicrotask(onAbort);
    else opts.signal.addEventListener('abort', onAbort, { once: true });
  }
  const onKill = (): void => {
    stop();
    stopping?.now();
  };
  if (opts.killSignal) {
    if (opts.killSignal.aborted) queueMicrotask(onKill);
    else opts.killSignal.addEventListener('abort', onKill, { once: true });
  }

  const done = new Promise<ContainerResult>((resolve, reject) => {
    child.on('error', (e) => {
      exited = true;
      for (const t of timers) clearTimeout(t);
      stopping?.cancel();
      registered.forget();
      opts.signal?.removeEventListener('abort', onAbort);
      opts.killSignal?.removeEventListener('abort', onKill);
      reject(new EnvironmentError(`cannot start ${runc}: ${e.message}`, 'install runc (Debian/Ubuntu: apt-get install runc)'));
    });
    child.on('close', (code, sig) => {
      exited = true;
      for (const t of timers) clearTimeout(t);
      stopping?.cancel();
      opts.signal?.removeEventListener('abort', onAbort);
      opts.killSignal?.removeEventListener('abort', onKill);
      spawnSync(runc, ['--root', root, 'delete', '-f', id], { stdio: 'ignore' });
      registered.forget();
      void session.then((s) => {
        let signal: string | null = sig;
        if (signal === null && code !== null && code > 128 && code <= 128 + 64) signal = signalName(code - 128);
        resolve({
          id, exitCode: code, signal,
          stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(),
          timedOut, stopped,
          ...(s !== undefined ? { auditSession: s } : {}),
        });
      });
    });
  });
  const initPid = (): number | undefined => {
    const r = spawnSync(runc, ['--root', root, 'state', id], { encoding: 'utf8' });
    if (r.status !== 0) return undefined;
    try {
      const pid = (JSON.parse(r.stdout) as { pid?: number }).pid;
      return pid && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  };
  return { id, done, session, kill, stop, initPid };
}

/** Runs a bundle to completion (see startContainer). */
export async function runContainer(bundleDir: string, opts: ContainerOptions = {}): Promise<ContainerResult> {
  return startContainer(bundleDir, opts).done;
}

/** A stop signal given as a value or asked for at stop time. */
export function resolveSignal(s: NodeJS.Signals | (() => NodeJS.Signals) | undefined): NodeJS.Signals {
  return typeof s === 'function' ? s() : s ?? 'SIGTERM';
}

function signalName(n: number): string | null {
  for (const [name, num] of Object.entries(constants.signals)) if (num === n) return name;
  return null;
}
