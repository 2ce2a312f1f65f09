// The table-driven decoder: walks a tree (tree.ts) along the format tables (format.ts) and reports shape errors
// as diagnostics with JSON paths; never throws. Every per-field rule (type, range, required, null, pattern) and its
// message comes from the tables. What stays code here are Go's encoding/json decoding rules, which are the same for
// every field and so are no table entry: the last of duplicate keys wins (DUPLICATE_KEY warns), keys are matched
// exactly (Go matches them case-insensitively; we are stricter: UNKNOWN_KEY), and a uint field takes only what
// strconv.ParseUint takes (no sign, fraction or exponent: `1.0`, `1e2`, `-0` are refused, as Go refuses them).
import type { Diagnostic, DiagnosticCode } from '../common/index.js';
import { resolve, type FieldDef, type FieldDialect, type FieldType, type ObjectDef } from './format.js';
import type { TEntry, TNode } from './tree.js';

const U32_MAX = 0xffffffff;
/** `resolve` looked up once per definition (it is on the path of every value). */
const RESOLVED = new Map<string, FieldType | ObjectDef>((['action', 'operator', 'flag', 'arch', 'uint32', 'uint64', 'syscallName', 'arg', 'filter', 'rule', 'ociRule', 'profile', 'spoSpec'] as const).map((r) => [r, resolve(r)]));
const U64_MAX = (1n << 64n) - 1n;

/** Collects shape diagnostics while decoding. */
export class Decoder {
  readonly diagnostics: Diagnostic[] = [];
  private readonly file: string;
  constructor(file: string) {
    this.file = file;
  }
  err(code: DiagnosticCode, node: TNode | undefined, path: string, message: string, fix?: string, range?: readonly [number, number]): void {
    const r = range ?? node?.range;
    this.diagnostics.push({ code, severity: 'error', message, path, file: this.file, ...(r ? { range: r } : {}), ...(fix ? { fix } : {}) });
  }
  warn(code: DiagnosticCode, range: readonly [number, number], path: string, message: string, fix?: string): void {
    this.diagnostics.push({ code, severity: 'warning', message, path, file: this.file, range, ...(fix ? { fix } : {}) });
  }
  /** The entries of an object (last duplicate wins, as in Go), warning on unknown and duplicate keys. */
  object(node: TNode, path: string, known: readonly string[], unknownHint: string, warnUnknown = true): Map<string, TEntry> | undefined {
    if (node.kind !== 'object') {
      this.err('INVALID_TYPE', node, path, `expected an object, found ${describe(node)}`);
      return undefined;
    }
    const m = new Map<string, TEntry>();
    for (const e of node.entries) {
      if (m.has(e.key)) this.warn('DUPLICATE_KEY', e.keyRange, join(path, e.key), `key "${e.key}" appears twice; runtimes use the last one`, 'remove the duplicate key');
      else if (warnUnknown && !known.includes(e.key)) this.warn('UNKNOWN_KEY', e.keyRange, join(path, e.key), `unknown key "${e.key}" ${unknownHint}`, 'remove it or fix its spelling');
      m.set(e.key, e);
    }
    return m;
  }
  string(node: TNode, path: string): string | undefined {
    if (node.kind === 'string') return node.value;
    this.err('INVALID_TYPE', node, path, `expected a string, found ${describe(node)}`);
    return undefined;
  }
  u32(node: TNode, path: string): number | undefined {
    // Up to 10 digits is exact as a double; the sign check covers "-0".
    if (node.kind === 'number' && node.isInt && node.text.length <= 10 && node.text[0] !== '-' && node.value <= U32_MAX) return node.value;
    this.err('INVALID_VALUE', node, path, `expected an integer from 0 to ${U32_MAX}, found ${describe(node)}`);
    return undefined;
  }
  u64(node: TNode, path: string): bigint | undefined {
    if (node.kind === 'number' && node.isInt && node.text[0] !== '-' && node.text.length <= 20) {
      const v = BigInt(node.text);
      if (v <= U64_MAX) return v;
    }
    this.err('INVALID_VALUE', node, path, `expected an integer from 0 to ${U64_MAX} (uint64), found ${describe(node)}`,
      'write the value as a plain non-negative integer, e.g. 18446744073709551615 for 2^64-1');
    return undefined;
  }
  boolean(node: TNode, path: string): boolean | undefined {
    if (node.kind === 'boolean') return node.value;
    this.err('INVALID_TYPE', node, path, `expected true or false, found ${describe(node)}`);
    return undefined;
  }
}

