// Tree → typed dialect models (OCI, Docker, SPO CR). Shape errors are diagnostics with JSON paths, never throws.
// The profile object and everything in it is decoded along the format tables (format.ts, by decode-object.ts); what
// is written here is the dialect detection and the SPO CR's Kubernetes envelope (apiVersion, kind, metadata).
import type { Diagnostic } from '../common/index.js';
import { Decoder, decodeObject, entriesOf } from './decode-object.js';
import { dockerOnlyKeys, OBJECTS, PROFILE_FIELDS, RULE_FIELDS, type FieldDialect } from './format.js';
import type { TNode, TEntry } from './tree.js';
import type { Action, DockerProfile, SpoProfile, SpoSpec, SyscallRule } from './types.js';

/** Input dialects. */
export type Dialect = 'oci' | 'docker' | 'spo';

/** The API group of security-profiles-operator CRs. */
export const SPO_GROUP = 'security-profiles-operator.x-k8s.io';

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

function decodeSpo(d: Decoder, node: TNode): { cr: SpoProfile; spec: DockerProfile } | undefined {
  const m = d.object(node, '', ['apiVersion', 'kind', 'metadata', 'spec', 'status'], 'in a SeccompProfile resource');
  if (!m) return undefined;
  const api = m.get('apiVersion');
  const apiVersion = api ? d.string(api.value, 'apiVersion') : undefined;
  if (!api) d.err('MISSING_FIELD', node, 'apiVersion', 'SeccompProfile has no apiVersion', `add "apiVersion: ${SPO_GROUP}/v1"`, [node.range[0], node.range[0] + 1]);
  else if (apiVersion !== undefined && !apiVersion.startsWith(SPO_GROUP + '/')) d.err('INVALID_VALUE', api.value, 'apiVersion', `apiVersion "${apiVersion}" is not in group ${SPO_GROUP}`, `use ${SPO_GROUP}/v1`);
  const ke = m.get('kind');
  const kind = ke ? d.string(ke.value, 'kind') : undefined;
  if (kind !== 'SeccompProfile') d.err(ke ? 'INVALID_VALUE' : 'MISSING_FIELD', ke?.value ?? node, 'kind', `kind must be SeccompProfile${kind !== undefined ? `, found "${kind}"` : ''}`, 'set "kind: SeccompProfile"', ke ? undefined : [node.range[0], node.range[0] + 1]);
  const metadata: SpoProfile['metadata'] = {};
  const me = m.get('metadata');
  if (me && me.value.kind !== 'null') {
    const mm = d.object(me.value, 'metadata', ['name', 'namespace', 'labels', 'annotations', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'finalizers', 'ownerReferences', 'generateName', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink'], 'in metadata (kept: name, namespace, labels, annotations)');
    if (mm) {
      for (const k of ['name', 'namespace'] as const) {
        const e = mm.get(k);
        if (e) { const v = d.string(e.value, `metadata.${k}`); if (v !== undefined) metadata[k] = v; }
      }
      for (const k of ['labels', 'annotations'] as const) {
        const e = mm.get(k);
        if (!e || e.value.kind === 'null') continue;
        const om = d.object(e.value, `metadata.${k}`, [], '');
        if (!om) continue;
        const rec: Record<string, string> = {};
        for (const [key, ent] of om) {
          const v = d.string(ent.value, `metadata.${k}.${key}`);
          // defineProperty: a key such as "__proto__" must stay an ordinary key.
          if (v !== undefined) Object.defineProperty(rec, key, { value: v, enumerable: true, writable: true, configurable: true });
        }
        metadata[k] = rec;
      }
    }
  }
  // unknown-key warnings for labels/annotations keys are noise: drop them.
  for (let i = d.diagnostics.length - 1; i >= 0; i--) {
    const x = d.diagnostics[i]!;
    if (x.code === 'UNKNOWN_KEY' && /^metadata\.(labels|annotations)\./.test(x.path ?? '')) d.diagnostics.splice(i, 1);
  }
  const se = m.get('spec');
  if (!se) {
    d.err('MISSING_FIELD', node, 'spec', 'SeccompProfile has no spec', 'add a spec with defaultAction and syscalls', [node.range[0], node.range[0] + 1]);
    return undefined;
  }
  const spec = decodeProfile(d, se.value, 'spec', ['oci', 'spo']);
  if (!spec || apiVersion === undefined || kind !== 'SeccompProfile') return undefined;
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
  return { cr: { apiVersion: apiVersion, kind: 'SeccompProfile', metadata, spec: out }, spec };
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
