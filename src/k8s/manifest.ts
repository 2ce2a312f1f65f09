// Parses manifest text (multi-document YAML, JSON, `kubectl -o json` Lists) into yaml Documents with positions.
import { parseAllDocuments, isCollection, isMap, isScalar, Scalar, visit, type Document } from 'yaml';
import { UserError, type Diagnostic } from '../common/index.js';
import { LineCounter } from '../profile/index.js';

/** One parsed manifest file. */
export interface ParsedManifest {
  readonly file: string;
  readonly text: string;
  readonly docs: readonly Document.Parsed[];
  readonly lines: LineCounter;
}

/** How many syntax errors a UserError lists (the rest are counted): one broken line can cascade into hundreds. */
export const MAX_SYNTAX_ERRORS = 5;

/** Whether text may hold template syntax at all (cheap pre-check before the node walk). */
function hasTemplateMarks(text: string): boolean {
  return text.includes('{{') || text.includes('{%');
}

/** `{{ x }}` read as YAML is a flow map used as a key of a flow map: data never looks like that. */
function hasCollectionKey(docs: readonly Document.Parsed[]): boolean {
  let found = false;
  for (const d of docs) {
    visit(d, { Pair(_k, p) { if (isCollection(p.key)) { found = true; return visit.BREAK; } return undefined; } });
    if (found) return true;
  }
  return false;
}

/** What parsing a manifest gives: the documents, or why not as diagnostics (never throws). */
export type ManifestParse =
  | { readonly ok: true; readonly manifest: ParsedManifest; readonly diagnostics: readonly Diagnostic[] }
  | {
    readonly ok: false;
    /** One line for the whole failure (what the CLI prints first). */
    readonly summary: string;
    /** The first MAX_SYNTAX_ERRORS syntax errors with file:line:col, or the unrendered-template finding. */
    readonly diagnostics: readonly Diagnostic[];
  };

/**
 * Parses manifest text into documents with positions. YAML syntax errors come back as `MANIFEST_SYNTAX`
 * diagnostics (file:line:col; the first MAX_SYNTAX_ERRORS, and a count in the summary); text that is an unrendered
 * template gets one `MANIFEST_TEMPLATE` diagnostic saying to render it first.
 */
export function safeParseManifest(text: string, file: string, command: 'patch' | 'lint' = 'patch'): ManifestParse {
  const lines = new LineCounter(text);
  const docs = parseAllDocuments(text, { prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const diags: Diagnostic[] = [];
  for (const d of list) {
    for (const e of d.errors) {
      const { line, col } = lines.linePos(e.pos[0]);
      diags.push({ code: 'MANIFEST_SYNTAX', severity: 'error', message: e.message.split('\n')[0] ?? e.message, file, line, col, range: [e.pos[0], e.pos[1]] });
    }
  }
  if (hasTemplateMarks(text) && (diags.length > 0 || hasCollectionKey(list))) {
    const summary = `${file}: looks like an unrendered template ({{ … }} or {% … %}); render it first: helm template … | seccompctl k8s ${command} -`;
    return { ok: false, summary, diagnostics: [{ code: 'MANIFEST_TEMPLATE', severity: 'error', message: summary, file, fix: `helm template … | seccompctl k8s ${command} -` }] };
  }
  if (diags.length > MAX_SYNTAX_ERRORS) {
    return { ok: false, summary: `${file}: not valid YAML/JSON: ${diags.length} syntax errors, the first ${MAX_SYNTAX_ERRORS} shown`, diagnostics: diags.slice(0, MAX_SYNTAX_ERRORS) };
  }
  if (diags.length > 0) return { ok: false, summary: `${file}: not valid YAML/JSON`, diagnostics: diags };
  return { ok: true, manifest: { file, text, docs: list, lines }, diagnostics: [] };
}

/**
 * The stage's entry points (lint, patch) take manifests through this: a failed parse becomes one UserError
 * (exit 2) carrying the diagnostics, raised before any work starts.
 */
export function parseManifest(text: string, file: string, command: 'patch' | 'lint' = 'patch'): ParsedManifest {
  const r = safeParseManifest(text, file, command);
  if (!r.ok) {
    // The template finding is a one-liner: its diagnostic repeats the summary, so it is not listed again.
    throw new UserError(r.summary, r.diagnostics[0]?.code === 'MANIFEST_TEMPLATE' ? [] : r.diagnostics);
  }
  return r.manifest;
}

/** Whether a document is written as JSON (a flow mapping with double-quoted keys), so edits use JSON syntax. */
export function isJsonDocument(doc: Document): boolean {
  const c = doc.contents;
  if (!c || !isMap(c) || !c.flow) return false;
  const k = c.items[0]?.key;
  return !k || (isScalar(k) && k.type === Scalar.QUOTE_DOUBLE);
}
