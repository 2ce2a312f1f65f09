// OCI ↔ security-profiles-operator SeccompProfile custom resources.
import { UserError } from '../common/index.js';
import { SPO_GROUP } from './decode.js';
import type { Profile, SpoProfile } from './types.js';

/** The API version written for new CRs. */
export const SPO_API_VERSION = `${SPO_GROUP}/v1beta1`;

/** Options for ociToSpo. */
export interface OciToSpoOptions {
  /** metadata.name (a DNS-1123 subdomain). Required. */
  name: string;
  /** metadata.namespace; omitted by default (SeccompProfile is cluster-scoped in SPO v1, namespaced before 0.9). */
  namespace?: string;
  /** Default: SPO_API_VERSION. */
  apiVersion?: string;
}

/** The CRD types argument values as `format: int64`: larger uint64 values are refused by the API server. */
export const SPO_INT64_MAX = (1n << 63n) - 1n;

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Wraps an OCI profile in a SeccompProfile CR. Refused (UserError) rather than silently changed: a defaultErrnoRet
 * other than EPERM (the CRD has no such field) and argument values above int64 (the CRD's `format: int64`).
 */
export function ociToSpo(p: Profile, opts: OciToSpoOptions): SpoProfile {
  if (!DNS1123.test(opts.name) || opts.name.length > 253) {
    throw new UserError(`"${opts.name}" is not a valid resource name: use lower-case letters, digits, "-" and "." (e.g. my-app)`);
  }
  if (p.defaultErrnoRet !== undefined && p.defaultErrnoRet !== 1) {
    throw new UserError(`the profile sets defaultErrnoRet ${p.defaultErrnoRet}, but the SeccompProfile CRD has no defaultErrnoRet (the default errno would become EPERM)`, [{
      code: 'SPO_NO_DEFAULT_ERRNO', severity: 'error', path: 'defaultErrnoRet', message: 'SeccompProfile has no defaultErrnoRet',
      fix: 'install the profile as a plain file (seccompctl k8s install), or list the denied syscalls with "errnoRet" explicitly',
    }]);
  }
  const big = (p.syscalls ?? []).flatMap((r, i) => (r.args ?? []).flatMap((a, j) =>
    (['value', 'valueTwo'] as const).filter((k) => (a[k] ?? 0n) > SPO_INT64_MAX).map((k) => ({
      code: 'SPO_VALUE_RANGE', severity: 'error' as const, path: `syscalls[${i}].args[${j}].${k}`,
      message: `${a[k]} does not fit the CRD's int64 ${k}`, fix: 'install this profile as a plain file instead of an SPO resource',
    }))));
  if (big.length) throw new UserError('the profile cannot be expressed as a SeccompProfile resource', big);
  const spec: SpoProfile['spec'] = { defaultAction: p.defaultAction };
  if (p.architectures !== undefined) spec.architectures = [...p.architectures];
  if (p.flags !== undefined) spec.flags = [...p.flags];
  if (p.listenerPath !== undefined) spec.listenerPath = p.listenerPath;
  if (p.listenerMetadata !== undefined) spec.listenerMetadata = p.listenerMetadata;
  if (p.syscalls !== undefined) spec.syscalls = p.syscalls.map((r) => ({ ...r, names: [...r.names], ...(r.args ? { args: r.args.map((a) => ({ ...a })) } : {}) }));
  return {
    apiVersion: opts.apiVersion ?? SPO_API_VERSION,
    kind: 'SeccompProfile',
    metadata: { name: opts.name, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) },
    spec,
  };
}

/**
 * The OCI profile an SPO CR installs on the node (its spec without SPO's own keys). A `baseProfileName` cannot be
 * resolved offline: the result then lacks the base profile's syscalls, so it is refused unless `allowBase` is set.
 */
export function spoToOci(cr: SpoProfile, opts: { allowBase?: boolean } = {}): Profile {
  const s = cr.spec;
  if (s.baseProfileName !== undefined && !opts.allowBase) {
    throw new UserError(`the SeccompProfile uses baseProfileName "${s.baseProfileName}", whose syscalls the operator adds on the cluster; the converted profile would lack them`, [{
      code: 'SPO_BASE_PROFILE', severity: 'error', path: 'spec.baseProfileName', message: 'baseProfileName cannot be resolved offline',
      fix: 'merge the base profile in first (seccompctl merge), or pass --allow-base to convert only this CR\'s own syscalls',
    }]);
  }
  const p: Profile = { defaultAction: s.defaultAction };
  if (s.architectures !== undefined) p.architectures = [...s.architectures];
  if (s.flags !== undefined) p.flags = [...s.flags];
  if (s.listenerPath !== undefined) p.listenerPath = s.listenerPath;
  if (s.listenerMetadata !== undefined) p.listenerMetadata = s.listenerMetadata;
  if (s.syscalls !== undefined) p.syscalls = s.syscalls.map((r) => ({ ...r, names: [...r.names], ...(r.args ? { args: r.args.map((a) => ({ ...a })) } : {}) }));
  return p;
}
