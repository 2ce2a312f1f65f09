// `record`: run a command, observe every syscall of its process tree with one of three backends, and aggregate the
// observations with the ingest stage (so generate turns them into a profile exactly as it does for log files).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { EnvironmentError, UserError } from '../common/index.js';
import { Aggregator, actionOfCode, ingestFiles, type IngestResult, type Observation } from '../ingest/index.js';
import { createHostBundle, DEFAULT_CAPABILITIES, requireRunc, resolveSignal, startContainer, type BindMount, type HostBundle, type RunningContainer } from '../runtime/index.js';
import { archFromAudit, hostArch, syscallName, syscallNumber, X32_SYSCALL_BIT, type ArchId } from '../syscalls/index.js';
import { ebpfAvailability, startProbe, type ExecMarker, type ProbeCount, type ProbeOptions, type RunningProbe } from './bpftrace.js';
import { KmsgReader, type SeccompRecord } from './kmsg.js';
import { disablePrintkRatelimit } from './printk.js';
import { spawnInSession } from './session.js';

export type RecordBackend = 'ebpf' | 'strace' | 'audit';

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
  stopSignal?: NodeJS.Signals | (() => NodeJS.Signals);
  killGraceMs?: number;
  /** Kill CMD after this many milliseconds. */
  timeoutMs?: number;
}

