// The profile format, said once. Each object of the OCI / Docker / SPO formats is a table of fields (key, type,
// which dialects have it, whether it is required or may be null). From this table come:
//  - the decoder's key sets (decode.ts: which keys are known in which dialect; unknown keys warn),
//  - the JSON Schema shipped as schema/seccomp-profile.schema.json (`profileJsonSchema()`, written by
//    `npm run gen:schema`; test/profile/format.test.ts fails when the file and the table disagree),
//  - a compile-time check that the TypeScript model in types.ts has exactly these keys (`KeysMatch` below).
// The decoder's per-field rules (uint32/uint64 ranges, `null` meaning absent, last duplicate key wins) follow Go's
// encoding/json, which is what containerd, CRI-O and runc decode profiles with.
import { ACTIONS, FLAGS, OPERATORS, SPEC_ARCHES, type DockerArchMap, type DockerFilter, type DockerProfile, type DockerSyscallRule, type Profile, type SpoSpec, type SyscallArg, type SyscallRule } from './types.js';

/** Dialects a field exists in. `spo` is the SeccompProfile CR's `spec`. */
export type FieldDialect = 'oci' | 'docker' | 'spo';

/** A field's value type. `ref` names another definition of the schema. */
export type FieldType =
  | { readonly t: 'ref'; readonly ref: Definition }
  | { readonly t: 'string'; readonly minLength?: number; readonly pattern?: string; readonly enum?: readonly string[] }
  | { readonly t: 'boolean' }
  | { readonly t: 'argIndex' }
  | { readonly t: 'array'; readonly of: FieldType; readonly minItems?: number }
  /** An object written inline (no named definition). */
  | { readonly t: 'object'; readonly fields: readonly FieldDef[] };

/** One key of an object. */
export interface FieldDef {
  readonly key: string;
  readonly type: FieldType;
  readonly dialects: readonly FieldDialect[];
  readonly required?: boolean;
  /** `null` is accepted and means "absent" (what Go marshals for a nil slice). */
  readonly nullable?: boolean;
  readonly description?: string;
}

/** Named definitions of the schema (`#/definitions/<name>`). */
export type Definition = 'action' | 'operator' | 'flag' | 'arch' | 'uint32' | 'uint64' | 'syscallName' | 'arg' | 'filter' | 'rule' | 'ociRule' | 'profile';

const ALL = ['oci', 'docker', 'spo'] as const;
const OCI_DOCKER = ['oci', 'docker'] as const;
const DOCKER = ['docker'] as const;
const SPO = ['spo'] as const;
const ref = (r: Definition): FieldType => ({ t: 'ref', ref: r });
const arrayOf = (of: FieldType, minItems?: number): FieldType => ({ t: 'array', of, ...(minItems !== undefined ? { minItems } : {}) });

/** One argument condition (`syscalls[].args[]`). */
export const ARG_FIELDS = [
  { key: 'index', type: { t: 'argIndex' }, dialects: ALL, required: true },
  { key: 'value', type: ref('uint64'), dialects: ALL, required: true },
  { key: 'valueTwo', type: ref('uint64'), dialects: ALL },
  { key: 'op', type: ref('operator'), dialects: ALL, required: true },
] as const satisfies readonly FieldDef[];

/** Docker's `includes` / `excludes`. */
export const FILTER_FIELDS = [
  { key: 'caps', type: arrayOf({ t: 'string' }), dialects: DOCKER },
  { key: 'arches', type: arrayOf({ t: 'string' }), dialects: DOCKER },
  { key: 'minKernel', type: { t: 'string', pattern: '^[0-9]+\\.[0-9]+$' }, dialects: DOCKER },
] as const satisfies readonly FieldDef[];

/** Docker's `archMap[]` entry. */
export const ARCHMAP_FIELDS = [
  { key: 'architecture', type: ref('arch'), dialects: DOCKER, required: true },
  { key: 'subArchitectures', type: arrayOf(ref('arch')), dialects: DOCKER, nullable: true },
] as const satisfies readonly FieldDef[];

/** One syscall rule (`syscalls[]`). In OCI and SPO `names` is required; Docker also accepts the singular `name`. */
export const RULE_FIELDS = [
  { key: 'names', type: arrayOf(ref('syscallName'), 1), dialects: ALL },
  { key: 'name', type: { t: 'string', minLength: 1 }, dialects: DOCKER, description: 'Docker only (deprecated): containerd drops rules written with it. Use "names".' },
  { key: 'action', type: ref('action'), dialects: ALL, required: true },
  { key: 'errnoRet', type: ref('uint32'), dialects: ALL },
  { key: 'errno', type: { t: 'string' }, dialects: DOCKER, description: 'containers/common only' },
  { key: 'args', type: arrayOf(ref('arg')), dialects: ALL, nullable: true },
  { key: 'comment', type: { t: 'string' }, dialects: DOCKER },
  { key: 'includes', type: ref('filter'), dialects: DOCKER },
  { key: 'excludes', type: ref('filter'), dialects: DOCKER },
] as const satisfies readonly FieldDef[];

