// `diff A B` and `merge FILE...` as one library call each: read the profiles (files, `-`, or for diff a
// runtime-default reference), apply the command's rules and compare or merge. Refusals (an unknown --arch, standard
// input named twice) come back as diagnostics with an outcome; nothing is printed or written.
import { resolve as resolvePath } from 'node:path';
import { readInput, refusal, type Diagnostic, type Refusable } from '../common/index.js';
import { parseProfile, printProfile, type Profile } from '../profile/index.js';
import { ARCHES, hostArch, resolveArch, type ArchId } from '../syscalls/index.js';
import { diffProfiles, mergeProfiles, type ProfileDiff } from './compare.js';
import { loadRuntimeDefault, parseRuntimeDefaultRef } from './runtime-default.js';

/** Where diffProfileRefs and mergeProfileFiles read from. */
export interface CompareReadOptions {
  /** Relative paths are resolved against this (default: the process's). */
  cwd?: string;
  /** Where `-` reads from (default: process.stdin). */
  stdin?: NodeJS.ReadableStream;
}

/** Options for diffProfileRefs. */
export interface DiffRefsOptions extends CompareReadOptions {
  /** Expand Docker-format and runtime-default profiles for this architecture (any resolveArch token; default: this machine's). */
  arch?: string;
}

/** One side of a diff: the profile, how to name it, and what a runtime-default reference stands for. */
export interface DiffSide {
  readonly profile: Profile;
  /** The reference as given, or `runtime-default:RUNTIME`. */
  readonly label: string;
  /** For a runtime-default: which runtime version, arch and capabilities it is. */
  readonly describes?: string;
}

/**
 * What comparing two profile references gives: `ok`: equivalent (exit 0); `failed`: they differ (exit 1); `refused`
 * (exit 2): the diagnostic says why.
 */
export type DiffRefsResult = Refusable<{
  /** The refusal (UNKNOWN_ARCH or STDIN_USED_TWICE), when refused. */
  readonly diagnostics: readonly Diagnostic[];
  readonly a?: DiffSide;
  readonly b?: DiffSide;
  /** The difference, per architecture (absent when refused). */
  readonly diff?: ProfileDiff;
}>;

/**
 * `seccompctl diff A B` as one call: each side is a file, `-` or `runtime-default[:RUNTIME]` (expanded for `arch`).
 * An unreadable or unparsable profile throws UserError (exit 2), as readInput and parseProfile do.
 */
export async function diffProfileRefs(a: string, b: string, opts: DiffRefsOptions = {}): Promise<DiffRefsResult> {
  let arch: ArchId = hostArch().id;
  if (opts.arch !== undefined) {
    const x = resolveArch(opts.arch);
    if (!x) return refusal('UNKNOWN_ARCH', `--arch: unknown architecture "${opts.arch}"; try one of: ${ARCHES.map((y) => y.id).join(', ')}`);
    arch = x.id;
  }
  if (a === '-' && b === '-') return refusal('STDIN_USED_TWICE', 'only one of A and B can be standard input (-)');
  const load = async (ref: string): Promise<DiffSide> => {
    const rt = parseRuntimeDefaultRef(ref);
    if (rt) {
      const d = loadRuntimeDefault(rt, { arch });
      return { profile: d.profile, label: `runtime-default:${rt}`, describes: `${d.describes} (${d.arch}, default capabilities)` };
    }
    const text = await readInput(ref === '-' ? '-' : resolvePath(opts.cwd ?? process.cwd(), ref), opts.stdin);
    return { profile: parseProfile(text, { file: ref, docker: { arch } }).profile, label: ref };
  };
  const pa = await load(a);
  const pb = await load(b);
  const diff = diffProfiles(pa.profile, pb.profile, { nativeArch: arch });
  return { outcome: diff.same ? 'ok' : 'failed', diagnostics: [], a: pa, b: pb, diff };
}

/** What merging profile files gives: `ok`, or `refused` (exit 2) with the refusal (STDIN_USED_TWICE). */
export type MergeFilesResult = Refusable<{
  /** The conflicts the merge resolved (MERGE_*, warnings), or the refusal. */
  readonly diagnostics: readonly Diagnostic[];
  /** The union profile and its canonical OCI JSON text (absent when refused). */
  readonly profile?: Profile;
  readonly text?: string;
  /** How many distinct syscall names its rules list. */
  readonly syscalls?: number;
}, 'ok'>;

/**
 * `seccompctl merge FILE...` as one call: read and parse each file (`-` at most once), then their union (see
 * mergeProfiles). An unreadable or unparsable profile throws UserError (exit 2).
 */
export async function mergeProfileFiles(files: readonly string[], opts: CompareReadOptions = {}): Promise<MergeFilesResult> {
  if (files.filter((f) => f === '-').length > 1) return refusal('STDIN_USED_TWICE', 'standard input (-) can be given only once');
  const profiles = [];
  for (const f of files) {
    const text = await readInput(f === '-' ? '-' : resolvePath(opts.cwd ?? process.cwd(), f), opts.stdin);
    profiles.push({ profile: parseProfile(text, { file: f }).profile, file: f });
  }
  const m = mergeProfiles(profiles);
  const syscalls = new Set((m.profile.syscalls ?? []).flatMap((r) => r.names)).size;
  return { outcome: 'ok', diagnostics: m.diagnostics, profile: m.profile, text: printProfile(m.profile), syscalls };
}
