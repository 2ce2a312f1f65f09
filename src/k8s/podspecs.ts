// Finds every pod spec in parsed manifests (all workload kinds, PodTemplate, List) and reads its seccomp settings.
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { CONTAINER_ANNOTATION_PREFIX, POD_ANNOTATION, SECCOMP_TYPES, settingFromAnnotation, type SeccompSetting, type SeccompType } from './seccomp.js';

/** kind → path of the pod template (its `spec` and `metadata` sit under it; `[]` means the object itself). */
export const POD_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: [],
  Deployment: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
  PodTemplate: ['template'],
};

/** Which object a finding or edit is about. */
export interface ObjectRef {
  readonly kind: string;
  readonly name?: string;
  readonly namespace?: string;
}

/** `Deployment/ns/name` style label. */
export function objectLabel(o: ObjectRef): string {
  return [o.kind, o.namespace, o.name ?? '(unnamed)'].filter((x) => x !== undefined).join('/');
}

/** The three container lists of a pod spec. */
export type ContainerList = 'initContainers' | 'containers' | 'ephemeralContainers';
export const CONTAINER_LISTS: readonly ContainerList[] = ['initContainers', 'containers', 'ephemeralContainers'];

/** A securityContext.seccompProfile as written, with where it is. */
export interface FieldRead {
  /** The parsed setting, when it is well-formed. */
  readonly setting?: SeccompSetting;
  /** Why it is malformed (type missing or unknown, localhostProfile where it must not be, …). */
  readonly problem?: string;
  /** The seccompProfile node (map), when present. */
  readonly node?: Node;
}

/** One container of a pod spec. */
export interface ContainerSite {
  readonly list: ContainerList;
  readonly index: number;
  readonly name: string;
  readonly node: YAMLMap;
  readonly securityContext?: Node | null;
  readonly field: FieldRead;
  readonly privileged: boolean;
}

/** One deprecated seccomp annotation. */
export interface AnnotationSite {
  readonly key: string;
  readonly value: string;
  /** `pod` or the container name. */
  readonly target: { readonly pod: true } | { readonly container: string };
  readonly setting?: SeccompSetting;
  readonly pair: Pair;
}

/** One pod spec found in a manifest. */
export interface PodSpecSite {
  readonly object: ObjectRef;
  /** Where the pod spec sits inside the object, e.g. `spec.template.spec` (prefixed `items[3].` inside a List). */
  readonly path: string;
  readonly docIndex: number;
  readonly podSpec: YAMLMap;
  /** The map holding `spec` and `metadata` (the object itself for a Pod, else the template). */
  readonly holder: YAMLMap;
  /** The metadata map holding the pod's annotations (pod metadata or the template's). */
  readonly metadata?: YAMLMap;
  readonly annotations?: YAMLMap;
  readonly annotationSites: readonly AnnotationSite[];
  readonly securityContext?: Node | null;
  readonly field: FieldRead;
  readonly containers: readonly ContainerSite[];
  /** `spec.os.name: windows`, or a Windows hostProcess pod (a Windows-only field, recognised without spec.os.name). */
  readonly windows: boolean;
  /** `windowsOptions.hostProcess: true` on the pod or any container. */
  readonly hostProcess: boolean;
  /** The document the spec was found in (for reading other fields through aliases). */
  readonly doc: Document;
  /** Set when a merge key (`<<`) or alias makes the spec's layout ambiguous to edit. */
  readonly mergeKeys: boolean;
}

/** A map child by key, following aliases. `null` when the key is present with an empty value. */
export function getChild(doc: Document, map: YAMLMap, key: string): Node | null | undefined {
  const pair = findPair(map, key);
  if (!pair) return undefined;
  return deref(doc, pair.value as Node | null);
}

/** The pair with this key, if any. */
export function findPair(map: YAMLMap, key: string): Pair | undefined {
  for (const p of map.items) {
    const k = p.key as unknown;
    if (isScalar(k) ? String(k.value) === key : k === key) return p as Pair;
  }
  return undefined;
}

/** Resolves an alias to the node it names. */
export function deref(doc: Document, n: Node | null | undefined): Node | null | undefined {
  if (n && isAlias(n)) return (n.resolve(doc) as Node | undefined) ?? null;
  return n;
}

