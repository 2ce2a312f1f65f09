// `seccompctl generate FILE...|-`: audit logs or strace output → a least-privilege OCI profile. The route: typed
// flags → one library call (generateFromFiles: ingest + generate's policies) → print → exit code.
import { statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { formatDiagnostic, UserError, writeFileAtomic, type Diagnostic } from '../../common/index.js';
import { COMPAT_POLICY, generateFromFiles, RUNC_BASE_SETS, type GenerateResult } from '../../generate/index.js';
import { recordingJson, type IngestResult } from '../../ingest/index.js';
import { printProfile } from '../../profile/index.js';
import { archInfo, ARCHES, resolveArch, type ArchId } from '../../syscalls/index.js';
import { ExitError, println, type CliIO } from '../io.js';
import { mib, nullSink, progress } from '../terminal.js';
import type { Register } from './types.js';
import { argJson, printArgSummary } from './args-output.js';
import { collect } from './flags.js';

const VERBOSE_OBSERVATIONS = 10_000;
const PROGRESS_MIN_BYTES = 64 << 20;

function parseArches(tokens: readonly string[]): ArchId[] {
  return tokens.flatMap((t) => t.split(',')).filter((t) => t !== '').map((t) => {
    const a = resolveArch(t);
    if (!a) throw new UserError(`--arch: unknown architecture "${t}"; try one of: ${ARCHES.map((x) => x.id).join(', ')}`);
    return a.id;
  });
}

function parsePids(tokens: readonly string[]): number[] {
  return tokens.flatMap((t) => t.split(',')).filter((t) => t !== '').map((t) => {
    if (!/^\d+$/.test(t)) throw new UserError(`--pid: "${t}" is not a process id (a positive integer)`);
    return Number(t);
  });
}

/** The machine-readable summary (`--json`): the input counters, then the recording (ingest's one shape). */
export function summarize(r: IngestResult, inputs: readonly string[]): Record<string, unknown> {
  return {
    inputs,
    formats: r.formats,
    files: r.counters.files,
    bytes: r.counters.bytes,
    lines: r.counters.lines,
    records: r.counters.matched,
    filtered: r.counters.filtered,
    skipped: r.counters.skipped,
    malformed: r.counters.malformed,
    malformedAt: r.counters.malformedAt,
    ...recordingJson(r),
    warnings: r.diagnostics,
  };
}

export const registergenerate: Register = (program, io) => {
  (program.command('generate') as unknown as TypedCommand)
    .description('Generate a least-privilege seccomp profile from kernel audit logs (SECCOMP records) or strace output.')
    .argument('<file...>', 'log files, strace outputs, a directory of strace -ff files, or - for standard input (all together = one recording)')
    .option('-o, --output <file>', 'write the profile here (atomically); default: standard output')
    .addOption(new Option('--format <format>', 'input format').choices(['auto', 'audit', 'strace'] as const).default('auto' as const))
    .addOption(new Option('--runtime <runtime>', 'add the syscalls the runtime itself makes after loading the filter').choices(['runc', 'none'] as const).default('runc' as const))
    .option('--no-new-privileges', 'the container runs with no-new-privileges (allowPrivilegeEscalation: false): runc needs fewer syscalls')
    .addOption(new Option('--default-errno <errno>', 'errno for denied syscalls').choices(['EPERM', 'ENOSYS'] as const).default('EPERM' as const))
    .addOption(new Option('--arch <arch>', 'also allow these architectures (comma-separated or repeated; e.g. aarch64,arm)').argParser(collect))
    .addOption(new Option('--comm <name>', 'only syscalls of processes with this comm (repeatable)').argParser(collect))
    .addOption(new Option('--exe <path>', 'only syscalls of processes running this executable (path or basename; repeatable)').argParser(collect))
    .addOption(new Option('--pid <pid>', 'only syscalls of these host pids (comma-separated or repeated)').argParser(collect))
    .option('--allow-loss', 'write the profile even when the log shows that records were lost (with a warning)')
    .option('--args', 'argument rules for socket, clone, prctl, mprotect, ioctl, …: allow only the values the workload used (strace input; see below)')
    .option('--verbose', 'list each record matched and each syscall found (to standard error)')
    .option('--json', 'print a JSON summary (records read, matched, skipped, lost, syscalls per arch, processes)')
    .addHelpText('after', `
Input formats (detected per file; --format forces one):
  kernel audit records (type 1326 / SECCOMP) as printed by dmesg, /dev/kmsg, syslog (RFC 3164/5424),
  journald (journalctl, journalctl -o json), auditd's audit.log and ausearch -i;
  strace output (-f, -ff files, -t/-tt/-ttt/-r, -T, -y/-yy, -X, and the -c/-C/-w summary tables).

Every record's arch= picks the syscall table (an aarch64 or 32-bit record is never named from the x86_64
table); 32-bit compat records add their architecture (e.g. SCMP_ARCH_X86) to "architectures".

Lost records: without auditd the kernel prints audit records through printk's rate limit (10 per 5 s) and
drops the rest ("kauditd_printk_skb: N callbacks suppressed"); the ring buffer wraps; the audit backlog
overflows. A profile built from such a log is silently incomplete, so generate exits 1 and writes nothing
when it sees evidence of loss (suppressed callbacks, backlog/rate-limit messages, audit_lost=, gaps in audit
serials or /dev/kmsg sequence numbers). Record again with kernel.printk_ratelimit=0 or auditd running, or
use strace/eBPF; --allow-loss writes the profile anyway.

--default-errno EPERM or ENOSYS: denied syscalls fail with EPERM by default ("Operation not permitted").
  EPERM is explicit but breaks fallbacks: glibc and runc try new syscalls first (clone3, faccessat2, openat2,
  statx, close_range) and fall back to older ones only on ENOSYS; with EPERM they give up instead. ENOSYS
  ("not implemented") makes a denied new syscall look like an old kernel, so the fallback runs (and the
  fallback syscall must then be in the profile); the price is that genuine denials look like missing features.

--runtime runc adds the syscalls runc's init makes after it loads the filter (more without
no-new-privileges, Kubernetes' default, because the filter is loaded before capabilities are dropped).
The list: ${RUNC_BASE_SETS.measured ? RUNC_BASE_SETS.source : `provisional (not measured yet): ${RUNC_BASE_SETS.source}`}.

--args: the curated syscalls whose arguments decide their risk (socket/socketpair domain and type, clone and
  unshare flags, setns nstype, personality, prctl option, mmap/mprotect/pkey_mprotect prot, ioctl request,
  kill/tgkill/tkill signal, setsockopt level and optname) get one SCMP_CMP_EQ rule per value the workload used
  (MASKED_EQ on the low 32 bits for int arguments), and flag words (clone, unshare) a MASKED_EQ that forbids every
  bit never set: CLONE_NEWUSER, AF_PACKET, PROT_WRITE|PROT_EXEC, PR_SET_MM, TIOCSTI… are then denied unless used.
  clone3 (flags behind a pointer) gets ENOSYS so glibc falls back to clone. Values come from strace output
  (symbolic, -X raw or -X verbose); audit records have no arguments, so those syscalls stay name-only (reported).
  runc's own uses after loading the filter (prctl, mmap, tgkill) are measured and allowed. More than 64 distinct
  values of one syscall: that syscall stays name-only. The output lists the dangerous calls now denied.

Examples:
  seccompctl generate /var/log/audit/audit.log --comm nginx -o nginx.json
  strace -f -X raw -o app.strace ./app && seccompctl generate app.strace --args -o app.json
  journalctl -k -o json | seccompctl generate - --json
  strace -f -o app.strace ./app && seccompctl generate app.strace --runtime none
  strace -ff -o trace/app ./app && seccompctl generate trace/

strace output and records without arch= are read as this machine's architecture. --arch adds architectures;
for one that was not recorded, each recorded syscall that it lacks is mapped to what the same libc call makes
there (glibc's sysdeps/unix/sysv/linux wrappers: open→openat, stat→newfstatat, mkdir→mkdirat, unlink→unlinkat,
access→faccessat+faccessat2, epoll_wait→epoll_pwait, dup2→dup3, poll→ppoll, select→pselect6, chown→fchownat,
pipe→pipe2, fork/vfork→clone, …; and back: ppoll recorded on arm64 also allows poll on x86_64). A syscall with no
known counterpart (e.g. iopl) stops generate with exit 1, naming it.
  seccompctl generate kern.log --arch aarch64 -o profile.json

Compat ABIs (SCMP_ARCH_X86/X32 next to X86_64, ARM next to AARCH64) are left out unless a 32-bit process was
recorded or --arch names them: least privilege; their processes are killed.

Exit codes: 0 profile written; 1 records were lost, or a syscall cannot be mapped to an --arch (nothing written
unless --allow-loss for loss); 2 bad input or usage.`)
    .action(async (files, opts) => {
      const arches = parseArches(opts.arch ?? []);
      const nnp = opts.newPrivileges === false;
      const pids = parsePids(opts.pid ?? []);
      const inputs = files.map((f) => (f === '-' ? f : resolvePath(io.cwd, f)));
      const out = opts.output !== undefined ? resolvePath(io.cwd, opts.output) : undefined;
      const quiet = program.opts().quiet === true;
      const status = progress(io, quiet);
      const total = inputBytes(inputs);
      const { ingest: r, result: g, args: ga } = await generateFromFiles(inputs, {
        format: opts.format,
        filter: { ...(opts.comm ? { comm: opts.comm } : {}), ...(opts.exe ? { exe: opts.exe } : {}), ...(pids.length ? { pid: pids } : {}) },
        args: opts.args === true,
        keepObservations: opts.verbose ? VERBOSE_OBSERVATIONS : 0,
        stdin: io.stdin,
        runtime: opts.runtime, noNewPrivileges: nnp, defaultErrno: opts.defaultErrno, arches,
        ...(arches.length > 0 ? { nativeArch: arches[0]! } : {}),
        allowLoss: opts.allowLoss === true,
        ...(status.active && total >= PROGRESS_MIN_BYTES ? {
          onProgress: (b: number, n: number) => status.update(`reading: ${mib(b)} of ${mib(total)} (${Math.min(100, (100 * b) / total).toFixed(0)}%), ${n} record(s) so far`),
        } : {}),
      });
      status.clear();
      printIngestNotes(io, r, opts.verbose === true);

      // The policies' verdicts (generate's diagnostics), in the order a reader needs them.
      const policy = (code: Diagnostic['code']): Diagnostic | undefined => g.diagnostics.find((d) => d.code === code);
      const empty = policy('NO_RECORDS');
      if (empty) throw new UserError(empty.message);
      for (const l of r.loss.filter((x) => !x.certain)) println(io.stderr, `warning: ${l.file}:${l.line}: ${l.message}`);
      const lost = policy('RECORDS_LOST');
      if (lost) {
        println(io.stderr, `${lost.severity}: ${lost.message}`);
        if (lost.severity === 'error') {
          println(io.stderr, 'No profile written (pass --allow-loss to write it anyway).');
          if (opts.json) println(io.stdout, JSON.stringify({ ...summarize(r, files), output: null }, null, 2));
          throw new ExitError(1);
        }
      }
      const denied = policy('SEEN_DENIED');
      if (denied) println(io.stderr, `note: ${denied.message}`);
      for (const d of g.diagnostics) if (d.severity !== 'info' && !POLICY_CODES.has(d.code)) println(io.stderr, formatDiagnostic(d));
      const unmappable = policy('UNMAPPABLE_SYSCALLS');
      if (unmappable) {
        println(io.stderr, `error: ${unmappable.message}. ${unmappable.fix!.charAt(0).toUpperCase()}${unmappable.fix!.slice(1)}. No profile written.`);
        if (opts.json) println(io.stdout, JSON.stringify({ ...summarize(r, files), unmappable: g.unmappable, output: null }, null, 2));
        throw new ExitError(1);
      }

      const text = printProfile(g.profile);
      if (out !== undefined) {
        try {
          writeFileAtomic(out, text);
        } catch (e) {
          throw new UserError(`${opts.output}: cannot write the profile (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
      }
      if (opts.json) {
        println(io.stdout, JSON.stringify({
          ...summarize(r, files),
          observed: g.observed,
          runtimeAdded: g.runtimeAdded,
          crossArch: g.mapped,
          enosys: g.enosys,
          compatArches: { omitted: g.compatOmitted.map((a) => archInfo(a).scmp), policy: COMPAT_POLICY },
          runtime: opts.runtime,
          noNewPrivileges: nnp,
          ...(ga ? { args: argJson(ga) } : {}),
          output: out ?? null,
          ...(out === undefined ? { profile: JSON.parse(text) as unknown } : {}),
        }, null, 2));
        return;
      }
      const sink = out === undefined ? (quiet ? nullSink() : io.stderr) : io.stdout;
      printSummary(sink, r, g, { out, nnp, defaultErrno: opts.defaultErrno });
      if (ga) printArgSummary(sink, ga);
      const allowed = g.profile.syscalls?.filter((rule) => rule.action === 'SCMP_ACT_ALLOW').reduce((n, rule) => n + rule.names.length, 0) ?? 0;
      println(sink, `${out !== undefined ? `profile written to ${out}` : 'profile printed to standard output'}: ${allowed} syscall(s) allowed, ` +
        `others fail with ${opts.defaultErrno}, architectures ${g.profile.architectures?.join(', ')}`);
      if (out === undefined) io.stdout.write(text);
    });
};

/** generate's policy codes: printed by the route above in their own words, not as plain diagnostics. */
const POLICY_CODES: ReadonlySet<string> = new Set(['NO_RECORDS', 'RECORDS_LOST', 'SEEN_DENIED', 'UNMAPPABLE_SYSCALLS']);

/** Total size of the input files (for the progress display); missing files are reported by ingest. */
function inputBytes(inputs: readonly string[]): number {
  let total = 0;
  for (const f of inputs) {
    try {
      if (f !== '-') total += statSync(f).size;
    } catch {
      // reported by ingest
    }
  }
  return total;
}

/** What reading the input found that is not a policy: ingest's warnings, malformed records, --verbose listing. */
function printIngestNotes(io: CliIO, r: IngestResult, verbose: boolean): void {
  for (const d of r.diagnostics) println(io.stderr, formatDiagnostic(d));
  if (r.counters.malformed > 0) {
    println(io.stderr, `warning: ${r.counters.malformed} malformed record(s) skipped, at ${r.counters.malformedAt.slice(0, 10).join(', ')}${r.counters.malformed > 10 ? ', …' : ''}`);
  }
  if (!verbose) return;
  for (const o of r.observations) {
    println(io.stderr, `${o.file}:${o.line}: ${o.arch} ${o.name ?? '?'}(${o.nr ?? '?'}) ${o.action}` +
      `${o.pid !== undefined ? ` pid=${o.pid}` : ''}${o.comm !== undefined ? ` comm=${JSON.stringify(o.comm)}` : ''}${o.exe !== undefined ? ` exe=${o.exe}` : ''}`);
  }
  if (r.counters.matched - r.counters.filtered > r.observations.length) {
    println(io.stderr, `(only the first ${VERBOSE_OBSERVATIONS} records are listed)`);
  }
  for (const [arch, m] of r.syscalls) {
    for (const st of [...m.values()].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? ''))) {
      println(io.stderr, `found ${arch} ${st.name ?? '?'} (${st.nr ?? '?'}): ${st.count} call(s), ${Object.entries(st.actions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
  }
}

/** The human summary: what was read, per arch, and what generate added. */
function printSummary(s: NodeJS.WritableStream, r: IngestResult, g: GenerateResult, o: { out: string | undefined; nnp: boolean; defaultErrno: string }): void {
  const c = r.counters;
  println(s, `read ${c.lines} line(s) from ${c.files} file(s) (${r.formats.join(', ')}): ${c.matched} record(s)` +
    `${c.filtered ? `, ${c.filtered} filtered out` : ''}, ${c.skipped} other line(s) skipped, ${c.malformed} malformed`);
  for (const [arch, m] of r.syscalls) {
    const procs = new Set(r.processes.filter((p) => p.syscalls.has(arch)).map((p) => p.comm ?? p.exe ?? String(p.pid ?? '?')));
    println(s, `${archInfo(arch).scmp}: ${m.size} syscall(s)${procs.size ? ` from ${[...procs].slice(0, 8).join(', ')}${procs.size > 8 ? ', …' : ''}` : ''}`);
  }
  if (g.runtimeAdded.length > 0) {
    println(s, `+ ${g.runtimeAdded.length} syscall(s) runc needs after loading the filter (no-new-privileges ${o.nnp ? 'on' : 'off'}` +
      `${RUNC_BASE_SETS.measured ? '' : ', provisional list'}): ${g.runtimeAdded.join(' ')}`);
  }
  const byTarget = new Map<string, string[]>();
  for (const m of g.mapped) {
    const k = archInfo(m.arch).scmp;
    byTarget.set(k, [...(byTarget.get(k) ?? []), `${m.from}→${m.to.length ? m.to.join('+') : '(nothing needed)'}`]);
  }
  for (const [arch, l] of byTarget) {
    println(s, `${arch} (not recorded): ${l.length} mapping(s) to what the same libc call uses there (glibc's Linux wrappers; --json lists the source of each): ${[...new Set(l)].join(' ')}`);
  }
  if (g.enosys.length > 0) {
    println(s, `${o.defaultErrno === 'ENOSYS' ? 'the default action answers' : `+ rule: ERRNO(38) ENOSYS for`} ${g.enosys.length} syscall(s) that callers fall back from (${g.enosys.join(' ')}), so glibc and runc take their fallback path`);
  }
  if (g.compatOmitted.length > 0) {
    println(s, `compat ABIs left out: ${g.compatOmitted.map((a) => archInfo(a).scmp).join(', ')} (${COMPAT_POLICY}; --arch ${g.compatOmitted.join(',')} adds them)`);
  }
}
