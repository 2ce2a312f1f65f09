// The JSON Schema (draft-07) of every profile format, generated from the tables in format.ts and shipped as
// schema/seccomp-profile.schema.json (`npm run gen:schema`). Nothing of the format is written here, only how a
// table becomes a schema (and the Docker rule's "names or name", which is validate's EMPTY_NAMES for the decoder).
import { ARG_FIELDS, FILTER_FIELDS, PROFILE_FIELDS, RESOURCE_FIELDS, RULE_FIELDS, SCALARS, type FieldDef, type FieldDialect, type FieldType } from './format.js';

type Json = string | number | bigint | boolean | null | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

const U64_MAX = (1n << 64n) - 1n;

function typeSchema(t: FieldType): Obj {
  switch (t.t) {
    case 'ref': return { $ref: `#/definitions/${t.ref}` };
    case 'string': return {
      type: 'string', ...(t.minLength !== undefined ? { minLength: t.minLength } : {}),
      ...(t.check ? { pattern: t.check.pattern } : {}), ...(t.enum ? { enum: [...t.enum] } : {}),
    };
    case 'boolean': return { type: 'boolean' };
    case 'uint': return {
      type: 'integer', minimum: 0, maximum: t.schemaMax ?? (t.bits === 32 ? 0xffffffff : U64_MAX),
      ...(t.description ? { description: t.description } : {}),
    };
    case 'array': return { type: 'array', ...(t.minItems !== undefined ? { minItems: t.minItems } : {}), items: typeSchema(t.of) };
    case 'object': return objectSchema(t.def.fields, 'any', requiredIn(t.def.fields));
    case 'map': return { type: 'object', additionalProperties: typeSchema(t.of) };
    case 'any': return {};
  }
}

function fieldSchema(f: FieldDef): Obj {
  let s = typeSchema(f.type);
  if (f.nullable) s = typeof s.type === 'string' && !s.enum ? { ...s, type: [s.type, 'null'] } : { anyOf: [s, { type: 'null' }] };
  if (f.zeroWhenAbsent) s.default = 0;
  if (f.description) s.description = f.description;
  return s;
}

function objectSchema(fields: readonly FieldDef[], dialect: FieldDialect | 'any', required: readonly string[], extra: Obj = {}): Obj {
  const props: Obj = {};
  for (const f of fields) if (dialect === 'any' || f.dialects.includes(dialect)) props[f.key] = fieldSchema(f);
  return { type: 'object', additionalProperties: false, ...extra, required: [...required], properties: props };
}

function requiredIn(fields: readonly FieldDef[]): string[] {
  return fields.filter((f) => f.required).map((f) => f.key);
}

/** The JSON Schema (draft-07) of every profile format, generated from the tables in format.ts. */
export function profileJsonSchema(): Obj {
  const ociOrDocker = PROFILE_FIELDS.filter((f) => f.dialects.some((d) => d === 'oci' || d === 'docker'));
  const profile = objectSchema(ociOrDocker, 'any', requiredIn(PROFILE_FIELDS));
  // The SPO spec's rules are OCI rules (`names` required, no Docker keys).
  const spec = objectSchema(PROFILE_FIELDS.map((f): FieldDef => f.key === 'syscalls' ? { ...f, type: { t: 'array', of: { t: 'ref', ref: 'ociRule' } } } : f), 'spo', requiredIn(PROFILE_FIELDS));
  const { required: ruleRequired, properties: ruleProps } = objectSchema(RULE_FIELDS, 'any', requiredIn(RULE_FIELDS));
  const rule = { type: 'object', additionalProperties: false, required: ruleRequired!, anyOf: [{ required: ['names'] }, { required: ['name'] }], properties: ruleProps! };
  const filter = { type: 'object', additionalProperties: false, description: 'Docker/containers-common only: containerd ignores it', properties: objectSchema(FILTER_FIELDS, 'docker', []).properties! };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'seccomp profile (OCI runtime-spec LinuxSeccomp, Docker/containers-common format, or security-profiles-operator SeccompProfile)',
    description: 'Shape and enums only. `seccompctl validate` checks what each container runtime does with a profile (e.g. containerd drops Docker-only keys such as the singular "name").',
    anyOf: [{ $ref: '#/definitions/profile' }, { $ref: '#/definitions/seccompProfileResource' }],
    definitions: {
      ...Object.fromEntries(Object.entries(SCALARS).map(([k, t]) => [k, typeSchema(t)])),
      arg: objectSchema(ARG_FIELDS, 'any', requiredIn(ARG_FIELDS)),
      filter,
      rule,
      ociRule: objectSchema(RULE_FIELDS, 'oci', ['names', ...requiredIn(RULE_FIELDS)]),
      profile,
      spoSpec: spec,
      seccompProfileResource: objectSchema(RESOURCE_FIELDS, 'any', requiredIn(RESOURCE_FIELDS)),
    },
  };
}

/** The schema as the text of schema/seccomp-profile.schema.json (2-space JSON; uint64 bounds written exactly). */
export function profileJsonSchemaText(): string {
  return JSON.stringify(profileJsonSchema(), (_k, v: unknown) => typeof v === 'bigint' ? `\u0000bigint:${v}` : v, 2)
    .replace(/"\\u0000bigint:(\d+)"/g, '$1') + '\n';
}
