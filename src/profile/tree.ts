// Source text → a small position-keeping value tree. JSON goes through a hand-written strict parser (fast on 50 MB,
// exact integers); anything else goes through the `yaml` package. Neither path throws on any input.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter as YamlLineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { Diagnostic, DiagnosticCode } from '../common/index.js';

/** A parsed value with its [start, end) offsets in the source text. */
export type TNode =
  | { readonly kind: 'object'; readonly range: readonly [number, number]; readonly entries: readonly TEntry[] }
  | { readonly kind: 'array'; readonly range: readonly [number, number]; readonly items: readonly TNode[] }
  | { readonly kind: 'string'; readonly range: readonly [number, number]; readonly value: string }
  /** `isInt` when written without fraction or exponent; then `text` is its exact decimal digits (use BigInt(text)). */
  | { readonly kind: 'number'; readonly range: readonly [number, number]; readonly value: number; readonly isInt: boolean; readonly text: string }
  | { readonly kind: 'boolean'; readonly range: readonly [number, number]; readonly value: boolean }
  | { readonly kind: 'null'; readonly range: readonly [number, number] };

/** One key of an object. */
export interface TEntry {
  readonly key: string;
  readonly keyRange: readonly [number, number];
  readonly value: TNode;
}

/** Nesting deeper than this is rejected (a seccomp profile is 5 levels deep; this bounds recursion). */
export const MAX_DEPTH = 256;

/** Parses JSON or YAML text into a tree; returns diagnostics (with ranges) instead of throwing. */
export function parseTree(text: string, file: string): { tree?: TNode; format: 'json' | 'yaml'; diagnostics: Diagnostic[] } {
  const first = /\S/.exec(text);
  const looksJson = first !== null && (first[0] === '{' || first[0] === '[');
  if (looksJson) {
    const r = parseJson(text, file);
    return { ...r, format: 'json' };
  }
  return { ...parseYaml(text, file), format: 'yaml' };
}

// ---------------------------------------------------------------- JSON

class JsonFail extends Error {
  readonly at: number;
  readonly code: DiagnosticCode;
  readonly fix: string | undefined;
  constructor(code: DiagnosticCode, message: string, at: number, fix?: string) {
    super(message);
    this.code = code;
    this.at = at;
    this.fix = fix;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Strict RFC 8259 JSON with positions and exact integers. Duplicate keys are kept (Go's encoding/json: last wins). */
export function parseJson(text: string, file: string): { tree?: TNode; diagnostics: Diagnostic[] } {
  let i = 0;
  const n = text.length;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
      else break;
    }
  };
  const describe = (at: number): string => {
    if (at >= n) return 'end of input';
    const cp = text.codePointAt(at)!;
    if (cp < 0x20 || cp === 0x7f || cp === 0xfffd) return `byte U+${cp.toString(16).padStart(4, '0')}`;
    // The offending text: the rest of the line, at most 30 characters.
    const line = /[^\n\r]{1,30}/y;
    line.lastIndex = at;
    return JSON.stringify(line.exec(text)?.[0] ?? String.fromCodePoint(cp));
  };
  const fail = (msg: string, at = i): never => {
    throw new JsonFail('INVALID_JSON', `${msg}, found ${describe(at)}`, at);
  };
  /** Scans a string starting at i (a quote); returns its value, leaving i after the closing quote. */
  const str = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let chunk = i;
    let uEscape = false;
    for (;;) {
      if (i >= n) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(chunk, i);
        i++;
        // Go's unquote turns a \u escape of an unpaired surrogate into U+FFFD (decode.go); so do we.
        return uEscape ? out.replace(LONE_SURROGATE, '\ufffd') : out;
      }
      if (c < 0x20) fail('control character in string (escape it)');
      if (c === 0x5c) {
        out += text.slice(chunk, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape', i);
          out += String.fromCharCode(parseInt(hex, 16));
          uEscape = true;
          i += 6;
        } else {
          fail('bad escape in string', i);
        }
        chunk = i;
      } else {
        i++;
      }
    }
  };
  const value = (depth: number): TNode => {
    if (depth > MAX_DEPTH) throw new JsonFail('TOO_DEEP', `nesting deeper than ${MAX_DEPTH} levels`, i);
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: TEntry[] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { kind: 'object', range: [start, i], entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a "quoted" object key');
        const keyStart = i;
        const key = str();
        const keyRange: [number, number] = [keyStart, i];
        ws();
        if (text[i] !== ':') fail('expected ":" after object key');
        i++;
        const v = value(depth + 1);
        entries.push({ key, keyRange, value: v });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return { kind: 'object', range: [start, i], entries };
        }
        fail('expected "," or "}" in object');
      }
    }
    if (c === '[') {
      i++;
      const items: TNode[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return { kind: 'array', range: [start, i], items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return { kind: 'array', range: [start, i], items };
        }
        fail('expected "," or "]" in array');
      }
    }
    if (c === '"') {
      const v = str();
      return { kind: 'string', range: [start, i], value: v };
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      // Hand scan (a regex match per number allocates; profiles can hold millions of numbers).
      const digits = (): number => {
        const s0 = i;
        while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
        return i - s0;
      };
      if (c === '-') i++;
      const intStart = i;
      const d0 = digits();
      if (d0 === 0) fail('bad number', start);
      if (d0 > 1 && text.charCodeAt(intStart) === 0x30) fail('leading zeros are not allowed in JSON numbers', start);
      let isInt = true;
      if (text[i] === '.') {
        i++;
        isInt = false;
        if (digits() === 0) fail('bad number', start);
      }
      if (text[i] === 'e' || text[i] === 'E') {
        i++;
        isInt = false;
        if (text[i] === '+' || text[i] === '-') i++;
        if (digits() === 0) fail('bad number', start);
      }
      const t = text.slice(start, i);
      // BigInt is made only where a uint64 is expected (decode), not for every number.
      return { kind: 'number', range: [start, i], value: Number(t), isInt, text: t };
    }
    for (const [word, node] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return node === null ? { kind: 'null', range: [start, i] } : { kind: 'boolean', range: [start, i], value: node };
      }
    }
    return fail('expected a JSON value');
  };
  try {
    // Go's encoding/json (containerd, CRI-O, runc read profiles with it) rejects a UTF-8 byte order mark: its scanner's
    // stateBeginValue sees byte 0xEF, "invalid character 'ï' looking for beginning of value". So do we.
    if (text.charCodeAt(0) === 0xfeff) {
      throw new JsonFail('INVALID_JSON', 'the file starts with a UTF-8 byte order mark (U+FEFF), which Go\'s encoding/json (containerd, CRI-O, runc) rejects', 0,
        'save the file as UTF-8 without a byte order mark (most editors: encoding "UTF-8", not "UTF-8 with BOM")');
    }
    const tree = value(0);
    ws();
    if (i < n) fail('unexpected text after the JSON value');
    return { tree, diagnostics: [] };
  } catch (e) {
    if (e instanceof JsonFail) {
      return { diagnostics: [{ code: e.code, severity: 'error', message: e.message, file, range: [e.at, Math.min(n, e.at + 1)], ...(e.fix ? { fix: e.fix } : {}) }] };
    }
    if (e instanceof RangeError) {
      return { diagnostics: [{ code: 'TOO_DEEP', severity: 'error', message: 'input nested too deeply', file, range: [i, i] }] };
    }
    throw e;
  }
}

