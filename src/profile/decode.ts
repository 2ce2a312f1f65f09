// Tree → typed dialect models (OCI, Docker, SPO CR). Shape errors are diagnostics with JSON paths, never throws.
// The profile object and everything in it is decoded along the format tables (format.ts, by decode-object.ts); what
// is written here is the dialect detection and the SPO CR's Kubernetes envelope (apiVersion, kind, metadata).
import type { Diagnostic } from '../common/index.js';
import { Decoder, decodeObject, entriesOf, knownKeys, reportMissing } from './decode-object.js';
import { dockerOnlyKeys, OBJECTS, PROFILE_FIELDS, RESOURCE_FIELDS, RULE_FIELDS, SPO_GROUP, type FieldDialect } from './format.js';
import type { TNode, TEntry } from './tree.js';
import type { Action, DockerProfile, SpoProfile, SpoSpec, SyscallRule } from './types.js';

/** Input dialects. */
export type Dialect = 'oci' | 'docker' | 'spo';

export { SPO_GROUP };

// Which keys make a file Docker comes from the format tables (format.ts), the one description of the format.
const DOCKER_TOP_KEYS = dockerOnlyKeys(PROFILE_FIELDS);
const DOCKER_RULE_KEYS = dockerOnlyKeys(RULE_FIELDS);
/** The profile object's fields decoded with it: OCI and Docker ones whatever the dialect (a Docker-only key in an
 * OCI file warns as unknown and is still type-checked); the SPO spec's own fields are decoded by decodeSpo. */
const PROFILE_BODY = PROFILE_FIELDS.filter((f) => f.dialects.some((x) => x !== 'spo'));
const SPO_ONLY = PROFILE_FIELDS.filter((f) => !f.dialects.some((x) => x !== 'spo'));

/** Which dialect a tree is written in: SPO by apiVersion/kind, Docker by any Docker-only key, else OCI. */
export function detectDialect(root: TNode): Dialect {
  if (root.kind !== 'object') return 'oci';
  const get = (k: string): TNode | undefined => lastEntry(root, k)?.value;
  const api = get('apiVersion');
  const kind = get('kind');
  if ((api?.kind === 'string' && api.value.startsWith(SPO_GROUP + '/')) || (kind?.kind === 'string' && kind.value === 'SeccompProfile') || get('spec')) return 'spo';
  if (root.entries.some((e) => DOCKER_TOP_KEYS.includes(e.key))) return 'docker';
  const sc = get('syscalls');
  if (sc?.kind === 'array' && sc.items.some((r) => r.kind === 'object' && r.entries.some((e) => DOCKER_RULE_KEYS.includes(e.key)))) return 'docker';
  return 'oci';
}

function lastEntry(o: Extract<TNode, { kind: 'object' }>, key: string): TEntry | undefined {
  for (let i = o.entries.length - 1; i >= 0; i--) if (o.entries[i]!.key === key) return o.entries[i];
  return undefined;
}

/** Decodes a Docker-or-OCI profile object; `docker` allows the Docker-only keys, `spo` the SPO spec's own. */
function decodeProfile(d: Decoder, node: TNode, path: string, dialects: readonly FieldDialect[]): DockerProfile | undefined {
  return decodeObject(d, OBJECTS.profile, node, path, dialects, PROFILE_BODY) as DockerProfile | undefined;
}

const RESOURCE_HEAD = RESOURCE_FIELDS.filter((f) => f.key === 'apiVersion' || f.key === 'kind');
const RESOURCE_META = RESOURCE_FIELDS.filter((f) => f.key === 'metadata');
const SPEC_FIELD = RESOURCE_FIELDS.find((f) => f.key === 'spec')!;

