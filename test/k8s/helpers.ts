// Shared checks for the k8s tests: the Kubernetes OpenAPI schema (kubernetes-models) and "only inserted lines".
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Namespace, Pod, PodTemplate, ReplicationController, Service } from 'kubernetes-models/v1';
import { DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';

type Model = { validate(): void };
const MODELS: Record<string, new (o: never) => Model> = {
  'v1/Pod': Pod, 'v1/PodTemplate': PodTemplate, 'v1/ReplicationController': ReplicationController, 'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace, 'v1/Service': Service,
  'apps/v1/DaemonSet': DaemonSet, 'apps/v1/Deployment': Deployment, 'apps/v1/ReplicaSet': ReplicaSet, 'apps/v1/StatefulSet': StatefulSet,
  'batch/v1/CronJob': CronJob, 'batch/v1/Job': Job,
};

/** Validates one object against the Kubernetes OpenAPI schema; throws with the schema errors. Lists recurse. */
export function validateK8s(obj: Record<string, unknown>): number {
  if (obj.kind === 'List') return (obj.items as Record<string, unknown>[]).reduce((n, o) => n + validateK8s(o), 0);
  const key = `${String(obj.apiVersion)}/${String(obj.kind)}`;
  const M = MODELS[key];
  if (!M) throw new Error(`no model for ${key}`);
  new M(obj as never).validate();
  return 1;
}

/** Validates every document of a YAML/JSON text; returns how many objects were checked. */
export function validateK8sText(text: string): number {
  let n = 0;
  for (const d of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) {
    const o = (d as { toJS(): unknown }).toJS() as Record<string, unknown> | null;
    if (o) n += validateK8s(o);
  }
  return n;
}

/** The lines of `output` that are not in `input`, when `input`'s lines are a subsequence of `output`'s; else undefined. */
export function insertedLines(input: string, output: string): string[] | undefined {
  const a = input.split('\n');
  const b = output.split('\n');
  const extra: string[] = [];
  let i = 0;
  for (const line of b) {
    if (i < a.length && a[i] === line) i++;
    else extra.push(line);
  }
  return i === a.length ? extra : undefined;
}
