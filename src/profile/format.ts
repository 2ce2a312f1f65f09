// The profile format, said once. Each object of the OCI / Docker / SPO formats is a table of fields (key, type,
// which dialects have it, required / nullable / zero when absent), plus what the decoder says about it. From these
// tables come:
//  - the decoder (decode-object.ts walks them: known keys per dialect, type and range checks, required fields, the
//    diagnostics' messages and fixes),
//  - the JSON Schema shipped as schema/seccomp-profile.schema.json (format-schema.ts, written by
//    `npm run gen:schema`; test/profile/format.test.ts fails when the file and the tables disagree, and
//    test/profile/format-agreement.test.ts checks that ajv with it and the decoder accept the same documents),
//  - compile-time checks (at the end) that the TypeScript model in types.ts has exactly these keys, these required
//    keys, and for each key the value type its table type decodes to: a table edit that types.ts does not follow
//    (or the other way round) does not typecheck.
// What is deliberately NOT the decoder's job: enum strings (actions, operators, arches, flags, SPO state), non-empty
// names and the 0-5 argument index are kept verbatim in the model and judged per runtime by validate.ts (runc and
// crun disagree on some); the schema states them as enums / minLength / maximum.
import { ACTIONS, FLAGS, OPERATORS, SPEC_ARCHES, type Action, type DockerArchMap, type DockerFilter, type DockerProfile, type DockerSyscallRule, type Operator, type Profile, type SpoProfile, type SpoSpec, type SyscallArg, type SyscallRule } from './types.js';

/** Dialects a field exists in. `spo` is the SeccompProfile CR's `spec`. */
export type FieldDialect = 'oci' | 'docker' | 'spo';

/** A string value the decoder checks against `pattern` (the schema's `pattern` too); a mismatch is INVALID_VALUE. */
export interface StringCheck {
  readonly pattern: string;
  readonly message: (found: string) => string;
  readonly fix: string;
}

/** A field's value type. `ref` names another definition of the schema. */
export type FieldType =
  | { readonly t: 'ref'; readonly ref: Definition }
  /** `enum` and `minLength` are schema-only (see the top of this file); `check` the decoder enforces too. */
  | { readonly t: 'string'; readonly minLength?: number; readonly enum?: readonly string[]; readonly check?: StringCheck }
  | { readonly t: 'boolean' }
  /** An unsigned integer as Go's strconv.ParseUint reads it (decode-object.ts). `schemaMax` is schema-only. */
  | { readonly t: 'uint'; readonly bits: 32 | 64; readonly schemaMax?: number; readonly description?: string }
  | { readonly t: 'array'; readonly of: FieldType; readonly minItems?: number }
  /** An object written inline (no named definition). */
  | { readonly t: 'object'; readonly def: ObjectDef }
  /** An object with any keys, each value of type `of` (Kubernetes labels and annotations). */
  | { readonly t: 'map'; readonly of: FieldType }
  /** A known key whose value is neither checked nor kept (Kubernetes metadata seccompctl has no use for). */
  | { readonly t: 'any' };

/** One key of an object. */
export interface FieldDef {
  readonly key: string;
  readonly type: FieldType;
  readonly dialects: readonly FieldDialect[];
  /** Absent is MISSING_FIELD (`${noun} has no "key"`, with `missingFix`). */
  readonly required?: boolean;
  readonly missingFix?: string;
  /** The MISSING_FIELD message when not `${noun} has no "key"`. */
  readonly missingMessage?: string;
  /** Absent means 0, as Go's decoder leaves a missing number (the schema says `default: 0`). */
  readonly zeroWhenAbsent?: boolean;
  /** `null` is accepted and means "absent" (Go: a JSON null leaves the field at its zero value / a nil slice). */
  readonly nullable?: boolean;
  readonly description?: string;
}

