// Signals and fatal errors for the CLI process. The library keeps a registry of what it started or changed
// (runtime's cleanup registry); this module decides when to run it.
//
// - While `record`/`verify` run a workload, the first SIGINT, SIGTERM or SIGHUP is forwarded to the workload (SIGHUP
//   as SIGTERM: a dropped session should stop the workload, not make a server reload), which shuts down while the
//   command finishes its job (a recording is still written).
// - A second signal, SIGQUIT, or any signal while no workload runs: everything registered is cleaned up (containers
//   killed and deleted, bundles and temporary files removed, tracers and workload children killed, the printk sysctl
//   restored), then the process exits with 128 + the signal number.
// - An uncaught exception or unhandled rejection: the same cleanup, one line on stderr, exit 2.
import { constants } from 'node:os';
import { runCleanups } from '../common/index.js';

/** The signals seccompctl handles. */
export const HANDLED_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];

let forwarding = 0;
let seen = 0;

/** What a command running a workload gets from forwardSignals(). */
export interface SignalForwarding {
  /** Aborted by the first signal: the library forwards `received()` to the workload. */
  signal: AbortSignal;
  /** Aborted by a second signal (or SIGQUIT): the library kills the workload at once. */
  kill: AbortSignal;
  /** The signal to forward (the first one received; SIGTERM for a SIGHUP). */
  received: () => NodeJS.Signals;
  /** How many signals arrived. */
  count: () => number;
  dispose: () => void;
}

/** While a command runs a workload: see the module comment. */
export function forwardSignals(): SignalForwarding {
  const ac = new AbortController();
  const kill = new AbortController();
  let first: NodeJS.Signals = 'SIGTERM';
  let n = 0;
  const handlers = HANDLED_SIGNALS.map((s) => {
    const h = (): void => {
      n += s === 'SIGQUIT' ? 2 : 1;
      if (!ac.signal.aborted) {
        first = s === 'SIGHUP' || s === 'SIGQUIT' ? 'SIGTERM' : s;
        ac.abort();
      }
      if (n >= 2) kill.abort();
    };
    process.on(s, h);
    return [s, h] as const;
  });
  forwarding += 1;
  let disposed = false;
  return {
    signal: ac.signal,
    kill: kill.signal,
    received: () => first,
    count: () => n,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      forwarding -= 1;
      for (const [s, h] of handlers) process.off(s, h);
    },
  };
}

/** Runs every registered cleanup, writing one line per failure. */
function cleanUp(stderr: NodeJS.WritableStream): void {
  for (const f of runCleanups()) {
    try {
      stderr.write(`seccompctl: cleanup failed: ${f}\n`);
    } catch {
      // stderr may be gone (a dropped session)
    }
  }
}

/**
 * Installs the process-wide handlers (bin.ts only: the one place that exits). `exit` ends the process.
 */
export function installProcessHandlers(stderr: NodeJS.WritableStream, exit: (code: number) => never): void {
  for (const s of HANDLED_SIGNALS) {
    process.on(s, () => {
      seen += 1;
      // The first stop signal of a running workload is the command's to handle (forwarded, then a normal end).
      if (forwarding > 0 && seen === 1 && s !== 'SIGQUIT') return;
      cleanUp(stderr);
      exit(128 + (constants.signals[s] ?? 0));
    });
  }
  const fatal = (e: unknown): never => {
    cleanUp(stderr);
    const msg = e instanceof Error ? e.message : String(e);
    try {
      stderr.write(`seccompctl: unexpected error: ${msg.split('\n')[0]}\nThis is a bug in seccompctl; please report it with the command that caused it` +
        `${process.env.SECCOMPCTL_DEBUG === '1' && e instanceof Error ? `\n${e.stack}` : ' (SECCOMPCTL_DEBUG=1 shows where)'}.\n`);
    } catch {
      // stderr may be gone
    }
    return exit(2);
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);
  // Last resort for any other way out (process.exit from a dependency): nothing registered survives the process.
  process.on('exit', () => { runCleanups(); });
}
