// Parsing entry points: text (JSON or YAML; OCI, Docker or SPO CR) → the canonical OCI model, with positions.
import { release } from 'node:os';
import type { Diagnostic } from '../common/index.js';
import { escapeControls, findNotTextInString, notTextMessage, UserError, withPosition } from '../common/index.js';
import { LineCounter } from './lines.js';
import { hostArch } from '../syscalls/index.js';
import { decodeTree, detectDialect, type Dialect } from './decode.js';
import { DOCKER_DEFAULT_CAPS, dockerToOci, type DockerExpandOptions } from './docker.js';
import { keyRangeAt, nodeAt, parseTree, type TNode } from './tree.js';
import type { DockerProfile, Profile, SpoProfile } from './types.js';

export type { Dialect } from './decode.js';
export { printProfile } from './print.js';

/** Runtimes a profile can be validated for. */
export type RuntimeName = 'containerd' | 'cri-o' | 'docker' | 'runc' | 'crun';

/** Every runtime, in report order. */
export const RUNTIMES: readonly RuntimeName[] = ['containerd', 'cri-o', 'docker', 'runc', 'crun'];

/** Where things are in the source text. */
export interface ProfileSource {
  readonly file: string;
  readonly text: string;
  /**
   * 1-based line/col of the value at a JSON path such as `syscalls[3].names[1]`, relative to the profile object as
   * written (for an SPO CR `spec.` is tried too; for Docker it is the file's rule index, before expansion).
   */
  locate(path: string): { line: number; col: number } | undefined;
  /** [start, end) offsets of the value (or, failing that, the key) at a JSON path. */
  rangeOf(path: string): readonly [number, number] | undefined;
}

/** The result of parsing: never throws on bad input. */
export type ParseResult =
  | {
    readonly ok: true;
    /** The canonical OCI model. For Docker, the expansion for `opts.docker` (default: this host, Docker's caps). */
    readonly profile: Profile;
    readonly dialect: Dialect;
    readonly format: 'json' | 'yaml';
    readonly source: ProfileSource;
    /** Warnings and info found while parsing (unknown keys, duplicate keys); never errors. */
    readonly diagnostics: readonly Diagnostic[];
    /** The profile object as written, in the Docker superset model (for SPO: the spec). Paths are relative to it. */
    readonly raw: DockerProfile;
    /** The CR, when the input is an SPO SeccompProfile. */
    readonly spo?: SpoProfile;
  }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Options for parsing. */
export interface ParseOptions {
  /** File name for diagnostics (default `-`). */
  file?: string;
  /** Force a dialect (default: detected). */
  dialect?: Dialect | 'auto';
  /** How to expand a Docker profile into `profile` (default: this host's arch and kernel, Docker's default caps). */
  docker?: Partial<DockerExpandOptions>;
}

/** Builds a ProfileSource over a parsed tree. */
export function makeSource(file: string, text: string, tree: TNode | undefined, prefix = ''): ProfileSource {
  let lc: LineCounter | undefined;
  const rangeOf = (path: string): readonly [number, number] | undefined => {
    if (!tree) return undefined;
    for (const p of prefix ? [path === '' ? prefix : `${prefix}.${path}`, path] : [path]) {
      const n = nodeAt(tree, p);
      if (n) return n.range;
      const k = keyRangeAt(tree, p);
      if (k) return k;
    }
    return undefined;
  };
  return {
    file,
    text,
    rangeOf,
    locate(path) {
      const r = rangeOf(path);
      if (!r) return undefined;
      lc ??= new LineCounter(text);
      return lc.linePos(r[0]);
    },
  };
}

/** Adds line/col (and the file) to diagnostics that carry a range or a path. */
export function placeDiagnostics(ds: readonly Diagnostic[], source: ProfileSource): Diagnostic[] {
  if (ds.length === 0) return [];
  const lc = new LineCounter(source.text);
  return ds.map((d) => {
    let x: Diagnostic = d.file === undefined ? { ...d, file: source.file } : d;
    if (!x.range && x.path !== undefined) {
      const r = source.rangeOf(x.path);
      if (r) x = { ...x, range: r };
    }
    return withPosition(x, lc);
  });
}

/** The offending text of a diagnostic's range, for messages: at most 40 characters, control bytes escaped. */
function offending(text: string, d: Diagnostic): string | undefined {
  if (!d.range) return undefined;
  const s = text.slice(d.range[0], Math.max(d.range[1], d.range[0] + 1)).slice(0, 40);
  return s === '' ? undefined : JSON.stringify(s);
}

