// Parses manifest text (multi-document YAML, JSON, `kubectl -o json` Lists) into yaml Documents with positions.
import { parseAllDocuments, isMap, isScalar, Scalar, type Document } from 'yaml';
import { LineCounter, UserError, type Diagnostic } from '../common/index.js';

/** One parsed manifest file. */
export interface ParsedManifest {
  readonly file: string;
  readonly text: string;
  readonly docs: readonly Document.Parsed[];
  readonly lines: LineCounter;
}

/** Parses manifest text; YAML syntax errors become a UserError (exit 2) with file:line:col. */
export function parseManifest(text: string, file: string): ParsedManifest {
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
