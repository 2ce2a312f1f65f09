// `record start|stop|pull`: the pod-template annotation patch that opts a workload in or out, and gathering the
// recordings of every node's agent (kubectl exec, or state directories copied off the nodes) into one profile per
// container.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError, UserError, writeFileAtomic, type Diagnostic, type DiagnosticCode } from '../common/index.js';
import { flatProfileName, localhostProfileOf, recordingProfile, type ProfileOptions } from './output.js';
import { mergeRecordings, parseStateFile, readStateFile, type RecordingData } from './store.js';
import { RECORD_ANNOTATION, WORKLOAD_ANNOTATION } from './workload.js';

const KINDS: Record<string, string> = {
  deployment: 'Deployment', deploy: 'Deployment', deployments: 'Deployment',
  statefulset: 'StatefulSet', sts: 'StatefulSet', statefulsets: 'StatefulSet',
  daemonset: 'DaemonSet', ds: 'DaemonSet', daemonsets: 'DaemonSet',
  replicaset: 'ReplicaSet', rs: 'ReplicaSet', replicasets: 'ReplicaSet',
  job: 'Job', jobs: 'Job', cronjob: 'CronJob', cj: 'CronJob', cronjobs: 'CronJob',
};

export interface WorkloadRef {
  kind: string;
  name: string;
  namespace: string;
}

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** `deployment/web` (kubectl's short kinds too); the kind may be left out for pull. Throws workloadRef's problem. */
export function parseWorkloadRef(s: string, namespace: string, kindRequired: boolean): WorkloadRef {
  const r = workloadRef(s, namespace, kindRequired);
  if ('code' in r) throw new UserError(r.message);
  return r;
}

/**
 * The reference, or why it is none: an unknown kind, a missing kind (`kindRequired`), a bad name
 * (INVALID_WORKLOAD_REF), a bad namespace (INVALID_OPTION).
 */
export function workloadRef(s: string, namespace: string, kindRequired: boolean): WorkloadRef | Diagnostic {
  const bad = (code: DiagnosticCode, message: string): Diagnostic => ({ code, severity: 'error', message });
  const i = s.indexOf('/');
  const kindText = i >= 0 ? s.slice(0, i).toLowerCase().replace(/\..*$/, '') : '';
  const name = i >= 0 ? s.slice(i + 1) : s;
  const kind = kindText === '' ? '' : KINDS[kindText];
  if (kind === undefined) return bad('INVALID_WORKLOAD_REF', `"${s}": unknown workload kind "${kindText}"; use deployment/NAME, statefulset/NAME, daemonset/NAME, job/NAME or cronjob/NAME`);
  if (kindRequired && kind === '') return bad('INVALID_WORKLOAD_REF', `"${s}": name the kind, e.g. deployment/${s}`);
  if (!NAME.test(name) || name.length > 253) return bad('INVALID_WORKLOAD_REF', `"${name}" is not a valid workload name (lower-case letters, digits, "-", ".")`);
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) return bad('INVALID_OPTION', `--namespace "${namespace}" is not a valid namespace name`);
  return { kind, name, namespace };
}

/** The merge patch that opts the workload's pods in (start) or out (stop); changing the template rolls the pods. */
export function recordPatch(ref: WorkloadRef, start: boolean, containers?: readonly string[]): { patch: Record<string, unknown>; kubectl: string[] } {
  const value = start ? (containers && containers.length > 0 ? containers.join(',') : 'true') : null;
  const annotations = { [RECORD_ANNOTATION]: value, [WORKLOAD_ANNOTATION]: start ? `${ref.kind}/${ref.name}` : null };
  const template = { metadata: { annotations } };
  const patch = ref.kind === 'CronJob' ? { spec: { jobTemplate: { spec: { template } } } } : { spec: { template } };
  return { patch, kubectl: ['kubectl', 'patch', '-n', ref.namespace, ref.kind.toLowerCase(), ref.name, '--type', 'merge', '-p', JSON.stringify(patch)] };
}

