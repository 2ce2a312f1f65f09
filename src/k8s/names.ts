// File-name rules for profiles placed on nodes (ConfigMap keys become file names under the kubelet's seccomp dir).

/** What the API server accepts as a ConfigMap key. */
export const CONFIGMAP_KEY = /^[-._a-zA-Z0-9]{1,253}$/;

/**
 * Why `name` may not be a profile file name on a node, or undefined when it may: one path element, no path
 * separator, no `..` anywhere, not hidden (dot files in the target are seccompctl's own: temp files, the manifest).
 */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the name is empty';
  if (name.includes('/') || name.includes('\\')) return 'the name contains a path separator';
  if (name.includes('..')) return 'the name contains ".."';
  if (name.includes('\0')) return 'the name contains a NUL byte';
  if (name.startsWith('.')) return 'the name starts with "." (reserved for seccompctl\'s own files)';
  if (name.length > 253) return 'the name is longer than 253 characters';
  return undefined;
}