export interface RecordOptions extends WorkloadOptions {
  backend?: 'auto' | RecordBackend;
  /**
   * eBPF: count every call. Default false: each (process, syscall, arch) is noted once, at a lower cost per call,
   * and its observation carries count 1 (the set is what a profile needs).
   */
  exactCounts?: boolean;
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

export interface RecordResult extends WorkloadExit {
  backend: RecordBackend;
  /** Why `auto` did not use eBPF (the missing privilege or tool and the fallback taken). */
  fallback?: string;
  /** Observations aggregated by the ingest stage (processes, loss signals, counters). */
  ingest: IngestResult;
  /** Whether CMD ran in a runc container (then the runc base set belongs in the profile). */
  container: boolean;
  runcVersion?: string;
  notes: string[];
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

/** Picks the backend: the one asked for, or for `auto` eBPF when possible, else strace (with the reason). */
export function chooseBackend(asked: 'auto' | RecordBackend): { backend: RecordBackend; fallback?: string } {
  if (asked !== 'auto') return { backend: asked };
  const e = ebpfAvailability();
  if (e.ok) return { backend: 'ebpf' };
  return { backend: 'strace', fallback: `eBPF unavailable: ${e.reason}; falling back to strace` };
}

/** Records CMD's syscalls. Throws UserError/EnvironmentError (exit 2) before starting anything when it cannot. */
export async function recordWorkload(opts: RecordOptions): Promise<RecordResult> {
  const container = opts.container === true || opts.backend === 'audit' || opts.rootfs !== undefined || opts.bundle !== undefined;
  const root = opts.rootfs ?? (opts.bundle ? bundleRootfs(opts.bundle) : '/');
  const exe = resolveCommand(opts.argv[0], { root });
  const argv = [exe, ...opts.argv.slice(1)];
  let { backend, fallback } = chooseBackend(opts.backend ?? 'auto');
  if (backend === 'ebpf') {
    const e = ebpfAvailability();
    if (!e.ok) throw new EnvironmentError(`--backend ebpf: ${e.reason}`, e.hint);
  }
  if (backend === 'strace' && !commandExists('strace')) {
    throw new EnvironmentError('--backend strace: strace is not installed', 'apt-get install strace');
  }
  const runcVersion = container ? requireRunc() : undefined;
  if (backend === 'audit' && process.getuid?.() !== 0) {
    throw new EnvironmentError('--backend audit needs root (runc, /dev/kmsg and kernel.printk_ratelimit)', 'run as root, or use --backend strace');
  }
  const notes: string[] = [];
  let out: Omit<RecordResult, 'backend' | 'container' | 'notes'>;
  if (backend === 'ebpf') {
    try {
      out = await recordEbpf(argv, opts, container);
    } catch (e) {
      if (opts.backend !== 'auto' || !(e instanceof EnvironmentError) || !(e as EnvironmentError & { beforeStart?: boolean }).beforeStart) throw e;
      fallback = `eBPF failed to start (${e.message.split('\n')[0]}); falling back to strace`;
      backend = 'strace';
      out = await recordStrace(argv, opts, container);
    }
  } else if (backend === 'strace') {
    out = await recordStrace(argv, opts, container);
  } else {
    out = await recordAudit(argv, opts);
  }
  if (fallback) notes.push(fallback);
  const implicit = addImplicitSyscalls(out.ingest);
  if (implicit.length > 0) notes.push(`added kernel-driven syscalls whose occurrence depends on signal timing: ${implicit.join(', ')}`);
  return { ...out, backend, container, notes, ...(fallback ? { fallback } : {}), ...(runcVersion ? { runcVersion } : {}) };
}

/**
 * Syscalls the kernel makes a process call on its own, depending on when signals arrive: restart_syscall (an
 * interrupted sleep resumes after a handler ran) and rt_sigreturn (every handler's return). A recording may or may
 * not catch them; a profile without them breaks at random. Added to every observed arch; returns the names added.
 */
export const IMPLICIT_SYSCALLS: readonly string[] = ['restart_syscall', 'rt_sigreturn'];

export function addImplicitSyscalls(r: IngestResult): string[] {
  const added = new Set<string>();
  for (const [arch, m] of r.syscalls) {
    for (const name of IMPLICIT_SYSCALLS) {
      const nr = syscallNumber(arch, name);
      if (nr === undefined || m.has(name)) continue;
      m.set(name, { arch, name, nr, count: 0, actions: {}, argSamples: [] });
      added.add(name);
    }
  }
  return [...added].sort();
}

function commandExists(cmd: string): boolean {
  try {
    resolveCommand(cmd);
    return true;
  } catch {
    return false;
  }
}

function bundleRootfs(bundle: string): string {
  let cfg: { root?: { path?: string } };
  try {
    cfg = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as typeof cfg;
  } catch (e) {
    throw new UserError(`${join(bundle, 'config.json')}: cannot read the bundle's config (${(e as Error).message})`);
  }
  const p = cfg.root?.path ?? 'rootfs';
  return isAbsolute(p) ? p : join(bundle, p);
}

/** A container for the workload: from --bundle (args and seccomp replaced) or from the host's directories. */
export function workloadBundle(argv: string[], opts: WorkloadOptions, seccomp: string | undefined, extra: { mounts?: BindMount[]; capabilities?: string[] } = {}): HostBundle {
  const b = createHostBundle({
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
  return b;
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
  const probe = startProbe(ses, marker, probeOpts);
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

/** Runs a container for a workload and wires stop/timeout/output. */
export function runWorkloadContainer(bundleDir: string, opts: WorkloadOptions, extra: { auditSession?: boolean; startGate?: Promise<unknown> } = {}): RunningContainer {
  return startContainer(bundleDir, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.stopSignal ? { stopSignal: opts.stopSignal } : {}),
    ...(opts.killGraceMs !== undefined ? { killGraceMs: opts.killGraceMs } : {}),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    ...(opts.onStdout ? { onStdout: opts.onStdout } : {}),
    ...(opts.onStderr ? { onStderr: opts.onStderr } : {}),
    ...(extra.auditSession ? { auditSession: true } : {}),
    ...(extra.startGate ? { startGate: extra.startGate } : {}),
  });
}

/** Waits for a host child, forwarding abort as a signal to `target()` pids, with a SIGKILL escalation. */
function waitHost(child: ChildProcess, opts: WorkloadOptions, target: () => number[]): Promise<WorkloadExit> {
  const outB: Buffer[] = [];
  const errB: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => { outB.push(c); opts.onStdout?.(c); });
  child.stderr?.on('data', (c: Buffer) => { errB.push(c); opts.onStderr?.(c); });
  let stopped = false;
  let timedOut = false;
  const timers: NodeJS.Timeout[] = [];
  const send = (sig: NodeJS.Signals): void => {
    for (const pid of target()) {
      try {
        process.kill(pid, sig);
      } catch {
        // already gone
      }
    }
  };
  const onAbort = (): void => {
    if (stopped) return;
    stopped = true;
    send(resolveSignal(opts.stopSignal));
    const t = setTimeout(() => send('SIGKILL'), opts.killGraceMs ?? 5000);
    timers.push(t);
  };
  if (opts.signal) {
    if (opts.signal.aborted) queueMicrotask(onAbort);
    else opts.signal.addEventListener('abort', onAbort, { once: true });
  }
  if (opts.timeoutMs !== undefined) timers.push(setTimeout(() => { timedOut = true; send('SIGKILL'); }, opts.timeoutMs));
  return new Promise((resolve) => {
    child.on('close', (code, sig) => {
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ exitCode: code, signal: sig, stopped, timedOut, stdout: Buffer.concat(outB).toString(), stderr: Buffer.concat(errB).toString() });
    });
  });
}