function asMap(doc: Document, n: Node | null | undefined): YAMLMap | undefined {
  const d = deref(doc, n);
  return d && isMap(d) ? d : undefined;
}

function scalarString(doc: Document, n: Node | null | undefined): string | undefined {
  const d = deref(doc, n);
  return d && isScalar(d) && d.value !== null && d.value !== undefined ? String(d.value) : undefined;
}

/**
 * Whether a node is boolean true as kubectl reads it: kubectl converts YAML with go-yaml v2 (YAML 1.1 booleans:
 * `yes`, `on`, `y`, …), which the YAML 1.2 core schema of the `yaml` package leaves as strings.
 */
export function yamlTrue(n: Node | null | undefined): boolean {
  return Boolean(n && isScalar(n) && (n.value === true || (n.type === 'PLAIN' && /^(y|yes|on|true)$/i.test(String(n.value)))));
}

/** Whether a node is boolean false as kubectl reads it (see yamlTrue). */
export function yamlFalse(n: Node | null | undefined): boolean {
  return Boolean(n && isScalar(n) && (n.value === false || (n.type === 'PLAIN' && /^(n|no|off|false)$/i.test(String(n.value)))));
}

function hasMergeKey(map: YAMLMap): boolean {
  return map.items.some((p) => {
    const k = p.key as unknown;
    return isScalar(k) && k.value === '<<';
  });
}

/** Reads `securityContext.seccompProfile`. */
export function readField(doc: Document, securityContext: Node | null | undefined): FieldRead {
  const sc = asMap(doc, securityContext);
  if (!sc) return {};
  const node = getChild(doc, sc, 'seccompProfile');
  if (node === undefined || node === null) return {};
  const m = asMap(doc, node);
  if (!m) return { node, problem: 'seccompProfile is not a mapping' };
  const type = scalarString(doc, getChild(doc, m, 'type'));
  const lp = scalarString(doc, getChild(doc, m, 'localhostProfile'));
  if (type === undefined) return { node: m, problem: 'seccompProfile.type is missing (it is required: RuntimeDefault, Localhost or Unconfined)' };
  if (!(SECCOMP_TYPES as readonly string[]).includes(type)) {
    return { node: m, problem: `seccompProfile.type "${type}" is not one of ${SECCOMP_TYPES.join(', ')}` };
  }
  const t = type as SeccompType;
  if (t === 'Localhost' && lp === undefined) return { node: m, problem: 'seccompProfile.type is Localhost but localhostProfile is missing' };
  if (t !== 'Localhost' && lp !== undefined) {
    return { node: m, setting: { type: t }, problem: `localhostProfile must only be set when type is Localhost (type is ${t})` };
  }
  return { node: m, setting: t === 'Localhost' ? { type: t, localhostProfile: lp! } : { type: t } };
}

function readContainers(doc: Document, podSpec: YAMLMap): ContainerSite[] {
  const out: ContainerSite[] = [];
  for (const list of CONTAINER_LISTS) {
    const seq = deref(doc, getChild(doc, podSpec, list));
    if (!seq || !isSeq(seq)) continue;
    (seq as YAMLSeq).items.forEach((item, index) => {
      const c = asMap(doc, item as Node);
      if (!c) return;
      const sc = getChild(doc, c, 'securityContext');
      const scMap = asMap(doc, sc);
      const priv = scMap ? deref(doc, getChild(doc, scMap, 'privileged')) : undefined;
      out.push({
        list, index, node: c,
        name: scalarString(doc, getChild(doc, c, 'name')) ?? `#${index}`,
        ...(sc !== undefined ? { securityContext: sc } : {}),
        field: readField(doc, sc),
        privileged: yamlTrue(priv),
      });
    });
  }
  return out;
}

