// `advise FILE` as one library call: read the input (a file or `-`), tell a profile from a recording, advise for each
// runtime asked for, and say the outcome. Refusals are diagnostics; only I/O errors throw.
import { resolve } from 'node:path';
import { readInput, refusedWith, type Diagnostic, type Outcome, type Refusable } from '../common/index.js';
import type { RuntimeDefaultName } from '../generate/index.js';
import type { ArchId } from '../syscalls/index.js';
import { judgeAdvice, type AdviseResult } from './advise.js';
import { inspectAdviseInput } from './input.js';

export interface AdviseFileOptions {
  /** Which RuntimeDefaults (default: all bundled runtimes). */
  runtimes?: readonly RuntimeDefaultName[];
  /** The node's architecture (default: this machine's). */
  arch?: ArchId;
  /** The container's bounding capabilities (default: each runtime's default set). */
  caps?: readonly string[];
  /** Relative paths resolve against this (default: the process's). */
  cwd?: string;
  /** Where `-` reads from. */
  stdin?: NodeJS.ReadableStream;
}

/**
 * `ok`: every runtime asked for is safe; `failed`: one needs a capability, a Localhost profile or an argument check
 * (the CLI exits 1); `refused`: the input is not usable — INVALID_PROFILE (after the parser's findings),
 * INPUT_UNRECOGNIZED, ALLOW_LIKE_DEFAULT or NO_SYSCALLS_FOUND is the last diagnostic (exit 2).
 */
export type AdviseOutcome = Outcome;

/** What advising on a file gives (see AdviseOutcome); a refusal's summary is its last diagnostic's message. */
export type AdviseReport = Refusable<{
  /** Present unless refused. */
  readonly result?: AdviseResult;
  readonly diagnostics: readonly Diagnostic[];
}>;

/** Reads `file` (`-`: stdin) and advises on it: see AdviseOutcome. Throws UserError when it cannot be read. */
export async function adviseFile(file: string, opts: AdviseFileOptions = {}): Promise<AdviseReport> {
  const text = await readInput(file === '-' ? '-' : resolve(opts.cwd ?? process.cwd(), file), opts.stdin);
  const arch = opts.arch !== undefined ? { arch: opts.arch } : {};
  const read = inspectAdviseInput(text, file, arch);
  if (!read.input) return refusedWith(read.diagnostics);
  const judged = judgeAdvice(read.input, { ...arch, ...(opts.runtimes ? { runtimes: opts.runtimes } : {}), ...(opts.caps ? { caps: opts.caps } : {}) });
  if (!judged.result) return refusedWith(judged.diagnostics);
  const r = judged.result;
  return { outcome: r.runtimes.some((a) => a.verdict !== 'safe') ? 'failed' : 'ok', result: r, diagnostics: [] };
}
