// `node sync`: keeps a node directory (<kubelet-root>/seccomp/<subdir>) equal to a mounted ConfigMap, safely:
// validate before writing, write atomically (temp + rename), remove only files it owns, never follow symlinks in
// the target, refuse hostile names.
import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { join, sep } from 'node:path';
import { EnvironmentError, UserError, writeFileAtomic } from '../common/index.js';
import { nameProblem } from './names.js';
import { checkProfileText } from './profiles.js';

/** The ownership manifest kept in the target directory. */
export const OWNERSHIP_FILE = '.seccompctl-owned.json';
/** Largest profile file accepted from the source (a ConfigMap holds 1 MiB in all). */
export const MAX_PROFILE_BYTES = 1024 * 1024;

/** One source entry: a name and its text, or why it could not be read. */
export interface SourceEntry {
  readonly name: string;
  readonly text?: string;
  readonly error?: string;
}

/** What one sync did. Names are file names in the target. */
export interface SyncReport {
  readonly written: string[];
  readonly unchanged: string[];
  readonly removed: string[];
  /** Entries refused (bad name, invalid profile, planted symlink, foreign file…), with the reason. */
  readonly rejected: { name: string; reason: string }[];
  /** Things left alone on purpose (a stale owned name that is now a symlink, a corrupt manifest…). */
  readonly notes: string[];
}

/** Options for a sync. */
export interface SyncOptions {
  /** Take over (overwrite) existing files of the same name that seccompctl did not write. Default false. */
  readonly adopt?: boolean;
}

function isEnoent(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}

function inside(base: string, p: string): boolean {
  return p === base || p.startsWith(base.endsWith(sep) ? base : base + sep);
}

/**
 * Reads the profiles in a source directory. For a mounted ConfigMap it reads the snapshot `..data` points to, so
 * one sync sees one consistent version. Symlinks that lead outside the source directory are refused.
 */
export function readSourceDir(from: string): SourceEntry[] {
  let realFrom: string;
  try {
    realFrom = realpathSync(from);
    if (!statSync(realFrom).isDirectory()) throw new UserError(`--from ${from}: not a directory`);
  } catch (e) {
    if (isEnoent(e)) throw new UserError(`--from ${from}: no such directory`);
    throw e;
  }
  let base = realFrom;
  try {
    base = realpathSync(join(realFrom, '..data'));
    if (!inside(realFrom, base)) throw new UserError(`--from ${from}: ..data points outside the directory`);
  } catch (e) {
    if (!isEnoent(e)) throw e;
  }
  const out: SourceEntry[] = [];
  for (const name of readdirSync(base).sort()) {
    if (base === realFrom && name.startsWith('..')) continue; // ConfigMap plumbing (..data, ..2024_…)
    const p = join(base, name);
    try {
      const real = realpathSync(p);
      if (!inside(realFrom, real)) {
        out.push({ name, error: 'a symlink leading outside the source directory' });
        continue;
      }
      const st = statSync(real);
      if (!st.isFile()) {
        out.push({ name, error: 'not a regular file' });
        continue;
      }
      if (st.size > MAX_PROFILE_BYTES) {
        out.push({ name, error: `larger than ${MAX_PROFILE_BYTES} bytes` });
        continue;
      }
      out.push({ name, text: readFileSync(real, 'utf8') });
    } catch (e) {
      out.push({ name, error: (e as Error).message });
    }
  }
  return out;
}

