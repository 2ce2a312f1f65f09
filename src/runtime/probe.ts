// The eBPF probe (runs bpftrace; used by record's ebpf backend and by verify): one bpftrace program on raw_syscalls tracepoints, aggregated in the kernel and scoped to one audit
// session (a fresh session is created for the workload, see session.ts) and, inside it, to the workload's own
// threads: the first exec that matches `marker`, then every task it forks.
//
// It counts syscall entries (recording) and syscall exits that had no entry (verification): on x86_64 the kernel
// runs seccomp before the sys_enter tracepoint and skips it when the filter denies the call, but sys_exit still fires,
// so an exit without an entry is a call the seccomp filter refused.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { EnvironmentError, UserError } from '../common/index.js';
import { registerCleanup } from './cleanup.js';
import { archInfo, hostArch, syscallNumber, X32_SYSCALL_BIT, type ArchId } from '../syscalls/index.js';
import { argCaptureStatements, parseArgSamples, type ArgSample } from './probe-args.js';
import { startRecordProbe, type RecordLoader } from './probe-libbpf.js';

/** Which exec starts the workload inside the session. */
export type ExecMarker =
  /**
   * The exec of this pid. `sessionExact`: nothing else in the session makes a syscall once the probe is attached,
   * before that exec (spawnInSession's wrapper under dash), so the record program needs no per-task map.
   */
  | { kind: 'pid'; pid: number; sessionExact?: boolean }
  | { kind: 'filename'; path: string };

/** One aggregated key of the probe's maps. */
export interface ProbeCount {
  pid: number;
  comm: string;
  /** Syscall number as the kernel saw it (x32 calls carry the x32 bit). */
  nr: number;
  /** True for a 32-bit (ia32) task. */
  compat: boolean;
  count: number;
  /** For denials: the return value the caller saw (e.g. -1 for EPERM, -38 for ENOSYS). */
  ret?: number;
}

/** What the probe saw. */
export interface ProbeResult {
  entries: ProbeCount[];
  denials: ProbeCount[];
  /** How many times the workload's start exec (the marker) was seen: 0 means it never started. */
  execs: number;
  /** Lines bpftrace printed on stderr (warnings). */
  warnings: string[];
  /** Distinct argument tuples of the curated syscalls (record mode with `args`). */
  args?: ArgSample[];
  /** Record mode: which program recorded (probe-libbpf.ts), and why not libbpf when it was bpftrace. */
  engine?: 'libbpf' | 'bpftrace';
  note?: string;
  /**
   * Record mode: a map of the program was full, so calls the workload made are missing from `entries` (record
   * reports it as a certain loss). `failed`: the inserts that failed (the libbpf program counts them); absent for
   * bpftrace, whose `@seen` dump merely holds as many keys as the map can (`mapKeys`).
   */
  mapFull?: { failed?: number; mapKeys: number };
  /** Record mode: the program's other maps that refused inserts, and task storage it could not allocate (see ProbeMapLoss). */
  mapLoss?: ProbeMapLoss[];
}

/**
 * A record program's map (other than the seen-set, `mapFull`) that refused inserts, or (libbpf) per-thread storage
 * the kernel could not allocate. What it costs (record turns each into a loss signal):
 * - `live`: threads of the workload not marked (bpftrace's `@live`, a `filename` marker): their calls are not recorded;
 * - `task-storage`: the libbpf program's per-thread storage: a thread not tracked (or, `exact`, a call not recorded);
 * - `execs`: start execs whose execve entry (made before the task was marked) is not recorded;
 * - `comm`: process names not kept: those processes are unnamed, no call is lost;
 * - `args`: argument tuples not kept (`record --args`): the curated syscalls' values are incomplete.
 */
export interface ProbeMapLoss {
  map: 'live' | 'task-storage' | 'execs' | 'comm' | 'args';
  /** Inserts (or allocations) that failed. */
  failed: number;
  /** The map's size in keys (absent for task storage, which has none). */
  mapKeys?: number;
}

