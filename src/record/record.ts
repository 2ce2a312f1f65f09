// `record`: run a command, observe every syscall of its process tree with one of three backends, and aggregate the
// observations with the ingest stage (so generate turns them into a profile exactly as it does for log files).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../common/index.js';
import { Aggregator, ingestFiles, type IngestResult, type LossSignal, type Observation } from '../ingest/index.js';
import {
  archOfProbe, childrenOf, commandExists, DEFAULT_CAPABILITIES, recordEbpfAvailability, hostStdio, logProfile, recordMapKeys, requireRunc,
  resolveCommand, resolveSignal, runProbedContainer, runWithKernelLog, runWorkloadContainer, signalPids,
  spawnInSession, startProbe, stopGraceKill, tempDir, waitHost, workloadBundle, workloadRoot, type Escalation,
  type KernelLogRecord, type ProbeCount, type ProbeResult, type WorkloadExit, type WorkloadOptions,
} from '../runtime/index.js';
import type { RecordLoader } from '../runtime/index.js';
import { ArgCollector, type ArgRecording } from '../generate/index.js';
import { hostArch, syscallName, syscallNumber, type ArchId } from '../syscalls/index.js';
import { ebpfArgs } from './args.js';

export type RecordBackend = 'ebpf' | 'strace' | 'audit';

export interface RecordOptions extends WorkloadOptions {
  backend?: 'auto' | RecordBackend;
  /**
   * eBPF: count every call. Default false: each (process, syscall, arch) is noted once, at a lower cost per call,
   * and its observation carries count 1 (the set is what a profile needs).
   */
  exactCounts?: boolean;
  /** Also keep the argument values of the curated syscalls (ARG_SPECS), for `generate --args`. */
  args?: boolean;
  /** Called about once a second while the command runs (a progress display); must not throw. */
  onProgress?: (p: RecordProgress) => void;
  /**
   * eBPF: the libbpf record program (native/record-bpf) or bpftrace's. Default `auto` (or $SECCOMPCTL_RECORD_LOADER):
   * libbpf when it builds and loads, else bpftrace, saying why in `ebpfFallback`.
   */
  ebpfLoader?: RecordLoader;
}

/** What a recording has seen so far. */
export interface RecordProgress {
  readonly backend: RecordBackend;
  readonly elapsedMs: number;
  /** Processes and distinct syscalls seen so far; absent when the backend only knows them at the end (ebpf, audit). */
  readonly processes?: number;
  readonly syscalls?: number;
}

type LiveCounts = () => { processes: number; syscalls: number } | undefined;

/**
 * Counts what `strace -f -o FILE` has written so far: the pids and syscall names of its `PID name(` lines, reading
 * only the bytes added since the last call (at most 8 MiB per call).
 */
