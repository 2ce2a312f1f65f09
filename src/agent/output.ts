// What a recording becomes: an OCI profile through `generate` (with the runtime's base set), an SPO SeccompProfile
// resource, the localhostProfile path, and its place under the state directory.
import { join } from 'node:path';
import { generate, type GenerateResult } from '../generate/index.js';
import { Aggregator, type Observation } from '../ingest/index.js';
import { buildSpoResource, renderSpoYaml } from '../k8s/index.js';
import { printProfile } from '../profile/index.js';
import { addImplicitSyscalls } from '../record/index.js';
import { syscallName, type ArchId } from '../syscalls/index.js';
import type { RecordingData } from './store.js';

export interface ProfileOptions {
  /** The containers run with no-new-privileges (smaller runc base set). Default false (Kubernetes' default). */
  noNewPrivileges?: boolean;
  defaultErrno?: 'EPERM' | 'ENOSYS';
}

/** The profile of one recording. */
export function recordingProfile(r: RecordingData, opts: ProfileOptions = {}): GenerateResult & { text: string } {
  const agg = new Aggregator({});
  for (const [arch, nrs] of Object.entries(r.syscalls)) {
    for (const nr of nrs) {
      const o: Observation = { arch: arch as ArchId, nr, name: syscallName(arch as ArchId, nr), action: 'allow', compat: arch === 'x86', count: 1, rendering: 'strace-summary', file: '<agent>', line: 0 };
      agg.add(o);
    }
  }
  const ingest = agg.result();
  addImplicitSyscalls(ingest);
  const g = generate(ingest, { runtime: 'runc', noNewPrivileges: opts.noNewPrivileges === true, defaultErrno: opts.defaultErrno ?? 'EPERM' });
  return { ...g, text: printProfile(g.profile) };
}

/** `<state>/profiles/<namespace>/<workload>/<container>.json`. */
export function profilePath(stateDir: string, r: Pick<RecordingData, 'namespace' | 'workload' | 'container'>): string {
  return join(stateDir, 'profiles', r.namespace, r.workload, `${r.container}.json`);
}

/** The file name pull writes and `k8s install` installs: `<namespace>_<workload>_<container>.json` (no `_` in Kubernetes names). */
export function flatProfileName(r: Pick<RecordingData, 'namespace' | 'workload' | 'container'>): string {
  return `${r.namespace}_${r.workload}_${r.container}.json`;
}

/** The localhostProfile value once the pulled profile is installed with `k8s install` (default subdir). */
export function localhostProfileOf(r: Pick<RecordingData, 'namespace' | 'workload' | 'container'>, subdir = 'seccompctl'): string {
  return `${subdir}/${flatProfileName(r)}`;
}

/** The SPO SeccompProfile resource (namespaced like the workload) as YAML. */
export function recordingSpoYaml(r: RecordingData, profile: GenerateResult['profile']): string {
  const name = `${r.workload}-${r.container}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 253) || 'profile';
  return renderSpoYaml([buildSpoResource(profile, { name, namespace: r.namespace })]);
}

/** A path element safe to use as a directory name (Kubernetes names already are; anything else is rejected). */
export function safeElement(s: string): boolean {
  return s !== '' && s !== '.' && s !== '..' && !s.includes('/') && !s.includes('\0') && s.length <= 253;
}