function childrenOf(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return tasks.trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function hostStdio(opts: WorkloadIO): ['ignore' | 'inherit', 'inherit' | 'pipe', 'inherit' | 'pipe'] {
  return opts.output === 'inherit' ? ['inherit', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'];
}

// ---------------------------------------------------------------------------------------------------------- eBPF

export function archOfProbe(c: ProbeCount): { arch: ArchId; nr: number } {
  const host = hostArch().id;
  if (host === 'x86_64') {
    if (c.compat) return { arch: 'x86', nr: c.nr };
    if (c.nr >= X32_SYSCALL_BIT) return { arch: 'x32', nr: c.nr };
  }
  return { arch: host, nr: c.nr };
}

/** Observations from probe counts. */
export function probeObservations(counts: readonly ProbeCount[], action: Observation['action'] = 'allow'): Observation[] {
  return counts.filter((c) => c.nr >= 0).map((c) => {
    const { arch, nr } = archOfProbe(c);
    return {
      arch, nr, name: syscallName(arch, nr), pid: c.pid, ...(c.comm !== '' ? { comm: c.comm } : {}), action, compat: c.compat, count: c.count,
      rendering: 'strace-summary', file: '<ebpf>', line: 0,
    } satisfies Observation;
  });
}

export class BeforeStartError extends EnvironmentError {
  readonly beforeStart = true;
}

async function recordEbpf(argv: string[], opts: RecordOptions, container: boolean): Promise<Omit<RecordResult, 'backend' | 'container' | 'notes'>> {
  let exit: WorkloadExit;
  let probe;
  if (!container) {
    const s = spawnInSession(argv, { stdio: hostStdio(opts) });
    const ses = await s.session;
    if (ses === undefined) {
      s.cancel();
      throw new BeforeStartError('cannot give the workload its own audit session (writing /proc/self/loginuid needs CAP_AUDIT_CONTROL and a kernel with CONFIG_AUDIT)', 'run as root, or use --backend strace');
    }
    probe = startProbe(ses, { kind: 'pid', pid: s.child.pid!, sessionExact: s.exact }, { denials: false, counts: opts.exactCounts === true });
    try {
      await probe.ready;
    } catch (e) {
      s.cancel();
      throw new BeforeStartError((e as Error).message, 'use --backend strace');
    }
    const pid = s.child.pid!;
    const waiting = waitHost(s.child, opts, () => [pid]);
    s.go();
    exit = await waiting;
  } else {
    const b = workloadBundle(argv, opts, undefined);
    try {
      const run = await runProbedContainer(b.dir, opts, { kind: 'filename', path: argv[0]! },
        { denials: false, counts: opts.exactCounts === true },
        (message) => new BeforeStartError(message, 'use --backend strace'));
      probe = run.probe;
      exit = run.exit;
    } finally {
      b.cleanup();
    }
  }
  const r = await probe.stop();
  const agg = new Aggregator({});
  for (const o of probeObservations(r.entries)) agg.add(o);
  return { ...exit, ingest: agg.result() };
}

// -------------------------------------------------------------------------------------------------------- strace

async function recordStrace(argv: string[], opts: RecordOptions, container: boolean): Promise<Omit<RecordResult, 'backend' | 'container' | 'notes'>> {
  const dir = mkdtempSync(join(tmpdir(), 'seccompctl-strace-'));
  try {
    const file = join(dir, 'trace');
    let exit: WorkloadExit;
    if (!container) {
      const child = spawn('strace', ['-f', '-o', file, '--', ...argv], { stdio: hostStdio(opts) });
      const pid = child.pid;
      exit = await waitHost(child, opts, () => (pid ? childrenOf(pid) : []));
    } else {
      const strace = resolveCommand('strace');
      const inner = '/.seccompctl-record';
      const b = workloadBundle([strace, '-f', '-o', `${inner}/trace`, '--', ...argv], opts, undefined, {
        mounts: [{ source: dir, destination: inner, readonly: false }, { source: strace, destination: strace }],
        capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_PTRACE'],
      });
      try {
        // Stop signals go to the workload, not to strace (pid 1), so the workload's shutdown path is recorded too.
        const ac = new AbortController();
        const c = runWorkloadContainer(b.dir, { ...opts, signal: ac.signal });
        const forward = (): void => {
          const init = c.initPid();
          const kids = init ? childrenOf(init) : [];
          if (kids.length === 0) { ac.abort(); return; }
          for (const k of kids) {
            try { process.kill(k, resolveSignal(opts.stopSignal)); } catch { /* gone */ }
          }
          const t = setTimeout(() => ac.abort(), opts.killGraceMs ?? 5000);
          t.unref();
        };
        if (opts.signal) {
          if (opts.signal.aborted) queueMicrotask(forward);
          else opts.signal.addEventListener('abort', forward, { once: true });
        }
        exit = await c.done;
        opts.signal?.removeEventListener('abort', forward);
        if (opts.signal?.aborted) exit = { ...exit, stopped: true };
      } finally {
        b.cleanup();
      }
    }
    if (!existsSync(file)) throw new EnvironmentError(`strace wrote no trace (${exit.stderr.trim().split('\n').slice(-2).join(' | ')})`, 'check that strace can ptrace here (root, or kernel.yama.ptrace_scope=0)');
    const ingest = await ingestFiles([file], { format: 'strace', nativeArch: hostArch().id });
    return { ...exit, ingest };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// --------------------------------------------------------------------------------------------------------- audit

/** The architectures a LOG profile must list so every process of the host's family is logged, not killed. */
export function nativeScmpArches(): string[] {
  return hostArch().id === 'x86_64' ? ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] : [`SCMP_ARCH_${hostArch().scmp}`];
}

/** Observations from seccomp audit records. */
export function recordObservations(records: readonly SeccompRecord[]): Observation[] {
  const out: Observation[] = [];
  for (const r of records) {
    const arch = r.arch !== undefined ? archFromAudit(r.arch, r.syscall) : hostArch();
    if (!arch) continue;
    out.push({
      arch: arch.id, nr: r.syscall, name: syscallName(arch.id, r.syscall),
      ...(r.pid !== undefined ? { pid: r.pid } : {}), ...(r.comm !== undefined ? { comm: r.comm } : {}), ...(r.exe !== undefined ? { exe: r.exe } : {}),
      action: r.code !== undefined ? actionOfCode(r.code) : 'unknown', compat: r.compat, count: 1,
      rendering: 'kmsg', file: '/dev/kmsg', line: r.seq,
    });
  }
  return out;
}

/**
 * Runs a container under `seccomp` with a fresh audit session and collects the session's seccomp records from
 * /dev/kmsg (printk rate limit off meanwhile). Used by the audit backend and by verify's complain pass.
 */
export async function runWithKernelLog(argv: string[], opts: WorkloadOptions, seccomp: string): Promise<{ exit: WorkloadExit; records: SeccompRecord[]; loss: KmsgReader['loss'] }> {
  const reader = new KmsgReader();
  await reader.open();
  const restore = disablePrintkRatelimit();
  const b = workloadBundle(argv, opts, seccomp);
  const records: SeccompRecord[] = [];
  const timer = setInterval(() => reader.poll((r) => records.push(r)), 10);
  try {
    let release!: () => void;
    const gate = new Promise<void>((res) => { release = res; });
    const c = runWorkloadContainer(b.dir, opts, { auditSession: true, startGate: gate });
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
    // kauditd prints asynchronously: wait until the session's records stop arriving.
    let last = records.length;
    for (let i = 0; i < 40; i++) {
      await new Promise((r) => setTimeout(r, 50));
      reader.poll((r) => records.push(r));
      if (records.length === last && i >= 3) break;
      last = records.length;
    }
    await reader.close();
    reader.poll((r) => records.push(r));
    return { exit, records, loss: reader.loss };
  } finally {
    clearInterval(timer);
    await reader.close();
    restore();
    b.cleanup();
  }
}

async function recordAudit(argv: string[], opts: RecordOptions): Promise<Omit<RecordResult, 'backend' | 'container' | 'notes'>> {
  const seccomp = JSON.stringify({ defaultAction: 'SCMP_ACT_LOG', architectures: nativeScmpArches(), flags: [] });
  const { exit, records, loss } = await runWithKernelLog(argv, opts, seccomp);
  const agg = new Aggregator({});
  for (const o of recordObservations(records)) agg.add(o);
  for (const l of loss) {
    agg.addLoss({ kind: l.kind, certain: true, ...(l.count !== undefined ? { count: l.count } : {}), message: l.message, file: '/dev/kmsg', line: 0 });
  }
  return { ...exit, ingest: agg.result() };
}