/** The keys of the record programs' maps (`SECCOMPCTL_RECORD_MAP_KEYS`, default 65536): raise it for huge workloads. */
export const DEFAULT_RECORD_MAP_KEYS = 65536;
export function recordMapKeys(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.SECCOMPCTL_RECORD_MAP_KEYS;
  if (v === undefined || v === '') return DEFAULT_RECORD_MAP_KEYS;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 1 << 24) {
    throw new UserError(`SECCOMPCTL_RECORD_MAP_KEYS must be a whole number of keys between 1 and 16777216 (got '${v}')`);
  }
  return Number(v);
}

const TS_COMPAT = 0x0002; // arch/x86/include/asm/thread_info.h

/** Options of the probe program. */
export interface ProbeOptions {
  /** Verify: watch runc's init from its first call under that name (it runs under the filter before its exec). */
  watchRuncInit?: boolean;
  /** Verify (default): also pair entries with exits to find denied calls. `false` is record mode. */
  denials?: boolean;
  /**
   * Record mode: count every call (two map operations per call) instead of noting each (process, syscall, arch)
   * once (one map lookup per call once seen). Default false: a profile needs the set, not the counts.
   */
  counts?: boolean;
  /** The host's architecture (default: this machine's); the compat bit is read only on x86_64. */
  hostArch?: ArchId;
  /** Record mode: also keep the curated syscalls' argument values (probe-args.ts). */
  args?: boolean;
  /** Record mode: the libbpf program (probe-libbpf.ts) or bpftrace's; default `auto` (libbpf when it loads). */
  loader?: RecordLoader;
}

/**
 * The bpftrace program for one session.
 *
 * Record mode (`denials: false`) is built for a low per-call cost, since `sys_enter` runs on every syscall of the
 * machine: no sys_exit probe, no per-call `comm` (the name is noted per process at exec and fork), and, for a
 * `pid` marker, no per-thread map: the session alone scopes the workload exactly, because spawnInSession's wrapper
 * stops itself before the probe attaches and its next call after SIGCONT is the marker execve itself. A `filename`
 * marker (a container: runc's init runs in the session before its exec, and `runc run` stays in it) keeps the
 * per-thread `@live` map. Each call costs the session check (one kernel read), the compat bit (one read) and one hash
 * lookup (`@seen`, set once per key); `counts: true` replaces that with a per-CPU count (lookup + update).
 */
export function probeProgram(session: number, marker: ExecMarker, opts: ProbeOptions = {}): string {
  const host = opts.hostArch ?? hostArch().id;
  if (opts.denials === false && opts.watchRuncInit !== true) return recordProgram(session, marker, opts.counts === true, host, opts.args === true);
  const markerCond = marker.kind === 'pid' ? `pid == ${marker.pid}` : `str(args->filename) == ${JSON.stringify(marker.path)}`;
  const compat = compatExpr(host);
  const ses = `curtask->sessionid == ${session}`;
  return `
BEGIN { printf("SECCOMPCTL_READY\\n"); }
tracepoint:sched:sched_process_exec /${ses} && ${markerCond}/ { @live[tid] = 1; @inflight[tid] = 1; @execs[pid, comm, ${compat}] = count(); }
tracepoint:sched:sched_process_fork /${ses} && @live[args->parent_pid]/ { @live[args->child_pid] = 1; @inflight[args->child_pid] = 1; }
tracepoint:sched:sched_process_exit /${ses} && @live[tid]/ { delete(@live[tid]); delete(@inflight[tid]); }
${opts.watchRuncInit
    // runc's init process runs under the container's filter from the moment it loads it (before exec): watch it from
    // its first call under that name, so the runtime's own denied calls are seen too.
    ? `tracepoint:raw_syscalls:sys_enter /${ses}/ {
  if (@live[tid] == 0 && comm == "runc:[2:INIT]") { @live[tid] = 1; }
  if (@live[tid]) { @sys[pid, comm, args->id, ${compat}] = count(); @inflight[tid] = 1; }
}`
    : `tracepoint:raw_syscalls:sys_enter /${ses} && @live[tid]/ { @sys[pid, comm, args->id, ${compat}] = count(); @inflight[tid] = 1; }`}
${opts.denials === false ? '' : `tracepoint:raw_syscalls:sys_exit /${ses} && @live[tid]/ {
  if (@inflight[tid] == 0) { @denied[pid, comm, args->id, ${compat}, args->ret] = count(); }
  @inflight[tid] = 0;
}`}
END { clear(@live); clear(@inflight); }
`;
}

