// The CLI: argv → one library call per command → exit code. The only code that prints; bin.ts is the only exit.
import { Command, CommanderError, Help } from 'commander';
import { UserError, InternalError, describeIoError, formatDiagnostic, isSystemError } from '../common/index.js';
import { ExitError, type CliIO, type ExitCode } from './io.js';
import { COMMANDS, NEEDS_ALL } from './commands/index.js';
import { VERSION } from './version.js';
import { colours, pluginUsage } from './terminal.js';
import { commandOf } from './route.js';

export { commandOf };

/** The usage terms of stub commands (see buildProgram). */
const STUB_TERMS = new WeakMap<Command, string>();

/** The program with its global options and help, and no commands yet. */
function baseProgram(io: CliIO, opts: RunOptions): Command {
  const program = new Command(opts.plugin ? 'kubectl seccomp' : 'seccompctl')
    .description('From "which syscalls does it make?" to a verified least-privilege seccomp profile on Kubernetes.')
    .version(VERSION)
    .option('-q, --quiet', 'no progress status and no notes on standard error (errors and results still print)')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .addHelpText('after', `
Exit codes: 0 success / check passed, 1 check failed (denials, findings, differences), 2 usage or input error.
Every command takes --help; most take --json for machine output and - for standard input.
On a terminal, long work shows a status line on standard error and results are coloured (NO_COLOR turns colour
off, FORCE_COLOR on); --quiet drops the status line and notes. Shell completion: seccompctl completion bash|zsh|fish.`)
    .exitOverride();
  // A stub lists itself as the loaded command would (its usage term), so --help is the same either way.
  program.configureHelp({
    ...(opts.plugin ? { commandUsage: pluginUsage } : {}),
    subcommandTerm: (cmd) => STUB_TERMS.get(cmd) ?? new Help().subcommandTerm(cmd),
  });
  return program;
}

/**
 * Builds the command tree. `only` names the commands to load for real; every other command is a stub with its name
 * and summary (enough for the command list in `--help` and for commander's "did you mean"). Without `only`, every
 * command is loaded (tests, completion).
 */
export async function buildProgram(io: CliIO, setExit: (c: ExitCode) => void, opts: RunOptions = {}, only?: ReadonlySet<string>): Promise<Command> {
  const program = baseProgram(io, opts);
  for (const entry of COMMANDS) {
    if (program.commands.some((c) => c.name() === entry.name)) continue; // registered along with another command
    if (only === undefined || only.has(entry.name)) {
      for (const register of await entry.load()) register(program, io, setExit);
    } else {
      STUB_TERMS.set(program.command(entry.name).description(entry.summary), entry.term);
    }
  }
  return program;
}

export { VERSION };

/** How the CLI was invoked. */
export interface RunOptions {
  /** As the kubectl plugin (kubectl-seccomp): help says `kubectl seccomp`, the k8s subcommands are the top level. */
  plugin?: boolean;
}

/** Runs the CLI in-process and returns the exit code. Never throws for user errors. */
export async function run(argv: readonly string[], io: CliIO, opts: RunOptions = {}): Promise<ExitCode> {
  let code: ExitCode = 0;
  const name = commandOf(argv);
  const known = COMMANDS.some((c) => c.name === name);
  // Load the one command being run (all of them for those whose output describes the whole tree).
  const only = name === undefined || !known ? new Set<string>() : NEEDS_ALL.has(name) ? undefined : new Set([name]);
  let program: Command;
  try {
    program = await buildProgram(io, (c) => { code = c; }, opts, only);
  } catch (e) {
    return handleError(e, io);
  }
  // kubectl plugins are invoked as kubectl-seccomp; `kubectl seccomp lint` must mean `seccompctl k8s lint`.
  const args = [...argv];
  try {
    await program.parseAsync(args, { from: 'user' });
    return code;
  } catch (e) {
    return handleError(e, io);
  }
}

function handleError(e: unknown, io: CliIO): ExitCode {
  if (e instanceof ExitError) return e.code;
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2;
  }
  if (e instanceof UserError) {
    for (const d of e.diagnostics) io.stderr.write(formatDiagnostic(d) + '\n');
    io.stderr.write(`${colours(io).err.red('seccompctl:')} ${e.message}\n`);
    return e.exitCode;
  }
  if (e instanceof InternalError) {
    io.stderr.write(`seccompctl: internal error: ${e.message}\nThis is a bug in seccompctl; please report it with the input that caused it.\n`);
    return 2;
  }
  // An I/O error that no command turned into a UserError still gets one line naming the path and the cause.
  if (isSystemError(e)) {
    const path = (e as NodeJS.ErrnoException).path;
    io.stderr.write(`seccompctl: ${path !== undefined ? describeIoError(path, e) : e.message}\n`);
    return 2;
  }
  const err = e as Error;
  io.stderr.write(`seccompctl: unexpected error: ${err?.message ?? String(e)}\nThis is a bug in seccompctl; please report it with the command that caused it` +
    `${io.env.SECCOMPCTL_DEBUG === '1' && err?.stack ? `\n${err.stack}` : ' (SECCOMPCTL_DEBUG=1 shows where)'}.\n`);
  return 2;
}