/** An object of the format: its fields and how the decoder reports on it. */
export interface ObjectDef {
  readonly fields: readonly FieldDef[];
  /** What one such object is called: `${noun} has no "key"`. */
  readonly noun: string;
  /** Said after `unknown key "k"`: where (may be ''), then `(known: …)` when `listKnown`. */
  readonly unknownIn: string;
  readonly listKnown: boolean;
  /** A list of these that is not an array: `expected an array of ${plural}` (without: `expected an array`). */
  readonly plural?: string;
  /** The known keys depend on the file's dialect (profile, rule); otherwise every key of the table is known. */
  readonly byDialect?: boolean;
  /**
   * What a failed field does to the object:
   *  - `stop`: a required field missing or of the wrong type ends the object there (later fields are not looked at)
   *    and the object is dropped;
   *  - `drop`: missing required keys are reported first, then every field is checked (those each one has, required
   *    or zero when absent, before the optional ones), and the object is dropped if any failed;
   *  - `keep`: every field is checked in table order (a missing required one reported at its place), what failed is
   *    left out.
   */
  readonly onError: 'stop' | 'drop' | 'keep';
  /** A MISSING_FIELD points at the object's first character instead of the whole object (the profile: the file). */
  readonly missingAtStart?: boolean;
}

/** Named definitions of the schema (`#/definitions/<name>`). */
export type Definition = 'action' | 'operator' | 'flag' | 'arch' | 'uint32' | 'uint64' | 'syscallName' | 'arg' | 'filter' | 'rule' | 'ociRule' | 'profile' | 'spoSpec';

/** The API group of security-profiles-operator CRs. */
export const SPO_GROUP = 'security-profiles-operator.x-k8s.io';

const ALL = ['oci', 'docker', 'spo'] as const;
const OCI_DOCKER = ['oci', 'docker'] as const;
const DOCKER = ['docker'] as const;
const SPO = ['spo'] as const;
// Generic, so that the tables keep their literal types (the compile-time checks at the end read them).
const ref = <R extends Definition>(r: R): { readonly t: 'ref'; readonly ref: R } => ({ t: 'ref', ref: r });
const arrayOf = <O extends FieldType>(of: O, minItems?: number): { readonly t: 'array'; readonly of: O; readonly minItems?: number } => ({ t: 'array', of, ...(minItems !== undefined ? { minItems } : {}) });

/** The scalar definitions. Enum strings are kept verbatim by the decoder (validate.ts judges them). */
export const SCALARS = {
  action: { t: 'string', enum: ACTIONS },
  operator: { t: 'string', enum: OPERATORS },
  flag: { t: 'string', enum: FLAGS },
  arch: { t: 'string', enum: SPEC_ARCHES },
  uint32: { t: 'uint', bits: 32 },
  uint64: { t: 'uint', bits: 64, description: 'uint64; write it as a plain integer (JSON parsers that use doubles lose precision above 2^53, seccompctl does not)' },
  syscallName: { t: 'string', minLength: 1 },
} as const satisfies Record<string, FieldType>;

/** One argument condition (`syscalls[].args[]`). Go leaves a missing `index` / `value` at 0 (SPO omits `value: 0`). */
export const ARG_FIELDS = [
  { key: 'index', type: { t: 'uint', bits: 32, schemaMax: 5, description: 'argument number 0-5' }, dialects: ALL, zeroWhenAbsent: true },
  { key: 'value', type: ref('uint64'), dialects: ALL, zeroWhenAbsent: true },
  { key: 'valueTwo', type: ref('uint64'), dialects: ALL },
  { key: 'op', type: ref('operator'), dialects: ALL, required: true, missingFix: 'add "op"' },
] as const satisfies readonly FieldDef[];

const MIN_KERNEL: StringCheck = {
  // "0.0" is no kernel; the decoder and the schema refuse it alike.
  pattern: '^(?!0\\.0$)[0-9]+\\.[0-9]+$',
  message: (v) => `minKernel must be "MAJOR.MINOR" (not 0.0), found "${v}"`,
  fix: 'write e.g. "4.8"',
};