/** Reads a regular file without following a symlink at the last path element; undefined when it is absent. */
function readNoFollow(p: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(p, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (e) {
    if (isEnoent(e)) return undefined;
    throw e;
  }
  try {
    if (!fstatSync(fd).isFile()) throw new Error('not a regular file');
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

interface Manifest {
  files: Set<string>;
}

function readManifest(dir: string, notes: string[]): Manifest {
  const p = join(dir, OWNERSHIP_FILE);
  let st;
  try {
    st = lstatSync(p);
  } catch (e) {
    if (isEnoent(e)) return { files: new Set() };
    throw e;
  }
  if (!st.isFile()) {
    notes.push(`${OWNERSHIP_FILE} is not a regular file (a planted symlink?); ignoring it, nothing is removed this time`);
    return { files: new Set() };
  }
  try {
    const j = JSON.parse(readNoFollow(p) ?? '{}') as { files?: unknown };
    const files = Array.isArray(j.files) ? j.files.filter((f): f is string => typeof f === 'string' && nameProblem(f) === undefined) : [];
    return { files: new Set(files) };
  } catch {
    notes.push(`${OWNERSHIP_FILE} is unreadable; starting a new one (nothing is removed this time)`);
    return { files: new Set() };
  }
}

function writeManifest(dir: string, files: ReadonlySet<string>): void {
  const body = { version: 1, owner: 'seccompctl node sync', files: [...files].sort() };
  writeFileAtomic(join(dir, OWNERSHIP_FILE), JSON.stringify(body, null, 2) + '\n', 0o644);
}

const TEMP = /^\..+\.[0-9a-f]{12}\.tmp$/;

/** Prepares the target: creates it, refuses a symlink, clears temp files a crash may have left. */
function openTarget(to: string): string {
  mkdirSync(to, { recursive: true, mode: 0o755 });
  const st = lstatSync(to);
  if (st.isSymbolicLink()) throw new UserError(`--to ${to} is a symlink; refusing to follow it (point --to at the real directory)`);
  if (!st.isDirectory()) throw new UserError(`--to ${to} is not a directory`);
  for (const n of readdirSync(to)) {
    if (TEMP.test(n)) {
      const p = join(to, n);
      if (lstatSync(p).isFile()) rmSync(p, { force: true });
    }
  }
  return to;
}

/**
 * Makes `to` hold exactly the valid profiles among `entries` (plus the last good version of any entry that is
 * now invalid), removing only files listed in the ownership manifest. Synchronous; safe to re-run at any point.
 */
export function syncEntries(entries: readonly SourceEntry[], to: string, opts: SyncOptions = {}): SyncReport {
  try {
    return syncEntriesInner(entries, to, opts);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    if (code === 'EACCES' || code === 'EPERM') {
      throw new EnvironmentError(`cannot write in ${to}: ${(e as Error).message}`, 'run node sync as the owner of the target directory (uid 0 for <kubelet-root>/seccomp); the DaemonSet does, with no capabilities');
    }
    if (code === 'EROFS' || code === 'ENOSPC' || code === 'EDQUOT') throw new EnvironmentError(`cannot write in ${to}: ${(e as Error).message}`, 'mount the target read-write and make room on it');
    throw e;
  }
}

function syncEntriesInner(entries: readonly SourceEntry[], to: string, opts: SyncOptions): SyncReport {
  const report: SyncReport = { written: [], unchanged: [], removed: [], rejected: [], notes: [] };
  const dir = openTarget(to);
  const manifest = readManifest(dir, report.notes);
  const manifestTrusted = report.notes.length === 0;
  const owned = new Set(manifest.files);
  const inSource = new Set<string>();
  const toWrite: { name: string; data: string }[] = [];
  for (const e of entries) {
    const np = nameProblem(e.name);
    if (np) {
      report.rejected.push({ name: e.name, reason: `${np}; refused` });
      continue;
    }
    inSource.add(e.name);
    if (e.error !== undefined || e.text === undefined) {
      report.rejected.push({ name: e.name, reason: e.error ?? 'unreadable' });
      continue;
    }
    const checked = checkProfileText(e.text, e.name);
    if (checked.errors.length > 0 || checked.canonical === undefined) {
      const d = checked.errors[0];
      report.rejected.push({ name: e.name, reason: `invalid profile${d ? `: ${d.code}: ${d.message}` : ''}; the file on the node is left as it was` });
      continue;
    }
    const p = join(dir, e.name);
    let st;
    try {
      st = lstatSync(p);
    } catch (err) {
      if (!isEnoent(err)) throw err;
    }
    if (st && st.isSymbolicLink()) {
      report.rejected.push({ name: e.name, reason: `${p} is a symlink (planted?); not following it — remove it by hand` });
      continue;
    }
    if (st && !st.isFile()) {
      report.rejected.push({ name: e.name, reason: `${p} exists and is not a regular file` });
      continue;
    }
    const current = st ? readNoFollow(p) : undefined;
    if (current === checked.canonical) {
      report.unchanged.push(e.name);
      owned.add(e.name);
      continue;
    }
    if (st && !owned.has(e.name) && !opts.adopt) {
      report.rejected.push({ name: e.name, reason: `${p} exists and was not written by seccompctl; remove it or run with --adopt` });
      continue;
    }
    toWrite.push({ name: e.name, data: checked.canonical });
    owned.add(e.name);
  }
  // Record ownership before writing: a crash in between leaves an owned name, never an unowned file of ours.
  if (toWrite.length > 0 || !setEq(owned, manifest.files)) writeManifest(dir, owned);
  for (const w of toWrite) {
    writeFileAtomic(join(dir, w.name), w.data, 0o644);
    report.written.push(w.name);
  }
  // Remove owned files whose key left the source. Never when the manifest could not be trusted.
  if (manifestTrusted) {
    for (const name of [...owned]) {
      if (inSource.has(name)) continue;
      const p = join(dir, name);
      try {
        const st = lstatSync(p);
        if (st.isFile()) {
          unlinkSync(p);
          report.removed.push(name);
        } else report.notes.push(`${name}: no longer in the source but not a regular file now; left alone`);
      } catch (e) {
        if (!isEnoent(e)) throw e;
      }
      owned.delete(name);
    }
    if (!setEq(owned, readManifest(dir, []).files)) writeManifest(dir, owned);
  }
  return report;
}

function setEq(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/** Reads `from` and syncs `to` once. */
export function syncOnce(from: string, to: string, opts: SyncOptions = {}): SyncReport {
  return syncEntries(readSourceDir(from), to, opts);
}

/** `node sync --once` as one call: sync, then write or remove the readiness marker (see WatchOptions.readyFile). */
export function syncOnceReady(from: string, to: string, opts: SyncOptions & { readonly readyFile?: string } = {}): SyncReport {
  const { readyFile, ...sopts } = opts;
  const r = syncOnce(from, to, sopts);
  if (readyFile !== undefined) markReady(readyFile, r);
  return r;
}

/** Whether a report says anything happened. */
export function reportIsQuiet(r: SyncReport): boolean {
  return r.written.length === 0 && r.removed.length === 0 && r.rejected.length === 0 && r.notes.length === 0;
}

/** Options for the sync loop. */
export interface WatchOptions extends SyncOptions {
  /** Poll interval (ms), the fallback when file watching misses an update. Default 10000. */
  readonly intervalMs?: number;
  /** Stops the loop. */
  readonly signal: AbortSignal;
  /** Called after every sync whose report differs from the previous one. */
  readonly onReport: (r: SyncReport) => void;
  /** Called when a sync fails (the loop keeps going). */
  readonly onError: (e: unknown) => void;
  /**
   * Readiness marker: written (atomically) after a sync that refused nothing, removed after one that failed or
   * refused something, and at start. The DaemonSet's readiness probe reads it, so `kubectl rollout status`
   * means "every node has the profiles".
   */
  readonly readyFile?: string;
}

/** Writes or removes the readiness marker for a sync outcome. */
export function markReady(readyFile: string, r: SyncReport | undefined): void {
  if (r && r.rejected.length === 0) {
    writeFileAtomic(readyFile, JSON.stringify({ time: new Date().toISOString(), written: r.written.length, unchanged: r.unchanged.length, removed: r.removed.length }) + '\n');
  } else rmSync(readyFile, { force: true });
}

/**
 * Syncs now, then again whenever the source directory changes (a ConfigMap update swaps the `..data` symlink,
 * which fs.watch on the directory sees) and at every poll interval. Resolves when `signal` aborts.
 */
export function watchSync(from: string, to: string, opts: WatchOptions): Promise<void> {
  const interval = opts.intervalMs ?? 10_000;
  let last = '';
  let first = true;
  let pending: NodeJS.Timeout | undefined;
  const run = (): void => {
    if (opts.signal.aborted) return;
    let r: SyncReport | undefined;
    try {
      r = syncOnce(from, to, opts);
      const key = JSON.stringify({ w: r.written, rm: r.removed, rj: r.rejected, n: r.notes });
      if (first || (!reportIsQuiet(r) && key !== last)) opts.onReport(r);
      first = false;
      last = key;
    } catch (e) {
      opts.onError(e);
    }
    if (opts.readyFile !== undefined) {
      try {
        markReady(opts.readyFile, r);
      } catch (e) {
        opts.onError(e);
      }
    }
  };
  return new Promise<void>((resolve) => {
    if (opts.readyFile !== undefined) rmSync(opts.readyFile, { force: true });
    run();
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(from, { persistent: true }, () => {
        if (pending) clearTimeout(pending);
        pending = setTimeout(run, 100);
      });
      watcher.on('error', (e) => opts.onError(e));
    } catch (e) {
      opts.onError(e);
    }
    const timer = setInterval(run, interval);
    const stop = (): void => {
      clearInterval(timer);
      if (pending) clearTimeout(pending);
      watcher?.close();
      resolve();
    };
    if (opts.signal.aborted) stop();
    else opts.signal.addEventListener('abort', stop, { once: true });
  });
}
