// The seccompProfile field of a pod or container securityContext, the deprecated annotations, and the kubelet's
// path rules for localhostProfile. Pure data and checks, no I/O.

/** The three profile types the API accepts. */
export const SECCOMP_TYPES = ['RuntimeDefault', 'Localhost', 'Unconfined'] as const;
export type SeccompType = (typeof SECCOMP_TYPES)[number];

/** A `securityContext.seccompProfile` value. `localhostProfile` is set iff type is Localhost. */
export interface SeccompSetting {
  readonly type: SeccompType;
  readonly localhostProfile?: string;
}

/** The pod-level deprecated annotation (ignored by kubelets since 1.25, by the API server since 1.27). */
export const POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
/** Prefix of the per-container deprecated annotation; the container name follows it. */
export const CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';

/** How strict a setting is; patch never moves down this order without --force. */
export function strictness(s: SeccompSetting): number {
  return s.type === 'Unconfined' ? 0 : s.type === 'RuntimeDefault' ? 1 : 2;
}

/** Whether two settings are the same. */
export function sameSetting(a: SeccompSetting | undefined, b: SeccompSetting | undefined): boolean {
  if (!a || !b) return a === b;
  return a.type === b.type && (a.localhostProfile ?? '') === (b.localhostProfile ?? '');
}

/** Human form: `RuntimeDefault`, `Localhost(operator/x.json)`, `unset`. */
export function describeSetting(s: SeccompSetting | undefined): string {
  if (!s) return 'unset';
  return s.type === 'Localhost' ? `Localhost(${s.localhostProfile ?? ''})` : s.type;
}

/**
 * Checks a localhostProfile value by the API server's rules (validateLocalDescendingPath): non-empty, relative,
 * no `..` path element. Returns a problem description, or undefined when the path is acceptable.
 */
export function localhostPathProblem(path: string): string | undefined {
  if (path.length === 0) return 'localhostProfile is empty';
  if (path.startsWith('/')) return `"${path}" is absolute; localhostProfile is relative to <kubelet-root>/seccomp/`;
  if (path.split('/').includes('..')) return `"${path}" contains a ".." element; the API server rejects it`;
  if (path.includes('\0')) return 'localhostProfile contains a NUL byte';
  return undefined;
}

/**
 * Maps a deprecated annotation value to the field it stands for: `runtime/default` and `docker/default` →
 * RuntimeDefault, `unconfined` → Unconfined, `localhost/<path>` → Localhost. Undefined for anything else.
 */
export function settingFromAnnotation(value: string): SeccompSetting | undefined {
  const v = value.trim();
  if (v === 'runtime/default' || v === 'docker/default') return { type: 'RuntimeDefault' };
  if (v === 'unconfined') return { type: 'Unconfined' };
  if (v.startsWith('localhost/')) return { type: 'Localhost', localhostProfile: v.slice('localhost/'.length) };
  return undefined;
}
