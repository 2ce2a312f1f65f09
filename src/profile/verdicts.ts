// A profile's text → parse, validate for each runtime, and the per-runtime verdict: what `seccompctl validate`
// prints, as data. A library user gets exactly the CLI's verdicts.
import { UserError, type Diagnostic } from '../common/index.js';
import { RUNTIMES, safeParseProfile, type Dialect, type RuntimeName } from './api.js';
import { validateProfile } from './validate.js';

/** One runtime's verdict on a profile. */
export interface RuntimeVerdict {
  readonly errors: number;
  readonly warnings: number;
  /** No error for this runtime. */
  readonly ok: boolean;
}

/** What validating one profile text gives (the shape of `validate --json`, one entry per file). */
export interface ProfileVerdict {
  readonly file: string;
  readonly dialect?: Dialect;
  readonly format?: 'json' | 'yaml';
  /** False when the text is not a profile at all (parse diagnostics say why; the CLI exits 2). */
  readonly parsed: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Per runtime asked for; empty when not parsed. */
  readonly runtimes: Partial<Record<RuntimeName, RuntimeVerdict>>;
  /** `ok`: every runtime accepts it; `failed`: one has an error (exit 1); `unreadable`: not parsed (exit 2). */
  readonly outcome: 'ok' | 'failed' | 'unreadable';
}

/** A runtime name as users write it (`crio` is `cri-o`, any case); a UserError names the valid ones. */
export function parseRuntimeName(name: string): RuntimeName {
  const x = name.trim().toLowerCase() === 'crio' ? 'cri-o' : name.trim().toLowerCase();
  if (!(RUNTIMES as readonly string[]).includes(x)) throw new UserError(`unknown runtime "${name}"; use one of ${RUNTIMES.join(', ')}`);
  return x as RuntimeName;
}

/** Parses and validates a profile text for each runtime (default: all), with each runtime's verdict. */
export function judgeProfile(text: string, opts: { file?: string; runtimes?: readonly RuntimeName[]; arches?: readonly string[] } = {}): ProfileVerdict {
  const file = opts.file ?? '-';
  const runtimes = opts.runtimes ?? RUNTIMES;
  const r = safeParseProfile(text, { file });
  if (!r.ok) return { file, parsed: false, diagnostics: [...r.diagnostics], runtimes: {}, outcome: 'unreadable' };
  const found = [...r.diagnostics, ...validateProfile(r.profile, {
    runtimes, source: r.source, dialect: r.dialect, parsedRaw: r.raw, ...(opts.arches ? { arches: opts.arches } : {}),
  })];
  const verdicts: Partial<Record<RuntimeName, RuntimeVerdict>> = {};
  for (const rt of runtimes) {
    const mine = found.filter((d) => d.runtime === undefined || d.runtime === rt);
    const errors = mine.filter((d) => d.severity === 'error').length;
    verdicts[rt] = { errors, warnings: mine.filter((d) => d.severity === 'warning').length, ok: errors === 0 };
  }
  const failed = Object.values(verdicts).some((v) => !v.ok);
  return { file, dialect: r.dialect, format: r.format, parsed: true, diagnostics: found, runtimes: verdicts, outcome: failed ? 'failed' : 'ok' };
}
