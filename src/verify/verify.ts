// `verify`: run a command in runc under a profile and report every syscall the profile denied.
//
// Two methods, both working with runc 1.1.5 (which rejects seccomp `flags`, so SECCOMP_FILTER_FLAG_LOG is out):
// - ebpf (enforce): the profile is enforced as given; a bpftrace probe scoped to the container's audit session sees
//   each call whose sys_exit fires without a sys_enter — the kernel runs seccomp before the sys_enter tracepoint and
//   skips the call when the filter denies it. One run, real enforcement, the errno the caller got.
// - complain: every deny action of the profile becomes SCMP_ACT_LOG; the workload runs to the end and every call the
//   profile would have denied leaves a seccomp audit record in /dev/kmsg (read live, scoped by audit session, with
//   loss detection). Nothing logged ⇔ nothing would be denied (same filter decisions; with a LOG default runc adds no
//   ENOSYS stub, so calls above the highest listed number are logged too).
// When runc cannot even start under the profile (it loads the filter before exec; with no-new-privileges off before
// dropping capabilities), a short complain run names all the runtime's missing syscalls.
import { resolve as resolvePath } from 'node:path';
import { EnvironmentError, InternalError, type Diagnostic } from '../common/index.js';
import { readProfileRef, type ProfileRefOptions } from '../generate/index.js';
import { parseProfile, printProfile, type Profile } from '../profile/index.js';
import {
  archOfProbe, ebpfAvailability, requireRunc, resolveCommand, RUNC_INIT_COMM, runProbedContainer, runWithKernelLog,
  argumentMounts, workloadBundle, workloadRoot, type AutoMount, type KernelLogRecord, type KmsgLoss, type ProbeCount, type WorkloadExit, type WorkloadOptions,
} from '../runtime/index.js';
import { syscallName, type ArchId } from '../syscalls/index.js';
import { splitDeliberateEnosys } from './enosys.js';

export type VerifyMethod = 'ebpf' | 'complain';

export interface VerifyOptions extends WorkloadOptions {
  /** The profile's text (OCI, Docker or SPO; JSON or YAML). Give this or `profileRef`. */
  profileText?: string;
  /**
   * The profile as the CLI names it: a file, `-` (standard input) or `runtime-default[:containerd|cri-o|docker]`,
   * read with generate's readProfileRef (`profileRefOptions`: cwd, stdin, and for runtime-default arch and caps).
   */
  profileRef?: string;
  profileRefOptions?: ProfileRefOptions;
  /** File name for diagnostics (default: `profileRef`). */
  profileFile?: string;
  /** Default `auto`: ebpf when available, else complain. */
  method?: 'auto' | VerifyMethod;
  /**
   * The user's working directory (default process.cwd()): with `autoMount`, it is the container's working directory
   * and relative paths in the command resolve against it.
   */
  hostCwd?: string;
  /**
   * Default true: bind-mount the working directory and every existing path the command's arguments name, read-only at
   * the same path (listed in `VerifyResult.mounts`), so `nginx -c ./nginx.conf` sees its files.
   */
  autoMount?: boolean;
}

/** One denied syscall of one process. */
export interface Denial {
  arch: ArchId;
  nr: number;
  name: string | undefined;
  count: number;
  pid: number | undefined;
  comm: string | undefined;
  /** The errno the caller got (ebpf method), e.g. 1 (EPERM) or 38 (ENOSYS from runc's stub). */
  errno?: number;
  /** Made by runc's init process before exec (the runtime's own syscall, not the workload's). */
  runtime: boolean;
}

/** When runc could not start the workload under the profile. */
export interface RuntimeFailure {
  /** Syscalls runc's init needed that the profile denies (from the complain run), sorted. */
  missing: string[];
  /** What runc said. */
  message: string;
}

export interface VerifyResult extends WorkloadExit {
  method: VerifyMethod;
  /** Why `auto` did not use ebpf. */
  fallback?: string;
  denials: Denial[];
  runtimeFailure?: RuntimeFailure;
  /** The workload ran and ended well: exit 0, or stopped by the forwarded signal (handled, or by it). */
  commandSucceeded: boolean;
  /**
   * Calls the profile answers ENOSYS through its own unconditional rule for that syscall (RuntimeDefault's clone3):
   * callers fall back, so they are listed here and not counted in `denials` (see splitDeliberateEnosys).
   */
  deliberateEnosys: Denial[];
  /** Exit 0 condition: commandSucceeded, no denial (deliberate ENOSYS answers aside), no runtime failure, no loss in the kernel log. */
  passed: boolean;
  loss: KmsgLoss[];
  runcVersion: string;
  diagnostics: Diagnostic[];
  /** Bind mounts added automatically (working directory, paths named in the arguments), all read-only. */
  mounts: AutoMount[];
}