/** Docker's `includes` / `excludes`. */
export const FILTER_FIELDS = [
  { key: 'caps', type: arrayOf({ t: 'string' }), dialects: DOCKER, nullable: true },
  { key: 'arches', type: arrayOf({ t: 'string' }), dialects: DOCKER, nullable: true },
  { key: 'minKernel', type: { t: 'string', check: MIN_KERNEL }, dialects: DOCKER, nullable: true },
] as const satisfies readonly FieldDef[];

/** Docker's `archMap[]` entry. */
export const ARCHMAP_FIELDS = [
  { key: 'architecture', type: ref('arch'), dialects: DOCKER, required: true },
  { key: 'subArchitectures', type: arrayOf(ref('arch')), dialects: DOCKER, nullable: true },
] as const satisfies readonly FieldDef[];

/** One syscall rule (`syscalls[]`). In OCI and SPO `names` is required; Docker also accepts the singular `name`. */
export const RULE_FIELDS = [
  { key: 'names', type: arrayOf(ref('syscallName'), 1), dialects: ALL, nullable: true },
  { key: 'name', type: { t: 'string', minLength: 1 }, dialects: DOCKER, nullable: true, description: 'Docker only (deprecated): containerd drops rules written with it. Use "names".' },
  { key: 'action', type: ref('action'), dialects: ALL, required: true, missingFix: 'add e.g. "action": "SCMP_ACT_ALLOW"' },
  { key: 'errnoRet', type: ref('uint32'), dialects: ALL, nullable: true },
  { key: 'errno', type: { t: 'string' }, dialects: DOCKER, nullable: true, description: 'containers/common only' },
  { key: 'comment', type: { t: 'string' }, dialects: DOCKER, nullable: true },
  { key: 'args', type: arrayOf(ref('arg')), dialects: ALL, nullable: true },
  { key: 'includes', type: ref('filter'), dialects: DOCKER, nullable: true },
  { key: 'excludes', type: ref('filter'), dialects: DOCKER, nullable: true },
] as const satisfies readonly FieldDef[];

export const ARCHMAP: ObjectDef = { fields: ARCHMAP_FIELDS, noun: 'archMap entry', unknownIn: 'in an archMap entry', listKnown: false, onError: 'stop' };

/** The profile object (an OCI `LinuxSeccomp`, a Docker profile, or an SPO CR's `spec`). */
export const PROFILE_FIELDS = [
  { key: 'defaultAction', type: ref('action'), dialects: ALL, required: true, missingFix: 'add e.g. "defaultAction": "SCMP_ACT_ERRNO"' },
  { key: 'defaultErrnoRet', type: ref('uint32'), dialects: OCI_DOCKER, nullable: true },
  { key: 'defaultErrno', type: { t: 'string' }, dialects: DOCKER, nullable: true, description: 'containers/common only' },
  { key: 'architectures', type: arrayOf(ref('arch')), dialects: ALL, nullable: true },
  { key: 'flags', type: arrayOf(ref('flag')), dialects: ALL, nullable: true, description: 'write [] explicitly: a missing key turns on SECCOMP_FILTER_FLAG_SPEC_ALLOW' },
  { key: 'listenerPath', type: { t: 'string' }, dialects: ALL, nullable: true },
  { key: 'listenerMetadata', type: { t: 'string' }, dialects: ALL, nullable: true },
  { key: 'archMap', type: arrayOf({ t: 'object', def: ARCHMAP }), dialects: DOCKER, nullable: true, description: 'Docker only: containerd ignores it' },
  { key: 'syscalls', type: arrayOf(ref('rule')), dialects: ALL, nullable: true },
  { key: 'baseProfileName', type: { t: 'string' }, dialects: SPO, nullable: true },
  { key: 'state', type: { t: 'string', enum: ['Enabled', 'Disabled'] }, dialects: SPO, nullable: true },
  { key: 'disabled', type: { t: 'boolean' }, dialects: SPO, nullable: true },
] as const satisfies readonly FieldDef[];

