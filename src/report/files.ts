// `report PROFILE` as one library call: read the profile reference, the baseline (`--against`) and the recording,
// apply the command's rules and render. Refusals (an unknown --arch, standard input named more than once) come back
// as diagnostics with an outcome; nothing is printed or written.
import { resolve as resolvePath } from 'node:path';
import { readInput, refusal, type Diagnostic, type Refusable } from '../common/index.js';
import { parseRuntimeDefaultRef, readProfileRef } from '../generate/index.js';
import { ARCHES, resolveArch } from '../syscalls/index.js';
import { createReport, type ReportFormat } from './render.js';
import type { ReportModel } from './model.js';

/** Options for reportFromFiles. */
export interface ReportFilesOptions {
  /** `runtime-default[:containerd|cri-o|docker]` or a profile file (`-` is standard input) to compare with. */
  against?: string;
  /** The JSON `record --json` or `generate --json` printed for this profile (`-` is standard input). */
  recording?: string;
  /** html (default) or md. */
  format?: ReportFormat;
  /** Native architecture for Docker profiles and the RuntimeDefault (any resolveArch token; default: the profile's first). */
  arch?: string;
  /** Printed under the title (e.g. the tool and version). */
  generatedBy?: string;
  /** Relative paths are resolved against this (default: the process's). */
  cwd?: string;
  /** Where `-` reads from (default: process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/** What reporting on a profile reference gives: `ok`, or `refused` (exit 2: UNKNOWN_ARCH or STDIN_USED_TWICE). */
export type ReportFilesResult = Refusable<{
  readonly diagnostics: readonly Diagnostic[];
  /** The rendered report and its model (absent when refused). */
  readonly text?: string;
  readonly model?: ReportModel;
}, 'ok'>;

/**
 * `seccompctl report PROFILE` as one call: PROFILE is a file, `-` or runtime-default[:RUNTIME]. An unreadable profile
 * or recording throws UserError naming the file, line and column (exit 2), as createReport does.
 */
export async function reportFromFiles(ref: string, opts: ReportFilesOptions = {}): Promise<ReportFilesResult> {
  let arch;
  if (opts.arch !== undefined) {
    arch = resolveArch(opts.arch)?.id;
    if (!arch) return refusal('UNKNOWN_ARCH', `--arch: unknown architecture "${opts.arch}"; try one of: ${ARCHES.map((x) => x.id).join(', ')}`);
  }
  if ([ref, opts.against, opts.recording].filter((x) => x === '-').length > 1) {
    return refusal('STDIN_USED_TWICE', 'only one of PROFILE, --against and --recording can be standard input (-)');
  }
  const read = (f: string): Promise<string> => readInput(f === '-' ? '-' : resolvePath(opts.cwd ?? process.cwd(), f), opts.stdin);
  const { text: profileText } = await readProfileRef(ref, {
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}), ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}), ...(opts.arch !== undefined ? { arch: opts.arch } : {}),
  });
  const againstText = opts.against !== undefined && !parseRuntimeDefaultRef(opts.against) ? await read(opts.against) : undefined;
  const recordingText = opts.recording !== undefined ? await read(opts.recording) : undefined;
  const { text, model } = createReport({
    profileText, profileFile: ref, format: opts.format ?? 'html',
    ...(opts.generatedBy !== undefined ? { generatedBy: opts.generatedBy } : {}),
    ...(opts.against !== undefined ? { against: opts.against } : {}),
    ...(againstText !== undefined ? { againstText } : {}),
    ...(recordingText !== undefined ? { recordingText, recordingFile: opts.recording! } : {}),
    ...(arch ? { arch } : {}),
  });
  return { outcome: 'ok', diagnostics: [], text, model };
}
