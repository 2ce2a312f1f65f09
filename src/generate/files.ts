// `generate FILE...` as one library call: read the recording (audit logs or strace output, every file together),
// apply the policies and build the profile, optionally with argument rules. Nothing is printed or written.
import { ingestFiles, type IngestOptions, type IngestResult, type InputFormat, type ProcessFilter } from '../ingest/index.js';
import { ArgCollector, generateWithArgs, type GenerateArgsResult } from './args.js';
import { generate, type GenerateOptions, type GenerateResult } from './generate.js';

/** Options for generateFromFiles: what to read, then generate's policy. */
export interface GenerateFromFilesOptions extends Omit<GenerateOptions, 'filter' | 'inputFormat'> {
  /** Force the input format (default: detected per file). */
  format?: 'auto' | InputFormat;
  /** Only records of matching processes (applied while reading: exact). */
  filter?: ProcessFilter;
  /** Argument rules from the recorded argument values (strace input). */
  args?: boolean;
  /** Keep this many observations in `ingest.observations` (a verbose listing). */
  keepObservations?: number;
  /** Standard input, for the path `-`. */
  stdin?: NodeJS.ReadableStream;
  onProgress?: IngestOptions['onProgress'];
}

/** The recording as read and what generate made of it. `result.outcome` says whether a policy refuses it. */
export interface GenerateFromFiles {
  readonly ingest: IngestResult;
  readonly result: GenerateResult | GenerateArgsResult;
  /** Present when `args` was asked for. */
  readonly args?: GenerateArgsResult;
}

/** Reads the files as one recording and generates the profile (see `generate` for the policies). */
export async function generateFromFiles(paths: readonly string[], opts: GenerateFromFilesOptions = {}): Promise<GenerateFromFiles> {
  const collector = opts.args ? new ArgCollector() : undefined;
  const ingest = await ingestFiles(paths, {
    format: opts.format ?? 'auto',
    ...(opts.filter ? { filter: opts.filter } : {}),
    keepObservations: opts.keepObservations ?? 0,
    ...(collector ? { onObservation: collector.onObservation } : {}),
    ...(opts.stdin ? { stdin: opts.stdin } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const { format, filter: _f, args: _a, keepObservations: _k, stdin: _s, onProgress: _p, ...gopts } = opts;
  const g = { ...gopts, inputFormat: format ?? 'auto' };
  if (collector) {
    const ga = generateWithArgs(ingest, collector.result(), g);
    return { ingest, result: ga, args: ga };
  }
  return { ingest, result: generate(ingest, g) };
}