/** How a value is shown in a message: its type, and for scalars the value (cut at 40 characters). */
export function describe(n: TNode): string {
  switch (n.kind) {
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'string': return `the string ${JSON.stringify(n.value.length > 40 ? n.value.slice(0, 40) + '…' : n.value)}`;
    case 'number': return `the number ${n.text.length > 40 ? n.text.slice(0, 40) + '…' : n.text}`;
    case 'boolean': return String(n.value);
    case 'null': return 'null';
  }
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** The entries of an object node, last duplicate winning, without any diagnostic (for a second look at one). */
export function entriesOf(node: TNode): Map<string, TEntry> {
  const m = new Map<string, TEntry>();
  if (node.kind === 'object') for (const e of node.entries) m.set(e.key, e);
  return m;
}

const DIALECT_ORDER: readonly FieldDialect[] = ['oci', 'docker', 'spo'];

/** The keys an object knows in a file of these dialects, in the order the unknown-key message lists them. */
export function knownKeys(def: ObjectDef, dialects: readonly FieldDialect[]): string[] {
  const out: string[] = [];
  for (const d of DIALECT_ORDER) {
    if (def.byDialect && !dialects.includes(d)) continue;
    for (const f of def.fields) if (f.dialects.includes(d) && !out.includes(f.key)) out.push(f.key);
  }
  return out;
}

/** A value of a field type; undefined (with a diagnostic) when it is not one. */
export function decodeValue(d: Decoder, t: FieldType, node: TNode, path: string, dialects: readonly FieldDialect[]): unknown {
  return decodeResolved(d, t.t === 'ref' ? RESOLVED.get(t.ref) ?? resolve(t.ref) : t, node, path, dialects);
}

function decodeResolved(d: Decoder, r: FieldType | ObjectDef, node: TNode, path: string, dialects: readonly FieldDialect[]): unknown {
  if ('fields' in r) return decodeObject(d, r, node, path, dialects);
  switch (r.t) {
    case 'ref': return decodeValue(d, r, node, path, dialects);
    case 'string': {
      const v = d.string(node, path);
      if (v === undefined || !r.check || new RegExp(r.check.pattern, 'u').test(v)) return v;
      d.err('INVALID_VALUE', node, path, r.check.message(v), r.check.fix);
      return undefined;
    }
    case 'boolean': return d.boolean(node, path);
    case 'uint': return r.bits === 32 ? d.u32(node, path) : d.u64(node, path);
    case 'object': return decodeObject(d, r.def, node, path, dialects);
    case 'any': return undefined;
    case 'map': {
      const m = d.object(node, path, [], '', false);
      if (!m) return undefined;
      const out: Record<string, unknown> = {};
      for (const [key, e] of m) {
        const v = decodeValue(d, r.of, e.value, join(path, key), dialects);
        // defineProperty: a key such as "__proto__" must stay an ordinary key.
        if (v !== undefined) Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'array': {
      if (node.kind !== 'array') {
        d.err('INVALID_TYPE', node, path, `expected an array${arrayNoun(r.of)}, found ${describe(node)}`);
        return undefined;
      }
      const item = r.of.t === 'ref' ? RESOLVED.get(r.of.ref) ?? resolve(r.of.ref) : r.of;
      const out: unknown[] = [];
      // An item that fails is reported and left out; the list itself is kept.
      for (let i = 0; i < node.items.length; i++) {
        const v = decodeResolved(d, item, node.items[i]!, `${path}[${i}]`, dialects);
        if (v !== undefined) out.push(v);
      }
      return out;
    }
  }
}

/** MISSING_FIELD for a required field an object lacks. */
export function reportMissing(d: Decoder, def: ObjectDef, f: FieldDef, node: TNode, path: string): void {
  const at = def.missingAtStart ? [node.range[0], node.range[0] + 1] as const : undefined;
  d.err('MISSING_FIELD', node, join(path, f.key), f.missingMessage ?? `${def.noun} has no "${f.key}"`, f.missingFix, at);
}

/** Go's zero value of a uint field: 0 (number) or 0n (uint64, a bigint in the model). */
function zeroOf(t: FieldType): number | bigint {
  const r = t.t === 'ref' ? resolve(t.ref) : t;
  return 'fields' in r || r.t !== 'uint' || r.bits === 32 ? 0 : 0n;
}

function arrayNoun(of: FieldType): string {
  const r = of.t === 'ref' ? resolve(of.ref) : of.t === 'object' ? of.def : of;
  if ('fields' in r) return r.plural ? ` of ${r.plural}` : '';
  return r.t === 'string' ? ' of strings' : '';
}

/** What decoding one kind of object needs, worked out once per table, field subset and dialects (not per object). */
interface Plan {
  readonly known: readonly string[];
  readonly hint: string;
  /** The fields in checking order (`drop`: those every object has first). */
  readonly order: readonly FieldDef[];
  readonly drop: boolean;
}
const plans = new WeakMap<readonly FieldDef[], WeakMap<readonly FieldDialect[], Plan>>();

function planFor(def: ObjectDef, fields: readonly FieldDef[], dialects: readonly FieldDialect[]): Plan {
  let byDialect = plans.get(fields);
  if (!byDialect) plans.set(fields, byDialect = new WeakMap());
  // Keyed by the dialects array itself: one decode passes the same array all the way down.
  const k = dialects;
  let p = byDialect.get(k);
  if (!p) {
    const known = knownKeys(def, dialects);
    const always = (f: FieldDef): boolean => f.required === true || f.zeroWhenAbsent === true;
    p = {
      known,
      hint: [def.unknownIn, def.listKnown ? `(known: ${known.join(', ')})` : ''].filter((x) => x !== '').join(' '),
      // `drop` objects (argument conditions) check the fields every one has first, then the optional ones.
      order: def.onError === 'drop' ? [...fields.filter(always), ...fields.filter((f) => !always(f))] : fields,
      drop: def.onError === 'drop',
    };
    byDialect.set(k, p);
  }
  return p;
}

/**
 * Decodes an object along its table: every field of `fields` (default: all) that the object has. `entries`: the
 * object's keys were already looked at (unknown and duplicate keys reported), decode these.
 */
export function decodeObject(d: Decoder, def: ObjectDef, node: TNode, path: string, dialects: readonly FieldDialect[],
  fields: readonly FieldDef[] = def.fields, entries?: Map<string, TEntry>): Record<string, unknown> | undefined {
  const plan = planFor(def, fields, dialects);
  const m = entries ?? d.object(node, path, plan.known, plan.hint);
  if (!m) return undefined;
  let failed = false;
  if (plan.drop) for (const f of fields) if (f.required && !m.has(f.key)) { reportMissing(d, def, f, node, path); failed = true; }
  // Values land in `got` and then in table order into the model (the checking order may differ: `drop`).
  const got: Record<string, unknown> = {};
  for (const f of plan.order) {
    const e = m.get(f.key);
    if (!e) {
      if (f.zeroWhenAbsent) got[f.key] = zeroOf(f.type);
      else if (f.required && def.onError === 'stop') { reportMissing(d, def, f, node, path); return undefined; }
      else if (f.required && def.onError === 'keep') reportMissing(d, def, f, node, path);
      continue;
    }
    if ((f.nullable && e.value.kind === 'null') || f.type.t === 'any') continue;
    const v = decodeValue(d, f.type, e.value, join(path, f.key), dialects);
    if (v !== undefined) got[f.key] = v;
    else if (f.required && def.onError === 'stop') return undefined;
    else failed = true;
  }
  if (failed && plan.drop) return undefined;
  if (!plan.drop) return got;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (Object.hasOwn(got, f.key)) out[f.key] = got[f.key];
  return out;
}
