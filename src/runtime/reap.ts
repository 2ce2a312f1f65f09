// Recovery after a `kill -9`: nothing can clean up after SIGKILL, so the next run does. Containers and bundle
// directories carry the pid of the seccompctl process that made them (`seccompctl-<pid>-…`,
// `seccompctl-bundle-<pid>-…`); those whose process is gone are deleted / removed.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether a process exists (EPERM: it exists but is not ours). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Ids in `runc list` output whose owning seccompctl process is gone. */
export function staleContainerIds(listJson: string, alive: (pid: number) => boolean = pidAlive): string[] {
  let list: { id?: string }[] | null;
  try {
    list = JSON.parse(listJson) as { id?: string }[] | null;
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const c of list ?? []) {
    const m = /^seccompctl-(\d+)-\d+-[0-9a-f]+$/.exec(c.id ?? '');
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) out.push(c.id!);
  }
  return out;
}

const reaped = new Set<string>();

/**
 * Deletes the containers under `stateRoot` and the bundle directories under `parentDir` left by seccompctl processes
 * that no longer exist. Runs once per state root per process; returns what it removed.
 */
export function reapStale(runc: string, stateRoot: string, parentDir: string = tmpdir()): string[] {
  if (reaped.has(stateRoot)) return [];
  reaped.add(stateRoot);
  const removed: string[] = [];
  const r = spawnSync(runc, ['--root', stateRoot, 'list', '--format', 'json'], { encoding: 'utf8', timeout: 10_000 });
  if (r.status === 0) {
    for (const id of staleContainerIds(r.stdout)) {
      spawnSync(runc, ['--root', stateRoot, 'delete', '-f', id], { stdio: 'ignore', timeout: 10_000 });
      removed.push(`container ${id}`);
    }
  }
  let names: string[] = [];
  try {
    names = readdirSync(parentDir);
  } catch {
    // no such directory: nothing to reap
  }
  for (const n of names) {
    const m = /^seccompctl-(?:bundle|strace)-(\d+)-/.exec(n);
    if (!m || Number(m[1]) === process.pid || pidAlive(Number(m[1]))) continue;
    try {
      rmSync(join(parentDir, n), { recursive: true, force: true });
      removed.push(`directory ${join(parentDir, n)}`);
    } catch {
      // someone else's, or busy: leave it
    }
  }
  return removed;
}
