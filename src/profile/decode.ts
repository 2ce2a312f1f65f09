// Tree → typed dialect models (OCI, Docker, SPO CR). Shape errors are diagnostics with JSON paths, never throws.
import type { Diagnostic, DiagnosticCode } from '../common/index.js';
import { ARCHMAP_FIELDS, ARG_FIELDS, dockerOnlyKeys, FILTER_FIELDS, keysIn, PROFILE_FIELDS, RULE_FIELDS } from './format.js';
import type { TNode, TEntry } from './tree.js';
import type { Action, DockerArchMap, DockerFilter, DockerProfile, DockerSyscallRule, Operator, SpoProfile, SpoSpec, SyscallArg, SyscallRule } from './types.js';

/** Input dialects. */
export type Dialect = 'oci' | 'docker' | 'spo';

/** The API group of security-profiles-operator CRs. */
export const SPO_GROUP = 'security-profiles-operator.x-k8s.io';

// Which keys each dialect knows comes from the format tables (format.ts), the one description of the format.
const OCI_KEYS = keysIn(PROFILE_FIELDS, 'oci');
const DOCKER_TOP_KEYS = dockerOnlyKeys(PROFILE_FIELDS);
const SPO_SPEC_EXTRA_KEYS = keysIn(PROFILE_FIELDS, 'spo').filter((k) => !OCI_KEYS.includes(k));
const OCI_RULE_KEYS = keysIn(RULE_FIELDS, 'oci');
const DOCKER_RULE_KEYS = dockerOnlyKeys(RULE_FIELDS);
const ARG_KEYS = keysIn(ARG_FIELDS, 'oci');
const FILTER_KEYS = keysIn(FILTER_FIELDS, 'docker');
const ARCHMAP_KEYS = keysIn(ARCHMAP_FIELDS, 'docker');

const U32_MAX = 0xffffffff;
const U64_MAX = (1n << 64n) - 1n;

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

