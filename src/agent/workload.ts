// The owning workload of a pod, from what a node can see (pod name, labels when the runtime keeps them, our own
// annotations), and whether a container is opted in to recording.
import type { ContainerInfo } from './runtimes.js';

export const RECORD_ANNOTATION = 'seccompctl.io/record';
/** Set by `record start` on the pod template: the workload's name, exact whatever the pod's name looks like. */
export const WORKLOAD_ANNOTATION = 'seccompctl.io/workload';

/** A pod's owner. */
export interface Workload {
  /** Deployment, StatefulSet, DaemonSet, Job, Pod, or '' when only the name pattern was known. */
  kind: string;
  name: string;
  /** How it was derived. */
  by: 'annotation' | 'labels' | 'name-pattern' | 'pod';
}

// kube's rand.SafeEncodeString alphabet (no vowels, no 0/1/3): pod-template-hash values and generated name suffixes.
const SAFE = '[bcdfghjklmnpqrstvwxz2456789]';
const RS_POD = new RegExp(`^(.+)-${SAFE}{6,10}-${SAFE}{5}$`);
const GEN_POD = new RegExp(`^(.+)-${SAFE}{5}$`);

function esc(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The owning workload: the `seccompctl.io/workload` annotation; else labels (`job-name`, `pod-template-hash`,
 * `controller-revision-hash` with `statefulset.kubernetes.io/pod-name`); else the name pattern of a Deployment's
 * pods (`<name>-<hash>-<5>`) or of a DaemonSet's / Job's (`<name>-<5>`, safe alphabet); else the pod itself.
 * StatefulSet pods (`<name>-<ordinal>`) are folded only with their labels (a bare pod may be called `web-1`).
 */
export function deriveWorkload(pod: string, labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>> = {}): Workload {
  const ann = annotations[WORKLOAD_ANNOTATION]?.trim();
  if (ann) {
    const i = ann.indexOf('/');
    return i > 0 ? { kind: ann.slice(0, i), name: ann.slice(i + 1), by: 'annotation' } : { kind: '', name: ann, by: 'annotation' };
  }
  const job = labels['batch.kubernetes.io/job-name'] ?? labels['job-name'];
  if (job) return { kind: 'Job', name: job, by: 'labels' };
  const pth = labels['pod-template-hash'];
  if (pth) {
    const m = new RegExp(`^(.+)-${esc(pth)}-[a-z0-9]{5}$`).exec(pod);
    if (m) return { kind: 'Deployment', name: m[1]!, by: 'labels' };
  }
  if (labels['controller-revision-hash']) {
    const sts = labels['statefulset.kubernetes.io/pod-name'];
    const m = /^(.+)-(\d+)$/.exec(pod);
    if (m && (sts === undefined || sts === pod)) return { kind: 'StatefulSet', name: m[1]!, by: 'labels' };
    const d = /^(.+)-[a-z0-9]{5}$/.exec(pod);
    if (d) return { kind: 'DaemonSet', name: d[1]!, by: 'labels' };
  }
  let m = RS_POD.exec(pod);
  if (m) return { kind: 'Deployment', name: m[1]!, by: 'name-pattern' };
  m = GEN_POD.exec(pod);
  if (m) return { kind: '', name: m[1]!, by: 'name-pattern' };
  return { kind: 'Pod', name: pod, by: 'pod' };
}

/**
 * Whether this container is recorded: `--all`, or the pod's `seccompctl.io/record` annotation is "true" or a
 * comma-separated list naming the container. Sandboxes (pause) never.
 */
export function optedIn(c: ContainerInfo, all: boolean): boolean {
  if (c.type === 'sandbox') return false;
  if (all) return true;
  const v = c.annotations[RECORD_ANNOTATION]?.trim();
  if (v === undefined || v === '' || v === 'false') return false;
  if (v === 'true') return true;
  return v.split(',').map((s) => s.trim()).includes(c.container);
}
