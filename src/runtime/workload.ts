// Running a workload (CMD) for record and verify: on the host or in a runc container, with stop/timeout/output wired,
// optionally in its own audit session with an eBPF probe or the kernel log attached before it starts.
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { EnvironmentError, UserError } from '../common/index.js';
import { archInfo, hostArch, type ArchId } from '../syscalls/index.js';
import { createHostBundle, HOST_DIRS, type BindMount, type HostBundle } from './bundle.js';
import { registerCleanup } from './cleanup.js';
import { killTree, signalPids, stopGraceKill, type Escalation } from './escalate.js';
import { auditBacklog, detectKernelLogSource, KmsgReader, type KernelLogRecord, type KernelLogSource, type KmsgLoss } from './kernellog.js';
import { disablePrintkRatelimit } from './printk.js';
import { startProbe, type ExecMarker, type ProbeOptions, type RunningProbe } from './probe.js';
import { resolveSignal, startContainer, type RunningContainer } from './runc.js';

/** How the workload's output reaches the caller. */
export interface WorkloadIO {
  /** Host mode: 'inherit' passes the terminal through; 'capture' collects stdout/stderr. Default 'capture'. */
  output?: 'inherit' | 'capture';
  onStdout?: (c: Buffer) => void;
  onStderr?: (c: Buffer) => void;
}

/** Where and how CMD runs (shared by record and verify). */
export interface WorkloadOptions extends WorkloadIO {
  argv: string[];
  /** Run CMD in a runc container built from the host's directories (or rootfs/bundle). */
  container?: boolean;
  noNewPrivileges?: boolean;
  /** Container root filesystem instead of the host's directories. */
  rootfs?: string;
  /** An existing OCI bundle: its config.json is used, with process.args and linux.seccomp replaced. */
  bundle?: string;
  mounts?: BindMount[];
  env?: string[];
  cwd?: string;
  /** Aborting stops CMD: `stopSignal` is forwarded to it, SIGKILL after `killGraceMs`. */
  signal?: AbortSignal;
  /** Aborting kills CMD at once (SIGKILL), e.g. on a second Ctrl-C. */
  killSignal?: AbortSignal;
  stopSignal?: NodeJS.Signals | (() => NodeJS.Signals);
  killGraceMs?: number;
  /** Kill CMD after this many milliseconds. */
  timeoutMs?: number;
  /** The host's architecture (default: this machine's): decides the native arch family of records and profiles. */
  hostArch?: ArchId;
  /** Where kernel audit records are read (default: auditd's log when a daemon is registered, else /dev/kmsg). */
  kernelLogSource?: KernelLogSource;
}

/** How CMD ended. */
export interface WorkloadExit {
  exitCode: number | null;
  signal: string | null;
  /** Stopped by the caller (abort) rather than exiting by itself. */
  stopped: boolean;
  timedOut: boolean;
  stdout: string;
  stderr: string;
}

const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Finds CMD like execvp would (inside `root` for a container rootfs). Throws UserError (exit 2) when it does not
 * exist or is not executable, before anything starts.
 */
export function resolveCommand(cmd: string | undefined, opts: { root?: string; path?: string } = {}): string {
  if (cmd === undefined || cmd === '') throw new UserError('no command given: put it after --, e.g. seccompctl record -- nginx -g "daemon off;"');
  const root = opts.root ?? '/';
  const ok = (p: string): boolean => {
    try {
      const full = join(root, p);
      accessSync(full, constants.X_OK);
      return statSync(full).isFile();
    } catch {
      return false;
    }
  };
  if (cmd.includes('/')) {
    if (!isAbsolute(cmd) && root === '/') {
      if (ok(join(process.cwd(), cmd))) return join(process.cwd(), cmd);
    } else if (ok(cmd)) return cmd;
    throw new UserError(`${cmd}: no such executable file${root !== '/' ? ` in ${root}` : ''}`);
  }
  const path = opts.path ?? (root === '/' ? process.env.PATH ?? CONTAINER_PATH : CONTAINER_PATH);
  for (const dir of path.split(delimiter)) {
    if (dir && isAbsolute(dir) && ok(join(dir, cmd))) return join(dir, cmd);
  }
  throw new UserError(`${cmd}: command not found (searched ${path})`);
}

/** Whether a command can be found on PATH. */
export function commandExists(cmd: string): boolean {
  try {
    resolveCommand(cmd);
    return true;
  } catch {
    return false;
  }
}

