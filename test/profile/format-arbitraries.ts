// fast-check generators of profile documents built from the format tables (src/profile/format.ts): for every field
// of every object, a value that is right, `null`, of the wrong type, out of range, or the key left out; plus
// unknown keys. Enum strings, non-empty names and the 0-5 argument index are always written right: the decoder
// keeps those verbatim and validate.ts judges them per runtime (format.ts, top), so they are not the decoder's.
import fc from 'fast-check';
import { OBJECTS, PROFILE_FIELDS, resolve, type FieldDef, type FieldType, type ObjectDef } from '../../src/profile/format.js';

/** A number written exactly as this text (e.g. `1.0`, `1e2`, `-0`, 2^64). */
export class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
export type Doc = null | boolean | string | number | bigint | Raw | Doc[] | { [k: string]: Doc };

/** JSON text of a document (bigints and Raw numbers written as they are). */
export function toJson(v: Doc): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

export interface GenOptions {
  /** How often a field is written wrong (null where not allowed, wrong type, out of range): 1 in `faultEvery`. */
  readonly faultEvery?: number;
  /** Also write numbers a JSON validator working on doubles cannot tell apart (`1.0`, `1e2`, `-0`, exactly 2^64). */
  readonly numberForms?: boolean;
}

const U32_MAX = 0xffffffff;
const U64_MAX = (1n << 64n) - 1n;
const WRONG: Doc[] = [true, 'x', 7, -1, 1.5, [], {}, ['a'], { a: 1 }];
/** Values of another JSON type than `t` (a string for a string field would be a wrong enum value: validate's). */
function wrongTypeFor(t: FieldType): fc.Arbitrary<Doc> {
  const r = t.t === 'ref' ? resolve(t.ref) : t;
  const kind = 'fields' in r || r.t === 'object' || r.t === 'map' ? 'object' : r.t === 'uint' ? 'number' : r.t;
  const jsonKind = (v: Doc): string => (Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'boolean' : typeof v === 'string' ? 'string' : typeof v === 'number' ? 'number' : 'object');
  return fc.constantFrom(...WRONG.filter((v) => jsonKind(v) !== kind));
}
const UNKNOWN = fc.constantFrom('flagz', 'Names', 'defaultaction', 'valueThree', 'x-comment');

/** Strings for fields with a pattern (minKernel, apiVersion, kind): each field takes those its pattern matches as right. */
const CHECKED = ['4.8', '5.10', '10.0', '00.0', '0.0', '4', 'x.y', '4.8.1', ' 4.8', '', 'SeccompProfile', 'Seccompprofile',
  'security-profiles-operator.x-k8s.io/v1', 'security-profiles-operator.x-k8s.io/v1beta1', 'x-k8s.io/v1', 'security-profiles-operator.x-k8s.io'];

const faultWeight = (o: GenOptions): number => Math.max(1, Math.round(80 / (o.faultEvery ?? 10)));

function uintGen(bits: 32 | 64, schemaMax: number | undefined, o: GenOptions): fc.Arbitrary<Doc> {
  const ok: fc.Arbitrary<Doc> = schemaMax !== undefined ? fc.integer({ min: 0, max: schemaMax })
    : bits === 32 ? fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(U32_MAX))
      : fc.oneof(fc.bigInt({ min: 0n, max: 255n }), fc.bigInt({ min: 0n, max: U64_MAX }), fc.constant(U64_MAX));
  // Above the range by more than a double's spacing there (4096 at 2^64), so a validator on doubles sees it too.
  const over: Doc = bits === 32 ? U32_MAX + 1 : U64_MAX + 4097n;
  const bad = fc.constantFrom<Doc>(-1, 1.5, over, '1');
  const forms = fc.constantFrom<Doc>(new Raw('1.0'), new Raw('1e2'), new Raw('-0'), ...(bits === 64 ? [new Raw((U64_MAX + 1n).toString())] : []));
  const w = faultWeight(o);
  return o.numberForms ? fc.oneof({ arbitrary: ok, weight: 80 }, { arbitrary: bad, weight: w }, { arbitrary: forms, weight: w }) : fc.oneof({ arbitrary: ok, weight: 80 }, { arbitrary: bad, weight: w });
}

/** Values of a type: mostly right, sometimes wrong in the ways the table says matter. */
export function valueOf(t: FieldType, o: GenOptions, depth: number): fc.Arbitrary<Doc> {
  const r = t.t === 'ref' ? resolve(t.ref) : t;
  if ('fields' in r) return objectOf(r, o, depth + 1);
  switch (r.t) {
    case 'string':
      if (r.enum) return fc.constantFrom(...r.enum);
      if (r.check) {
        const re = new RegExp(r.check.pattern, 'u');
        return fc.oneof({ arbitrary: fc.constantFrom(...CHECKED.filter((v) => re.test(v))), weight: 80 }, { arbitrary: fc.constantFrom(...CHECKED.filter((v) => !re.test(v))), weight: faultWeight(o) });
      }
      return r.minLength ? fc.string({ minLength: r.minLength, maxLength: 8 }) : fc.string({ maxLength: 8 });
    case 'boolean': return fc.boolean();
    case 'uint': return uintGen(r.bits, r.schemaMax, o);
    case 'array': return depth > 4 ? fc.constant([]) : fc.array(fc.oneof({ arbitrary: valueOf(r.of, o, depth + 1), weight: 80 }, { arbitrary: wrongTypeFor(r.of), weight: faultWeight(o) }), { minLength: r.minItems ?? 0, maxLength: 3 });
    case 'object': return objectOf(r.def, o, depth + 1);
    case 'map': return fc.dictionary(fc.string({ maxLength: 5 }), valueOf(r.of, o, depth + 1), { maxKeys: 2 });
    case 'any': return fc.constantFrom<Doc>(1, 'x', null, {});
    case 'ref': throw new Error('unreachable');
  }
}