/** A SeccompProfile's `metadata` (Kubernetes ObjectMeta): every key is known, four are kept. */
export const METADATA_FIELDS = [
  { key: 'name', type: { t: 'string' }, dialects: SPO },
  { key: 'namespace', type: { t: 'string' }, dialects: SPO },
  { key: 'labels', type: { t: 'map', of: { t: 'string' } }, dialects: SPO, nullable: true },
  { key: 'annotations', type: { t: 'map', of: { t: 'string' } }, dialects: SPO, nullable: true },
  ...['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'finalizers', 'ownerReferences', 'generateName',
    'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'].map((key) => ({ key, type: { t: 'any' } as const, dialects: SPO })),
] as const satisfies readonly FieldDef[];

const START = `add "apiVersion: ${SPO_GROUP}/v1"`;
/** The SeccompProfile resource around the spec (Kubernetes' envelope). */
export const RESOURCE_FIELDS = [
  {
    key: 'apiVersion', dialects: SPO, required: true, missingMessage: 'SeccompProfile has no apiVersion', missingFix: START,
    type: { t: 'string', check: { pattern: `^${SPO_GROUP.replace(/[.]/g, '\\.')}/`, message: (v) => `apiVersion "${v}" is not in group ${SPO_GROUP}`, fix: `use ${SPO_GROUP}/v1` } },
  },
  {
    key: 'kind', dialects: SPO, required: true, missingMessage: 'kind must be SeccompProfile', missingFix: 'set "kind: SeccompProfile"',
    type: { t: 'string', check: { pattern: '^SeccompProfile$', message: (v) => `kind must be SeccompProfile, found "${v}"`, fix: 'set "kind: SeccompProfile"' } },
  },
  { key: 'metadata', type: { t: 'object', def: { fields: METADATA_FIELDS, noun: 'metadata', unknownIn: 'in metadata (kept: name, namespace, labels, annotations)', listKnown: false, onError: 'keep' } }, dialects: SPO, nullable: true },
  { key: 'spec', type: ref('spoSpec'), dialects: SPO, required: true, missingMessage: 'SeccompProfile has no spec', missingFix: 'add a spec with defaultAction and syscalls' },
  { key: 'status', type: { t: 'any' }, dialects: SPO },
] as const satisfies readonly FieldDef[];

/** The object definitions, by schema name. */
export const OBJECTS = {
  arg: { fields: ARG_FIELDS, noun: 'argument condition', unknownIn: 'in an argument condition', listKnown: true, plural: 'argument conditions', onError: 'drop' },
  filter: { fields: FILTER_FIELDS, noun: 'includes/excludes', unknownIn: 'in includes/excludes', listKnown: true, onError: 'keep' },
  rule: { fields: RULE_FIELDS, noun: 'syscall rule', unknownIn: 'in a syscall rule', listKnown: true, plural: 'rules', byDialect: true, onError: 'stop' },
  profile: { fields: PROFILE_FIELDS, noun: 'the profile', unknownIn: '', listKnown: true, byDialect: true, onError: 'keep', missingAtStart: true },
  resource: { fields: RESOURCE_FIELDS, noun: 'SeccompProfile', unknownIn: 'in a SeccompProfile resource', listKnown: false, onError: 'keep', missingAtStart: true },
} as const satisfies Record<string, ObjectDef>;

