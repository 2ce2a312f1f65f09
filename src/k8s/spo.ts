// `k8s spo`: security-profiles-operator SeccompProfile resources from profiles (uses the profile stage's
// OCI → SPO conversion) plus the localhostProfile value pods use once the operator has installed them.
import { UserError, type Diagnostic } from '../common/index.js';
import { ociToSpo, printSpoProfile, type Profile, type SpoProfile } from '../profile/index.js';

const INT64_MAX = (1n << 63n) - 1n;
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** One SeccompProfile to emit and where pods find it on the node. */
export interface SpoResource {
  readonly resource: SpoProfile;
  /** `operator/<name>.json` (cluster-scoped, SPO ≥ 0.9) or `operator/<namespace>/<name>.json` (namespaced, older). */
  readonly localhostProfile: string;
}

/** A resource name from a file name: `my_App.json` → `my-app`. */
export function resourceNameFromFile(file: string): string {
  const base = (file.split('/').pop() ?? file).replace(/\.(json|ya?ml)$/i, '');
  const n = base.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 253);
  return n || 'profile';
}

/**
 * Why a profile cannot become a SeccompProfile CR: an invalid name (INVALID_RESOURCE_NAME), argument values above
 * int64, the CRD's `format: int64` (SPO_VALUE_RANGE, one per value, under one summary). Undefined when it can.
 */
export function spoProblems(p: Profile, opts: { name: string }): { summary: string; diagnostics: Diagnostic[] } | undefined {
  if (!DNS1123.test(opts.name)) {
    const message = `"${opts.name}" is not a valid resource name; pass --name with lower-case letters, digits, "-" and "."`;
    return { summary: message, diagnostics: [{ code: 'INVALID_RESOURCE_NAME', severity: 'error', message }] };
  }
  const big: Diagnostic[] = [];
  (p.syscalls ?? []).forEach((r, i) => (r.args ?? []).forEach((a, j) => {
    for (const [k, v] of [['value', a.value], ['valueTwo', a.valueTwo]] as const) {
      if (v !== undefined && v > INT64_MAX) {
        big.push({ code: 'SPO_VALUE_RANGE', severity: 'error', path: `syscalls[${i}].args[${j}].${k}`, message: `${v} does not fit the CRD's int64 ${k}`, fix: 'install this profile as a file (seccompctl k8s install) instead' });
      }
    }
  }));
  return big.length > 0 ? { summary: 'the profile cannot be expressed as a SeccompProfile resource', diagnostics: big } : undefined;
}

/**
 * Wraps a profile in a SeccompProfile CR. Refuses (UserError) what spoProblems finds; a defaultErrnoRet other than
 * EPERM (the CRD has no such field) is spelled out as a rule by ociToSpo.
 */
export function buildSpoResource(p: Profile, opts: { name: string; namespace?: string }): SpoResource {
  const bad = spoProblems(p, opts);
  if (bad) throw new UserError(bad.summary, bad.diagnostics.filter((d) => d.message !== bad.summary));
  const resource = ociToSpo(p, { name: opts.name, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) });
  const localhostProfile = opts.namespace !== undefined ? `operator/${opts.namespace}/${opts.name}.json` : `operator/${opts.name}.json`;
  return { resource, localhostProfile };
}

/** Multi-document YAML of the resources, with the localhostProfile values as comments. */
export function renderSpoYaml(rs: readonly SpoResource[]): string {
  const head = [
    '# SeccompProfile resources for the security-profiles-operator. Apply with: kubectl apply -f <this file>',
    '# Once the operator reports them Installed (kubectl get sp -o wide), pods use:',
    ...rs.map((r) => `#   ${r.resource.metadata.name}: localhostProfile: ${r.localhostProfile}`),
  ];
  return head.join('\n') + '\n' + rs.map((r) => '---\n' + printSpoProfile(r.resource, 'yaml')).join('');
}