/** One field: left out, right, null, or of the wrong type. */
function fieldOf(f: FieldDef, o: GenOptions, depth: number): fc.Arbitrary<Doc | undefined> {
  if (f.type.t === 'any') return fc.option(valueOf(f.type, o, depth), { nil: undefined });
  const w = faultWeight(o);
  const present = fc.oneof({ arbitrary: valueOf(f.type, o, depth), weight: 80 }, { arbitrary: fc.constant(null), weight: f.nullable ? 10 : w }, { arbitrary: wrongTypeFor(f.type), weight: w });
  return fc.oneof({ arbitrary: present, weight: f.required ? 80 : 50 }, { arbitrary: fc.constant(undefined), weight: f.required ? w : 30 });
}

/** An object of a table (`fields`: which of its fields to write), sometimes with an unknown key. */
export function objectOf(def: ObjectDef, o: GenOptions, depth: number, fields: readonly FieldDef[] = def.fields): fc.Arbitrary<Doc> {
  const rec: Record<string, fc.Arbitrary<Doc | undefined>> = {};
  for (const f of fields) rec[f.key] = fieldOf(f, o, depth);
  const unknown = fc.oneof({ arbitrary: fc.constant(null), weight: (o.faultEvery ?? 10) * 3 }, { arbitrary: UNKNOWN, weight: 1 });
  return fc.tuple(fc.record(rec), unknown).map(([r, unknown]) => {
    const out: Record<string, Doc> = {};
    for (const [k, v] of Object.entries(r)) if (v !== undefined) out[k] = v;
    if (unknown !== null) out[unknown] = 1;
    return out;
  });
}

const inDialect = (fields: readonly FieldDef[], d: 'oci' | 'docker' | 'spo'): FieldDef[] => fields.filter((f) => (f.dialects as readonly string[]).includes(d));
const ociOnly = (def: ObjectDef): ObjectDef => ({ ...def, fields: inDialect(def.fields, 'oci') });

/** A profile document in one of the three dialects. */
export function documentOf(dialect: 'oci' | 'docker' | 'spo', o: GenOptions = {}): fc.Arbitrary<Doc> {
  if (dialect === 'docker') {
    // A Docker rule names its syscalls with `names` or `name` (the schema's anyOf; a rule with neither is EMPTY_NAMES).
    return objectOf(OBJECTS.profile, o, 0, PROFILE_FIELDS.filter((f) => f.dialects.some((d) => d !== 'spo'))).chain((doc) => fixRules(doc, (r) => ('names' in r || 'name' in r ? r : { ...r, names: ['read'] })));
  }
  // OCI and SPO rules carry only OCI keys, `names` always (ociRule; a rule without is validate's EMPTY_NAMES).
  const rule: ObjectDef = ociOnly(OBJECTS.rule);
  const fields = inDialect(PROFILE_FIELDS, dialect === 'oci' ? 'oci' : 'spo').map((f) => f.key === 'syscalls' ? { ...f, type: { t: 'array', of: { t: 'object', def: rule } } as FieldType } : f);
  const body = fc.tuple(objectOf(OBJECTS.profile, o, 0, fields), fc.boolean()).chain(([doc, errno]) =>
    // The SPO spec sometimes carries defaultErrnoRet, which the CRD does not have (SPO_NO_DEFAULT_ERRNO).
    fixRules(dialect === 'spo' && errno && doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? { ...doc, defaultErrnoRet: 1 } : doc, (r) => ('names' in r ? r : { ...r, names: ['read'] })));
  if (dialect === 'oci') return body;
  // The resource around it: every envelope field right or wrong too; the spec is the body (rarely left out).
  const envelope = objectOf(OBJECTS.resource, o, 0, OBJECTS.resource.fields.filter((f) => f.key !== 'spec'));
  return fc.tuple(envelope, body, fc.integer({ min: 0, max: (o.faultEvery ?? 10) * 4 })).map(([env, spec, drop]) => (drop === 0 ? env : { ...(env as object), spec }));
}

function fixRules(doc: Doc, fix: (r: { [k: string]: Doc }) => Doc): fc.Arbitrary<Doc> {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || doc instanceof Raw || !Array.isArray(doc.syscalls)) return fc.constant(doc);
  return fc.constant({ ...doc, syscalls: doc.syscalls.map((r) => (r !== null && typeof r === 'object' && !Array.isArray(r) && !(r instanceof Raw) ? fix(r) : r)) });
}
