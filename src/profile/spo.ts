// OCI ↔ security-profiles-operator SeccompProfile custom resources.
import { UserError, type Diagnostic } from '../common/index.js';
import { allSyscallNames, hostArch, resolveArch, syscallNumber, type ArchId } from '../syscalls/index.js';
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
  /** Receives notes about what the conversion had to spell out (e.g. a defaultErrnoRet turned into a rule). */
  report?: (d: Diagnostic) => void;
}

/** The CRD types argument values as `format: int64`: larger uint64 values are refused by the API server. */
export const SPO_INT64_MAX = (1n << 63n) - 1n;

const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * The CRD has no defaultErrnoRet: a default `SCMP_ACT_ERRNO` with another errno (ENOSYS, 38, most often) becomes the
 * EPERM default plus one explicit rule giving that errno to every syscall of the profile's architectures (Linux 6.12
 * tables) that no rule names. The verdicts stay the same except for syscalls newer than the tables, numbers that are
 * no syscall (table gaps), and calls of a syscall with only conditional rules whose arguments match none of them:
 * those get EPERM (reported).
 */
function spellOutDefaultErrno(p: Profile, report: ((d: Diagnostic) => void) | undefined): Profile {
  if (p.defaultErrnoRet === undefined || p.defaultErrnoRet === 1) return p;
  const { defaultErrnoRet: errno, ...rest } = p;
  if (p.defaultAction !== 'SCMP_ACT_ERRNO' && p.defaultAction !== 'SCMP_ACT_TRACE') return rest; // ignored by runtimes anyway
  const arches = (p.architectures ?? []).map((t) => resolveArch(t)?.id).filter((a): a is ArchId => a !== undefined);
  const targets = arches.length > 0 ? arches : [hostArch().id];
  const named = new Set((p.syscalls ?? []).flatMap((r) => r.names));
  const conditionalOnly = [...new Set((p.syscalls ?? []).filter((r) => (r.args?.length ?? 0) > 0).flatMap((r) => r.names))]
    .filter((n) => !(p.syscalls ?? []).some((r) => (r.args?.length ?? 0) === 0 && r.names.includes(n)));
  const names = allSyscallNames().filter((n) => !named.has(n) && targets.some((a) => syscallNumber(a, n) !== undefined));
  report?.({
    code: 'SPO_DEFAULT_ERRNO_SPELLED_OUT', severity: 'info', path: 'defaultErrnoRet',
    message: `the SeccompProfile CRD has no defaultErrnoRet: the default becomes EPERM and a rule gives errno ${errno} to the ${names.length} other syscalls of ${targets.join(', ')} (Linux 6.12 tables)` +
      `; syscalls the node's libseccomp does not know (runc skips their names), numbers that are no syscall (gaps in the tables)${conditionalOnly.length ? ` and calls of ${conditionalOnly.join(', ')} that match none of their conditional rules` : ''} get EPERM instead of ${errno}`,
    fix: 'nothing to do; install the profile as a plain file (seccompctl k8s install) to keep the default errno for syscalls newer than Linux 6.12',
  });
  if (names.length === 0) return rest;
  return { ...rest, syscalls: [...(p.syscalls ?? []), { names, action: p.defaultAction, errnoRet: errno }] };
}

/**
 * Wraps an OCI profile in a SeccompProfile CR. A defaultErrnoRet other than EPERM is spelled out as a rule (the CRD
 * has no such field; see spellOutDefaultErrno). Argument values above int64 (the CRD's `format: int64`) are refused
 * (UserError) rather than changed.
 */
export function ociToSpo(profile: Profile, opts: OciToSpoOptions): SpoProfile {
  if (!DNS1123.test(opts.name) || opts.name.length > 253) {
    throw new UserError(`"${opts.name}" is not a valid resource name: use lower-case letters, digits, "-" and "." (e.g. my-app)`);
  }
  const p = spellOutDefaultErrno(profile, opts.report);
  const big = (p.syscalls ?? []).flatMap((r, i) => (r.args ?? []).flatMap((a, j) =>
    (['value', 'valueTwo'] as const).filter((k) => (a[k] ?? 0n) > SPO_INT64_MAX).map((k) => ({
      code: 'SPO_VALUE_RANGE' as const, severity: 'error' as const, path: `syscalls[${i}].args[${j}].${k}`,
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