/** 1 for a 32-bit (ia32) call: TS_COMPAT is set per call, so an `int 0x80` from a 64-bit process counts as ia32. */
function compatExpr(host: ArchId): string {
  return host === 'x86_64' ? `(curtask->thread_info.status & ${TS_COMPAT} ? 1 : 0)` : '0';
}

/**
 * The arch and number of a probe count on a `host` machine: on x86_64, compat tasks are ia32 and numbers with the
 * x32 bit are x32; elsewhere the host's own arch (a compat task of an arm64 host reports arm numbers with compat).
 */
export function archOfProbe(c: ProbeCount, host: ArchId = hostArch().id): { arch: ArchId; nr: number } {
  if (host === 'x86_64') {
    if (c.compat) return { arch: 'x86', nr: c.nr };
    if (c.nr >= X32_SYSCALL_BIT) return { arch: 'x32', nr: c.nr };
  }
  return { arch: host, nr: c.nr };
}

function recordProgram(session: number, marker: ExecMarker, counts: boolean, host: ArchId, args = false): string {
  const ses = `curtask->sessionid == ${session}`;
  const compat = compatExpr(host);
  const exact = marker.kind === 'pid' && marker.sessionExact === true;
  const markerCond = marker.kind === 'pid' ? `pid == ${marker.pid}` : `str(args->filename) == ${JSON.stringify(marker.path)}`;
  // exact: the session holds nothing but the workload from the marker execve on (see spawnInSession). Otherwise
  // (a container: runc's init runs in the session before its exec, and `runc run` stays in it) only the marked
  // tasks and what they fork.
  const scoped = exact ? ses : `${ses} && @live[tid]`;
  const note = counts
    ? '@seen[pid, args->id, $c] = count();'
    : 'if (@seen[pid, args->id, $c] == 0) { @seen[pid, args->id, $c] = 1; }';
  // Every map but @seen (detected from its dump) and @started (one key) counts the inserts it refused: bpftrace 0.17
  // ignores a failed update (without -k), and a lookup of a missing key reads 0 (or ""), so reading the key back right
  // after storing it tells a full map. One more lookup per insert; inserts are rare (a fork, an exec, a new tuple).
  const comm = (k: string): string => `@comm[${k}] = comm; if (@comm[${k}] == "") { @lost_comm = count(); }`;
  const live = (k: string): string => `@live[${k}] = 1; if (@live[${k}] == 0) { @lost_live = count(); }`;
  const lines = [
    'BEGIN { printf("SECCOMPCTL_READY\\n"); }',
    exact
      // The marker's execve entry is seen by sys_enter: @started only counts the start.
      ? `tracepoint:sched:sched_process_exec /${ses} && ${markerCond}/ { @started[pid] = count(); }`
      // The marker's execve entry happened before the task was marked: @execs adds it (a plain sum, not count(), so
      // that it can be read back).
      : `tracepoint:sched:sched_process_exec /${ses} && ${markerCond}/ { ${live('tid')} $x = ${compat}; @execs[pid, comm, $x] += 1; ` +
        'if (@execs[pid, comm, $x] == 0) { @lost_execs = count(); } }',
    // The process name, noted at every exec (after it, comm is the new program's) and fork (the parent's, which the
    // child starts with); a thread's tid entry is dropped when it exits, a process's stays for the dump.
    `tracepoint:sched:sched_process_exec /${scoped}/ { ${comm('pid')} }`,
    exact
      ? `tracepoint:sched:sched_process_fork /${ses}/ { ${comm('args->child_pid')} }`
      : `tracepoint:sched:sched_process_fork /${ses} && @live[args->parent_pid]/ { ${live('args->child_pid')} ${comm('args->child_pid')} }`,
    exact
      ? `tracepoint:sched:sched_process_exit /${ses} && tid != pid/ { delete(@comm[tid]); }`
      : `tracepoint:sched:sched_process_exit /${scoped}/ { delete(@live[tid]); if (tid != pid) { delete(@comm[tid]); } }`,
    `tracepoint:raw_syscalls:sys_enter /${scoped}/ { $c = ${compat}; ${note}${args ? ` ${argCaptureStatements(host)}` : ''} }`,
    exact ? '' : 'END { clear(@live); }',
  ];
  return `\n${lines.filter(Boolean).join('\n')}\n`;
}

