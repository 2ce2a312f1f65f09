// `seccompctl record -- CMD ARGS...`: run a command, observe every syscall of its process tree, write a profile. The
// route: typed flags → one library call (recordProfile: output check, recording, the recording and generate policies,
// the atomic write) → print → exit code.
import { resolve as resolvePath } from 'node:path';
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { formatDiagnostic, refusalError, UserError } from '../../common/index.js';
import { recordingJson, syscallNames } from '../../ingest/index.js';
import { recordProfile, type RecordProgress } from '../../record/index.js';
import { archInfo } from '../../syscalls/index.js';
import { println } from '../io.js';
import { elapsed, progress } from '../terminal.js';
import type { Register } from './types.js';
import { argJson, printArgSummary } from './args-output.js';
import { forwardSignals } from '../signals.js';

/** Refusals of the recording itself, whose message already says that nothing was written. */
const RECORDING_REFUSALS: ReadonlySet<string> = new Set(['COMMAND_FAILED', 'RECORDING_INTERRUPTED']);

export const registerrecord: Register = (program, io, setExit) => {
  (program.command('record') as unknown as TypedCommand)
    .description('Run a command, record every syscall of its process tree (threads, forks, execs, each with its arch), and write a least-privilege profile.')
    .argument('<command...>', 'the command and its arguments, after --')
    .addOption(new Option('--backend <backend>', 'how to observe').choices(['auto', 'ebpf', 'strace', 'audit'] as const).default('auto' as const))
    .option('-o, --output <file>', 'write the profile here (atomically); default: standard output')
    .addOption(new Option('--runtime <runtime>', 'add the syscalls runc makes after loading the filter').choices(['runc', 'none'] as const).default('runc' as const))
    .option('--no-new-privileges', 'the container will run with no-new-privileges (allowPrivilegeEscalation: false); also used for --container')
    .option('--container', 'run the command inside a runc container built from the host\'s directories')
    .option('--bundle <dir>', 'run it in a container with this OCI bundle\'s rootfs (implies --container)')
    .option('--rootfs <dir>', 'run it in a container with this root filesystem (implies --container)')
    .addOption(new Option('--default-errno <errno>', 'errno for denied syscalls').choices(['EPERM', 'ENOSYS'] as const).default('EPERM' as const))
    .option('--allow-loss', 'write the profile even when records were lost (audit: kernel log records; ebpf: a full map)')
    .option('--json', 'print a JSON summary (backend, syscalls, processes, loss) on standard output; the profile goes to -o')
    .option('--exact-counts', 'ebpf: count every call per process (costs about 1.5x the default per-call overhead); by default each syscall is noted once per process, which is all a profile needs')
    .option('--args', 'also record the argument values of socket, clone, prctl, mprotect, ioctl, … and write argument rules that deny the values never used (see "generate --help")')
    .addHelpText('after', `
Backends:
  ebpf    a BPF program on the sys_enter raw tracepoint, loaded through libbpf (native/record-bpf, built from
          source on first use into ~/.cache/seccompctl), aggregated in the kernel (each syscall noted once per
          process), scoped to the command's own audit session and process tree; starts in about 50 ms. When that
          program cannot be built or loaded, bpftrace's program records instead and seccompctl says why
          (SECCOMPCTL_RECORD_LOADER=bpftrace forces it; --args and --exact-counts always use it). The cheapest backend; most of
          its cost on a loop of cheap syscalls is the kernel's tracepoint path. Needs root and BTF.
  strace  strace -f, parsed like "seccompctl generate" parses strace output. Works without root.
  audit   the command in a runc container under a SCMP_ACT_LOG profile; seccomp audit records read live from
          /dev/kmsg with loss detection (kernel.printk_ratelimit is set to 0 meanwhile and restored). Root.
  auto    ebpf when possible, else strace (saying why).

The command runs until it exits, or until seccompctl gets SIGINT/SIGTERM, which it forwards to the command
(SIGKILL 10 s later) before writing the profile: the way to record a server while you drive traffic.
A second SIGINT/SIGTERM abandons the recording (nothing is written). The command's output goes to standard
error when the profile goes to standard output; its standard input is /dev/null.

Nothing half-written: the profile is written atomically, and not at all when the command fails (non-zero exit
that was not caused by the forwarded signal), the recording is interrupted, or records were lost.

Examples:
  seccompctl record -o nginx.json -- nginx -g 'daemon off;'            # Ctrl-C when done
  seccompctl record --backend strace -o ls.json -- ls -l /
  seccompctl record --container --no-new-privileges -o app.json -- /usr/bin/python3 app.py
  seccompctl record --backend audit --json -o redis.json -- redis-server --port 7000
  seccompctl record --args -o redis.json -- redis-server --port 7000 --save ''   # argument rules too (ebpf or strace)

Exit codes: 0 profile written; 1 the command failed, was interrupted, or records were lost; 2 usage, a
command that does not exist, or a missing privilege/tool (named, with the fallback).`)
    .action(async (command, opts) => {
      const nnp = opts.newPrivileges === false;
      const out = opts.output !== undefined ? resolvePath(io.cwd, opts.output) : undefined;
      if (opts.json && out === undefined) throw new UserError('--json prints the summary on standard output: give the profile file with -o');
      // Workload output must not mix with a profile printed on standard output.
      const workOut = out !== undefined && !opts.json ? io.stdout : io.stderr;
      const quiet = program.opts().quiet === true;
      const status = progress(io, quiet);
      const sig = forwardSignals();
      let p;
      try {
        p = await recordProfile({
          ...(status.active ? {
            onProgress: (x: RecordProgress) => status.update(`recording with ${x.backend}: ${elapsed(x.elapsedMs)}` +
              `${x.processes !== undefined ? `, ${x.processes} process(es), ${x.syscalls} distinct syscall(s) so far` : ' (syscalls are counted when it ends)'} · Ctrl-C stops it and writes the profile`),
          } : {}),
          argv: command, backend: opts.backend, noNewPrivileges: nnp,
          container: opts.container === true || opts.bundle !== undefined || opts.rootfs !== undefined,
          ...(opts.exactCounts ? { exactCounts: true } : {}),
          ...(opts.args ? { args: true } : {}),
          ...(opts.bundle !== undefined ? { bundle: resolvePath(io.cwd, opts.bundle) } : {}),
          ...(opts.rootfs !== undefined ? { rootfs: resolvePath(io.cwd, opts.rootfs) } : {}),
          signal: sig.signal, killSignal: sig.kill, killGraceMs: 10_000,
          stopSignal: sig.received,
          output: 'capture',
          onStdout: (c) => { status.clear(); workOut.write(c); },
          onStderr: (c) => { status.clear(); io.stderr.write(c); },
          runtime: opts.runtime, defaultErrno: opts.defaultErrno, allowLoss: opts.allowLoss === true,
          ...(out !== undefined ? { outputFile: out } : {}),
        });
      } finally {
        status.clear();
        sig.dispose();
      }
      // Refused before anything ran: the output cannot be written.
      if (p.outcome === 'refused' && !p.recording) throw refusalError(p);
      const r = p.recording!;
      if (r.fallback) io.stderr.write(`seccompctl: ${r.fallback}\n`);
      if (r.ebpfFallback) io.stderr.write(`seccompctl: ${r.ebpfFallback}\n`);
      if (p.outcome === 'refused') {
        for (const d of p.diagnostics.filter((x) => x.severity === 'error')) io.stderr.write(`seccompctl: ${d.message}\n`);
        if (!p.diagnostics.some((d) => RECORDING_REFUSALS.has(d.code))) io.stderr.write('seccompctl: no profile written\n');
        setExit(1);
        return;
      }
      const g = p.generated!;
      const ga = p.args;
      for (const d of p.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
      if (out === undefined) io.stdout.write(p.profileText!);
      const arches = [...r.ingest.syscalls.keys()];
      if (opts.json) {
        println(io.stdout, JSON.stringify({
          backend: r.backend, fallback: r.fallback ?? null, ...(r.ebpfEngine ? { ebpfEngine: r.ebpfEngine, ebpfFallback: r.ebpfFallback ?? null } : {}), container: r.container, runcVersion: r.runcVersion ?? null,
          exitCode: r.exitCode, signal: r.signal, stopped: r.stopped,
          output: out,
          ...recordingJson(r.ingest),
          runtimeAdded: g.runtimeAdded,
          ...(ga ? { args: argJson(ga) } : {}),
        }));
      } else {
        const n = arches.reduce((s, a) => s + syscallNames(r.ingest, a).length, 0);
        if (!quiet) io.stderr.write(`seccompctl: recorded ${n} distinct syscall(s) on ${arches.map((a) => archInfo(a).scmp).join(', ') || 'no arch'} from ${r.ingest.processes.length} process(es) with ${r.backend}` +
          `${g.runtimeAdded.length ? `; added runc's own ${g.runtimeAdded.length}` : ''}${out ? `; wrote ${out}` : ''}\n`);
        if (ga) printArgSummary(io.stderr, ga);
      }
    });
};