/** The root filesystem of an OCI bundle (its config.json's root.path, relative to the bundle). */
export function bundleRootfs(bundle: string): string {
  let cfg: { root?: { path?: string } };
  try {
    cfg = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as typeof cfg;
  } catch (e) {
    throw new UserError(`${join(bundle, 'config.json')}: cannot read the bundle's config (${(e as Error).message})`);
  }
  const p = cfg.root?.path ?? 'rootfs';
  return isAbsolute(p) ? p : join(bundle, p);
}

/** The root CMD is looked up in: --rootfs, the --bundle's rootfs, or the host's `/`. */
export function workloadRoot(opts: Pick<WorkloadOptions, 'rootfs' | 'bundle'>): string {
  const root = opts.rootfs ?? (opts.bundle !== undefined ? bundleRootfs(opts.bundle) : '/');
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch {
    // missing
  }
  if (!isDir) {
    throw new UserError(opts.rootfs !== undefined
      ? `--rootfs ${root}: no such directory`
      : `--bundle ${opts.bundle}: its root filesystem ${root} is not a directory`);
  }
  return root;
}

/** A bind mount added automatically, with why (stated to the user). */
export interface AutoMount extends BindMount {
  why: 'working directory' | 'argument';
}

/** Whether `path` is `dir` or inside it. */
function within(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/**
 * What a workload run from `cwd` with `argv` needs to see in a host-directory container besides the host's system
 * directories: the working directory, and every existing path its arguments name (`./nginx.conf`, `/srv/data`,
 * `--config=/etc/x` — the part after `=` too), each bind-mounted read-only at the same path. Paths already visible
 * (under the host directories the bundle mounts, under the working directory, or under `covered`, e.g. explicit
 * --mount destinations) and the root itself are left out.
 */
export function argumentMounts(argv: readonly string[], cwd: string, covered: readonly string[] = []): AutoMount[] {
  const out: AutoMount[] = [];
  const seen = [...HOST_DIRS, '/proc', '/dev', '/sys', ...covered];
  const visible = (p: string): boolean => p === '/' || seen.some((d) => within(p, d));
  if (!visible(cwd)) {
    out.push({ source: cwd, destination: cwd, readonly: true, why: 'working directory' });
    seen.push(cwd);
  }
  for (const a of argv.slice(1)) {
    for (const cand of [a, ...(a.includes('=') ? [a.slice(a.indexOf('=') + 1)] : [])]) {
      if (cand === '' || cand.startsWith('-') || cand.includes('\0')) continue;
      if (!cand.startsWith('/') && !cand.startsWith('./') && !cand.startsWith('../') && !cand.includes('/') && !existsSync(join(cwd, cand))) continue;
      const abs = resolvePath(cwd, cand);
      if (visible(abs) || !existsSync(abs)) continue;
      out.push({ source: abs, destination: abs, readonly: true, why: 'argument' });
      seen.push(abs);
    }
  }
  return out;
}

/**
 * `SRC:DST[:ro|rw]` (the --mount flag) → a bind mount; SRC relative to `cwd`, DST absolute, read-only by default.
 * Throws a UserError (exit 2) naming the spec and what is wrong.
 */
export function parseMountSpec(spec: string, cwd: string): BindMount {
  const parts = spec.split(':');
  let mode: string | undefined;
  if (parts.length === 3) mode = parts.pop();
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new UserError(`--mount ${spec}: expected SRC:DST or SRC:DST:ro|rw (e.g. --mount ./conf:/etc/app:ro)`);
  }
  if (mode !== undefined && mode !== 'ro' && mode !== 'rw') throw new UserError(`--mount ${spec}: the mode is "${mode}"; use ro or rw`);
  const source = resolvePath(cwd, parts[0]!);
  const destination = parts[1]!;
  if (!isAbsolute(destination)) throw new UserError(`--mount ${spec}: the destination ${destination} must be an absolute path in the container`);
  if (!existsSync(source)) throw new UserError(`--mount ${spec}: ${source} does not exist`);
  return { source, destination, readonly: mode !== 'rw' };
}