/** Runs kubectl; a missing binary or an unreachable cluster is an EnvironmentError naming the way round (exit 2). */
export function kubectl(args: readonly string[], opts: { kubectlPath?: string; timeoutMs?: number } = {}): string {
  const bin = opts.kubectlPath ?? 'kubectl';
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 30_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new EnvironmentError(code === 'ENOENT' ? `no cluster reachable: ${bin} is not installed` : `no cluster reachable: ${bin}: ${r.error.message}`,
      'install kubectl and point it at the cluster (KUBECONFIG), or use --print / --from-dir');
  }
  if (r.status !== 0) {
    const msg = (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ');
    if (/connection refused|Unable to connect|no configuration|couldn't get current server|dial tcp|timeout|the server has asked|invalid configuration/i.test(msg)) {
      throw new EnvironmentError(`no cluster reachable: ${msg}`, 'check KUBECONFIG / the current context, or use --print / --from-dir');
    }
    throw new UserError(`kubectl ${args.slice(0, 3).join(' ')}: ${msg}`);
  }
  return r.stdout;
}

/** Recordings of one workload from state files (texts with where they came from). */
export function selectRecordings(states: readonly { text: string; where: string }[], ref: WorkloadRef): { recordings: RecordingData[]; nodes: string[] } {
  const byKey = new Map<string, RecordingData[]>();
  const nodes: string[] = [];
  for (const s of states) {
    const st = parseStateFile(s.text, s.where);
    nodes.push(st.node);
    for (const r of st.recordings) {
      if (r.namespace !== ref.namespace || r.workload !== ref.name) continue;
      if (ref.kind !== '' && r.workloadKind !== '' && r.workloadKind !== ref.kind) continue;
      const list = byKey.get(r.container) ?? [];
      list.push(r);
      byKey.set(r.container, list);
    }
  }
  return { recordings: [...byKey.values()].map(mergeRecordings), nodes };
}

/** State files of copied state directories (each a node's `--state-dir`, or its state.json). */
export function statesFromDirs(dirs: readonly string[]): { text: string; where: string }[] {
  return dirs.map((d) => {
    const p = d.endsWith('.json') ? d : join(d, 'state.json');
    const st = readStateFile(p);
    if (!st) throw new UserError(`${p}: no such file; --from-dir takes a copy of a node agent's state directory (it holds state.json)`);
    return { text: JSON.stringify(st), where: p };
  });
}

/** State files of every agent pod of the cluster, through kubectl exec. */
export function statesFromCluster(opts: { namespace: string; selector: string; stateDir: string; kubectlPath?: string }): { text: string; where: string }[] {
  const base = opts.kubectlPath !== undefined ? { kubectlPath: opts.kubectlPath } : {};
  const pods = kubectl(['get', 'pods', '-n', opts.namespace, '-l', opts.selector, '-o', 'jsonpath={.items[*].metadata.name}'], base).trim().split(/\s+/).filter(Boolean);
  if (pods.length === 0) throw new UserError(`no agent pods (namespace ${opts.namespace}, labels ${opts.selector}); install them with: seccompctl k8s install --record | kubectl apply -f -`);
  return pods.map((p) => ({ text: kubectl(['exec', '-n', opts.namespace, p, '--', 'cat', `${opts.stateDir}/state.json`], base), where: `${opts.namespace}/${p}:${opts.stateDir}/state.json` }));
}

export interface PulledProfile {
  container: string;
  file: string;
  localhostProfile: string;
  syscalls: number;
  replicas: number;
  nodes: string[];
  loss: string[];
}

/** Writes one profile per container (`<out>/<namespace>_<workload>_<container>.json`). */
export function writePulled(recordings: readonly RecordingData[], outDir: string, opts: ProfileOptions = {}): PulledProfile[] {
  mkdirSync(outDir, { recursive: true });
  return recordings.map((r) => {
    const g = recordingProfile(r, opts);
    const file = join(outDir, flatProfileName(r));
    writeFileAtomic(file, g.text);
    return {
      container: r.container, file, localhostProfile: localhostProfileOf(r), syscalls: g.observed.length,
      replicas: r.replicas.length, nodes: [...new Set(r.replicas.map((x) => x.node))].sort(), loss: r.loss,
    };
  });
}