// ---------------------------------------------------------------- YAML

/** YAML through the `yaml` package (YAML 1.2 core schema, integers as bigint), converted to the same tree. */
export function parseYaml(text: string, file: string): { tree?: TNode; diagnostics: Diagnostic[] } {
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { intAsBigInt: true, uniqueKeys: false, prettyErrors: false, lineCounter: new YamlLineCounter() });
  } catch (e) {
    return { diagnostics: [{ code: 'INVALID_YAML', severity: 'error', message: String((e as Error).message), file }] };
  }
  if (doc.errors.length > 0) {
    return {
      diagnostics: doc.errors.map((err) => ({
        code: 'INVALID_YAML', severity: 'error' as const, file, range: [err.pos[0], err.pos[1]] as const,
        message: err.code === 'MULTIPLE_DOCS' ? 'the file holds several YAML documents (---); put one profile in each file' : `${err.code}: ${firstLine(err.message)}`,
      })),
    };
  }
  let aliases = 0;
  // Aliases are resolved from one index of the anchors (the last one of that name before the alias, as YAML says):
  // yaml's Alias.resolve walks the whole document per alias, quadratic on a large file full of aliases.
  let anchors: Map<string, { at: number; node: unknown }[]> | undefined;
  const resolveAlias = (a: { source: string; range?: readonly number[] | null }): unknown => {
    anchors ??= anchorIndex(doc.contents);
    const list = anchors.get(a.source);
    const at = a.range?.[0] ?? 0;
    let found: unknown;
    for (let lo = 0, hi = (list?.length ?? 0) - 1; lo <= hi;) { // the last anchor that starts before the alias
      const mid = (lo + hi) >> 1;
      if (list![mid]!.at < at) {
        found = list![mid]!.node;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  };
  const conv = (node: unknown, depth: number): TNode => {
    if (depth > MAX_DEPTH) throw new YamlFail('TOO_DEEP', `nesting deeper than ${MAX_DEPTH} levels`, rangeOf(node));
    if (isAlias(node)) {
      if (++aliases > 1000) throw new YamlFail('INVALID_YAML', 'too many alias references', rangeOf(node));
      return conv(resolveAlias(node), depth + 1); // no anchor before it: null, as Alias.resolve gives
    }
    const range = rangeOf(node);
    if (isMap(node)) {
      const entries: TEntry[] = [];
      for (const p of node.items) {
        if (!isPair(p)) continue;
        const k = p.key;
        const keyVal = isScalar(k) ? k.value : undefined;
        if (typeof keyVal !== 'string' && typeof keyVal !== 'number' && typeof keyVal !== 'bigint' && typeof keyVal !== 'boolean') {
          throw new YamlFail('INVALID_YAML', 'object keys must be plain scalars', rangeOf(k));
        }
        entries.push({ key: String(keyVal), keyRange: rangeOf(k), value: p.value === null ? { kind: 'null', range: rangeOf(k) } : conv(p.value, depth + 1) });
      }
      return { kind: 'object', range, entries };
    }
    if (isSeq(node)) return { kind: 'array', range, items: node.items.map((x) => (x === null ? { kind: 'null', range } : conv(x, depth + 1))) };
    if (isScalar(node)) {
      const v = node.value;
      if (typeof v === 'string') return { kind: 'string', range, value: v };
      if (typeof v === 'bigint') return { kind: 'number', range, value: Number(v), isInt: true, text: String(v) };
      if (typeof v === 'number') return { kind: 'number', range, value: v, isInt: false, text: String(v) };
      if (typeof v === 'boolean') return { kind: 'boolean', range, value: v };
      if (v === null) return { kind: 'null', range };
      return { kind: 'string', range, value: String(v) };
    }
    return { kind: 'null', range };
  };
  try {
    if (doc.contents === null) return { diagnostics: [{ code: 'EMPTY_INPUT', severity: 'error', message: 'the input holds no document', file, range: [0, 0] }] };
    return { tree: conv(doc.contents, 0), diagnostics: [] };
  } catch (e) {
    if (e instanceof YamlFail) return { diagnostics: [{ code: e.code, severity: 'error', message: e.message, file, range: e.range }] };
    if (e instanceof RangeError) return { diagnostics: [{ code: 'TOO_DEEP', severity: 'error', message: 'input nested too deeply', file, range: [0, 0] }] };
    throw e;
  }
}

/** Every anchored node of a YAML document, per anchor name, in document order (one pass, no recursion). */
function anchorIndex(root: unknown): Map<string, { at: number; node: unknown }[]> {
  const out = new Map<string, { at: number; node: unknown }[]>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const n = stack.pop();
    if (n === null || n === undefined || isAlias(n)) continue;
    if (isPair(n)) {
      stack.push(n.value, n.key);
      continue;
    }
    const anchor = (n as { anchor?: string }).anchor;
    if (anchor) {
      let l = out.get(anchor);
      if (!l) out.set(anchor, l = []);
      l.push({ at: rangeOf(n)[0], node: n });
    }
    if (isMap(n) || isSeq(n)) for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
  }
  for (const l of out.values()) l.sort((a, b) => a.at - b.at);
  return out;
}