/** A container for the workload: from --bundle (args and seccomp replaced) or from the host's directories. */
export function workloadBundle(argv: string[], opts: WorkloadOptions, seccomp: string | undefined, extra: { mounts?: BindMount[]; capabilities?: string[] } = {}): HostBundle {
  return createHostBundle({
    args: argv,
    seccomp,
    noNewPrivileges: opts.noNewPrivileges ?? false,
    ...(opts.rootfs !== undefined ? { rootfs: opts.rootfs } : {}),
    ...(opts.bundle !== undefined ? { rootfs: bundleRootfs(opts.bundle) } : {}),
    mounts: [...(opts.mounts ?? []), ...(extra.mounts ?? [])],
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(extra.capabilities ? { capabilities: extra.capabilities } : {}),
  });
}

/** Runs a container for a workload and wires stop/timeout/output. */
export function runWorkloadContainer(bundleDir: string, opts: WorkloadOptions, extra: { auditSession?: boolean; startGate?: Promise<unknown> } = {}): RunningContainer {
  return startContainer(bundleDir, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.killSignal ? { killSignal: opts.killSignal } : {}),
    ...(opts.stopSignal ? { stopSignal: opts.stopSignal } : {}),
    ...(opts.killGraceMs !== undefined ? { killGraceMs: opts.killGraceMs } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.onStdout ? { onStdout: opts.onStdout } : {}),
    ...(opts.onStderr ? { onStderr: opts.onStderr } : {}),
    ...(extra.auditSession ? { auditSession: true } : {}),
    ...(extra.startGate ? { startGate: extra.startGate } : {}),
  });
}

/**
 * Runs a bundle in runc in its own audit session, with an eBPF probe scoped to that session attached before the
 * container may start. `unavailable` builds the error thrown when the session or the probe cannot be had (the
 * container is then abandoned before the workload runs).
 */
export async function runProbedContainer(bundleDir: string, opts: WorkloadOptions, marker: ExecMarker,
  probeOpts: ProbeOptions, unavailable: (message: string) => Error): Promise<{ exit: WorkloadExit; probe: RunningProbe }> {
  let release!: () => void;
  let cancel!: (e: Error) => void;
  const gate = new Promise<void>((res, rej) => { release = res; cancel = rej; });
  gate.catch(() => undefined);
  const c = runWorkloadContainer(bundleDir, opts, { auditSession: true, startGate: gate });
  const ses = await c.session;
  if (ses === undefined) {
    cancel(new Error('no session'));
    await c.done.catch(() => undefined);
    throw unavailable('cannot give the container its own audit session (needs CAP_AUDIT_CONTROL and CONFIG_AUDIT)');
  }
  const probe = startProbe(ses, marker, { ...(opts.hostArch ? { hostArch: opts.hostArch } : {}), ...probeOpts });
  try {
    await probe.ready;
  } catch (e) {
    cancel(e as Error);
    await c.done.catch(() => undefined);
    throw unavailable((e as Error).message);
  }
  release();
  return { exit: await c.done, probe };
}

/**
 * Waits for a host child, forwarding abort to `target()` pids (stop signal, SIGKILL after the grace period) and
 * killing them on timeout.
 */
export function waitHost(child: ChildProcess, opts: WorkloadOptions, target: () => number[]): Promise<WorkloadExit> {
  const outB: Buffer[] = [];
  const errB: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => { outB.push(c); opts.onStdout?.(c); });
  child.stderr?.on('data', (c: Buffer) => { errB.push(c); opts.onStderr?.(c); });
  let stopping: Escalation | undefined;
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const pid = child.pid;
  // Whatever ends this process early kills the child's whole tree.
  const registered = pid !== undefined ? registerCleanup(`workload (pid ${pid})`, () => killTree(pid)) : undefined;
  const onAbort = (): void => {
    if (stopping) return;
    stopping = stopGraceKill(() => signalPids(target(), resolveSignal(opts.stopSignal)), () => signalPids(target(), 'SIGKILL'), opts.killGraceMs ?? 5000);
  };
  if (opts.signal) {
    if (opts.signal.aborted) queueMicrotask(onAbort);
    else opts.signal.addEventListener('abort', onAbort, { once: true });
  }
  const onKill = (): void => {
    onAbort();
    stopping?.now();
  };
  if (opts.killSignal) {
    if (opts.killSignal.aborted) queueMicrotask(onKill);
    else opts.killSignal.addEventListener('abort', onKill, { once: true });
  }
  if (opts.timeoutMs !== undefined) timer = setTimeout(() => { timedOut = true; signalPids(target(), 'SIGKILL'); }, opts.timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code, sig) => {
      if (timer) clearTimeout(timer);
      registered?.forget();
      stopping?.cancel();
      opts.signal?.removeEventListener('abort', onAbort);
      opts.killSignal?.removeEventListener('abort', onKill);
      resolve({ exitCode: code, signal: sig, stopped: stopping !== undefined, timedOut, stdout: Buffer.concat(outB).toString(), stderr: Buffer.concat(errB).toString() });
    });
  });
}

