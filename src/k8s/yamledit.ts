// Minimal text edits on YAML/JSON source, located with the `yaml` document's node ranges. Everything outside an
// edit stays byte-for-byte as it was (comments, anchors, quoting, key order).
import { isMap, isScalar, isSeq, Scalar, type Node, type Pair, type YAMLMap } from 'yaml';
import { InternalError } from '../common/index.js';

/** Replace [start, end) with text. `depth` orders insertions at the same offset: deeper (inner) text comes first. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly depth: number;
}

/** A nested value to write: strings at the leaves. */
export type Tree = string | { readonly [k: string]: Tree };

/** Applies non-overlapping edits. Identical duplicates (the same node reached twice through an alias) apply once. */
export function applyEdits(src: string, edits: readonly TextEdit[]): string {
  const seen = new Set<string>();
  const uniq = edits.filter((e) => {
    const k = `${e.start}:${e.end}:${e.depth}:${e.text}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const sorted = [...uniq].sort((a, b) => a.start - b.start || a.end - b.end || b.depth - a.depth);
  let out = '';
  let pos = 0;
  for (const e of sorted) {
    if (e.start < pos) throw new InternalError(`overlapping manifest edits at offset ${e.start}`);
    out += src.slice(pos, e.start) + e.text;
    pos = e.end;
  }
  return out + src.slice(pos);
}

const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/** A scalar as YAML text: plain when unambiguous, else double-quoted (JSON quoting is valid YAML). */
export function renderScalar(v: string, json: boolean): string {
  if (json) return JSON.stringify(v);
  if (/^[A-Za-z_][A-Za-z0-9._/-]*$/.test(v) && !RESERVED.test(v)) return v;
  return JSON.stringify(v);
}

function renderKey(k: string, json: boolean): string {
  return json ? JSON.stringify(k) : renderScalar(k, false);
}

/** `{a: {b: c}}` in flow style. */
export function renderFlow(t: Tree, json: boolean): string {
  if (typeof t === 'string') return renderScalar(t, json);
  const parts = Object.entries(t).map(([k, v]) => `${renderKey(k, json)}: ${renderFlow(v, json)}`);
  return `{${parts.join(', ')}}`;
}

/** Block lines at `indent` spaces, each ending in `eol`. */
export function renderBlock(entries: Readonly<Record<string, Tree>>, indent: number, eol = '\n'): string {
  const pad = ' '.repeat(indent);
  let out = '';
  for (const [k, v] of Object.entries(entries)) {
    if (typeof v === 'string') out += `${pad}${renderKey(k, false)}: ${renderScalar(v, false)}${eol}`;
    else out += `${pad}${renderKey(k, false)}:${eol}${renderBlock(v, indent + 2, eol)}`;
  }
  return out;
}

/**
 * The line ending to use for a line inserted at `pos` (a line start or the text's end): the ending of the line
 * before it, else of the line holding `pos`, else LF. Keeps CRLF files CRLF and each part of a mixed file as it is.
 */
export function eolAt(src: string, pos: number): string {
  const before = pos > 0 && src[pos - 1] === '\n' ? pos - 1 : src.lastIndexOf('\n', pos - 1);
  if (before >= 0) return before > 0 && src[before - 1] === '\r' ? '\r\n' : '\n';
  const after = src.indexOf('\n', pos);
  return after > 0 && src[after - 1] === '\r' ? '\r\n' : '\n';
}

/** Text to insert at `pos` as whole lines: when `pos` is the end of a text without a final line break, the
 * break goes first and the last one is dropped, so the file's missing final newline stays missing. */
function asLines(src: string, pos: number, lines: string, eol: string): string {
  if (pos === src.length && src.length > 0 && !src.endsWith('\n')) return eol + lines.slice(0, -eol.length);
  return lines;
}

/** Whether the last node written in a value is a block scalar (`|`, `>`, any chomping): text inserted right
 * after it could change its value (a final line break, or kept trailing blank lines). */
function endsWithBlockScalar(n: unknown): boolean {
  for (let cur = n, i = 0; cur && i < 10000; i++) {
    if (isScalar(cur)) return cur.type === Scalar.BLOCK_LITERAL || cur.type === Scalar.BLOCK_FOLDED;
    if (isMap(cur) || isSeq(cur)) {
      if (cur.flow || cur.items.length === 0) return false;
      const last = cur.items[cur.items.length - 1] as unknown;
      cur = isMap(cur) ? ((last as Pair).value ?? (last as Pair).key) : last;
    } else return false;
  }
  return false;
}

function lineStart(src: string, off: number): number {
  return src.lastIndexOf('\n', off - 1) + 1;
}

/** Column (0-based) of an offset. */
export function columnOf(src: string, off: number): number {
  return off - lineStart(src, off);
}

/** Whether only spaces precede `off` on its line. */
function firstOnLine(src: string, off: number): boolean {
  return /^[ \t]*$/.test(src.slice(lineStart(src, off), off));
}

/** Offset just after the line holding `off - 1`'s end: the start of the next line (or the text's end). */
function afterLine(src: string, end: number): number {
  if (end > 0 && src[end - 1] === '\n') return end;
  const nl = src.indexOf('\n', end);
  return nl === -1 ? src.length : nl + 1;
}

function range(n: unknown): [number, number, number] {
  const r = (n as { range?: [number, number, number] | null } | null)?.range;
  if (!r) throw new InternalError('YAML node without a source range');
  return r;
}

/** Where a pair's text ends (its value, or its key when the value is empty). */
function pairEnd(p: Pair): number {
  const v = p.value as Node | null;
  if (v && (v as { range?: unknown }).range) return range(v)[1];
  return range(p.key)[1];
}

/** Adds key/value entries to a map (block: new lines after its last entry; flow: before its first entry). */
export function insertIntoMap(src: string, map: YAMLMap, entries: Readonly<Record<string, Tree>>, json: boolean): TextEdit {
  const [mStart, mEnd] = range(map);
  if (map.flow) {
    const flowText = Object.entries(entries).map(([k, v]) => `${renderKey(k, json)}: ${renderFlow(v, json)}`).join(', ');
    if (map.items.length === 0) return { start: mStart, end: mEnd, text: `{${flowText}}`, depth: columnOf(src, mStart) + 1 };
    const k0 = range(map.items[0]!.key)[0];
    if (firstOnLine(src, k0) && src.slice(mStart, k0).includes('\n')) {
      const col = columnOf(src, k0);
      return { start: k0, end: k0, text: `${flowText},${eolAt(src, k0)}${' '.repeat(col)}`, depth: col };
    }
    return { start: k0, end: k0, text: `${flowText}, `, depth: columnOf(src, k0) };
  }
  if (map.items.length === 0) throw new InternalError('empty block map');
  const col = columnOf(src, range(map.items[0]!.key)[0]);
  const lastPair = map.items[map.items.length - 1] as Pair;
  if (endsWithBlockScalar(lastPair.value)) {
    // Never write right after a block scalar: go in before the last entry instead.
    const k = range(lastPair.key)[0];
    const eol = eolAt(src, k);
    if (firstOnLine(src, k)) {
      const at = lineStart(src, k);
      return { start: at, end: at, text: renderBlock(entries, col, eol), depth: col };
    }
    // `- key: |` (the entry shares its line with the sequence dash): the new entry takes that line's place.
    const kc = columnOf(src, k);
    return { start: k, end: k, text: renderBlock(entries, kc, eol).slice(kc) + ' '.repeat(kc), depth: kc };
  }
  const pos = afterLine(src, pairEnd(lastPair));
  const eol = eolAt(src, pos);
  return { start: pos, end: pos, text: asLines(src, pos, renderBlock(entries, col, eol), eol), depth: col };
}

/**
 * Sets `key` of `map` to a nested value when the key is absent or empty (`key:` / `key: null` / `key: {}`).
 * Returns undefined when the key holds something else (the caller edits inside it).
 */
export function setEmptyOrAbsent(src: string, map: YAMLMap, key: string, value: { readonly [k: string]: Tree }, json: boolean): TextEdit | undefined {
  const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key) as Pair | undefined;
  if (!pair) return insertIntoMap(src, map, { [key]: value }, json);
  const v = pair.value as Node | null;
  if (v && isMap(v)) {
    if (v.items.length > 0) return undefined;
    const [s, e] = range(v);
    return { start: s, end: e, text: renderFlow(value, json), depth: columnOf(src, s) };
  }
  const isNull = !v || (isScalar(v) && v.value === null);
  if (!isNull) return undefined;
  const src0 = v && isScalar(v) ? (v as Scalar).source : undefined;
  const kStart = range(pair.key)[0];
  if (!map.flow && (!v || src0 === '' || src0 === undefined) && !(v && range(v)[1] > range(v)[0])) {
    // `key:` with nothing after it: put the value on the following lines, one level deeper.
    const col = columnOf(src, kStart);
    const pos = afterLine(src, range(pair.key)[1]);
    const eol = eolAt(src, pos);
    return { start: pos, end: pos, text: asLines(src, pos, renderBlock(value, col + 2, eol), eol), depth: col + 2 };
  }
  const [s, e] = range(v);
  return { start: s, end: e, text: renderFlow(value, json), depth: columnOf(src, s) };
}

/** Replaces a scalar's text, keeping its quoting style where possible. */
export function replaceScalar(src: string, node: Node, value: string, json: boolean): TextEdit {
  const [s, e] = range(node);
  const type = isScalar(node) ? node.type : undefined;
  let text: string;
  if (json || type === Scalar.QUOTE_DOUBLE) text = JSON.stringify(value);
  else if (type === Scalar.QUOTE_SINGLE) text = `'${value.replace(/'/g, "''")}'`;
  else text = renderScalar(value, false);
  return { start: s, end: e, text, depth: columnOf(src, s) };
}

/** Removes a pair: whole lines in block maps, the entry and its comma in flow maps. */
export function removePair(src: string, map: YAMLMap, pair: Pair): TextEdit | undefined {
  const idx = map.items.indexOf(pair as never);
  if (idx < 0) throw new InternalError('pair not in map');
  const kStart = range(pair.key)[0];
  if (map.flow) {
    if (map.items.length === 1) {
      const [s, e] = range(map);
      return { start: s, end: e, text: '{}', depth: columnOf(src, s) };
    }
    if (idx < map.items.length - 1) {
      const next = range(map.items[idx + 1]!.key)[0];
      if (firstOnLine(src, kStart) && firstOnLine(src, next)) {
        return { start: lineStart(src, kStart), end: lineStart(src, next), text: '', depth: 0 };
      }
      return { start: kStart, end: next, text: '', depth: 0 };
    }
    const prevEnd = pairEnd(map.items[idx - 1] as Pair);
    return { start: prevEnd, end: pairEnd(pair), text: '', depth: 0 };
  }
  if (!firstOnLine(src, kStart)) return undefined;
  return { start: lineStart(src, kStart), end: afterLine(src, pairEnd(pair)), text: '', depth: 0 };
}