/** Collects shape diagnostics while decoding. */
class Decoder {
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
  object(node: TNode, path: string, known: readonly string[], unknownHint: string): Map<string, TEntry> | undefined {
    if (node.kind !== 'object') {
      this.err('INVALID_TYPE', node, path, `expected an object, found ${describe(node)}`);
      return undefined;
    }
    const m = new Map<string, TEntry>();
    for (const e of node.entries) {
      if (m.has(e.key)) this.warn('DUPLICATE_KEY', e.keyRange, join(path, e.key), `key "${e.key}" appears twice; runtimes use the last one`, 'remove the duplicate key');
      else if (!known.includes(e.key)) this.warn('UNKNOWN_KEY', e.keyRange, join(path, e.key), `unknown key "${e.key}" ${unknownHint}`, 'remove it or fix its spelling');
      m.set(e.key, e);
    }
    return m;
  }
  string(node: TNode, path: string): string | undefined {
    if (node.kind === 'string') return node.value;
    this.err('INVALID_TYPE', node, path, `expected a string, found ${describe(node)}`);
    return undefined;
  }
  strings(node: TNode, path: string): string[] | undefined {
    if (node.kind !== 'array') {
      this.err('INVALID_TYPE', node, path, `expected an array of strings, found ${describe(node)}`);
      return undefined;
    }
    const out: string[] = [];
    node.items.forEach((it, i) => {
      const s = this.string(it, `${path}[${i}]`);
      if (s !== undefined) out.push(s);
    });
    return out;
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

function describe(n: TNode): string {
  switch (n.kind) {
    case 'object': return 'an object';
    case 'array': return 'an array';
    case 'string': return `the string ${JSON.stringify(n.value.length > 40 ? n.value.slice(0, 40) + '…' : n.value)}`;
    case 'number': return `the number ${n.text.length > 40 ? n.text.slice(0, 40) + '…' : n.text}`;
    case 'boolean': return String(n.value);
    case 'null': return 'null';
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function decodeArg(d: Decoder, node: TNode, path: string): SyscallArg | undefined {
  const m = d.object(node, path, ARG_KEYS, `in an argument condition (known: ${ARG_KEYS.join(', ')})`);
  if (!m) return undefined;
  let ok = true;
  const need = (k: string): TEntry | undefined => {
    const e = m.get(k);
    if (!e) {
      d.err('MISSING_FIELD', node, join(path, k), `argument condition has no "${k}"`, `add "${k}"`);
      ok = false;
    }
    return e;
  };
  // Go's encoding/json leaves a missing index/value at 0 (and SPO writes `value` with omitempty, so 0 is omitted).
  const ie = m.get('index');
  const ve = m.get('value');
  const oe = need('op');
  const index = ie ? d.u32(ie.value, join(path, 'index')) : 0;
  const value = ve ? d.u64(ve.value, join(path, 'value')) : 0n;
  const op = oe ? d.string(oe.value, join(path, 'op')) : undefined;
  const v2e = m.get('valueTwo');
  const valueTwo = v2e ? d.u64(v2e.value, join(path, 'valueTwo')) : undefined;
  if (!ok || index === undefined || value === undefined || op === undefined || (v2e && valueTwo === undefined)) return undefined;
  return { index, value, ...(valueTwo !== undefined ? { valueTwo } : {}), op: op as Operator };
}

function decodeFilter(d: Decoder, node: TNode, path: string): DockerFilter | undefined {
  const m = d.object(node, path, FILTER_KEYS, `in includes/excludes (known: ${FILTER_KEYS.join(', ')})`);
  if (!m) return undefined;
  const f: DockerFilter = {};
  const caps = m.get('caps');
  if (caps && caps.value.kind !== 'null') { const v = d.strings(caps.value, join(path, 'caps')); if (v) f.caps = v; }
  const arches = m.get('arches');
  if (arches && arches.value.kind !== 'null') { const v = d.strings(arches.value, join(path, 'arches')); if (v) f.arches = v; }
  const mk = m.get('minKernel');
  if (mk && mk.value.kind !== 'null') {
    const v = d.string(mk.value, join(path, 'minKernel'));
    if (v !== undefined) {
      if (!/^\d+\.\d+$/.test(v) || v === '0.0') d.err('INVALID_VALUE', mk.value, join(path, 'minKernel'), `minKernel must be "MAJOR.MINOR" (not 0.0), found "${v}"`, 'write e.g. "4.8"');
      else f.minKernel = v;
    }
  }
  return f;
}

function decodeRule(d: Decoder, node: TNode, path: string, docker: boolean): DockerSyscallRule | undefined {
  const known = docker ? [...OCI_RULE_KEYS, ...DOCKER_RULE_KEYS] : OCI_RULE_KEYS;
  const m = d.object(node, path, known, `in a syscall rule (known: ${known.join(', ')})`);
  if (!m) return undefined;
  const r: Partial<DockerSyscallRule> = {};
  const ne = m.get('names');
  if (ne && ne.value.kind !== 'null') { const v = d.strings(ne.value, join(path, 'names')); if (v) r.names = v; }
  const n1 = m.get('name');
  if (n1 && n1.value.kind !== 'null') { const v = d.string(n1.value, join(path, 'name')); if (v !== undefined) r.name = v; }
  const ae = m.get('action');
  if (!ae) {
    d.err('MISSING_FIELD', node, join(path, 'action'), 'syscall rule has no "action"', 'add e.g. "action": "SCMP_ACT_ALLOW"');
    return undefined;
  }
  const action = d.string(ae.value, join(path, 'action'));
  if (action === undefined) return undefined;
  r.action = action as Action;
  const ee = m.get('errnoRet');
  if (ee && ee.value.kind !== 'null') { const v = d.u32(ee.value, join(path, 'errnoRet')); if (v !== undefined) r.errnoRet = v; }
  const es = m.get('errno');
  if (es && es.value.kind !== 'null') { const v = d.string(es.value, join(path, 'errno')); if (v !== undefined) r.errno = v; }
  const ce = m.get('comment');
  if (ce && ce.value.kind !== 'null') { const v = d.string(ce.value, join(path, 'comment')); if (v !== undefined) r.comment = v; }
  const args = m.get('args');
  if (args && args.value.kind !== 'null') {
    if (args.value.kind !== 'array') d.err('INVALID_TYPE', args.value, join(path, 'args'), `expected an array of argument conditions, found ${describe(args.value)}`);
    else {
      const out: SyscallArg[] = [];
      args.value.items.forEach((it, i) => { const a = decodeArg(d, it, `${path}.args[${i}]`); if (a) out.push(a); });
      r.args = out;
    }
  }
  for (const k of ['includes', 'excludes'] as const) {
    const fe = m.get(k);
    if (fe && fe.value.kind !== 'null') { const f = decodeFilter(d, fe.value, join(path, k)); if (f) r[k] = f; }
  }
  return r as DockerSyscallRule;
}

function decodeArchMap(d: Decoder, node: TNode, path: string): DockerArchMap | undefined {
  const m = d.object(node, path, ARCHMAP_KEYS, 'in an archMap entry');
  if (!m) return undefined;
  const ae = m.get('architecture');
  if (!ae) {
    d.err('MISSING_FIELD', node, join(path, 'architecture'), 'archMap entry has no "architecture"');
    return undefined;
  }
  const architecture = d.string(ae.value, join(path, 'architecture'));
  if (architecture === undefined) return undefined;
  const se = m.get('subArchitectures');
  const sub = se && se.value.kind !== 'null' ? d.strings(se.value, join(path, 'subArchitectures')) : undefined;
  return { architecture, ...(sub ? { subArchitectures: sub } : {}) };
}

/** Decodes a Docker-or-OCI profile object; `docker` allows the Docker-only keys. */
export function decodeDocker(d: Decoder, node: TNode, path: string, docker: boolean, extraKeys: readonly string[] = []): DockerProfile | undefined {
  const known = [...OCI_KEYS, ...(docker ? DOCKER_TOP_KEYS : []), ...extraKeys];
  const m = d.object(node, path, known, `(known: ${known.join(', ')})`);
  if (!m) return undefined;
  const p: Partial<DockerProfile> = {};
  const da = m.get('defaultAction');
  if (!da) d.err('MISSING_FIELD', node, join(path, 'defaultAction'), 'the profile has no "defaultAction"', 'add e.g. "defaultAction": "SCMP_ACT_ERRNO"', node.kind === 'object' ? [node.range[0], node.range[0] + 1] : undefined);
  else { const v = d.string(da.value, join(path, 'defaultAction')); if (v !== undefined) p.defaultAction = v as Action; }
  const de = m.get('defaultErrnoRet');
  if (de && de.value.kind !== 'null') { const v = d.u32(de.value, join(path, 'defaultErrnoRet')); if (v !== undefined) p.defaultErrnoRet = v; }
  const ds = m.get('defaultErrno');
  if (ds && ds.value.kind !== 'null') { const v = d.string(ds.value, join(path, 'defaultErrno')); if (v !== undefined) p.defaultErrno = v; }
  for (const k of ['architectures', 'flags'] as const) {
    const e = m.get(k);
    // `null` is what Go marshals for a nil slice; it means "absent" (and for flags: SPEC_ALLOW).
    if (e && e.value.kind !== 'null') { const v = d.strings(e.value, join(path, k)); if (v) p[k] = v; }
  }
  for (const k of ['listenerPath', 'listenerMetadata'] as const) {
    const e = m.get(k);
    if (e && e.value.kind !== 'null') { const v = d.string(e.value, join(path, k)); if (v !== undefined) p[k] = v; }
  }
  const am = m.get('archMap');
  if (am && am.value.kind !== 'null') {
    if (am.value.kind !== 'array') d.err('INVALID_TYPE', am.value, join(path, 'archMap'), `expected an array, found ${describe(am.value)}`);
    else {
      const out: DockerArchMap[] = [];
      am.value.items.forEach((it, i) => { const a = decodeArchMap(d, it, `${join(path, 'archMap')}[${i}]`); if (a) out.push(a); });
      p.archMap = out;
    }
  }
  const sc = m.get('syscalls');
  if (sc && sc.value.kind !== 'null') {
    if (sc.value.kind !== 'array') d.err('INVALID_TYPE', sc.value, join(path, 'syscalls'), `expected an array of rules, found ${describe(sc.value)}`);
    else {
      const out: DockerSyscallRule[] = [];
      sc.value.items.forEach((it, i) => { const r = decodeRule(d, it, `${join(path, 'syscalls')}[${i}]`, docker); if (r) out.push(r); });
      p.syscalls = out;
    }
  }
  return p as DockerProfile;
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
  const spec = decodeDocker(d, se.value, 'spec', false, SPO_SPEC_EXTRA_KEYS);
  if (!spec || apiVersion === undefined || kind !== 'SeccompProfile') return undefined;
  const sm = se.value.kind === 'object' ? se.value : undefined;
  const out: SpoSpec = { defaultAction: spec.defaultAction };
  if (spec.architectures) out.architectures = spec.architectures;
  if (spec.flags) out.flags = spec.flags;
  if (spec.listenerPath !== undefined) out.listenerPath = spec.listenerPath;
  if (spec.listenerMetadata !== undefined) out.listenerMetadata = spec.listenerMetadata;
  if (spec.syscalls) out.syscalls = spec.syscalls.map((r) => ({ names: r.names ?? [], action: r.action, ...(r.errnoRet !== undefined ? { errnoRet: r.errnoRet } : {}), ...(r.args ? { args: r.args } : {}) }));
  if (sm) {
    const b = lastEntry(sm, 'baseProfileName');
    if (b && b.value.kind !== 'null') { const v = d.string(b.value, 'spec.baseProfileName'); if (v !== undefined) out.baseProfileName = v; }
    const st = lastEntry(sm, 'state');
    if (st && st.value.kind !== 'null') { const v = d.string(st.value, 'spec.state'); if (v !== undefined) out.state = v; }
    const di = lastEntry(sm, 'disabled');
    if (di && di.value.kind !== 'null') { const v = d.boolean(di.value, 'spec.disabled'); if (v !== undefined) out.disabled = v; }
  }
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
  const p = decodeDocker(d, root, '', dialect === 'docker');
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