/** What a `ref` stands for: a scalar type or an object. `ociRule` (the SPO spec's rules) decodes as a rule. */
export function resolve(r: Definition): FieldType | ObjectDef {
  if (r === 'ociRule') return OBJECTS.rule;
  if (r === 'spoSpec') return OBJECTS.profile;
  return r in SCALARS ? SCALARS[r as keyof typeof SCALARS] : OBJECTS[r as keyof typeof OBJECTS];
}

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
type KeptKeys<T extends readonly FieldDef[]> = T[number] extends infer F ? F extends { key: infer K; type: { t: infer X } } ? (X extends 'any' ? never : K) : never : never;
assertTrue<Equal<keyof SpoProfile['metadata'], KeptKeys<typeof METADATA_FIELDS>>>();
assertTrue<Equal<keyof SpoProfile, KeptKeys<typeof RESOURCE_FIELDS>>>();
// Required keys are required in the model (zeroWhenAbsent ones too: the decoder fills them in).
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];
type TableRequired<T extends readonly FieldDef[]> = T[number] extends infer F ? F extends { key: infer K; required: true } | { key: infer K; zeroWhenAbsent: true } ? K : never : never;
assertTrue<Equal<RequiredKeys<SyscallArg>, TableRequired<typeof ARG_FIELDS>>>();
assertTrue<Equal<RequiredKeys<DockerArchMap>, TableRequired<typeof ARCHMAP_FIELDS>>>();
assertTrue<Equal<RequiredKeys<DockerSyscallRule>, TableRequired<typeof RULE_FIELDS>>>();
assertTrue<Equal<RequiredKeys<DockerProfile>, TableRequired<typeof PROFILE_FIELDS>>>();
// Each field's value type in the model is the one its table type decodes to (objects: by their own table above).
type ScalarModel = { action: Action; operator: Operator; flag: string; arch: string; uint32: number; uint64: bigint; syscallName: string };
type ObjectModel = { arg: SyscallArg; filter: DockerFilter; rule: DockerSyscallRule | SyscallRule; ociRule: SyscallRule; profile: DockerProfile; spoSpec: SpoSpec };
type ValueModel<X> =
  X extends { t: 'ref'; ref: infer R } ? (R extends keyof ScalarModel ? ScalarModel[R] : R extends keyof ObjectModel ? ObjectModel[R] : never)
    : X extends { t: 'string' } ? string : X extends { t: 'boolean' } ? boolean
      : X extends { t: 'uint'; bits: 32 } ? number : X extends { t: 'uint'; bits: 64 } ? bigint
        : X extends { t: 'array'; of: infer O } ? ValueModel<O>[] : X extends { t: 'map'; of: infer O } ? Record<string, ValueModel<O>> : object;
/** Types holding an object: the model may be narrower than the table's type there (a rule is Docker's or OCI's). */
type Loose<X> = X extends { t: 'ref'; ref: infer R } ? (R extends keyof ScalarModel ? false : true)
  : X extends { t: 'object' } ? true : X extends { t: 'array' | 'map'; of: infer O } ? Loose<O> : false;
/** true when every field's model type is what its table type decodes to. */
type ValuesMatch<T extends readonly FieldDef[], M> = {
  [I in keyof T]: T[I] extends { key: infer K; type: infer X } ? K extends keyof M
    ? [Exclude<M[K], undefined>] extends [ValueModel<X>] ? (Loose<X> extends true ? true : [ValueModel<X>] extends [Exclude<M[K], undefined>] ? true : false) : false
    : true : true
}[number];
assertTrue<ValuesMatch<typeof ARG_FIELDS, SyscallArg>>();
assertTrue<ValuesMatch<typeof FILTER_FIELDS, DockerFilter>>();
assertTrue<ValuesMatch<typeof ARCHMAP_FIELDS, DockerArchMap>>();
assertTrue<ValuesMatch<typeof RULE_FIELDS, DockerSyscallRule>>();
assertTrue<ValuesMatch<typeof PROFILE_FIELDS, DockerProfile>>();
assertTrue<ValuesMatch<typeof PROFILE_FIELDS, SpoSpec>>();
assertTrue<ValuesMatch<typeof METADATA_FIELDS, SpoProfile['metadata']>>();
