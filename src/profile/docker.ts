// Docker's profile format → OCI, expanded the way the Docker daemon (moby/profiles seccomp `setupSeccomp`) does it
// for one container: host arch, the container's capability bounding set, the host kernel version.
import { UserError, type Diagnostic } from '../common/index.js';
import { resolveArch } from '../syscalls/index.js';
import type { DockerProfile, Profile, SyscallRule } from './types.js';

/** The capability set Docker and containerd give a container by default (moby oci/caps DefaultCapabilities). */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** How to expand a Docker profile. */
export interface DockerExpandOptions {
  /** The daemon's architecture, any spelling (`x86_64`, `amd64`, `SCMP_ARCH_X86_64`). Required. */
  arch: string;
  /** The container's bounding capability set (`CAP_SYS_ADMIN` or `sys_admin`). Default: DOCKER_DEFAULT_CAPS. */
  caps?: readonly string[];
  /** Host kernel "X.Y" (more parts are ignored). Default: newest, i.e. every `minKernel` is met. */
  kernelVersion?: string;
}

/** Normalizes a capability name: `sys_admin` → `CAP_SYS_ADMIN`. */
export function normalizeCap(c: string): string {
  const u = c.trim().toUpperCase();
  return u.startsWith('CAP_') ? u : `CAP_${u}`;
}

function parseKernel(v: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function kernelAtLeast(host: [number, number] | undefined, min: string): boolean {
  if (!host) return true;
  const m = parseKernel(min);
  if (!m) return true;
  return host[0] > m[0] || (host[0] === m[0] && host[1] >= m[1]);
}

/**
 * Expands a Docker profile exactly as Docker's `setupSeccomp` does: `architectures` + `archMap` together or a rule
 * with both `name` and `names` is an error (UserError with diagnostics); the archMap entry for the host arch gives
 * `architectures` (none → native only); `excludes` skips a rule when the arch matches, ANY listed cap is held, or the
 * kernel is at least minKernel; `includes` keeps it only when the arch matches, ALL caps are held and the kernel is
 * new enough; `name` becomes `names: [name]`; `comment` and the containers/common `errno`/`defaultErrno` strings are
 * dropped (Docker has no such fields).
 */
export function dockerToOci(docker: DockerProfile, opts: DockerExpandOptions): Profile {
  const a = resolveArch(opts.arch);
  if (!a) throw new UserError(`unknown architecture "${opts.arch}"`, [], 2);
  const goArch = a.goArch ?? a.id;
  const caps = new Set((opts.caps ?? DOCKER_DEFAULT_CAPS).map(normalizeCap));
  const kernel = opts.kernelVersion !== undefined ? parseKernel(opts.kernelVersion) : undefined;
  if (opts.kernelVersion !== undefined && !kernel) throw new UserError(`kernel version "${opts.kernelVersion}" is not X.Y`);
  const errors: Diagnostic[] = [];
  if ((docker.architectures?.length ?? 0) > 0 && (docker.archMap?.length ?? 0) > 0) {
    errors.push({ code: 'ARCHITECTURES_WITH_ARCHMAP', severity: 'error', path: 'archMap', message: "'architectures' and 'archMap' were specified in the seccomp profile, use either 'architectures' or 'archMap'", fix: 'keep only one of them' });
  }
  (docker.syscalls ?? []).forEach((r, i) => {
    if (r.name !== undefined && r.name !== '' && (r.names?.length ?? 0) > 0) {
      errors.push({ code: 'NAME_AND_NAMES', severity: 'error', path: `syscalls[${i}].name`, message: "'name' and 'names' were specified in the seccomp profile, use either 'name' or 'names'", fix: 'move the name into names' });
    }
  });
  if (errors.length) throw new UserError('Docker rejects this profile', errors);

  const out: Profile = { defaultAction: docker.defaultAction };
  if (docker.defaultErrnoRet !== undefined) out.defaultErrnoRet = docker.defaultErrnoRet;
  let arches = docker.architectures ? [...docker.architectures] : undefined;
  for (const m of docker.archMap ?? []) {
    if (resolveArch(m.architecture)?.id === a.id && m.architecture.startsWith('SCMP_ARCH_')) {
      arches = [...(arches ?? []), m.architecture, ...(m.subArchitectures ?? [])];
    }
  }
  if (arches !== undefined) out.architectures = arches;
  if (docker.flags !== undefined) out.flags = [...docker.flags];
  if (docker.listenerPath !== undefined) out.listenerPath = docker.listenerPath;
  if (docker.listenerMetadata !== undefined) out.listenerMetadata = docker.listenerMetadata;
  if (docker.syscalls === undefined) return out;
  const rules: SyscallRule[] = [];
  for (const r of docker.syscalls) {
    const ex = r.excludes;
    if (ex) {
      if ((ex.arches ?? []).includes(goArch)) continue;
      if ((ex.caps ?? []).some((c) => caps.has(normalizeCap(c)))) continue;
      if (ex.minKernel !== undefined && kernelAtLeast(kernel, ex.minKernel)) continue;
    }
    const inc = r.includes;
    if (inc) {
      if ((inc.arches?.length ?? 0) > 0 && !inc.arches!.includes(goArch)) continue;
      if ((inc.caps ?? []).some((c) => !caps.has(normalizeCap(c)))) continue;
      if (inc.minKernel !== undefined && !kernelAtLeast(kernel, inc.minKernel)) continue;
    }
    const names = r.name !== undefined && r.name !== '' ? [r.name] : [...(r.names ?? [])];
    const rule: SyscallRule = { names, action: r.action };
    if (r.errnoRet !== undefined) rule.errnoRet = r.errnoRet;
    if (r.args !== undefined) rule.args = r.args.map((x) => ({ ...x }));
    rules.push(rule);
  }
  out.syscalls = rules;
  return out;
}

/** An OCI profile is already a valid Docker profile; this copies it into the Docker model. */
export function ociToDocker(p: Profile): DockerProfile {
  const d: DockerProfile = { ...p };
  if (p.syscalls) d.syscalls = p.syscalls.map((r) => ({ ...r }));
  return d;
}
