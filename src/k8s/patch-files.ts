// `k8s patch FILE...` as one library call: read the manifests, plan, refuse what cannot be patched (nothing is written
// then), apply, and — by mode — write the files in place, or diff them for --check. Nothing is printed.
import { resolve } from 'node:path';
import { checkWritableFile, readInput, refusal, refusalOf, UserError, writeFileAtomic, type Diagnostic, type Refusal } from '../common/index.js';
import { safeParseManifest } from './manifest.js';
import { applyPatch, planParsed, type PatchOptions, type PatchPlan } from './patch.js';
import { localhostPathProblem } from './seccomp.js';
import { unifiedDiff } from './textdiff.js';

/** `print`: patched text back; `in-place`: rewrite the files; `dry-run`: the plan only; `check`: a diff per file. */
export type PatchMode = 'print' | 'in-place' | 'dry-run' | 'check';

/** Options for patchFiles: the patch, what to do with it, where relative paths and `-` come from. */
export interface PatchFilesOptions extends PatchOptions {
  /** Default `print`. */
  readonly mode?: PatchMode;
  /** Relative paths resolve here (default the process's). */
  readonly cwd?: string;
  /** Standard input, for the path `-`. */
  readonly stdin?: NodeJS.ReadableStream;
}

/** One input file: its text, its plan, and (except for dry-run) the patched text. */
export interface PatchedFile {
  /** As given (diagnostics and messages name it so). */
  readonly file: string;
  readonly text: string;
  readonly plan: PatchPlan;
  /** The patched text (not in dry-run). */
  readonly out?: string;
  /** check: the unified diff ('' when nothing would change). */
  readonly diff?: string;
}

/** What patchFiles did. `failed`: check mode and a file would change. */
export type PatchFilesResult = Refusal | {
  readonly outcome: 'ok' | 'failed';
  /** The plans' warnings, then PATCH_NO_POD_SPECS when no file holds a pod spec. */
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly PatchedFile[];
  /** Files whose text changes (check: would change). */
  readonly changed: number;
};

/**
 * Patches manifest files. Refused (nothing written): `-` with in-place (STDIN_NOT_ALLOWED) or given twice
 * (STDIN_USED_TWICE), a bad Localhost path (SECCOMP_LOCALHOST_BAD_PATH), unparsable manifests (MANIFEST_SYNTAX,
 * MANIFEST_TEMPLATE), any object that cannot be patched (the plan's errors), a `containers` name no pod spec has
 * (PATCH_CONTAINER_NOT_FOUND), a file in-place cannot write (OUTPUT_NOT_WRITABLE, checked before any is written).
 */
export async function patchFiles(files: readonly string[], opts: PatchFilesOptions): Promise<PatchFilesResult> {
  const mode = opts.mode ?? 'print';
  const abs = (f: string): string => (f === '-' ? f : resolve(opts.cwd ?? process.cwd(), f));
  if (mode === 'in-place' && files.includes('-')) return refusal('STDIN_NOT_ALLOWED', '-i cannot rewrite standard input; drop -i to print the result');
  if (files.filter((f) => f === '-').length > 1) return refusal('STDIN_USED_TWICE', 'standard input (-) can be read only once');
  if (opts.profile.type === 'Localhost') {
    const p = localhostPathProblem(opts.profile.localhostProfile ?? '');
    if (p) return refusal('SECCOMP_LOCALHOST_BAD_PATH', `--localhost: ${p}`);
  }
  const inputs: { file: string; text: string; plan: PatchPlan }[] = [];
  for (const f of files) {
    const text = await readInput(abs(f), opts.stdin);
    const m = safeParseManifest(text, f, 'patch');
    // The template finding is a one-liner: its diagnostic is the summary.
    if (!m.ok) return refusalOf(m.summary, m.diagnostics);
    inputs.push({ file: f, text, plan: planParsed(m.manifest, opts) });
  }
  const warnings: Diagnostic[] = inputs.flatMap((i) => i.plan.warnings);
  const errors = inputs.flatMap((i) => i.plan.errors);
  if (errors.length > 0) return refusalOf(`${errors.length} problem(s); nothing was written`, [...warnings, ...errors]);
  if (opts.containers && opts.containers.length > 0) {
    const matched = new Set(inputs.flatMap((i) => i.plan.matchedContainers));
    const missing = opts.containers.filter((c) => !matched.has(c));
    if (missing.length > 0) {
      return refusal('PATCH_CONTAINER_NOT_FOUND', `no container named ${missing.join(', ')} in any pod spec${opts.initContainers ? '' : ' (init containers need --init-containers)'}`, warnings);
    }
  }
  if (inputs.every((i) => i.plan.podSpecs === 0)) warnings.push({ code: 'PATCH_NO_POD_SPECS', severity: 'warning', message: 'no pod specs found in the input' });
  if (mode === 'dry-run') return { outcome: 'ok', diagnostics: warnings, files: inputs, changed: inputs.filter((i) => i.plan.edits.length > 0).length };
  const outputs = inputs.map((i) => ({ ...i, out: applyPatch(i.text, i.plan) }));
  if (mode === 'check') {
    const checked = outputs.map((o) => ({ ...o, diff: unifiedDiff(o.file, o.text, o.out) }));
    const changed = checked.filter((c) => c.diff !== '').length;
    return { outcome: changed > 0 ? 'failed' : 'ok', diagnostics: warnings, files: checked, changed };
  }
  const changing = outputs.filter((o) => o.out !== o.text);
  if (mode === 'in-place') {
    for (const o of changing) {
      try {
        checkWritableFile(abs(o.file), '-i');
      } catch (e) {
        if (e instanceof UserError) return refusal('OUTPUT_NOT_WRITABLE', e.message, warnings);
        throw e;
      }
    }
    for (const o of changing) writeFileAtomic(abs(o.file), o.out);
  }
  return { outcome: 'ok', diagnostics: warnings, files: outputs, changed: changing.length };
}
