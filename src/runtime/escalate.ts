import { readdirSync, readFileSync } from 'node:fs';

// The one stop → grace → kill escalation: every place that stops something (a container, a host workload, a traced
// workload's children) asks politely first and kills when the grace period runs out.

/** A stop in progress. */
export interface Escalation {
  /** Whether the kill step has run. */
  readonly escalated: boolean;
  /** The thing ended by itself: do not kill it. */
  cancel(): void;
  /** Skip the rest of the grace period and kill now (a second Ctrl-C). */
  now(): void;
}

/**
 * Calls `stop()` now and `kill()` once `graceMs` have passed, unless cancelled first. The timer does not keep the
 * process alive. `graceMs: 0` kills right after stopping.
 */
export function stopGraceKill(stop: () => void, kill: () => void, graceMs = 5000): Escalation {
  let escalated = false;
  let done = false;
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (done) return;
    done = true;
    escalated = true;
    kill();
  };
  stop();
  if (graceMs <= 0) fire();
  else {
    timer = setTimeout(fire, graceMs);
    timer.unref();
  }
  return {
    get escalated() { return escalated; },
    cancel: () => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      done = true;
    },
    now: fire,
  };
}

/** A process and all its descendants (from /proc/PID/task/TID/children), the process first. */
export function processTree(pid: number): number[] {
  const out: number[] = [];
  const todo = [pid];
  const seen = new Set<number>();
  while (todo.length > 0 && out.length < 100_000) {
    const p = todo.shift()!;
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(p);
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${p}/task`);
    } catch {
      continue;
    }
    for (const t of tids) {
      try {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, 'utf8').split(/\s+/)) if (c) todo.push(Number(c));
      } catch {
        // gone
      }
    }
  }
  return out;
}

/** SIGKILLs a process and every descendant (children first found, then killed together, so none escapes to init). */
export function killTree(pid: number): void {
  const tree = processTree(pid);
  // Stop them all first so none can fork between the listing and the kill, then kill.
  signalPids(tree, 'SIGSTOP');
  signalPids(processTree(pid), 'SIGKILL');
  signalPids(tree, 'SIGKILL');
}

/** Sends a signal to each pid, ignoring the ones already gone. */
export function signalPids(pids: readonly number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}