const DENY_ACTIONS = new Set(['SCMP_ACT_KILL', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE', 'SCMP_ACT_NOTIFY']);

/** The profile with every deny action turned into SCMP_ACT_LOG (errnoRet dropped), for the complain pass. */
export function complainProfile(p: Profile): Profile {
  const conv = (a: string): string => (DENY_ACTIONS.has(a) ? 'SCMP_ACT_LOG' : a);
  const out: Profile = { ...p, defaultAction: conv(p.defaultAction) as Profile['defaultAction'] };
  delete out.defaultErrnoRet;
  delete out.listenerPath;
  delete out.listenerMetadata;
  if (p.syscalls) {
    out.syscalls = p.syscalls.map((r) => {
      const n = { ...r, action: conv(r.action) as typeof r.action };
      if (n.action === 'SCMP_ACT_LOG') delete n.errnoRet;
      return n;
    });
  }
  return out;
}

/** Whether the profile itself logs (then complain-mode records cannot tell denials from its own LOG rules). */
function profileLogs(p: Profile): boolean {
  return p.defaultAction === 'SCMP_ACT_LOG' || (p.syscalls ?? []).some((r) => r.action === 'SCMP_ACT_LOG');
}

const RUNC_START_FAILURE = /runc run failed|unable to start container process|error during container init|panic:|nsexec/;

function aggregateDenials(items: Denial[]): Denial[] {
  const m = new Map<string, Denial>();
  for (const d of items) {
    const k = `${d.arch}/${d.nr}/${d.pid ?? ''}/${d.comm ?? ''}/${d.errno ?? ''}`;
    const prev = m.get(k);
    if (prev) prev.count += d.count;
    else m.set(k, { ...d });
  }
  return [...m.values()].sort((a, b) => Number(a.runtime) - Number(b.runtime) || (a.name ?? '').localeCompare(b.name ?? '') || (a.pid ?? 0) - (b.pid ?? 0));
}

function probeDenials(counts: readonly ProbeCount[], host?: ArchId): Denial[] {
  return counts.map((c) => {
    const { arch, nr } = archOfProbe(c, host);
    return {
      arch, nr, name: syscallName(arch, nr), count: c.count, pid: c.pid, comm: c.comm,
      ...(c.ret !== undefined && c.ret < 0 ? { errno: -c.ret } : {}), runtime: c.comm === RUNC_INIT_COMM,
    };
  });
}

/** Denials from complain-pass records (the ingest stage's observations). */
function logDenials(records: readonly KernelLogRecord[]): Denial[] {
  return records.map(({ observation: o }) => ({
    arch: o.arch, nr: o.nr ?? -1, name: o.name, count: o.count, pid: o.pid, comm: o.comm, runtime: o.comm === RUNC_INIT_COMM,
  }));
}

function succeeded(exit: WorkloadExit): boolean {
  if (exit.timedOut) return false;
  if (exit.exitCode === 0) return true;
  // Stopped by the forwarded signal: ending by that signal (or a handler's exit) is the expected way out.
  return exit.stopped && exit.signal !== null;
}

/** Runs the workload under the profile in runc and reports denials. Throws UserError/EnvironmentError (exit 2). */
export async function verifyProfile(opts: VerifyOptions): Promise<VerifyResult> {
  let profileText = opts.profileText;
  if (opts.profileRef !== undefined) profileText = (await readProfileRef(opts.profileRef, opts.profileRefOptions)).text;
  if (profileText === undefined) throw new InternalError('verifyProfile: give profileText or profileRef');
  const parsed = parseProfile(profileText, { file: opts.profileFile ?? opts.profileRef ?? 'PROFILE' });
  const profile = parsed.profile;
  const runcVersion = requireRunc();
  const hostCwd = opts.hostCwd ?? process.cwd();
  const root = workloadRoot(opts);
  const cmd = opts.argv[0];
  // A relative command (./app) is the user's, in their working directory.
  const exe = cmd !== undefined && root === '/' && cmd.includes('/') && !cmd.startsWith('/')
    ? resolveCommand(resolvePath(hostCwd, cmd), { root }) : resolveCommand(cmd, { root });
  const argv = [exe, ...opts.argv.slice(1)];
  const mounts = opts.autoMount === false ? [] : argumentMounts([exe, ...opts.argv.slice(1)], hostCwd, (opts.mounts ?? []).map((m) => m.destination));
  if (opts.autoMount !== false) {
    opts = { ...opts, mounts: [...(opts.mounts ?? []), ...mounts.map(({ why: _why, ...m }) => m)], cwd: opts.cwd ?? hostCwd };
  }
  let method: VerifyMethod;
  let fallback: string | undefined;
  const asked = opts.method ?? 'auto';
  const eb = ebpfAvailability();
  if (asked === 'ebpf' && !eb.ok) throw new EnvironmentError(`--method ebpf: ${eb.reason}`, eb.hint.replace('--backend strace', '--method complain'));
  if (asked === 'auto') {
    method = eb.ok ? 'ebpf' : 'complain';
    if (!eb.ok) fallback = `eBPF unavailable (${eb.reason}); using the complain pass (deny actions turned into SCMP_ACT_LOG, records from /dev/kmsg)`;
  } else {
    method = asked;
  }
  const diagnostics: Diagnostic[] = [...parsed.diagnostics];
  if (method === 'complain' && profileLogs(profile)) {
    diagnostics.push({ code: 'PROFILE_LOGS', severity: 'warning', message: 'the profile has SCMP_ACT_LOG actions: in the complain pass their records count as denials; use --method ebpf to tell them apart' });
  }
  const enforced = printProfile(profile);
  let exit: WorkloadExit;
  let denials: Denial[] = [];
  let loss: KmsgLoss[] = [];
  let started = true;
  if (method === 'ebpf') {
    const b = workloadBundle(argv, opts, enforced);
    try {
      const run = await runProbedContainer(b.dir, opts, { kind: 'filename', path: exe }, { watchRuncInit: true },
        (message) => new EnvironmentError(message, 'use --method complain'));
      exit = run.exit;
      const probe = run.probe;
      const r = await probe.stop();
      denials = probeDenials(r.denials, opts.hostArch);
      started = r.execs > 0;
    } finally {
      b.cleanup();
    }
  } else {
    const run = await runWithKernelLog(argv, opts, printProfile(complainProfile(profile)));
    exit = run.exit;
    loss = run.loss;
    denials = logDenials(run.records);
  }
  denials = aggregateDenials(denials);

  let runtimeFailure: RuntimeFailure | undefined;
  // runc run exits with the payload's status: exit 0 means the payload ran, whatever the probe saw of its exec.
  const startFailed = method === 'ebpf'
    ? !started && !(exit.stopped && exit.exitCode === null) && exit.exitCode !== 0
    : exit.exitCode !== 0 && !exit.stopped && RUNC_START_FAILURE.test(exit.stderr);
  if (startFailed) {
    // Name everything runc's init needs that the profile denies: a complain run, stopped right after it started.
    const probeRun = await runWithKernelLog(argv, { ...opts, signal: AbortSignal.timeout(3000), stopSignal: 'SIGKILL', killGraceMs: 0 }, printProfile(complainProfile(profile)));
    // The complain run denies nothing: when the container cannot start even then, the profile is not the cause.
    if (!probeRun.exit.stopped && probeRun.exit.exitCode !== 0 && RUNC_START_FAILURE.test(probeRun.exit.stderr)) {
      throw setupError(probeRun.exit.stderr || exit.stderr, opts);
    }
    loss = [...loss, ...probeRun.loss];
    const missing = new Set<string>();
    for (const { observation: o } of probeRun.records) {
      if (o.comm === RUNC_INIT_COMM) missing.add(o.name ?? `${o.arch}:${o.nr}`);
    }
    for (const d of denials) if (d.runtime) missing.add(d.name ?? `${d.arch}:${d.nr}`);
    runtimeFailure = {
      missing: [...missing].sort(),
      message: exit.stderr.split('\n').find((l) => /runc run failed|error|panic/.test(l))?.trim() ?? exit.stderr.trim().split('\n')[0] ?? '',
    };
  }
  const runtimeDenied = denials.filter((d) => d.runtime);
  if (!runtimeFailure && runtimeDenied.length > 0) {
    runtimeFailure = {
      missing: [...new Set(runtimeDenied.map((d) => d.name ?? `${d.arch}:${d.nr}`))].sort(),
      message: method === 'complain'
        ? 'runc\'s init process would be denied these calls after loading the filter (complain pass): under enforcement the container would not start'
        : 'runc\'s init process was denied calls after loading the filter',
    };
  }
  const commandSucceeded = !startFailed && succeeded(exit);
  // The profile's own ENOSYS answers (RuntimeDefault's clone3) are listed apart, not counted: callers fall back.
  const split = splitDeliberateEnosys(profile, denials);
  const passed = commandSucceeded && split.other.length === 0 && runtimeFailure === undefined && loss.length === 0;
  return {
    ...exit, method, ...(fallback ? { fallback } : {}), denials: split.other, deliberateEnosys: split.deliberate,
    ...(runtimeFailure ? { runtimeFailure } : {}), commandSucceeded, passed, loss, runcVersion, diagnostics, mounts,
  };
}

/** runc's own words for why a container could not be set up (its last error line). */
function runcMessage(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.reverse().find((l) => /error|failed|panic/i.test(l)) ?? lines[0] ?? 'runc failed';
}

/** A container that cannot be set up whatever the profile: exit 2, with what to change. */
function setupError(stderr: string, opts: VerifyOptions): EnvironmentError {
  const msg = runcMessage(stderr);
  let hint = 'check the bundle, rootfs and mounts; the profile was not the cause (the container fails the same way with every call allowed)';
  if (/pivot_root/.test(msg)) {
    hint = opts.rootfs === '/' || opts.rootfs === undefined
      ? 'runc cannot pivot_root into the host\'s own root: leave --rootfs out (the host\'s directories are mounted read-only) and use --mount for other paths'
      : `runc cannot pivot_root into ${opts.rootfs}: give a root filesystem directory of its own (not / or a path on the host's root mount's parent)`;
  } else if (/exec|executable|no such file or directory/.test(msg)) {
    hint = 'the command, or a library or interpreter it needs, is missing inside the container: check --rootfs/--bundle, or use --mount';
  }
  return new EnvironmentError(`container setup failed (not a profile problem): ${msg}`, hint);
}

/** Human-readable lines for a verify result. */
export function formatVerifyResult(r: VerifyResult): string[] {
  const lines: string[] = [];
  if (r.deliberateEnosys.length > 0) {
    lines.push(`answered ENOSYS by the profile's own rule (callers fall back; not counted): ${[...new Set(r.deliberateEnosys.map((d) => d.name ?? `#${d.nr}`))].join(' ')}`);
  }
  if (r.mounts.length > 0) {
    lines.push(`mounted read-only in the container: ${r.mounts.map((m) => `${m.source} (${m.why})`).join(', ')}`);
  }
  if (r.runtimeFailure) {
    lines.push(`runc cannot start the container under this profile: ${r.runtimeFailure.message}`);
    lines.push(r.runtimeFailure.missing.length > 0
      ? `  the runtime needs these syscalls, which the profile denies: ${r.runtimeFailure.missing.join(', ')}`
      : '  no denied runtime syscall was recorded (see runc\'s message above)');
  }
  const work = r.denials.filter((d) => !d.runtime);
  if (work.length > 0) {
    lines.push(`denied syscalls (${work.length}):`);
    for (const d of work) {
      const errno = d.errno !== undefined ? `  errno ${d.errno}${d.errno === 38 ? ' (ENOSYS)' : d.errno === 1 ? ' (EPERM)' : ''}` : '';
      lines.push(`  ${(d.name ?? `#${d.nr}`).padEnd(20)} ${d.arch.padEnd(8)} x${String(d.count).padEnd(6)} ${d.comm ?? '?'}[${d.pid ?? '?'}]${errno}`);
    }
  }
  for (const l of r.loss) lines.push(`kernel log loss: ${l.message}`);
  const how = r.exitCode === null ? `signal ${r.signal}` : r.stopped && r.signal ? `stopped by ${r.signal}` : `exit ${r.exitCode}`;
  lines.push(`command: ${r.commandSucceeded ? 'succeeded' : 'FAILED'} (${how}${r.timedOut ? ', timed out' : ''}); method: ${r.method}; runc ${r.runcVersion}`);
  lines.push(r.passed ? 'PASS: nothing was denied' : 'FAIL');
  return lines;
}