/**
 * Parses bpftrace's map dump. comm may hold any character, so the numeric fields are matched from the right.
 * Record-mode `@seen[pid, nr, compat]` rows take their comm from `@comm[pid]` ('' when the process was never named).
 */
export function parseProbeOutput(text: string, host: ArchId = hostArch().id): { entries: ProbeCount[]; denials: ProbeCount[]; execs: number } {
  const execve = (compat: boolean): number => {
    const arch = compat ? archInfo(host).compat[0] ?? host : host;
    return syscallNumber(arch, 'execve') ?? -1;
  };
  let execs = 0;
  const entries: ProbeCount[] = [];
  const denials: ProbeCount[] = [];
  const seen: { pid: number; nr: number; compat: boolean; count: number }[] = [];
  const comms = new Map<number, string>();
  for (const line of text.split('\n')) {
    let m = /^@sys\[(\d+), (.*), (-?\d+), (\d)\]: (\d+)$/.exec(line);
    if (m) {
      entries.push({ pid: Number(m[1]), comm: m[2]!, nr: Number(m[3]), compat: m[4] === '1', count: Number(m[5]) });
      continue;
    }
    m = /^@seen\[(\d+), (-?\d+), (\d)\]: (\d+)$/.exec(line);
    if (m) {
      seen.push({ pid: Number(m[1]), nr: Number(m[2]), compat: m[3] === '1', count: Number(m[4]) });
      continue;
    }
    m = /^@comm\[(\d+)\]: (.*)$/.exec(line);
    if (m) {
      comms.set(Number(m[1]), m[2]!);
      continue;
    }
    m = /^@started\[(\d+)\]: (\d+)$/.exec(line);
    if (m) {
      execs += Number(m[2]);
      continue;
    }
    m = /^@execs\[(\d+), (.*), (\d)\]: (\d+)$/.exec(line);
    if (m) {
      // The exec that started the workload: its entry happened before the probe marked the task (the host's execve).
      const compat = m[3] === '1';
      execs += Number(m[4]);
      entries.push({ pid: Number(m[1]), comm: m[2]!, nr: execve(compat), compat, count: Number(m[4]) });
      continue;
    }
    m = /^@denied\[(\d+), (.*), (-?\d+), (\d), (-?\d+)\]: (\d+)$/.exec(line);
    if (m) denials.push({ pid: Number(m[1]), comm: m[2]!, nr: Number(m[3]), compat: m[4] === '1', ret: Number(m[5]), count: Number(m[6]) });
  }
  for (const s of seen) entries.push({ pid: s.pid, comm: comms.get(s.pid) ?? '', nr: s.nr, compat: s.compat, count: s.count });
  return { entries, denials, execs };
}

/** Whether the eBPF backend can run here; otherwise what is missing and how to get it. */
export function ebpfAvailability(): { ok: true } | { ok: false; reason: string; hint: string } {
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: 'the eBPF backend needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)', hint: 'run as root, or use --backend strace (works without root)' };
  }
  const v = spawnSync('bpftrace', ['--version'], { encoding: 'utf8' });
  if (v.error || v.status !== 0) {
    return { ok: false, reason: 'bpftrace is not installed', hint: 'apt-get install bpftrace, or use --backend strace' };
  }
  if (!existsSync('/sys/kernel/btf/vmlinux')) {
    return { ok: false, reason: 'the kernel has no BTF (/sys/kernel/btf/vmlinux), which the probe needs to read the task\'s session', hint: 'use a kernel built with CONFIG_DEBUG_INFO_BTF=y, or --backend strace' };
  }
  const tracefs = ensureTracefs();
  if (!tracefs.ok) return tracefs;
  return { ok: true };
}

