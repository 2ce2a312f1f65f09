// PROVISIONAL implementation of the profile API (the profile helper replaces it; signatures are the contract).
import type { Diagnostic } from '../common/index.js';
import { UserError } from '../common/index.js';
import type { Profile } from './types.js';

/** Input dialects. */
export type Dialect = 'oci' | 'docker' | 'spo';

/** Runtimes a profile can be validated for. */
export type RuntimeName = 'containerd' | 'cri-o' | 'docker' | 'runc' | 'crun';

/** Where things are in the source text. */
export interface ProfileSource {
  readonly file: string;
  readonly text: string;
  /** 1-based line/col of the value at a JSON path such as `syscalls[3].names[1]` (relative to the profile object). */
  locate(path: string): { line: number; col: number } | undefined;
}

/** The result of parsing: never throws on bad input. */
export type ParseResult =
  | { readonly ok: true; readonly profile: Profile; readonly dialect: Dialect; readonly source: ProfileSource; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Options for parsing. */
export interface ParseOptions {
  /** File name for diagnostics (default `-`). */
  file?: string;
  /** Force a dialect (default: detected). */
  dialect?: Dialect | 'auto';
}

/** Parses profile text (JSON or YAML; OCI, Docker or SPO CR) into the canonical OCI model. */
export function safeParseProfile(text: string, opts: ParseOptions = {}): ParseResult {
  const file = opts.file ?? '-';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, diagnostics: [{ code: 'INVALID_JSON', severity: 'error', message: (e as Error).message, file }] };
  }
  const p = raw as Profile;
  const profile: Profile = {
    ...p,
    ...(p.syscalls ? { syscalls: p.syscalls.map((r) => ({ ...r, ...(r.args ? { args: r.args.map((a) => ({ ...a, value: BigInt(a.value), ...(a.valueTwo !== undefined ? { valueTwo: BigInt(a.valueTwo) } : {}) })) } : {}) })) } : {}),
  };
  return { ok: true, profile, dialect: 'oci', source: { file, text, locate: () => undefined }, diagnostics: [] };
}

/** Like safeParseProfile but throws a UserError (exit 2) carrying the diagnostics. */
export function parseProfile(text: string, opts: ParseOptions = {}): Extract<ParseResult, { ok: true }> {
  const r = safeParseProfile(text, opts);
  if (!r.ok) throw new UserError(`${opts.file ?? '-'}: not a valid seccomp profile`, r.diagnostics);
  return r;
}

/** Stable, canonical JSON text of a profile (2-space indent, fixed key order, exact uint64 values), ending in \n. */
export function printProfile(p: Profile): string {
  return JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v), 2) + '\n';
}