function readAnnotations(doc: Document, annotations: YAMLMap | undefined): AnnotationSite[] {
  if (!annotations) return [];
  const out: AnnotationSite[] = [];
  for (const p of annotations.items) {
    const key = isScalar(p.key) ? String(p.key.value) : undefined;
    if (key === undefined) continue;
    const value = scalarString(doc, p.value as Node | null) ?? '';
    const setting = settingFromAnnotation(value);
    if (key === POD_ANNOTATION) out.push({ key, value, target: { pod: true }, ...(setting ? { setting } : {}), pair: p as Pair });
    else if (key.startsWith(CONTAINER_ANNOTATION_PREFIX)) {
      out.push({ key, value, target: { container: key.slice(CONTAINER_ANNOTATION_PREFIX.length) }, ...(setting ? { setting } : {}), pair: p as Pair });
    }
  }
  return out;
}

/** Whether a kind wraps other objects in `items` (List, PodList, DeploymentList, …). */
function isListKind(kind: string | undefined): boolean {
  return kind !== undefined && kind.endsWith('List');
}

/** Every pod spec in a document's root object (recursing into List items). */
export function findPodSpecs(doc: Document, docIndex: number): PodSpecSite[] {
  const out: PodSpecSite[] = [];
  const visit = (obj: YAMLMap, prefix: string): void => {
    const kind = scalarString(doc, getChild(doc, obj, 'kind'));
    if (isListKind(kind)) {
      const items = deref(doc, getChild(doc, obj, 'items'));
      if (items && isSeq(items)) {
        (items as YAMLSeq).items.forEach((it, i) => {
          const m = asMap(doc, it as Node);
          if (m) visit(m, `${prefix}items[${i}].`);
        });
      }
      return;
    }
    if (kind === undefined || !(kind in POD_TEMPLATE_PATHS)) return;
    const meta = asMap(doc, getChild(doc, obj, 'metadata'));
    const name = meta ? scalarString(doc, getChild(doc, meta, 'name')) ?? scalarString(doc, getChild(doc, meta, 'generateName')) : undefined;
    const namespace = meta ? scalarString(doc, getChild(doc, meta, 'namespace')) : undefined;
    const object: ObjectRef = { kind, ...(name !== undefined ? { name } : {}), ...(namespace !== undefined ? { namespace } : {}) };
    let tmpl: YAMLMap | undefined = obj;
    let merge = hasMergeKey(obj);
    for (const k of POD_TEMPLATE_PATHS[kind]!) {
      tmpl = tmpl ? asMap(doc, getChild(doc, tmpl, k)) : undefined;
      if (tmpl && hasMergeKey(tmpl)) merge = true;
    }
    if (!tmpl) return;
    const podSpec = asMap(doc, getChild(doc, tmpl, 'spec'));
    if (!podSpec) return;
    const metadata = asMap(doc, getChild(doc, tmpl, 'metadata'));
    const annotations = metadata ? asMap(doc, getChild(doc, metadata, 'annotations')) : undefined;
    const sc = getChild(doc, podSpec, 'securityContext');
    const scMap = asMap(doc, sc);
    const os = asMap(doc, getChild(doc, podSpec, 'os'));
    const containers = readContainers(doc, podSpec);
    if (hasMergeKey(podSpec) || (scMap && hasMergeKey(scMap)) || containers.some((c) => hasMergeKey(c.node))) merge = true;
    const tpath = POD_TEMPLATE_PATHS[kind]!;
    const hostProcess = [sc, ...containers.map((c) => c.securityContext)].some((x) => {
      const wo = asMap(doc, x) ? asMap(doc, getChild(doc, asMap(doc, x)!, 'windowsOptions')) : undefined;
      return wo !== undefined && yamlTrue(deref(doc, getChild(doc, wo, 'hostProcess')));
    });
    out.push({
      object,
      path: prefix + [...tpath, 'spec'].join('.'),
      docIndex,
      podSpec,
      holder: tmpl,
      ...(metadata ? { metadata } : {}),
      ...(annotations ? { annotations } : {}),
      annotationSites: readAnnotations(doc, annotations),
      ...(sc !== undefined ? { securityContext: sc } : {}),
      field: readField(doc, sc),
      containers,
      windows: (os ? scalarString(doc, getChild(doc, os, 'name')) === 'windows' : false) || hostProcess,
      hostProcess,
      doc,
      mergeKeys: merge,
    });
  };
  const root = asMap(doc, doc.contents as Node | null);
  if (root) visit(root, '');
  return out;
}
