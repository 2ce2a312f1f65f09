// Every subcommand, in the order `--help` lists them, loaded only when it runs.
//
// Start-up time is the cost of the modules a command imports: `seccompctl resolve 54` should not compile the BPF
// compiler, the ingest scanner's WebAssembly or the agent. So this table names each command and its one-line
// summary (what the top-level `--help` shows) and says how to load its module; main.ts loads the one command being
// run and registers every other as a stub that only carries its name and summary. A test keeps each summary equal
// to the loaded command's own description (test/cli/lazy.test.ts).
import type { Register } from './types.js';

/** One top-level command: its name, its summary for the command list, and how to load its registration(s). */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  /** How the command list shows it (name, `[options]`, arguments), as commander would for the loaded command. */
  readonly term: string;
  /** The registration functions to run, in order, when this command is the one invoked. */
  readonly load: () => Promise<readonly Register[]>;
}

/** The top-level commands in the order `seccompctl --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'resolve',
    term: 'resolve [options] <syscall...>',
    summary: 'Map syscall names to numbers and numbers to names, per architecture (like scmp_sys_resolver, for every arch at once).',
    load: async () => [(await import('./resolve.js')).registerresolve],
  },
  {
    name: 'validate',
    term: 'validate [options] <profile...>',
    summary: 'Check seccomp profiles (OCI, Docker or SPO SeccompProfile; JSON or YAML) against what each container runtime does with them.',
    load: async () => [(await import('./validate.js')).registervalidate],
  },
  {
    name: 'convert',
    term: 'convert [options] <profile>',
    summary: 'Convert a profile between OCI, Docker and SPO SeccompProfile; Docker profiles are expanded exactly as the Docker daemon does for one arch, capability set and kernel.',
    load: async () => [(await import('./convert.js')).registerconvert],
  },
  {
    name: 'schema',
    term: 'schema',
    summary: 'Print the JSON Schema of seccomp profiles (OCI, Docker and SPO SeccompProfile) for editors and CI.',
    load: async () => [(await import('./schema.js')).registerschema],
  },
  {
    name: 'generate',
    term: 'generate [options] <file...>',
    summary: 'Generate a least-privilege seccomp profile from kernel audit logs (SECCOMP records) or strace output.',
    load: async () => [(await import('./generate.js')).registergenerate],
  },
  {
    name: 'merge',
    term: 'merge [options] <profile...>',
    summary: 'Merge seccomp profiles into their union: a syscall any of them allows is allowed.',
    load: async () => [(await import('./merge.js')).registermerge],
  },
  {
    name: 'diff',
    term: 'diff [options] <a> <b>',
    summary: 'Compare two seccomp profiles per architecture: syscalls added/removed, changed actions, errnos and argument rules.',
    load: async () => [(await import('./diff.js')).registerdiff],
  },
  {
    name: 'record',
    term: 'record [options] <command...>',
    summary: 'Run a command, record every syscall of its process tree (threads, forks, execs, each with its arch), and write a least-privilege profile.',
    // `record start|stop|pull` (the cluster side) are added to `record` by the agent's module.
    load: async () => {
      const [record, agent] = await Promise.all([import('./record.js'), import('./agent.js')]);
      return [record.registerrecord, agent.registeragent];
    },
  },
  {
    name: 'agent',
    term: 'agent [options]',
    summary: 'Run the node agent: record the syscalls of opted-in pods\' containers on this node, attributed from the container runtime\'s own files (no API server), into per-workload recordings and profiles.',
    load: async () => [(await import('./agent.js')).registeragent],
  },
  {
    name: 'verify',
    term: 'verify [options] <profile> <command...>',
    summary: 'Run a command in a runc container under a profile and report every syscall the profile denied.',
    load: async () => [(await import('./verify.js')).registerverify],
  },
  {
    name: 'compile',
    term: 'compile [options] <profile>',
    summary: 'Compile a profile to the seccomp classic BPF program runc + libseccomp would load (same verdicts, smaller and faster).',
    load: async () => [(await import('./compile.js')).registercompile],
  },
  {
    name: 'check',
    term: 'check [options] <profile> [syscall...]',
    summary: 'Would this profile allow a syscall? Prints the action, errno and deciding rule; exit 0 when allowed (ALLOW/LOG), 1 otherwise. Many syscalls: one verdict per line.',
    load: async () => [(await import('./check.js')).registercheck],
  },
  {
    name: 'advise',
    term: 'advise [options] <input>',
    summary: 'Would RuntimeDefault break this workload? Checks a recording (audit log, strace output) or a profile against each runtime\'s exact RuntimeDefault.',
    load: async () => [(await import('./advise.js')).registeradvise],
  },
  {
    name: 'report',
    term: 'report [options] <profile>',
    summary: 'Write one self-contained HTML page (or Markdown) about a profile: what it allows by category and architecture, its risks, the comparison with RuntimeDefault, where its syscalls came from, each runtime\'s verdict and how to apply it.',
    load: async () => [(await import('./report.js')).registerreport],
  },
  {
    name: 'k8s',
    term: 'k8s',
    summary: 'Put profiles on Kubernetes: patch manifests, lint workloads, install profiles on every node, emit security-profiles-operator resources.',
    load: async () => [(await import('./k8s.js')).registerk8s],
  },
  {
    name: 'node',
    term: 'node',
    summary: 'Node-side commands (run by the seccompctl DaemonSet).',
    load: async () => [(await import('./node.js')).registernode],
  },
  {
    name: 'completion',
    term: 'completion <shell>',
    summary: 'Print a shell completion script (commands, subcommands, flags and their choices) for bash, zsh or fish.',
    load: async () => [(await import('./completion.js')).registercompletion],
  },
  {
    name: 'doctor',
    term: 'doctor [options]',
    summary: 'Check this node: kernel seccomp actions, runc/crun and their libseccomp, the kubelet\'s seccompDefault, the Localhost profiles under <kubelet root>/seccomp/, recording prerequisites.',
    load: async () => [(await import('./doctor.js')).registerdoctor],
  },
];

/** Commands that need every other command's real definition (their own output describes the whole tree). */
export const NEEDS_ALL: ReadonlySet<string> = new Set(['completion']);
