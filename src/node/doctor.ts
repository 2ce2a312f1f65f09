// `doctor`: judges the node facts (facts.ts) and the Localhost profiles under <kubelet root>/seccomp/: one line per
// check, ok / warning / error, each with the fix. Pure functions over data, so the same judgement runs on a laptop
// from `doctor --json` output (k8s lint --node-facts).
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Diagnostic } from '../common/index.js';
import { safeParseProfile, validateProfile, type Profile, type ProfileSource, type RuntimeName } from '../profile/index.js';
import { syscallNumber } from '../syscalls/index.js';
import { gatherNodeFacts, nodeAbis, type GatherOptions, type NodeFacts, type ProfileFile } from './facts.js';

export type CheckStatus = 'ok' | 'warning' | 'error' | 'skip';

/** One line of doctor's report. */
export interface DoctorCheck {
  /** Stable id, e.g. `kernel.actions`, `kubelet.seccompDefault`, `profile:web/nginx.json`. */
  id: string;
  status: CheckStatus;
  message: string;
  /** How to fix it (warnings and errors). */
  fix?: string;
  /** Findings behind a profile line. */
  diagnostics?: Diagnostic[];
}

export interface DoctorReport {
  facts: NodeFacts;
  checks: DoctorCheck[];
  /** Profiles found under <root>/seccomp/. */
  profiles: { path: string; ok: boolean }[];
  /** Something would break a profile on this node (doctor exits 1). */
  failed: boolean;
}

/** Actions a profile may use, as the kernel's actions_avail spells them. */
const ACTION_NAMES: Record<string, string> = {
  SCMP_ACT_KILL: 'kill_thread', SCMP_ACT_KILL_THREAD: 'kill_thread', SCMP_ACT_KILL_PROCESS: 'kill_process', SCMP_ACT_TRAP: 'trap',
  SCMP_ACT_ERRNO: 'errno', SCMP_ACT_TRACE: 'trace', SCMP_ACT_ALLOW: 'allow', SCMP_ACT_LOG: 'log', SCMP_ACT_NOTIFY: 'user_notif',
};
const ALLOW_LIKE = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

