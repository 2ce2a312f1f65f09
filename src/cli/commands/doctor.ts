// `seccompctl doctor`: what seccomp will do on this node, one ok / warning / error line per check with the fix. The
// route: typed flags → one library call (doctorNode: gather the facts, judge them and the Localhost profiles) → print
// → exit code.
import type { Command as TypedCommand } from '@commander-js/extra-typings';
import { doctorNode, type DoctorCheck } from '../../node/index.js';
import { println } from '../io.js';
import { isQuiet } from '../terminal.js';
import type { Register } from './types.js';

const TAG: Record<DoctorCheck['status'], string> = { ok: 'ok     ', warning: 'warning', error: 'error  ', skip: 'skip   ' };

export const registerdoctor: Register = (program, io, setExit) => {
  (program.command('doctor') as unknown as TypedCommand)
    .description('Check this node: kernel seccomp actions, runc/crun and their libseccomp, the kubelet\'s seccompDefault, the Localhost profiles under <kubelet root>/seccomp/, recording prerequisites.')
    .option('--kubelet-config <file>', 'the kubelet\'s KubeletConfiguration file (default: the running kubelet\'s --config, from /proc)')
    .option('--kubelet-root <dir>', 'the kubelet root directory (default: the running kubelet\'s --root-dir, else /var/lib/kubelet)')
    .option('--json', 'print {"facts": {...}, "checks": [...], "profiles": [...], "failed": bool} (k8s lint --node-facts reads it)')
    .addHelpText('after', `
Each line is ok, warning or error, with the fix. Errors are what would break a profile on this node: a profile
under <root>/seccomp/ that does not parse or validate for this node's runtime, names an architecture this
libseccomp does not know, uses an action this kernel lacks, has "flags" this runc rejects, or denies a syscall
this libseccomp does not know (runc skips the rule silently). Warnings: syscalls this libseccomp does not know
(named), seccompDefault off, missing recording prerequisites (tracefs, bpftrace, strace, printk rate limit).

libseccomp is asked through /usr/bin/python3 (ctypes, libseccomp.so.2: the library runc and crun load).

Examples:
  seccompctl doctor
  seccompctl doctor --kubelet-config /var/lib/kubelet/config.yaml
  seccompctl doctor --json > node.json && seccompctl k8s lint --profiles ./profiles --node-facts node.json app.yaml

With the global --quiet only the errors print (the install DaemonSet's readiness probe: exit 1 means a profile
would break on this node).

Exit 0 when nothing would break a profile on this node (warnings allowed), 1 when something would, 2 on bad input.`)
    .action((opts, cmd) => {
      const quiet = isQuiet(cmd);
      const r = doctorNode({
        cwd: io.cwd, env: io.env,
        ...(opts.kubeletConfig !== undefined ? { kubeletConfig: opts.kubeletConfig } : {}),
        ...(opts.kubeletRoot !== undefined ? { kubeletRoot: opts.kubeletRoot } : {}),
      });
      if (opts.json) {
        println(io.stdout, JSON.stringify(r, null, 2));
      } else {
        for (const c of r.checks) {
          if (quiet && c.status !== 'error') continue;
          println(io.stdout, `${TAG[c.status]}  ${c.message}`);
          if (c.fix && c.status !== 'ok') println(io.stdout, `         fix: ${c.fix}`);
        }
        if (!quiet) {
          const n = (s: DoctorCheck['status']): number => r.checks.filter((c) => c.status === s).length;
          println(io.stdout, `${r.failed ? 'FAIL' : 'OK'}: ${n('error')} error(s), ${n('warning')} warning(s), ${n('ok')} ok`);
        }
      }
      if (r.failed) setExit(1);
    });
};