/** Mounts tracefs at /sys/kernel/tracing when it is not there (bpftrace needs it for tracepoints). */
export function ensureTracefs(): { ok: true; mounted: boolean } | { ok: false; reason: string; hint: string } {
  const probe = '/sys/kernel/tracing/events/raw_syscalls/sys_enter';
  if (existsSync(probe)) return { ok: true, mounted: false };
  if (existsSync('/sys/kernel/debug/tracing/events/raw_syscalls/sys_enter')) return { ok: true, mounted: false };
  try {
    mkdirSync('/sys/kernel/tracing', { recursive: true });
  } catch {
    // sysfs creates the directory itself; nothing to do
  }
  const r = spawnSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing'], { encoding: 'utf8' });
  if (existsSync(probe)) return { ok: true, mounted: true };
  return {
    ok: false,
    reason: `tracefs is not mounted and mounting it failed (${(r.stderr || r.error?.message || '').trim() || 'unknown error'})`,
    hint: 'mount -t tracefs nodev /sys/kernel/tracing as root, or use --backend strace',
  };
}

/**
 * Stops bpftrace 0.17 without losing its output. It acts on an exit signal only when the signal interrupts its
 * epoll_wait: one that lands while it prints a batch of lines is noted, the rest of the batch (and every line it reads
 * until its buffers are empty) is dropped, and it keeps running. So the signal is repeated every 500 ms — as SIGTERM,
 * which runs the same handler (SIGUSR1 would wake it too, but makes it print its maps an extra time): once bpftrace has detached and starts printing its maps, SIGINT is back to its default
 * action, and the repeated SIGINT used before killed it in the middle of that dump (the maps, and with them a
 * recording's or verification's results, lost: 5 of 20 verify runs and 3 of 10 agent runs under stress-ng). SIGKILL
 * after 10 s.
 */
export async function stopBpftrace(child: ChildProcess, exited: () => boolean, closed: Promise<unknown>): Promise<void> {
  for (let i = 0; !exited() && i < 20; i++) {
    child.kill(i === 0 ? 'SIGINT' : 'SIGTERM');
    let t: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((r) => { t = setTimeout(r, 500); })]);
    clearTimeout(t);
  }
  if (!exited()) child.kill('SIGKILL');
}

/** A running probe. */
export interface RunningProbe {
  /** Resolves once every probe is attached. */
  ready: Promise<void>;
  /** Detaches, lets bpftrace print its maps, and parses them. */
  stop(): Promise<ProbeResult>;
}

/**
 * Starts the probe. Record mode runs the libbpf program when it can (bpftrace's otherwise, saying why in the result's
 * `note`); verify mode runs bpftrace. Rejects `ready` with an EnvironmentError when neither starts.
 */
export function startProbe(session: number, marker: ExecMarker, opts: ProbeOptions = {}): RunningProbe {
  if (opts.denials === false && opts.watchRuncInit !== true) {
    return startRecordProbe(session, marker, opts, () => startBpftraceProbe(session, marker, opts));
  }
  return startBpftraceProbe(session, marker, opts);
}

/** A probe process (bpftrace, or the libbpf loader) as its starter watches it. */
export interface ProbeProcess {
  /** Resolves at its SECCOMPCTL_READY line (every program attached); rejects when it ends or cannot run first. */
  ready: Promise<void>;
  /** Resolves once it has exited and its output is read to the end. */
  closed: Promise<void>;
  /** Its stdout and stderr so far. */
  out(): string;
  err(): string;
  exited(): boolean;
  /** How it ended (both null while it runs, or when it could not run). */
  status(): { code: number | null; signal: NodeJS.Signals | null };
}

/**
 * Collects a probe process's output, resolves `ready` at its SECCOMPCTL_READY line, and keeps it in the cleanup
 * registry until it exits (its programs detach when it dies, even by SIGKILL). `failure` builds the error `ready`
 * rejects with: from its stderr when it ended first, from the spawn error when it could not run.
 */
export function watchProbeProcess(child: ChildProcess, name: string, failure: (why: { stderr: string; code: number | null } | { spawnError: Error }) => Error): ProbeProcess {
  let out = '';
  let err = '';
  let exited = false;
  let status: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
  const registered = registerCleanup(`${name} (pid ${child.pid ?? '?'})`, () => { if (!exited) child.kill('SIGKILL'); });
  let onReady: () => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((res, rej) => { onReady = res; onFail = rej; });
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    if (out.includes('SECCOMPCTL_READY')) onReady();
  });
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const closed = new Promise<void>((res) => {
    child.on('close', (code, signal) => {
      exited = true;
      status = { code, signal };
      registered.forget();
      onFail(failure({ stderr: err, code }));
      res();
    });
    child.on('error', (e) => {
      exited = true;
      registered.forget();
      onFail(failure({ spawnError: e }));
      res();
    });
  });
  return { ready, closed, out: () => out, err: () => err, exited: () => exited, status: () => status };
}