function runcMajorMinor(v: string | null): [number, number] | null {
  const m = /^(\d+)\.(\d+)/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/**
 * What this node does with one profile beyond `validate`: names its libseccomp does not know (runc skips them
 * silently), arches it does not know (runc refuses), actions its kernel lacks, flags its runc rejects.
 */
export function nodeProfileFindings(profile: Profile, facts: NodeFacts, source?: ProfileSource): Diagnostic[] {
  const out: Diagnostic[] = [];
  const file = source?.file;
  const at = (path: string): Partial<Diagnostic> => {
    const pos = source?.locate(path);
    return { path, ...(file !== undefined ? { file } : {}), ...(pos ? { line: pos.line, col: pos.col } : {}) };
  };
  const lib = facts.libseccomp;
  const native = facts.arch;
  const version = lib.version ?? 'unknown';
  (profile.syscalls ?? []).forEach((r, i) => {
    r.names.forEach((n, j) => {
      // runc resolves each name on the node's native arch only (libseccomp-golang GetSyscallFromName) and skips
      // the names libseccomp does not know there.
      if (!lib.unknownNames[native]?.includes(n) || syscallNumber(native, n) === undefined) return;
      const allow = ALLOW_LIKE.has(r.action);
      const defaultAllows = ALLOW_LIKE.has(profile.defaultAction);
      if (allow === defaultAllows) return; // the rule equals the default: runc drops it anyway
      out.push({
        code: 'UNKNOWN_TO_NODE_LIBSECCOMP', severity: allow ? 'warning' : 'error', ...at(`syscalls[${i}].names[${j}]`),
        message: allow
          ? `${n} is unknown to this node's libseccomp ${version}: runc skips the name, so ${n} stays denied by the default action (or gets runc's ENOSYS)`
          : `${n} is unknown to this node's libseccomp ${version}: runc skips the name, so this ${r.action} rule is lost and ${n} is allowed`,
        fix: `upgrade libseccomp (and runc/crun built with it) on the node, or ${allow ? 'expect the workload\'s ' + n + ' calls to fail there' : 'deny it another way (e.g. a default-deny profile)'}`,
      });
    });
  });
  (profile.architectures ?? []).forEach((t, i) => {
    if (lib.unknownArches.includes(t)) {
      out.push({ code: 'ARCH_UNKNOWN_TO_NODE_LIBSECCOMP', severity: 'error', ...at(`architectures[${i}]`), message: `${t} is unknown to this node's libseccomp ${version}: runc refuses the profile and the container fails to start`, fix: `remove ${t} from architectures` });
    }
  });
  const avail = facts.kernel.actionsAvail;
  if (avail) {
    const used = new Map<string, string>([[profile.defaultAction, 'defaultAction']]);
    (profile.syscalls ?? []).forEach((r, i) => { if (!used.has(r.action)) used.set(r.action, `syscalls[${i}].action`); });
    for (const [action, path] of used) {
      const k = ACTION_NAMES[action];
      if (k && !avail.includes(k)) out.push({ code: 'ACTION_UNAVAILABLE_ON_NODE', severity: 'error', ...at(path), message: `${action} needs the kernel's "${k}" seccomp action, which this kernel (${facts.kernel.release}) lacks: the filter fails to load`, fix: `use another action (${avail.join(', ')} are available)` });
    }
  }
  const runc = facts.runtimes.find((x) => x.name === 'runc');
  const mm = runcMajorMinor(runc?.version ?? null);
  if (mm && (mm[0] < 1 || (mm[0] === 1 && mm[1] < 2))) {
    (profile.flags ?? []).forEach((f, i) => {
      out.push({ code: 'FLAG_REJECTED_BY_NODE_RUNC', severity: 'error', ...at(`flags[${i}]`), message: `this node's runc ${runc!.version} rejects seccomp flags (${f}): the container fails to start`, fix: 'use "flags": [] or upgrade runc to >= 1.2' });
    });
  }
  return out;
}

/** Judges one profile file for this node: parse, validate for the node's runtime, then the node checks. */
export function checkProfileFile(pf: ProfileFile, facts: NodeFacts): DoctorCheck {
  const id = `profile:${pf.path}`;
  const r = safeParseProfile(pf.text, { file: pf.path });
  if (!r.ok) {
    return { id, status: 'error', message: `${pf.path}: not a valid profile: ${r.diagnostics[0]?.message ?? 'parse error'}`, fix: `seccompctl validate ${pf.path}`, diagnostics: [...r.diagnostics] };
  }
  const runtimes: RuntimeName[] = [facts.containerRuntime ?? 'runc'];
  const validation = [...r.diagnostics, ...validateProfile(r.profile, { runtimes, source: r.source, dialect: r.dialect, parsedRaw: r.raw, arches: [facts.arch] })];
  const node = nodeProfileFindings(r.profile, facts, r.source);
  const ds = [...validation, ...node].filter((d) => d.severity !== 'info');
  // Errors from validate and every node finding decide the line; validate's general advice only gets a count.
  const errors = ds.filter((d) => d.severity === 'error');
  const warnings = node.filter((d) => d.severity === 'warning');
  const advice = validation.filter((d) => d.severity === 'warning').length;
  const first = (errors[0] ?? warnings[0]);
  const where = (d: Diagnostic): string => `${d.line !== undefined ? `:${d.line}:${d.col}` : ''}`;
  if (errors.length > 0) {
    return { id, status: 'error', message: `${pf.path}${where(first!)}: ${first!.message}${errors.length > 1 ? ` (and ${errors.length - 1} more error(s))` : ''}`, fix: first!.fix ?? `seccompctl validate --runtime ${runtimes[0]} ${pf.path}`, diagnostics: ds };
  }
  if (warnings.length > 0) {
    return { id, status: 'warning', message: `${pf.path}${where(first!)}: ${first!.message}${warnings.length > 1 ? ` (and ${warnings.length - 1} more warning(s))` : ''}`, ...(first!.fix ? { fix: first!.fix } : {}), diagnostics: ds };
  }
  if (advice > 0) return { id, status: 'ok', message: `${pf.path}: valid for this node (${runtimes[0]}, ${facts.arch}); ${advice} general warning(s): seccompctl validate ${pf.path}`, diagnostics: ds };
  return { id, status: 'ok', message: `${pf.path}: valid for this node (${runtimes[0]}, ${facts.arch})` };
}

/** Every regular file under <root>/seccomp/ (hidden files and the node sync's temp files skipped), at most `max`. */
export function readProfileDir(dir: string, max = 10_000): ProfileFile[] {
  const out: ProfileFile[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > 8 || out.length >= max) return;
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      if (n.startsWith('.')) continue;
      const p = join(d, n);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p, depth + 1);
      else if (st.isFile() && st.size <= 16 * 1024 * 1024) out.push({ path: relative(dir, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir, 0);
  return out;
}

const NEED_ACTIONS = ['allow', 'errno', 'kill_thread', 'kill_process'];

/** The checks for a set of facts and the profiles found under <root>/seccomp/ (null: the directory does not exist). */
export function judgeNode(facts: NodeFacts, profiles: ProfileFile[] | null): DoctorReport {
  const c: DoctorCheck[] = [];
  const k = facts.kernel;
  if (k.actionsAvail === null) {
    c.push({ id: 'kernel.seccomp', status: 'error', message: `kernel ${k.release}: no /proc/sys/kernel/seccomp/actions_avail (seccomp filters unsupported, or kernel < 4.14)`, fix: 'run a kernel built with CONFIG_SECCOMP_FILTER=y (>= 4.14)' });
  } else {
    const missing = NEED_ACTIONS.filter((a) => !k.actionsAvail!.includes(a));
    c.push(missing.length
      ? { id: 'kernel.actions', status: 'error', message: `kernel ${k.release}: seccomp actions ${k.actionsAvail.join(' ')}; missing ${missing.join(', ')}`, fix: 'upgrade the kernel' }
      : { id: 'kernel.actions', status: 'ok', message: `kernel ${k.release}: seccomp actions ${k.actionsAvail.join(' ')}` });
    if (!k.actionsAvail.includes('log')) c.push({ id: 'kernel.log', status: 'warning', message: 'no "log" action: SCMP_ACT_LOG profiles fail to load; record --backend audit and verify --method complain do not work', fix: 'use a kernel >= 4.14 with the log action' });
  }

  const runc = facts.runtimes.find((x) => x.name === 'runc');
  const crun = facts.runtimes.find((x) => x.name === 'crun');
  if (!runc && !crun) {
    c.push({ id: 'runtime', status: 'warning', message: 'no runc or crun found on PATH or in /usr/local/sbin, /usr/sbin, /usr/bin (a containerd shim may carry its own)', fix: 'run doctor on the node itself, with the runtime on PATH' });
  }
  for (const r of [runc, crun]) {
    if (!r) continue;
    c.push({ id: `runtime.${r.name}`, status: r.version ? 'ok' : 'warning', message: `${r.name} ${r.version ?? '(version unknown)'} at ${r.path}${r.libseccomp ? `, libseccomp ${r.libseccomp}` : ''}` });
    const mm = runcMajorMinor(r.version);
    if (r.name === 'runc' && mm && mm[0] === 1 && mm[1] < 2) c.push({ id: 'runtime.runc.flags', status: 'ok', message: `runc ${r.version} rejects any seccomp "flags" entry: profiles must say "flags": [] (doctor checks the ones on this node)` });
  }

  const lib = facts.libseccomp;
  if (lib.probe === null) {
    c.push({ id: 'libseccomp', status: 'warning', message: `cannot ask this node's libseccomp which syscalls it knows: ${lib.error ?? 'no probe'}${runc?.libseccomp ? ` (runc reports libseccomp ${runc.libseccomp})` : ''}`, fix: 'run doctor on the node with /usr/bin/python3 present' });
  } else {
    if (runc?.libseccomp && lib.version && runc.libseccomp !== lib.version) {
      c.push({ id: 'libseccomp.version', status: 'warning', message: `runc reports libseccomp ${runc.libseccomp} but the shared library here is ${lib.version} (runc is statically linked or another copy is used): the names below are for ${lib.version}` });
    }
    for (const a of nodeAbis(facts.arch)) {
      const u = lib.unknownNames[a];
      if (!u) continue;
      c.push(u.length === 0
        ? { id: `libseccomp.names.${a}`, status: 'ok', message: `libseccomp ${lib.version} knows every ${a} syscall in seccompctl's tables` }
        : { id: `libseccomp.names.${a}`, status: 'warning', message: `libseccomp ${lib.version} does not know ${u.length} ${a} syscall(s) seccompctl's tables have, so runc skips them in any profile: ${u.join(' ')}`, fix: 'upgrade libseccomp (and runc/crun) for profiles that must allow or deny them' });
    }
  }

  const kl = facts.kubelet;
  if (kl.source === 'none') {
    c.push({ id: 'kubelet', status: 'skip', message: `no kubelet process found and no --kubelet-config given; assuming root dir ${kl.rootDir}` });
  } else if (kl.seccompDefault === true) {
    c.push({ id: 'kubelet.seccompDefault', status: 'ok', message: `kubelet seccompDefault is on (${kl.seccompDefaultFrom === 'flag' ? '--seccomp-default' : kl.configFile}): containers without a seccompProfile run RuntimeDefault` });
  } else {
    const where = kl.configFile ? `seccompDefault: true in ${kl.configFile}` : '--seccomp-default on the kubelet (or seccompDefault: true in its config file)';
    c.push({ id: 'kubelet.seccompDefault', status: 'warning', message: `kubelet seccompDefault is ${kl.seccompDefault === false ? 'off' : 'not set (off)'}: containers without a seccompProfile run Unconfined`, fix: `set ${where}; seccompctl advise tells which workloads RuntimeDefault would break` });
  }

  const dir = join(kl.rootDir, 'seccomp');
  const profileLines: { path: string; ok: boolean }[] = [];
  if (profiles === null) {
    c.push({ id: 'profiles', status: 'skip', message: `${dir} does not exist: no Localhost profiles on this node` });
  } else {
    c.push({ id: 'profiles', status: 'ok', message: `${profiles.length} profile file(s) under ${dir}` });
    for (const pf of profiles) {
      const ck = checkProfileFile(pf, facts);
      c.push(ck);
      profileLines.push({ path: pf.path, ok: ck.status !== 'error' });
    }
  }

  const rec = facts.recording;
  const tf = rec.tracefs;
  c.push({ id: 'record.root', status: rec.root ? 'ok' : 'warning', message: rec.root ? 'running as root: record and verify can run containers and probes' : 'not root: record/verify (runc, bpftrace, /dev/kmsg) need root', ...(rec.root ? {} : { fix: 'run as root' }) });
  c.push({ id: 'record.btf', status: rec.btf ? 'ok' : 'warning', message: rec.btf ? 'BTF at /sys/kernel/btf/vmlinux' : 'no /sys/kernel/btf/vmlinux: the ebpf backend may not attach', ...(rec.btf ? {} : { fix: 'use a kernel built with CONFIG_DEBUG_INFO_BTF=y, or record --backend strace' }) });
  c.push(tf.mounted
    ? { id: 'record.tracefs', status: 'ok', message: `tracefs mounted at ${tf.mounted}` }
    : tf.available
      ? { id: 'record.tracefs', status: 'warning', message: `tracefs is not mounted (the kernel has it): bpftrace fails with "tracepoint not found"${rec.root ? '; seccompctl record mounts it itself' : ''}`, fix: 'mount -t tracefs nodev /sys/kernel/tracing' }
      : { id: 'record.tracefs', status: 'warning', message: 'the kernel has no tracefs: the ebpf backend cannot work', fix: 'record --backend strace or audit' });
  c.push(rec.bpftrace ? { id: 'record.bpftrace', status: 'ok', message: rec.bpftrace } : { id: 'record.bpftrace', status: 'warning', message: 'bpftrace not found: no ebpf backend', fix: 'apt-get install bpftrace' });
  c.push(rec.strace ? { id: 'record.strace', status: 'ok', message: rec.strace } : { id: 'record.strace', status: 'warning', message: 'strace not found: no strace backend', fix: 'apt-get install strace' });
  if (rec.auditd) {
    c.push({ id: 'record.audit', status: 'ok', message: 'auditd is running: seccomp audit records go to its log' });
  } else {
    const rl = rec.printkRatelimit;
    c.push(rl === 0
      ? { id: 'record.audit', status: 'ok', message: 'auditd not running; kernel.printk_ratelimit = 0: audit records reach the kernel log without rate limiting' }
      : { id: 'record.audit', status: 'warning', message: `auditd not running and kernel.printk_ratelimit = ${rl ?? 'unknown'}: seccomp audit records in the kernel log are rate-limited (10 per 5 s by default)${rec.root ? '; seccompctl record sets it to 0 while recording' : ''}`, fix: 'sysctl -w kernel.printk_ratelimit=0 while recording (restore it afterwards), or run auditd' });
  }
  return { facts, checks: c, profiles: profileLines, failed: c.some((x) => x.status === 'error') };
}

/** Gathers nothing itself: reads the profile directory of `facts.kubelet.rootDir` and judges. */
export function doctorFromFacts(facts: NodeFacts): DoctorReport {
  const dir = join(facts.kubelet.rootDir, 'seccomp');
  return judgeNode(facts, existsSync(dir) ? readProfileDir(dir) : null);
}

/**
 * `seccompctl doctor` as one call: gather this node's facts (kernel, runc/crun, libseccomp, kubelet settings,
 * recording prerequisites) and judge them with the Localhost profiles under <kubelet root>/seccomp/. `failed`: something
 * would break a profile here (the CLI exits 1). A kubelet configuration that cannot be read is a UserError.
 */
export function doctorNode(opts: GatherOptions = {}): DoctorReport {
  return doctorFromFacts(gatherNodeFacts(opts));
}