export function straceFileCounter(file: string): () => { processes: number; syscalls: number } {
  let offset = 0;
  let rest = '';
  const pids = new Set<string>();
  const names = new Set<string>();
  return () => {
    let fd: number | undefined;
    try {
      fd = openSync(file, 'r');
      const n = Math.min(fstatSync(fd).size - offset, 8 << 20);
      if (n > 0) {
        const buf = Buffer.alloc(n);
        const got = readSync(fd, buf, 0, n, offset);
        offset += got;
        const lines = (rest + buf.toString('latin1', 0, got)).split('\n');
        rest = lines.pop() ?? '';
        for (const l of lines) {
          const m = /^(\d+)\s+([a-z_][a-z0-9_]*)\(/.exec(l);
          if (m) {
            pids.add(m[1]!);
            names.add(m[2]!);
          }
        }
      }
    } catch {
      // not written yet
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    return { processes: pids.size, syscalls: names.size };
  };
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
  /** The curated syscalls' argument values (with `args`). */
  args?: ArgRecording;
  /** ebpf: which program recorded (the libbpf one, or bpftrace's as the fallback). */
  ebpfEngine?: 'libbpf' | 'bpftrace';
  /** ebpf: why bpftrace's program recorded instead of the libbpf one (also in `notes`). */
  ebpfFallback?: string;
}

/** Picks the backend: the one asked for, or for `auto` eBPF when possible, else strace (with the reason). */
export function chooseBackend(asked: 'auto' | RecordBackend): { backend: RecordBackend; fallback?: string } {
  if (asked !== 'auto') return { backend: asked };
  const e = recordEbpfAvailability();
  if (e.ok) return { backend: 'ebpf' };
  return { backend: 'strace', fallback: `eBPF unavailable: ${e.reason}; falling back to strace` };
}

/** Records CMD's syscalls. Throws UserError/EnvironmentError (exit 2) before starting anything when it cannot. */
export async function recordWorkload(opts: RecordOptions): Promise<RecordResult> {
  const container = opts.container === true || opts.backend === 'audit' || opts.rootfs !== undefined || opts.bundle !== undefined;
  const exe = resolveCommand(opts.argv[0], { root: workloadRoot(opts) });
  const argv = [exe, ...opts.argv.slice(1)];
  let { backend, fallback } = chooseBackend(opts.backend ?? 'auto');
  if (backend === 'ebpf' || opts.backend === 'auto') recordMapKeys(); // a bad SECCOMPCTL_RECORD_MAP_KEYS: exit 2 before anything runs
  if (backend === 'ebpf') {
    const e = recordEbpfAvailability(opts.ebpfLoader);
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
  let live: LiveCounts = () => undefined;
  const started = Date.now();
  const ticker = opts.onProgress ? setInterval(() => {
    const c = live();
    opts.onProgress!({ backend, elapsedMs: Date.now() - started, ...(c ?? {}) });
  }, 1000) : undefined;
  ticker?.unref();
  const setLive = (f: LiveCounts): void => { live = f; };
  try {
    if (backend === 'ebpf') {
      try {
        out = await recordEbpf(argv, opts, container);
      } catch (e) {
        if (opts.backend !== 'auto' || !(e instanceof EnvironmentError) || !(e as EnvironmentError & { beforeStart?: boolean }).beforeStart) throw e;
        fallback = `eBPF failed to start (${e.message.split('\n')[0]}); falling back to strace`;
        backend = 'strace';
        out = await recordStrace(argv, opts, container, setLive);
      }
    } else if (backend === 'strace') {
      out = await recordStrace(argv, opts, container, setLive);
    } else {
      out = await recordAudit(argv, opts);
    }
  } finally {
    clearInterval(ticker);
  }
  if (fallback) notes.push(fallback);
  if (out.ebpfFallback) notes.push(out.ebpfFallback);
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

// ---------------------------------------------------------------------------------------------------------- eBPF

/** Observations from probe counts. */
export function probeObservations(counts: readonly ProbeCount[], action: Observation['action'] = 'allow', host: ArchId = hostArch().id): Observation[] {
  return counts.filter((c) => c.nr >= 0).map((c) => {
    const { arch, nr } = archOfProbe(c, host);
    return {
      arch, nr, name: syscallName(arch, nr), pid: c.pid, ...(c.comm !== '' ? { comm: c.comm } : {}), action, compat: c.compat, count: c.count,
      rendering: 'strace-summary', file: '<ebpf>', line: 0,
    } satisfies Observation;
  });
}

/** A larger SECCOMPCTL_RECORD_MAP_KEYS to suggest for a map of `keys` keys. */
const largerKeys = (keys: number): number => Math.min(keys * 4, 1 << 24);

/**
 * The certain loss of a recording whose record program found a map full: the first calls it could not store are
 * missing, so a profile from it would deny calls the workload made (generate refuses it unless allowLoss).
 */
export function mapFullLoss(m: { failed?: number; mapKeys: number }, engine: 'libbpf' | 'bpftrace'): LossSignal {
  const what = m.failed !== undefined ? `map full, ${m.failed} update(s) failed` : `map full (its ${m.mapKeys} keys all used)`;
  return {
    kind: 'probe-map-full', certain: true, ...(m.failed !== undefined ? { count: m.failed } : {}), file: '<ebpf>', line: 0,
    message: `${what}: the ${engine} record program's map (${m.mapKeys} keys, one per process × syscall) ` +
      `overflowed, so calls the workload made were not recorded; record fewer processes, or raise SECCOMPCTL_RECORD_MAP_KEYS (e.g. ${largerKeys(m.mapKeys)})`,
  };
}

/**
 * The loss signal of a record program's other map that refused inserts (ProbeResult.mapLoss). Certain (generate
 * refuses the profile unless allowLoss) when calls the workload made are missing: untracked threads (`live`,
 * `task-storage`), unrecorded start execs (`execs`). Not certain when no call is missing: process names (`comm`) and
 * argument tuples (`args`: the curated syscalls fall back to name-only rules, see ebpfArgs); recordProfile turns those
 * into warnings.
 */
export function mapLossSignal(m: NonNullable<ProbeResult['mapLoss']>[number], engine: 'libbpf' | 'bpftrace', unnamed = 0): LossSignal {
  const raise = m.mapKeys !== undefined ? `raise SECCOMPCTL_RECORD_MAP_KEYS (e.g. ${largerKeys(m.mapKeys)})` : '';
  const map = (what: string): string => `the ${engine} record program's ${what} map (${m.mapKeys} keys)`;
  const base = { kind: 'probe-map-full' as const, file: '<ebpf>', line: 0 };
  switch (m.map) {
    case 'live':
      return { ...base, certain: true, message: `map full: ${map('live-task')} refused ${m.failed} thread(s) of the workload, so their calls were not recorded; run fewer threads at once, or ${raise}` };
    case 'execs':
      return { ...base, certain: true, count: m.failed, message: `map full: ${map('start-exec')} refused ${m.failed} start exec(s), so their execve calls were not recorded; ${raise}` };
    case 'task-storage':
      return { ...base, certain: true, message: `the kernel could not allocate the ${engine} record program's per-thread storage ${m.failed} time(s) (out of memory), so calls of those threads were not recorded; record again with more free memory` };
    case 'comm':
      return { ...base, certain: false, message: `process names lost: ${map('process-name')} refused ${m.failed} name(s), and ${unnamed} recorded process(es) are unnamed (no call was lost); ${raise}` };
    case 'args':
      return { ...base, certain: false, message: `argument values lost: ${map('argument')} refused ${m.failed} distinct argument tuple(s); no call was lost, but the curated syscalls are allowed by name only; ${raise}` };
  }
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
    probe = startProbe(ses, { kind: 'pid', pid: s.child.pid!, sessionExact: s.exact }, { denials: false, counts: opts.exactCounts === true, args: opts.args === true, ...(opts.hostArch ? { hostArch: opts.hostArch } : {}), ...(opts.ebpfLoader ? { loader: opts.ebpfLoader } : {}) });
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
        { denials: false, counts: opts.exactCounts === true, args: opts.args === true, ...(opts.ebpfLoader ? { loader: opts.ebpfLoader } : {}) },
        (message) => new BeforeStartError(message, 'use --backend strace'));
      probe = run.probe;
      exit = run.exit;
    } finally {
      b.cleanup();
    }
  }
  const r = await probe.stop();
  const agg = new Aggregator({});
  const obs = probeObservations(r.entries, 'allow', opts.hostArch);
  for (const o of obs) agg.add(o);
  if (r.mapFull) agg.addLoss(mapFullLoss(r.mapFull, r.engine ?? 'bpftrace'));
  // A refused name is lost only when a recorded process lacks one (most refused names are threads', dropped at exit).
  const unnamed = new Set(r.entries.filter((e) => e.comm === '').map((e) => e.pid)).size;
  for (const m of r.mapLoss ?? []) if (m.map !== 'comm' || unnamed > 0) agg.addLoss(mapLossSignal(m, r.engine ?? 'bpftrace', unnamed));
  return {
    ...exit, ingest: agg.result(), ...(opts.args ? { args: ebpfArgs(obs, r, opts.hostArch ?? hostArch().id) } : {}),
    ...(r.engine ? { ebpfEngine: r.engine } : {}), ...(r.note ? { ebpfFallback: r.note } : {}),
  };
}

// -------------------------------------------------------------------------------------------------------- strace

async function recordStrace(argv: string[], opts: RecordOptions, container: boolean, setLive: (f: LiveCounts) => void = () => {}): Promise<Omit<RecordResult, 'backend' | 'container' | 'notes'>> {
  const { dir, remove } = tempDir('seccompctl-strace-');
  try {
    const file = join(dir, 'trace');
    setLive(straceFileCounter(file));
    let exit: WorkloadExit;
    // --args: raw numbers (`0x2` for AF_INET), so every value reads back exactly (strace 6.1's -X verbose aborts on some
    // signal masks).
    const xv = opts.args ? ['-X', 'raw'] : [];
    if (!container) {
      const child = spawn('strace', ['-f', ...xv, '-o', file, '--', ...argv], { stdio: hostStdio(opts) });
      const pid = child.pid;
      exit = await waitHost(child, opts, () => (pid ? childrenOf(pid) : []));
    } else {
      const strace = resolveCommand('strace');
      const inner = '/.seccompctl-record';
      const b = workloadBundle([strace, '-f', ...xv, '-o', `${inner}/trace`, '--', ...argv], opts, undefined, {
        mounts: [{ source: dir, destination: inner, readonly: false }, { source: strace, destination: strace }],
        capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_PTRACE'],
      });
      try {
        // Stop signals go to the workload, not to strace (pid 1), so the workload's shutdown path is recorded too.
        const ac = new AbortController();
        const c = runWorkloadContainer(b.dir, { ...opts, signal: ac.signal });
        let stopping: Escalation | undefined;
        const forward = (): void => {
          const init = c.initPid();
          const kids = init ? childrenOf(init) : [];
          if (kids.length === 0) { ac.abort(); return; }
          stopping = stopGraceKill(() => signalPids(kids, resolveSignal(opts.stopSignal)), () => ac.abort(), opts.killGraceMs ?? 5000);
        };
        if (opts.signal) {
          if (opts.signal.aborted) queueMicrotask(forward);
          else opts.signal.addEventListener('abort', forward, { once: true });
        }
        exit = await c.done;
        stopping?.cancel();
        opts.signal?.removeEventListener('abort', forward);
        if (opts.signal?.aborted) exit = { ...exit, stopped: true };
      } finally {
        b.cleanup();
      }
    }
    if (!existsSync(file)) throw new EnvironmentError(`strace wrote no trace (${exit.stderr.trim().split('\n').slice(-2).join(' | ')})`, 'check that strace can ptrace here (root, or kernel.yama.ptrace_scope=0)');
    const collector = opts.args ? new ArgCollector() : undefined;
    const ingest = await ingestFiles([file], { format: 'strace', nativeArch: opts.hostArch ?? hostArch().id, ...(collector ? { onObservation: collector.onObservation } : {}) });
    return { ...exit, ingest, ...(collector ? { args: collector.result() } : {}) };
  } finally {
    remove();
  }
}

// --------------------------------------------------------------------------------------------------------- audit

/** Observations from seccomp audit records (ingest's decoding, kept on each record). */
export function recordObservations(records: readonly KernelLogRecord[]): Observation[] {
  return records.map((r) => r.observation);
}

async function recordAudit(argv: string[], opts: RecordOptions): Promise<Omit<RecordResult, 'backend' | 'container' | 'notes'>> {
  const { exit, records, loss } = await runWithKernelLog(argv, opts, logProfile(opts.hostArch));
  const agg = new Aggregator({});
  const collector = opts.args ? new ArgCollector() : undefined;
  for (const o of recordObservations(records)) {
    agg.add(o);
    collector?.addObservation(o); // audit records carry no arguments: curated syscalls stay name-only (reported)
  }
  for (const l of loss) {
    agg.addLoss({ kind: l.kind, certain: true, ...(l.count !== undefined ? { count: l.count } : {}), message: l.message, file: '/dev/kmsg', line: 0 });
  }
  return { ...exit, ingest: agg.result(), ...(collector ? { args: collector.result() } : {}) };
}
