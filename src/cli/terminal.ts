// What the CLI does differently on a terminal: colour (honouring NO_COLOR and FORCE_COLOR), a one-line progress
// status on standard error (only when it is a TTY, never with --quiet), and nothing of either when piped.
//
// Colour comes from picocolors (tiny, no dependencies, maintained). Progress is one status line rewritten in
// place with node:readline's cursorTo/clearLine: the progress libraries on npm draw bars and spinners we do not
// want, pull in dependencies, and none knows our counters; the status line is all we need.
import { clearLine, cursorTo } from 'node:readline';
import { Writable } from 'node:stream';
import pc from 'picocolors';
import type { CliIO } from './io.js';

/** picocolors' formatters (all identity functions when colour is off). */
export type Colours = ReturnType<typeof pc.createColors>;

/**
 * Whether to colour a stream: NO_COLOR (non-empty) turns it off (no-color.org), FORCE_COLOR (non-empty) turns it
 * on even when piped (FORCE_COLOR=0 or false turns it off), otherwise only on a TTY whose TERM is not "dumb".
 */
export function colourWanted(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return !['0', 'false'].includes(env.FORCE_COLOR.toLowerCase());
  return isTTY && env.TERM !== 'dumb';
}

const ttyOf = (s: Writable | NodeJS.WritableStream): boolean => (s as { isTTY?: boolean }).isTTY === true;

/** Colours for standard output and standard error, each decided by its own stream. */
export function colours(io: CliIO): { out: Colours; err: Colours } {
  return {
    out: pc.createColors(colourWanted(io.env, ttyOf(io.stdout))),
    err: pc.createColors(colourWanted(io.env, io.isTTY)),
  };
}

/** A status line on standard error; every method does nothing when progress is off. */
export interface Progress {
  /** Whether anything is drawn at all (stderr is a TTY and not --quiet). */
  readonly active: boolean;
  /** Replaces the status line (drawn at most 10 times a second unless `force`). */
  update(text: string, force?: boolean): void;
  /** Clears the status line (call before printing anything else, and at the end). */
  clear(): void;
}

const NO_PROGRESS: Progress = { active: false, update() {}, clear() {} };

/** A progress status line for long work: only when standard error is a TTY and `quiet` is off. */
export function progress(io: CliIO, quiet: boolean): Progress {
  if (!io.isTTY || quiet) return NO_PROGRESS;
  const s = io.stderr as NodeJS.WriteStream;
  let last = 0;
  let shown = false;
  const dim = colours(io).err.dim;
  return {
    active: true,
    update(text: string, force = false): void {
      const now = Date.now();
      if (!force && now - last < 100) return;
      last = now;
      const width = Math.max(20, (s.columns || 120) - 1);
      const line = text.length > width ? text.slice(0, width - 1) + '…' : text;
      cursorTo(s, 0);
      s.write(dim(line));
      clearLine(s, 1);
      shown = true;
    },
    clear(): void {
      if (!shown) return;
      cursorTo(s, 0);
      clearLine(s, 0);
      shown = false;
    },
  };
}

/** `12.3 s`, `4 min 05 s`. */
export function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** `12.0 MiB`. */
export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Whether the global --quiet flag is set on the program a command belongs to. */
export function isQuiet(cmd: { optsWithGlobals(): Record<string, unknown> }): boolean {
  return cmd.optsWithGlobals().quiet === true;
}

/** Commander's usage line as the kubectl plugin shows it: `kubectl seccomp patch …` (the k8s level is implicit). */
export function pluginUsage(cmd: { name(): string; usage(): string; parent: unknown }): string {
  type C = { name(): string; parent: C | null };
  const names: string[] = [];
  for (let c = cmd.parent as C | null; c; c = c.parent) names.unshift(c.name());
  // Drop `k8s` below the root: `kubectl seccomp lint` means `seccompctl k8s lint`.
  const shown = names.filter((n, i) => !(i === 1 && n === 'k8s'));
  return [...shown, cmd.name(), cmd.usage()].join(' ');
}

/** A stream that drops what it is given (notes under --quiet). */
export function nullSink(): Writable {
  return new Writable({ write(_chunk, _enc, done) { done(); } });
}