class YamlFail extends Error {
  readonly code: DiagnosticCode;
  readonly range: readonly [number, number];
  constructor(code: DiagnosticCode, message: string, range: readonly [number, number]) {
    super(message);
    this.code = code;
    this.range = range;
  }
}

function rangeOf(node: unknown): [number, number] {
  const r = (node as YamlNode | null)?.range;
  return r ? [r[0], r[1]] : [0, 0];
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

// ---------------------------------------------------------------- paths

/** Finds the node at a JSON path like `syscalls[3].names[1]` or `spec.syscalls[0]`. */
export function nodeAt(root: TNode, path: string): TNode | undefined {
  if (path === '' || path === '$') return root;
  let cur: TNode | undefined = root;
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null && cur) {
    if (m[1] !== undefined) {
      if (cur.kind !== 'object') return undefined;
      const key = m[1];
      // Last duplicate wins, like Go's encoding/json.
      const hit: TEntry | undefined = [...cur.entries].reverse().find((e) => e.key === key);
      cur = hit?.value;
    } else {
      if (cur.kind !== 'array') return undefined;
      cur = cur.items[Number(m[2])];
    }
  }
  return cur;
}

/** Finds the key node range of the last path segment when it names an object key (for "unknown key" findings). */
export function keyRangeAt(root: TNode, path: string): readonly [number, number] | undefined {
  const dot = Math.max(path.lastIndexOf('.'), -1);
  const parentPath = dot < 0 ? '' : path.slice(0, dot);
  const key = path.slice(dot + 1);
  const parent = nodeAt(root, parentPath);
  if (!parent || parent.kind !== 'object') return undefined;
  return [...parent.entries].reverse().find((e) => e.key === key)?.keyRange;
}
