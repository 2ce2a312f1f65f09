// Which command an argv runs: shared by main.ts (which command module to load), bin.ts (kubectl plugin arguments)
// and the built CLI's launcher (which bundle to start: scripts/build-cli.mjs builds one per command). Imports nothing,
// so the launcher stays small.
import { basename } from 'node:path';

/** The top-level command argv names (after global options; `help X` names X), or undefined. */
export function commandOf(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => !a.startsWith('-'));
  if (i < 0) return undefined;
  if (argv[i] === 'help') return argv[i + 1];
  return argv[i];
}

/** Whether the program was invoked as the kubectl plugin (`kubectl seccomp …` runs kubectl-seccomp). */
export function invokedAsPlugin(argv1: string | undefined): boolean {
  return basename(argv1 ?? '').startsWith('kubectl-seccomp');
}

const K8S_SUBCOMMANDS = new Set(['patch', 'lint', 'install', 'spo']);

/** The CLI's arguments: as a kubectl plugin the k8s subcommands are the top level (`kubectl seccomp lint` = `k8s lint`). */
export function cliArgs(argv: readonly string[], plugin: boolean): string[] {
  return plugin && argv[0] !== undefined && K8S_SUBCOMMANDS.has(argv[0]) ? ['k8s', ...argv] : [...argv];
}