/** The direct children of a process (from /proc). */
export function childrenOf(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return tasks.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A fresh temporary directory, removed by `remove()` or by the cleanup registry, whichever comes first. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  // The pid in the name lets a later run remove it when this process is killed with SIGKILL (reap.ts).
  const dir = mkdtempSync(join(tmpdir(), `${prefix}${process.pid}-`));
  const c = registerCleanup(`temporary directory ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return { dir, remove: () => c.release() };
}

/** stdio for a host workload. */
export function hostStdio(opts: WorkloadIO): ['ignore' | 'inherit', 'inherit' | 'pipe', 'inherit' | 'pipe'] {
  return opts.output === 'inherit' ? ['inherit', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'];
}

/**
 * The architectures a LOG profile must list so every process of the host's family is logged, not killed: the host's
 * own and its compat ABIs (x86_64: X86_64, X86, X32; aarch64: AARCH64, ARM).
 */
export function nativeScmpArches(host: ArchId = hostArch().id): string[] {
  const a = archInfo(host);
  return [a.scmp, ...a.compat.map((c) => archInfo(c).scmp)];
}

/** A LOG-everything profile for the host's arch family (the audit backend and the base-set measurement). */
export function logProfile(host: ArchId = hostArch().id): string {
  return JSON.stringify({ defaultAction: 'SCMP_ACT_LOG', architectures: nativeScmpArches(host), flags: [] });
}

/** What runWithKernelLog saw. */
export interface KernelLogRun {
  exit: WorkloadExit;
  /** The session's seccomp records, decoded by the ingest stage (each carries its observation). */
  records: KernelLogRecord[];
  /** Certain loss found while reading (any loss means some records may be missing). */
  loss: KmsgLoss[];
}

/**
 * Runs a container under `seccomp` with a fresh audit session and collects the session's seccomp records from
 * /dev/kmsg (printk rate limit off meanwhile). Used by the audit backend and by verify's complain pass. Every resource
 * is acquired inside the `try` that releases it.
 */
export async function runWithKernelLog(argv: string[], opts: WorkloadOptions, seccomp: string): Promise<KernelLogRun> {
  // Records go to the audit daemon's log when one runs (nothing reaches /dev/kmsg then), else to the kernel log.
  // Only the container's session: records of other processes that arrive before its session id is known (another
  // seccompctl run, another LOG profile on the machine) are not ours.
  const reader = new KmsgReader({ ...(opts.hostArch ? { nativeArch: opts.hostArch } : {}), source: opts.kernelLogSource ?? detectKernelLogSource(), onlySessions: true });
  const records: KernelLogRecord[] = [];
  const take = (r: KernelLogRecord): void => { records.push(r); };
  let restore: (() => void) | undefined;
  let bundle: HostBundle | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    await reader.open();
    restore = disablePrintkRatelimit();
    bundle = workloadBundle(argv, opts, seccomp);
    timer = setInterval(() => reader.poll(take), 10);
    let release!: () => void;
    const gate = new Promise<void>((res) => { release = res; });
    const c = runWorkloadContainer(bundle.dir, opts, { auditSession: true, startGate: gate });
    const ses = await c.session;
    if (ses === undefined) {
      c.stop('SIGKILL');
      release();
      await c.done;
      throw new EnvironmentError('cannot give the container its own audit session (needs CAP_AUDIT_CONTROL and CONFIG_AUDIT)', 'use --backend ebpf or strace');
    }
    reader.sessions.add(ses);
    release();
    const exit = await c.done;
    // kauditd prints asynchronously, and on a busy machine it may run seconds late: wait until the kernel's audit
    // queue is empty (auditctl -s: backlog 0) and the session's records have stopped arriving, at most 15 s.
    let last = records.length;
    let quiet = 0;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      reader.poll(take);
      quiet = records.length === last ? quiet + 1 : 0;
      last = records.length;
      if (quiet >= 4 && auditBacklog() === 0) break;
    }
    clearInterval(timer);
    timer = undefined;
    await reader.close(take);
    return { exit, records, loss: reader.loss };
  } finally {
    if (timer) clearInterval(timer);
    await reader.close();
    restore?.();
    bundle?.cleanup();
  }
}
