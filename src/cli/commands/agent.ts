// `seccompctl agent`: the node agent (what the recording DaemonSet runs), and `seccompctl record start|stop|pull
// WORKLOAD`: opt a workload in or out of recording and gather its recordings from every node. Each is a route: typed
// flags → one library call (runAgent, annotateWorkload, pullRecordings) → print → exit code.
import { resolve } from 'node:path';
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import type { Command } from 'commander';
import { refusalError, UserError } from '../../common/index.js';
import { AGENT_MINIMUMS, annotateWorkload, DEFAULT_RUNTIME_PATHS, pullRecordings, runAgent } from '../../agent/index.js';
import { println } from '../io.js';
import { forwardSignals } from '../signals.js';
import type { Register } from './types.js';
import { collect } from './flags.js';

/** A number flag (the range is the library's rule); text that is no number is refused in the library's words. */
function numberFlag(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UserError(`${name} "${v}": expected a number ≥ ${min}`);
  return n;
}

export const registeragent: Register = (program, io, setExit) => {
  (program.command('agent') as unknown as TypedCommand)
    .description('Run the node agent: record the syscalls of opted-in pods\' containers on this node, attributed from the container runtime\'s own files (no API server), into per-workload recordings and profiles.')
    .addOption(new Option('--source <source>', 'how to observe syscalls').choices(['auto', 'ebpf', 'audit'] as const).default('auto' as const))
    .option('--state-dir <dir>', 'where recordings, profiles and state.json live (a host directory in the DaemonSet)', '/var/lib/seccompctl')
    .option('--all', 'record every container, not only pods annotated seccompctl.io/record')
    .option('--flush-interval <seconds>', 'write state.json and changed profiles this often (atomically); a kill -9 loses at most this much', '5')
    .option('--listen <addr>', 'read-only endpoint: unix:/path.sock or 127.0.0.1:PORT, or "none" (default unix:<state-dir>/agent.sock)')
    .option('--cgroup-root <dir>', 'where the cgroup file systems are mounted', '/sys/fs/cgroup')
    .addOption(new Option('--cgroup-version <n>', 'key events on cgroup v2 ids (default when cgroup2 is mounted) or a v1 controller\'s ids').choices(['1', '2'] as const))
    .addOption(new Option('--cgroup-prefix <path>', 'kubelet\'s pod cgroup root (repeatable); matches the cgroupfs and systemd forms').argParser(collect))
    .option('--containerd-state <dir>', 'containerd\'s runtime v2 task directory (bundles with config.json)', DEFAULT_RUNTIME_PATHS.containerdTasks)
    .addOption(new Option('--containerd-namespace <ns>', 'containerd namespace of the CRI plugin (repeatable)').argParser(collect))
    .addOption(new Option('--crio-root <dir>', 'CRI-O storage root holding overlay-containers/<id>/userdata/config.json (repeatable)').argParser(collect))
    .option('--node <name>', 'node name recorded with each replica (default $NODE_NAME, else the host name)')
    .option('--no-new-privileges', 'profiles assume allowPrivilegeEscalation: false (smaller runc base set)')
    .option('--max-containers <n>', 'containers tracked at once (bounds memory)', '10000')
    .option('--audit-log <file>', 'audit source: auditd\'s log file, "kmsg" for the kernel log, or "auto" (auditd\'s log when an audit daemon is registered, else /dev/kmsg)', 'auto')
    .option('--no-counts', 'eBPF: do not count every call (lower overhead; the events metric then counts first sightings only)')
    .addHelpText('after', `
Sources:
  ebpf   one bpftrace program keyed by cgroup id in the kernel: a cgroup created under the pod prefix is watched
         from its mkdir, becomes live at its first exec (runc's init exec'ing the payload), and each (container,
         syscall, arch) is reported once. Needs CAP_BPF+CAP_PERFMON (or CAP_SYS_ADMIN), BTF, tracefs, hostPID.
  audit  containers running under an SCMP_ACT_LOG profile; records read from auditd's log when an audit daemon
         runs (--audit-log), else /dev/kmsg (CAP_SYSLOG); pid → /proc/<pid>/cgroup → container; loss (ring
         overwritten, printk suppressed, audit serials missing, the kernel's lost counter) marks the recordings
         active then.
  auto   ebpf when possible, else audit.

Opt-in: pods annotated seccompctl.io/record: "true" (or "app,sidecar": those containers), or --all.
containerd copies pod annotations into the container spec only when the runtime handler lists them:
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc] pod_annotations = ["seccompctl.io/*"]
CRI-O always does.

Output (under --state-dir): state.json, profiles/<namespace>/<workload>/<container>.json,
spo/<namespace>/<workload>/<container>.yaml. Endpoint: GET /healthz /recordings
/recordings/<ns>/<workload>/<container> /metrics. Stops on SIGINT/SIGTERM after a last flush.

Examples:
  seccompctl agent --all --state-dir /tmp/rec --listen 127.0.0.1:9808
  curl -s --unix-socket /var/lib/seccompctl/agent.sock http://agent/recordings`)
    .action(async (opts) => {
      const stateDir = resolve(io.cwd, opts.stateDir);
      const node = opts.node ?? io.env.NODE_NAME;
      // The first SIGINT/SIGTERM is ours: stop the source, flush, exit 0 (a second one ends the process at once).
      const fw = forwardSignals();
      let r;
      try {
        r = await runAgent({
          source: opts.source, stateDir, all: opts.all === true, signal: fw.signal,
          flushIntervalSec: numberFlag('--flush-interval', opts.flushInterval, AGENT_MINIMUMS.flushIntervalSec),
          ...(opts.listen !== undefined ? { listen: opts.listen } : {}),
          cgroupRoot: opts.cgroupRoot, ...(opts.cgroupVersion ? { cgroupVersion: Number(opts.cgroupVersion) as 1 | 2 } : {}),
          cgroupPrefixes: opts.cgroupPrefix ?? ['/kubepods'],
          runtimePaths: {
            containerdTasks: opts.containerdState,
            containerdNamespaces: opts.containerdNamespace ?? DEFAULT_RUNTIME_PATHS.containerdNamespaces,
            crioRoots: opts.crioRoot ?? DEFAULT_RUNTIME_PATHS.crioRoots,
          },
          ...(node !== undefined ? { node } : {}),
          noNewPrivileges: opts.newPrivileges === false,
          maxContainers: numberFlag('--max-containers', opts.maxContainers, AGENT_MINIMUMS.maxContainers),
          counts: opts.counts,
          auditLog: opts.auditLog === 'auto' || opts.auditLog === 'kmsg' ? opts.auditLog : resolve(io.cwd, opts.auditLog),
          // -q (global): no line per container recorded
          log: (m) => {
            if ((program.opts() as { quiet?: boolean }).quiet !== true || !m.startsWith('recording ')) io.stderr.write(`seccompctl agent: ${m}\n`);
          },
          onStarted: (s) => io.stderr.write(`seccompctl agent: recording (source ${s.source}, state ${s.stateDir}, flush every ${s.flushIntervalSec} s${s.endpoint ? `, endpoint ${s.endpoint}` : ''})\n`),
        });
      } finally {
        fw.dispose();
      }
      if (r.outcome === 'refused') throw refusalError(r);
      if (r.outcome === 'failed') {
        for (const d of r.diagnostics) io.stderr.write(`seccompctl agent: ${d.message}\n`);
        setExit(1);
        return;
      }
      io.stderr.write(`seccompctl agent: stopped; ${r.recordings} recording(s) in ${r.stateDir}/state.json\n`);
    });

  const record = program.commands.find((c) => c.name() === 'record');
  if (record) addRecordSubcommands(record, io, setExit);
};

