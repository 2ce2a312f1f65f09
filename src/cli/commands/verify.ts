// `seccompctl verify PROFILE -- CMD ARGS...`: run CMD in runc under PROFILE and report every denied syscall. The route:
// typed flags → one library call (verifyProfile: reads the profile reference, runs, applies the verdict policy — the
// profile's own ENOSYS answers are not denials) → print → exit code.
import { resolve as resolvePath } from 'node:path';
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { formatDiagnostic, UserError } from '../../common/index.js';
import { parseMountSpec } from '../../runtime/index.js';
import { formatVerifyResult, verifyProfile } from '../../verify/index.js';
import { println } from '../io.js';
import { elapsed, progress } from '../terminal.js';
import { forwardSignals } from '../signals.js';
import { collect } from './flags.js';
import { capsOption } from './profile-ref.js';
import type { Register } from './types.js';

/** `--timeout SECONDS` → milliseconds; anything but a positive number is a usage error. */
function timeoutMs(v: string): number {
  const s = Number(v);
  if (!Number.isFinite(s) || s <= 0) throw new UserError(`--timeout: "${v}" is not a positive number of seconds`);
  return Math.round(s * 1000);
}

export const registerverify: Register = (program, io, setExit) => {
  (program.command('verify') as unknown as TypedCommand)
    .description('Run a command in a runc container under a profile and report every syscall the profile denied.')
    .argument('<profile>', 'the profile (OCI, Docker or SPO; JSON or YAML), - for standard input, or runtime-default[:containerd|cri-o|docker]')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--no-new-privileges', 'run with no-new-privileges (allowPrivilegeEscalation: false); default off, like Kubernetes')
    .option('--bundle <dir>', 'use this OCI bundle\'s rootfs instead of the host\'s directories')
    .option('--rootfs <dir>', 'use this root filesystem instead of the host\'s directories')
    .addOption(new Option('--mount <src:dst[:ro|rw]>', 'bind-mount a host path into the container (repeatable; read-only unless :rw)').argParser(collect))
    .option('--no-auto-mount', 'do not mount the working directory and the paths named in the command')
    .addOption(new Option('--method <method>', 'how denials are seen').choices(['auto', 'ebpf', 'complain'] as const).default('auto' as const))
    .option('--timeout <seconds>', 'kill the command after this many seconds (counts as a failure)')
    .option('--json', 'print the result as JSON')
    .option('--arch <arch>', 'runtime-default: expand it for this architecture (default: this machine\'s)')
    .addOption(capsOption() as unknown as Option<'--caps <caps>', undefined, undefined, string[]>)
    .addHelpText('after', `
Methods (both work with runc 1.1.5, which rejects seccomp "flags", so SECCOMP_FILTER_FLAG_LOG is unavailable):
  ebpf      the profile is enforced as written; a bpftrace probe scoped to the container sees each call that
            the filter refused (its sys_exit fires without a sys_enter) with the errno the caller got.
  complain  every deny action becomes SCMP_ACT_LOG; the command runs to the end and each call the profile
            would deny is logged to the kernel log (read live from /dev/kmsg, loss detected): finds them all.
  auto      ebpf when possible (root, bpftrace, BTF), else complain.

runc loads the filter before it execs the command (with no-new-privileges off, before it drops capabilities):
a profile that lacks what runc itself needs stops the container from starting. verify says so and names the
missing syscalls.

The container: the host's /usr, /etc, /bin, /sbin, /lib* read-only, tmpfs /tmp, /run, /var, the host's
network (servers listen on the host's loopback), its own pid/ipc/uts/mount namespaces, Docker's default
capabilities. The working directory and every existing path named in the command's arguments are
bind-mounted read-only at the same paths (listed in the output; --no-auto-mount turns it off), so
"nginx -c ./nginx.conf" finds its files; --mount SRC:DST[:rw] adds others. SIGINT/SIGTERM are forwarded to the
command, so a server can be verified while traffic runs; ending by that signal counts as success. A container
that cannot be set up (pivot_root, a missing rootfs or program) is reported as a setup error (exit 2), never as
the profile's fault.

Examples:
  seccompctl verify nginx.json -- nginx -g 'daemon off;'      # drive traffic, then Ctrl-C
  seccompctl verify --no-new-privileges app.json -- /usr/bin/python3 app.py
  seccompctl verify --method complain --json ls.json -- ls -l /
  seccompctl verify nginx.json -- nginx -p . -c ./nginx.conf   # ./nginx.conf and . are mounted read-only
  seccompctl verify --mount ./data:/srv/data:rw app.json -- /usr/bin/python3 app.py
  seccompctl verify runtime-default:containerd -- ./app    # would containerd's RuntimeDefault break it?

A call the profile answers ENOSYS through its own rule for that syscall (RuntimeDefault's clone3) is listed but
not counted as a denial: callers treat it as "not implemented" and fall back (glibc retries clone3 as clone).

Exit codes: 0 the command succeeded and nothing was denied; 1 something was denied, runc could not start, the
command failed, or kernel log records were lost; 2 usage, unreadable profile, missing privilege or tool.`)
    .action(async (profilePath, command, opts) => {
      const timeout = opts.timeout !== undefined ? timeoutMs(opts.timeout) : undefined;
      const status = progress(io, program.opts().quiet === true);
      const t0 = Date.now();
      const tick = status.active ? setInterval(() => status.update(`verifying under runc (method ${opts.method}): ${elapsed(Date.now() - t0)} · Ctrl-C stops the command`), 1000) : undefined;
      const sig = forwardSignals();
      let r;
      try {
        r = await verifyProfile({
          profileRef: profilePath, profileFile: profilePath,
          profileRefOptions: { cwd: io.cwd, stdin: io.stdin, ...(opts.arch !== undefined ? { arch: opts.arch } : {}), ...(opts.caps !== undefined ? { caps: opts.caps } : {}) },
          argv: command, method: opts.method,
          mounts: (opts.mount ?? []).map((m) => parseMountSpec(m, io.cwd)), hostCwd: io.cwd, autoMount: opts.autoMount !== false,
          noNewPrivileges: opts.newPrivileges === false,
          ...(opts.bundle !== undefined ? { bundle: resolvePath(io.cwd, opts.bundle) } : {}),
          ...(opts.rootfs !== undefined ? { rootfs: resolvePath(io.cwd, opts.rootfs) } : {}),
          ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
          signal: sig.signal, killSignal: sig.kill, killGraceMs: 10_000,
          stopSignal: sig.received,
          output: 'capture',
          onStdout: (c) => { status.clear(); (opts.json ? io.stderr : io.stdout).write(c); },
          onStderr: (c) => { status.clear(); io.stderr.write(c); },
        });
      } finally {
        clearInterval(tick);
        status.clear();
        sig.dispose();
      }
      for (const d of r.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
      if (r.fallback) io.stderr.write(`seccompctl: ${r.fallback}\n`);
      if (opts.json) {
        println(io.stdout, JSON.stringify({
          passed: r.passed, method: r.method, runcVersion: r.runcVersion, commandSucceeded: r.commandSucceeded,
          exitCode: r.exitCode, signal: r.signal, stopped: r.stopped, timedOut: r.timedOut,
          mounts: r.mounts, denials: r.denials, deliberateEnosys: r.deliberateEnosys, runtimeFailure: r.runtimeFailure ?? null, lost: r.loss,
        }));
      } else {
        for (const l of formatVerifyResult(r)) println(io.stdout, l);
      }
      if (!r.passed) setExit(1);
    });
};