/** Starts bpftrace with the probe program. Rejects `ready` with an EnvironmentError when bpftrace fails. */
export function startBpftraceProbe(session: number, marker: ExecMarker, opts: ProbeOptions = {}): RunningProbe {
  // Record mode: a full @seen map is detected at stop from its dump (as many keys as the map holds). Not with -k
  // (bpftrace then prints a warning on stdout for every failed update, and without a per-thread bitmap a full map
  // fails on every later call of the workload: a flood of output that can exhaust memory).
  const record = opts.denials === false && opts.watchRuncInit !== true;
  const keys = record ? recordMapKeys() : DEFAULT_RECORD_MAP_KEYS;
  const child = spawn('bpftrace', ['-e', probeProgram(session, marker, opts)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BPFTRACE_MAP_KEYS_MAX: String(keys), BPFTRACE_STRLEN: '64' },
  });
  const p = watchProbeProcess(child, 'bpftrace', (why) => ('spawnError' in why
    ? new EnvironmentError(`cannot run bpftrace: ${why.spawnError.message}`, 'apt-get install bpftrace, or use --backend strace')
    : new EnvironmentError(`bpftrace failed: ${why.stderr.trim().split('\n').slice(-3).join(' | ') || 'exited early'}`, 'run as root with BTF and tracefs, or use --backend strace')));
  return {
    ready: p.ready,
    async stop() {
      const wasRunning = !p.exited();
      await stopBpftrace(child, p.exited, p.closed);
      await p.closed;
      const status = p.status();
      if (status.signal === 'SIGKILL' && wasRunning) throw new EnvironmentError('bpftrace did not stop on SIGINT/SIGTERM within 10 s; its counts are lost', 'record again, or use --backend strace');
      // Its maps are printed last: any other end (a signal, an error) may have cut them short, and a partial dump
      // would read as fewer calls (or no denial, or no start) than were made.
      if (status.code !== 0) {
        const why = status.signal ? `was killed by ${status.signal}` : `exited with ${status.code}`;
        const msg = p.err().split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/RLIMIT_MEMLOCK/.test(l)).slice(-2).join(' | ');
        throw new EnvironmentError(`bpftrace ${why} before printing all it saw${msg ? ` (${msg})` : ''}; its counts are lost`, 'run again, or use --backend strace');
      }
      const out = p.out();
      const parsed = parseProbeOutput(out, opts.hostArch);
      const args = opts.args ? { args: parseArgSamples(out, opts.hostArch ?? hostArch().id) } : {};
      const warnings = p.err().split('\n').map((l) => l.trim()).filter((l) => l !== '' && !/RLIMIT_MEMLOCK/.test(l));
      // A dump as large as the map: it filled, and the first calls after that were not stored. (Exactly full with
      // no insert refused is possible but needs the very last key to fit: reported too; a larger map settles it.)
      const full = record && (out.match(/^@seen\[/gm)?.length ?? 0) >= keys;
      const mapLoss = record ? bpftraceMapLoss(out, keys) : [];
      return { ...parsed, warnings, ...args, ...(full ? { mapFull: { mapKeys: keys } } : {}), ...(mapLoss.length > 0 ? { mapLoss } : {}) };
    },
  };
}

/** The record program's `@lost_<map>: N` counters (inserts a full map refused; bpftrace prints 0 for one never hit). */
export function bpftraceMapLoss(out: string, keys: number): ProbeMapLoss[] {
  const loss: ProbeMapLoss[] = [];
  for (const map of ['live', 'execs', 'comm', 'args'] as const) {
    const n = Number(new RegExp(`^@lost_${map}: (\\d+)$`, 'm').exec(out)?.[1] ?? 0);
    if (n > 0) loss.push({ map, failed: n, mapKeys: keys });
  }
  return loss;
}

/** Whether the running kernel keeps per-task audit session ids (CONFIG_AUDIT), which the scoping relies on. */
export function haveAuditSessions(): boolean {
  try {
    return readFileSync('/proc/self/sessionid', 'utf8').trim() !== '';
  } catch {
    return false;
  }
}
