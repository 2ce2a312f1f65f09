// One cleanup path: everything the process starts or changes on the machine (containers, bundles, tracer and
// workload children, the printk sysctl, temporary files) is registered here while it exists, and released by whoever
// made it once it is done. Whatever ends the process early — a signal, an uncaught error — runs what is left
// (`runCleanups`), synchronously, newest first. The library only keeps the registry; the CLI (src/cli/bin.ts)
// installs the signal and error handlers that run it, and a library user can do the same.

/** A registered cleanup. `release()` runs it now and unregisters it (a second call does nothing). */
export interface Cleanup {
  readonly what: string;
  release(): void;
  /** Unregisters without running (the resource was released another way). */
  forget(): void;
}

interface Entry {
  what: string;
  run: () => void;
}

const pending = new Set<Entry>();

/**
 * Registers `run` (synchronous: it may be called from a signal or exit handler) to undo something. Returns the
 * handle the owner uses to release it when done.
 */
export function registerCleanup(what: string, run: () => void): Cleanup {
  const e: Entry = { what, run };
  pending.add(e);
  return {
    what,
    release: () => {
      if (!pending.delete(e)) return;
      run();
    },
    forget: () => { pending.delete(e); },
  };
}

/** What is still registered, oldest first (for tests and diagnostics). */
export function pendingCleanups(): string[] {
  return [...pending].map((e) => e.what);
}

/**
 * Runs every registered cleanup, newest first (a container before its bundle, a tracer before the sysctl it needed),
 * each once; a failing cleanup does not stop the others. Returns the failures as `what: message`.
 */
export function runCleanups(): string[] {
  const failures: string[] = [];
  for (const e of [...pending].reverse()) {
    pending.delete(e);
    try {
      e.run();
    } catch (err) {
      failures.push(`${e.what}: ${(err as Error).message}`);
    }
  }
  return failures;
}