/** Parses profile text (JSON or YAML; OCI, Docker or SPO CR) into the canonical OCI model. Never throws. */
export function safeParseProfile(text: string, opts: ParseOptions = {}): ParseResult {
  const file = opts.file ?? '-';
  // Binary input (a NUL, or bytes that were not UTF-8 and decoded to U+FFFD) gets one diagnostic, not a parser's
  // pages of errors; no message carries raw control bytes.
  const bad = findNotTextInString(text);
  if (bad) return { ok: false, diagnostics: [{ code: 'NOT_A_TEXT_FILE', severity: 'error', file, message: notTextMessage(file, bad).slice(file.length + 2) }] };
  try {
    const r = parseInner(text, file, opts);
    return { ...r, diagnostics: r.diagnostics.map((d) => ({ ...d, message: escapeControls(d.message) })) } as ParseResult;
  } catch (e) {
    // Anything thrown here is our bug, but a parser must never crash on input: report it as a diagnostic.
    return { ok: false, diagnostics: [{ code: 'INTERNAL_PARSE_ERROR', severity: 'error', file, message: `internal error while parsing: ${(e as Error).message}` }] };
  }
}

function parseInner(text: string, file: string, opts: ParseOptions): ParseResult {
  const t = parseTree(text, file);
  const pre = makeSource(file, text, t.tree);
  if (!t.tree) {
    const ds = placeDiagnostics(t.diagnostics, pre).map((d) => {
      const off = offending(text, d);
      return off && !d.message.includes('found') ? { ...d, message: `${d.message} (at ${off})` } : d;
    });
    return { ok: false, diagnostics: ds };
  }
  const dialect = opts.dialect === undefined || opts.dialect === 'auto' ? detectDialect(t.tree) : opts.dialect;
  const dec = decodeTree(t.tree, dialect, file);
  const source = makeSource(file, text, t.tree, dialect === 'spo' ? 'spec' : '');
  // SPO paths are reported from the document root; the rest relative to the profile object (which is the root).
  const diags = placeDiagnostics(dec.diagnostics, makeSource(file, text, t.tree));
  if (diags.some((d) => d.severity === 'error') || !dec.docker) return { ok: false, diagnostics: diags };
  const raw = dec.docker;
  let profile: Profile;
  if (dialect === 'docker') {
    profile = expandLeniently(raw, opts.docker ?? {});
  } else {
    const { archMap: _a, defaultErrno: _d, syscalls, ...rest } = raw;
    profile = { ...rest };
    if (syscalls) profile.syscalls = syscalls.map((r) => ({ names: r.names ?? [], action: r.action, ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}), ...(r.args ? { args: r.args } : {}) }));
  }
  return { ok: true, profile, dialect, format: t.format, source, diagnostics: diags, raw, ...(dec.spo ? { spo: dec.spo } : {}) };
}

/** Docker expansion that never fails: `names` wins over `name`, `architectures` over `archMap` (validation reports both). */
function expandLeniently(raw: DockerProfile, o: Partial<DockerExpandOptions>): Profile {
  const fixed: DockerProfile = {
    ...raw,
    ...((raw.architectures?.length ?? 0) > 0 && raw.archMap ? { archMap: [] } : {}),
    ...(raw.syscalls ? { syscalls: raw.syscalls.map((r) => ((r.names?.length ?? 0) > 0 && r.name !== undefined ? { ...r, name: '' } : r)) } : {}),
  };
  return dockerToOci(fixed, {
    arch: o.arch ?? hostArch().id,
    caps: o.caps ?? DOCKER_DEFAULT_CAPS,
    ...(o.kernelVersion !== undefined ? { kernelVersion: o.kernelVersion } : hostKernel() !== undefined ? { kernelVersion: hostKernel()! } : {}),
  });
}

let kernel: string | null | undefined;
/** This machine's kernel "X.Y…" (looked up once; uname is not free), or undefined when it does not look like one. */
function hostKernel(): string | undefined {
  if (kernel === undefined) kernel = /^\d+\.\d+/.test(release()) ? release() : null;
  return kernel ?? undefined;
}

/** Like safeParseProfile but throws a UserError (exit 2) carrying the diagnostics. */
export function parseProfile(text: string, opts: ParseOptions = {}): Extract<ParseResult, { ok: true }> {
  const r = safeParseProfile(text, opts);
  if (!r.ok) throw new UserError(`${opts.file ?? '-'}: not a valid seccomp profile`, r.diagnostics);
  return r;
}
