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

/**
 * Parses manifest text; YAML syntax errors become a UserError (exit 2) with file:line:col (the first
 * MAX_SYNTAX_ERRORS of them, and a count). Unrendered templates get one line saying to render them first.
 */
export function parseManifest(text: string, file: string, command: 'patch' | 'lint' = 'patch'): ParsedManifest {
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
    throw new UserError(`${file}: looks like an unrendered template ({{ … }} or {% … %}); render it first: helm template … | seccompctl k8s ${command} -`);
  }
  if (diags.length > MAX_SYNTAX_ERRORS) {
    throw new UserError(`${file}: not valid YAML/JSON: ${diags.length} syntax errors, the first ${MAX_SYNTAX_ERRORS} shown`, diags.slice(0, MAX_SYNTAX_ERRORS));
  }
  if (diags.length > 0) throw new UserError(`${file}: not valid YAML/JSON`, diags);
  return { file, text, docs: list, lines };
}

/** Whether a document is written as JSON (a flow mapping with double-quoted keys), so edits use JSON syntax. */
export function isJsonDocument(doc: Document): boolean {
  const c = doc.contents;
  if (!c || !isMap(c) || !c.flow) return false;
  const k = c.items[0]?.key;
  return !k || (isScalar(k) && k.type === Scalar.QUOTE_DOUBLE);
}
