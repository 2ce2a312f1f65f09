#!/usr/bin/env node
// Entry point for the `seccompctl` and `kubectl-seccomp` bins: the only place that sets the exit code.
import { run } from './main.js';
import { cliArgs, invokedAsPlugin } from './route.js';
import { installProcessHandlers } from './signals.js';

// Signals and fatal errors run the cleanup registry before the process ends (see signals.ts).
installProcessHandlers(process.stderr, (code) => process.exit(code));

// `seccompctl compile … | head`: a closed pipe ends the output quietly, as with any Unix filter.
for (const s of [process.stdout, process.stderr]) {
  s.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    throw e;
  });
}

// As a kubectl plugin (`kubectl seccomp patch …`) the k8s subcommands are the top level.
const asPlugin = invokedAsPlugin(process.argv[1]);
const args = cliArgs(process.argv.slice(2), asPlugin);
// No top-level await: the built CLI is a CommonJS bundle (scripts/build-cli.mjs). A rejection is fatal (signals.ts).
void run(args, {
  // Read only by commands that take `-`: creating process.stdin loads fs streams (or net, for a pipe) at start-up.
  get stdin() { return process.stdin; },
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  isTTY: Boolean(process.stderr.isTTY),
  cwd: process.cwd(),
}, { plugin: asPlugin }).then((code) => { process.exitCode = code; });