/** The profile object (an OCI `LinuxSeccomp`, a Docker profile, or an SPO CR's `spec`). */
export const PROFILE_FIELDS = [
  { key: 'defaultAction', type: ref('action'), dialects: ALL, required: true },
  { key: 'defaultErrnoRet', type: ref('uint32'), dialects: OCI_DOCKER },
  { key: 'defaultErrno', type: { t: 'string' }, dialects: DOCKER, description: 'containers/common only' },
  { key: 'architectures', type: arrayOf(ref('arch')), dialects: ALL, nullable: true },
  { key: 'archMap', type: arrayOf({ t: 'object', fields: ARCHMAP_FIELDS }), dialects: DOCKER, nullable: true, description: 'Docker only: containerd ignores it' },
  { key: 'flags', type: arrayOf(ref('flag')), dialects: ALL, nullable: true, description: 'write [] explicitly: a missing key turns on SECCOMP_FILTER_FLAG_SPEC_ALLOW' },
  { key: 'listenerPath', type: { t: 'string' }, dialects: ALL },
  { key: 'listenerMetadata', type: { t: 'string' }, dialects: ALL },
  { key: 'syscalls', type: arrayOf(ref('rule')), dialects: ALL, nullable: true },
  { key: 'baseProfileName', type: { t: 'string' }, dialects: SPO },
  { key: 'state', type: { t: 'string', enum: ['Enabled', 'Disabled'] }, dialects: SPO },
  { key: 'disabled', type: { t: 'boolean' }, dialects: SPO },
] as const satisfies readonly FieldDef[];

/** The keys of a table a dialect knows. */
export function keysIn(fields: readonly FieldDef[], dialect: FieldDialect): string[] {
  return fields.filter((f) => f.dialects.includes(dialect)).map((f) => f.key);
}

/** The keys only Docker knows (their presence makes a file Docker-dialect). */
export function dockerOnlyKeys(fields: readonly FieldDef[]): string[] {
  return fields.filter((f) => f.dialects.includes('docker') && !f.dialects.includes('oci')).map((f) => f.key);
}

// ---------------------------------------------------------------- compile-time tie to types.ts

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The keys of a table that a dialect has, as a union type. */
type KeysIn<T extends readonly FieldDef[], D extends FieldDialect> =
  T[number] extends infer F ? F extends { key: infer K; dialects: readonly (infer E)[] } ? (D extends E ? K : never) : never : never;
type AllKeys<T extends readonly FieldDef[]> = T[number]['key'];
const assertTrue = <T extends true>(): T | undefined => undefined;
// Each fails to compile when the TypeScript model in types.ts and the table list different keys.
assertTrue<Equal<keyof SyscallArg, AllKeys<typeof ARG_FIELDS>>>();
assertTrue<Equal<keyof DockerFilter, AllKeys<typeof FILTER_FIELDS>>>();
assertTrue<Equal<keyof DockerArchMap, AllKeys<typeof ARCHMAP_FIELDS>>>();
assertTrue<Equal<keyof DockerSyscallRule, KeysIn<typeof RULE_FIELDS, 'docker'>>>();
assertTrue<Equal<keyof SyscallRule, KeysIn<typeof RULE_FIELDS, 'oci'>>>();
assertTrue<Equal<keyof Profile, KeysIn<typeof PROFILE_FIELDS, 'oci'>>>();
assertTrue<Equal<keyof DockerProfile, KeysIn<typeof PROFILE_FIELDS, 'docker'>>>();
assertTrue<Equal<keyof SpoSpec, KeysIn<typeof PROFILE_FIELDS, 'spo'>>>();

// ---------------------------------------------------------------- JSON Schema

type Json = string | number | bigint | boolean | null | Json[] | { [k: string]: Json };

const U64_MAX = (1n << 64n) - 1n;