function decodeSpo(d: Decoder, node: TNode): { cr: SpoProfile; spec: DockerProfile } | undefined {
  const R = OBJECTS.resource;
  const m = d.object(node, '', knownKeys(R, ['spo']), R.unknownIn);
  if (!m) return undefined;
  const head = decodeObject(d, R, node, '', ['spo'], RESOURCE_HEAD, m) as { kind?: string };
  // Not a table rule: a kind that is not even a string is also told what it must be (the message predates the tables).
  const ke = m.get('kind');
  if (ke && ke.value.kind !== 'string') d.err('INVALID_VALUE', ke.value, 'kind', 'kind must be SeccompProfile', 'set "kind: SeccompProfile"');
  const metadata = ((decodeObject(d, R, node, '', ['spo'], RESOURCE_META, m) as { metadata?: SpoProfile['metadata'] }).metadata ?? {});
  const se = m.get('spec');
  if (!se) {
    reportMissing(d, R, SPEC_FIELD, node, '');
    return undefined;
  }
  const spec = decodeProfile(d, se.value, 'spec', ['oci', 'spo']);
  // A wrong group is reported and the spec still looked at; a kind other than SeccompProfile stops here.
  const api = m.get('apiVersion')?.value;
  if (!spec || api?.kind !== 'string' || head.kind !== 'SeccompProfile') return undefined;
  const sm = se.value.kind === 'object' ? se.value : undefined;
  const out: SpoSpec = { defaultAction: spec.defaultAction };
  if (spec.architectures) out.architectures = spec.architectures;
  if (spec.flags) out.flags = spec.flags;
  if (spec.listenerPath !== undefined) out.listenerPath = spec.listenerPath;
  if (spec.listenerMetadata !== undefined) out.listenerMetadata = spec.listenerMetadata;
  if (spec.syscalls) out.syscalls = spec.syscalls.map((r) => ({ names: r.names ?? [], action: r.action, ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}), ...(r.args ? { args: r.args } : {}) }));
  // The spec's own fields, checked only once the envelope is right.
  if (sm) Object.assign(out, decodeObject(d, OBJECTS.profile, sm, 'spec', ['oci', 'spo'], SPO_ONLY, entriesOf(sm)));
  // SPO's CRD has no defaultErrnoRet: the API server prunes it, so the errno silently becomes EPERM.
  if (spec.defaultErrnoRet !== undefined) {
    const e = sm ? lastEntry(sm, 'defaultErrnoRet') : undefined;
    d.warn('SPO_NO_DEFAULT_ERRNO', e?.keyRange ?? [0, 0], 'spec.defaultErrnoRet', 'the SeccompProfile CRD has no defaultErrnoRet; the API server prunes it and the default errno becomes EPERM',
      'remove defaultErrnoRet, or deploy the profile as a plain OCI file instead of an SPO resource');
  }
  return { cr: { apiVersion: api.value, kind: 'SeccompProfile', metadata, spec: out }, spec };
}

/** Decodes a tree in a dialect. Returns the model (undefined on shape errors) and the diagnostics. */
export function decodeTree(root: TNode, dialect: Dialect, file: string): {
  docker?: DockerProfile; spo?: SpoProfile; diagnostics: Diagnostic[];
} {
  const d = new Decoder(file);
  if (dialect === 'spo') {
    const r = decodeSpo(d, root);
    return { ...(r ? { spo: r.cr, docker: r.spec } : {}), diagnostics: d.diagnostics };
  }
  const p = decodeProfile(d, root, '', dialect === 'docker' ? ['oci', 'docker'] : ['oci']);
  return { ...(p ? { docker: p } : {}), diagnostics: d.diagnostics };
}

/** True when an OCI-shaped rule list is what it is: every rule has `names` and no Docker-only key. */
export function isPlainOci(p: DockerProfile): boolean {
  return p.archMap === undefined && p.defaultErrno === undefined &&
    (p.syscalls ?? []).every((r) => r.names !== undefined && r.name === undefined && r.comment === undefined &&
      r.includes === undefined && r.excludes === undefined && r.errno === undefined);
}

/** The profile as an OCI struct reader (containerd, runc's config.json) sees it: Docker-only keys dropped. */
export function asOciView(p: DockerProfile): { defaultAction: Action } & Omit<DockerProfile, 'archMap' | 'defaultErrno' | 'syscalls'> & { syscalls?: SyscallRule[] } {
  const { archMap: _a, defaultErrno: _e, syscalls, ...rest } = p;
  const out: ReturnType<typeof asOciView> = { ...rest };
  if (syscalls) out.syscalls = syscalls.map((r) => ({ names: r.names ?? [], action: r.action, ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}), ...(r.args ? { args: r.args } : {}) }));
  return out;
}
