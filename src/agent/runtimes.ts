// A container's Kubernetes identity from the container runtime's own files on the node, no API server: the OCI
// config.json that containerd's CRI plugin and CRI-O write for every container, with their annotations.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the runtimes keep their state on the node (every path can be changed by a flag). */
export interface RuntimePaths {
  /** containerd's runtime v2 task directory; bundles are `<dir>/<namespace>/<id>/config.json`. */
  containerdTasks: string;
  /** containerd namespaces to look in (the CRI plugin's is `k8s.io`). */
  containerdNamespaces: readonly string[];
  /** CRI-O's storage roots; config.json is `<root>/overlay-containers/<id>/userdata/config.json`. */
  crioRoots: readonly string[];
}

export const DEFAULT_RUNTIME_PATHS: RuntimePaths = {
  containerdTasks: '/run/containerd/io.containerd.runtime.v2.task',
  containerdNamespaces: ['k8s.io'],
  crioRoots: ['/run/containers/storage', '/var/lib/containers/storage'],
};

/** Everything the agent knows about one container. */
export interface ContainerInfo {
  id: string;
  runtime: 'containerd' | 'crio';
  /** 'container', or 'sandbox' for a pod's pause container (never recorded). */
  type: 'container' | 'sandbox';
  namespace: string;
  pod: string;
  podUid: string;
  container: string;
  image: string;
  sandboxId: string;
  /** Pod labels when the runtime's files carry them (CRI-O's sandbox config.json); containerd's never do. */
  labels: Record<string, string>;
  /** `seccompctl.io/*` annotations that reached the spec (CRI-O: always; containerd: when `pod_annotations` lists them). */
  annotations: Record<string, string>;
  /** The config.json read. */
  source: string;
}

interface Spec { annotations?: Record<string, string> }

function readSpec(path: string): Spec | undefined {
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return typeof s === 'object' && s !== null ? (s as Spec) : undefined;
  } catch {
    return undefined;
  }
}

function jsonMap(text: string | undefined): Record<string, string> {
  if (text === undefined) return {};
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return {};
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

function ours(a: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(a).filter(([k]) => k.startsWith('seccompctl.io/')));
}

/** A container's identity from a containerd CRI spec's annotations (undefined when it is not a CRI container). */
export function fromContainerdSpec(id: string, a: Record<string, string>, source: string): ContainerInfo | undefined {
  const type = a['io.kubernetes.cri.container-type'];
  if (type === undefined) return undefined;
  return {
    id, runtime: 'containerd', type: type === 'sandbox' ? 'sandbox' : 'container',
    namespace: a['io.kubernetes.cri.sandbox-namespace'] ?? '',
    pod: a['io.kubernetes.cri.sandbox-name'] ?? '',
    // sandbox-uid exists since containerd 1.6.11 / 1.7.0; the cgroup path carries the UID for older ones.
    podUid: a['io.kubernetes.cri.sandbox-uid'] ?? '',
    container: a['io.kubernetes.cri.container-name'] ?? '',
    image: a['io.kubernetes.cri.image-name'] ?? a['io.kubernetes.cri.podsandbox.image-name'] ?? '',
    sandboxId: a['io.kubernetes.cri.sandbox-id'] ?? (type === 'sandbox' ? id : ''),
    labels: {},
    annotations: ours(a),
    source,
  };
}

/** A container's identity from a CRI-O spec's annotations (undefined when it is not a CRI-O container). */
export function fromCrioSpec(id: string, a: Record<string, string>, source: string, sandboxLabels: Record<string, string> = {}): ContainerInfo | undefined {
  const type = a['io.kubernetes.cri-o.ContainerType'];
  if (type === undefined && a['io.kubernetes.pod.name'] === undefined) return undefined;
  const podAnn = jsonMap(a['io.kubernetes.cri-o.Annotations']);
  return {
    id, runtime: 'crio', type: type === 'sandbox' ? 'sandbox' : 'container',
    namespace: a['io.kubernetes.pod.namespace'] ?? '',
    pod: a['io.kubernetes.pod.name'] ?? a['io.kubernetes.cri-o.SandboxName'] ?? '',
    podUid: a['io.kubernetes.pod.uid'] ?? '',
    container: a['io.kubernetes.container.name'] ?? jsonMap(a['io.kubernetes.cri-o.Metadata']).name ?? '',
    image: a['io.kubernetes.cri-o.ImageName'] ?? a['io.kubernetes.cri-o.Image'] ?? '',
    sandboxId: a['io.kubernetes.cri-o.SandboxID'] ?? '',
    labels: { ...jsonMap(a['io.kubernetes.cri-o.Labels']), ...sandboxLabels },
    annotations: { ...ours(podAnn), ...ours(a) },
    source,
  };
}

/** Candidate config.json files of one container id, containerd's first. */
export function specCandidates(id: string, paths: RuntimePaths): { runtime: 'containerd' | 'crio'; path: string }[] {
  return [
    ...paths.containerdNamespaces.map((ns) => ({ runtime: 'containerd' as const, path: join(paths.containerdTasks, ns, id, 'config.json') })),
    ...paths.crioRoots.map((r) => ({ runtime: 'crio' as const, path: join(r, 'overlay-containers', id, 'userdata', 'config.json') })),
  ];
}

/** Reads a container's identity from whichever runtime holds it; undefined when no file exists (yet, or any more). */
export function readContainerInfo(id: string, paths: RuntimePaths, hint?: 'containerd' | 'crio' | 'unknown'): ContainerInfo | undefined {
  const cands = specCandidates(id, paths).sort((a, b) => (a.runtime === hint ? -1 : 0) - (b.runtime === hint ? -1 : 0));
  for (const c of cands) {
    const spec = readSpec(c.path);
    if (!spec) continue;
    const a = spec.annotations ?? {};
    if (c.runtime === 'containerd') {
      const info = fromContainerdSpec(id, a, c.path);
      if (info) return info;
    } else {
      // Pod labels are only in the sandbox's config.json.
      const sid = a['io.kubernetes.cri-o.SandboxID'];
      let labels: Record<string, string> = {};
      if (sid !== undefined && sid !== id && /^[0-9a-f]{64}$/.test(sid)) {
        for (const r of paths.crioRoots) {
          const s = readSpec(join(r, 'overlay-containers', sid, 'userdata', 'config.json'));
          if (s) {
            labels = jsonMap(s.annotations?.['io.kubernetes.cri-o.Labels']);
            break;
          }
        }
      }
      const info = fromCrioSpec(id, a, c.path, labels);
      if (info) return info;
    }
  }
  return undefined;
}