function typeSchema(t: FieldType): { [k: string]: Json } {
  switch (t.t) {
    case 'ref': return { $ref: `#/definitions/${t.ref}` };
    case 'string': return { type: 'string', ...(t.minLength !== undefined ? { minLength: t.minLength } : {}), ...(t.pattern ? { pattern: t.pattern } : {}), ...(t.enum ? { enum: [...t.enum] } : {}) };
    case 'boolean': return { type: 'boolean' };
    case 'argIndex': return { type: 'integer', minimum: 0, maximum: 5, description: 'argument number 0-5' };
    case 'array': return { type: 'array', ...(t.minItems !== undefined ? { minItems: t.minItems } : {}), items: typeSchema(t.of) };
    case 'object': return objectSchema(t.fields, 'any', requiredIn(t.fields));
  }
}

function fieldSchema(f: FieldDef): { [k: string]: Json } {
  const s = typeSchema(f.type);
  if (f.nullable) s.type = [s.type as string, 'null'];
  if (f.description) s.description = f.description;
  return s;
}

function objectSchema(fields: readonly FieldDef[], dialect: FieldDialect | 'any', required: readonly string[], extra: { [k: string]: Json } = {}): { [k: string]: Json } {
  const props: { [k: string]: Json } = {};
  for (const f of fields) if (dialect === 'any' || f.dialects.includes(dialect)) props[f.key] = fieldSchema(f);
  return { type: 'object', additionalProperties: false, ...extra, required: [...required], properties: props };
}

function requiredIn(fields: readonly FieldDef[]): string[] {
  return fields.filter((f) => f.required).map((f) => f.key);
}

/** The JSON Schema (draft-07) of every profile format, generated from the tables above. */
export function profileJsonSchema(): { [k: string]: Json } {
  const ociOrDocker = PROFILE_FIELDS.filter((f) => f.dialects.some((d) => d === 'oci' || d === 'docker'));
  const profile = objectSchema(ociOrDocker, 'any', requiredIn(PROFILE_FIELDS));
  // The SPO spec's rules are OCI rules (`names` required, no Docker keys).
  const spec = objectSchema(PROFILE_FIELDS.map((f): FieldDef => f.key === 'syscalls' ? { ...f, type: arrayOf(ref('ociRule')) } : f), 'spo', requiredIn(PROFILE_FIELDS));
  const { required: ruleRequired, properties: ruleProps } = objectSchema(RULE_FIELDS, 'any', requiredIn(RULE_FIELDS));
  const rule = { type: 'object', additionalProperties: false, required: ruleRequired!, anyOf: [{ required: ['names'] }, { required: ['name'] }], properties: ruleProps! };
  const filter = { type: 'object', additionalProperties: false, description: 'Docker/containers-common only: containerd ignores it', properties: objectSchema(FILTER_FIELDS, 'docker', []).properties! };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'seccomp profile (OCI runtime-spec LinuxSeccomp, Docker/containers-common format, or security-profiles-operator SeccompProfile)',
    description: 'Shape and enums only. `seccompctl validate` checks what each container runtime does with a profile (e.g. containerd drops Docker-only keys such as the singular "name").',
    anyOf: [{ $ref: '#/definitions/profile' }, { $ref: '#/definitions/seccompProfileResource' }],
    definitions: {
      action: { type: 'string', enum: [...ACTIONS] },
      operator: { type: 'string', enum: [...OPERATORS] },
      flag: { type: 'string', enum: [...FLAGS] },
      arch: { type: 'string', enum: [...SPEC_ARCHES] },
      uint32: { type: 'integer', minimum: 0, maximum: 0xffffffff },
      uint64: { type: 'integer', minimum: 0, maximum: U64_MAX, description: 'uint64; write it as a plain integer (JSON parsers that use doubles lose precision above 2^53, seccompctl does not)' },
      syscallName: { type: 'string', minLength: 1 },
      arg: objectSchema(ARG_FIELDS, 'any', requiredIn(ARG_FIELDS)),
      filter,
      rule,
      ociRule: objectSchema(RULE_FIELDS, 'oci', ['names', ...requiredIn(RULE_FIELDS)]),
      profile,
      seccompProfileResource: {
        type: 'object',
        required: ['apiVersion', 'kind', 'spec'],
        properties: {
          apiVersion: { type: 'string', pattern: '^security-profiles-operator\\.x-k8s\\.io/' },
          kind: { const: 'SeccompProfile' },
          metadata: { type: 'object' },
          status: { type: 'object' },
          spec,
        },
      },
    },
  };
}

/** The schema as the text of schema/seccomp-profile.schema.json (2-space JSON; uint64 bounds written exactly). */
export function profileJsonSchemaText(): string {
  return JSON.stringify(profileJsonSchema(), (_k, v: unknown) => typeof v === 'bigint' ? `\u0000bigint:${v}` : v, 2)
    .replace(/"\\u0000bigint:(\d+)"/g, '$1') + '\n';
}