/**
 * `record` itself declares --json, -o/--output and --no-new-privileges, and commander lets a parent's options be
 * given after a subcommand: read them from either.
 */
function parentFlags(cmd: Command): { json: boolean; output?: string; noNewPrivileges: boolean } {
  const p = (cmd.parent?.opts() ?? {}) as { json?: boolean; output?: string; newPrivileges?: boolean };
  return { json: p.json === true, ...(p.output !== undefined ? { output: p.output } : {}), noNewPrivileges: p.newPrivileges === false };
}

/** An argument as a shell reads it back. */
const shellWord = (a: string): string => (/^[\w./:-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

/**
 * `record start|stop|pull` are subcommands of `record`, which also takes `-- CMD`: commander dispatches on the first
 * operand, so `record start deployment/web` is the subcommand and `record -- CMD` (or `record CMD` for any CMD not
 * named start, stop or pull) records a command. To record a program called "start", give its path (`./start`).
 */
function addRecordSubcommands(record: Command, io: Parameters<Register>[1], setExit: Parameters<Register>[2]): void {
  for (const start of [true, false]) {
    const sub = record.command(start ? 'start' : 'stop');
    (sub as unknown as TypedCommand)
      .description(start
        ? 'Opt a workload\'s pods in to recording by the node agents: annotates the pod template (seccompctl.io/record, seccompctl.io/workload), which rolls the pods.'
        : 'Opt a workload out of recording: removes the annotations from its pod template (rolls the pods).')
      .argument('<workload>', 'KIND/NAME, e.g. deployment/web, statefulset/db, daemonset/agent, job/migrate, cronjob/report')
      .option('-n, --namespace <ns>', 'the workload\'s namespace', 'default')
      .option('--containers <names>', start ? 'record only these containers (comma-separated); default all' : 'ignored')
      .option('--print', 'print the patch and the kubectl command instead of applying it')
      .option('--json', 'print the patch as JSON only')
      .option('--kubectl <path>', 'kubectl binary', 'kubectl')
      .addHelpText('after', `
Examples:
  kubectl seccomp record ${start ? 'start' : 'stop'} deployment/web -n shop --print
  kubectl seccomp record ${start ? 'start deployment/web -n shop --containers app' : 'stop deployment/web -n shop'}
Without --print, kubectl must reach the cluster; when it cannot, this says so and exits 2.`)
      .action((workload, local) => {
        const parent = parentFlags(sub);
        const json = local.json === true || parent.json;
        const containers = local.containers?.split(',').map((s) => s.trim()).filter(Boolean);
        const r = annotateWorkload(workload, {
          start, namespace: local.namespace, apply: !json && local.print !== true, kubectlPath: local.kubectl,
          ...(containers ? { containers } : {}),
        });
        if (r.outcome === 'refused') throw refusalError(r);
        if (json) println(io.stdout, JSON.stringify(r.patch));
        else if (local.print) println(io.stdout, r.kubectl.map(shellWord).join(' '));
        else {
          io.stdout.write(r.applied ?? '');
          const w = `${r.workload.kind.toLowerCase()}/${r.workload.name}`;
          println(io.stdout, start
            ? `${w}: pods will be recorded by the node agents once they roll; then run: kubectl seccomp record pull ${w} -n ${r.workload.namespace} -o DIR`
            : `${w}: recording stopped (pods roll without the annotation)`);
        }
      });
  }

  const pull = record.command('pull');
  (pull as unknown as TypedCommand)
    .description('Gather a workload\'s recordings from every node\'s agent (kubectl exec, or copied state directories), merge nodes and replicas, and write one profile per container.')
    .argument('<workload>', 'KIND/NAME or NAME (as the agent derived it from the pods)')
    .option('-n, --namespace <ns>', 'the workload\'s namespace', 'default')
    .option('-o, --output <dir>', 'write the profiles here (<namespace>_<workload>_<container>.json); default the current directory')
    .addOption(new Option('--from-dir <dir>', 'a copy of a node agent\'s state directory (repeatable); no cluster needed').argParser(collect))
    .option('--agent-namespace <ns>', 'namespace of the agent DaemonSet', 'seccompctl-system')
    .option('--agent-selector <labels>', 'label selector of the agent pods', 'app.kubernetes.io/name=seccompctl-agent')
    .option('--state-dir <dir>', 'the agents\' --state-dir inside their pods', '/var/lib/seccompctl')
    .option('--no-new-privileges', 'the containers run with allowPrivilegeEscalation: false (smaller runc base set)')
    .option('--kubectl <path>', 'kubectl binary', 'kubectl')
    .option('--json', 'print what was written as JSON')
    .addHelpText('after', `
Examples:
  kubectl seccomp record pull deployment/web -n shop -o profiles/
  seccompctl record pull web -n shop --from-dir node1-state/ --from-dir node2-state/ -o profiles/
Then install and use them:
  seccompctl k8s install profiles/*.json | kubectl apply -f -
  seccompctl k8s patch deploy.yaml --localhost seccompctl/shop_web_app.json --container app -i
Exit 1 when no recording of the workload was found or a recording lost events; 2 when no cluster is reachable.`)
    .action((workload, local) => {
      const parent = parentFlags(pull);
      const output = local.output ?? parent.output;
      const r = pullRecordings(workload, {
        namespace: local.namespace, cwd: io.cwd, ...(output !== undefined ? { output } : {}),
        ...(local.fromDir ? { fromDirs: local.fromDir } : {}),
        agentNamespace: local.agentNamespace, agentSelector: local.agentSelector, stateDir: local.stateDir, kubectlPath: local.kubectl,
        noNewPrivileges: local.newPrivileges === false || parent.noNewPrivileges,
      });
      if (r.outcome === 'refused') throw refusalError(r);
      const none = r.diagnostics.find((d) => d.code === 'NO_RECORDINGS');
      if (none) {
        io.stderr.write(`seccompctl: ${none.message}\n`);
        setExit(1);
        return;
      }
      if (local.json === true || parent.json) println(io.stdout, JSON.stringify({ workload: r.workload, nodes: r.nodes, profiles: r.profiles }, null, 2));
      else {
        for (const w of r.profiles) {
          println(io.stdout, `${w.file}: ${w.syscalls} syscalls from ${w.replicas} replica(s) on ${w.nodes.join(', ')}; localhostProfile: ${w.localhostProfile}`);
          for (const l of w.loss) io.stderr.write(`  warning: ${w.container}: ${l}\n`);
        }
      }
      if (r.outcome === 'failed') setExit(1);
    });
}
