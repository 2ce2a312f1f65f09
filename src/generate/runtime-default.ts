// The bundled RuntimeDefault profiles of containerd, CRI-O and Docker (data/runtime-default/, see derive.mjs there),
// expanded for one architecture and the runtime's default capability set.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve as resolvePath } from 'node:path';
import { readInput, UserError } from '../common/index.js';
import { DOCKER_DEFAULT_CAPS, normalizeCap, normalizeProfile, parseProfile, printProfile, type Profile, type SyscallRule } from '../profile/index.js';
import { archInfo, ARCHES, hostArch, resolveArch, type ArchId } from '../syscalls/index.js';

/** Runtimes whose RuntimeDefault profile is bundled. */
export const RUNTIME_DEFAULTS = ['containerd', 'cri-o', 'docker'] as const;
export type RuntimeDefaultName = (typeof RUNTIME_DEFAULTS)[number];

/** CRI-O's default_capabilities (crio.conf). Docker and containerd (pkg/oci defaultUnixCaps) use DOCKER_DEFAULT_CAPS. */
export const CRIO_DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE', 'CAP_KILL',
];

/** A RuntimeDefault profile and what it describes. */
export interface RuntimeDefault {
  readonly runtime: RuntimeDefaultName;
  /** What the data describes, including the runtime version. */
  readonly describes: string;
  readonly version: string;
  readonly arch: ArchId;
  readonly caps: readonly string[];
  /** The host kernel "X.Y" the expansion assumed (rules with a newer minKernel are left out). */
  readonly kernelVersion: string;
  /** The OCI profile the runtime hands to runc for a default container on `arch`. */
  readonly profile: Profile;
}

interface DataFile {
  runtime: RuntimeDefaultName;
  describes: string;
  version: string;
  defaultCaps: 'docker' | 'cri-o';
  postEdits: string[];
  profile: unknown;
}

/** How to expand a bundled RuntimeDefault. */
export interface RuntimeDefaultOptions {
  /** Default: this machine's. */
  arch?: ArchId;
  /** The container's bounding capability set. Default: the runtime's default capabilities. */
  caps?: readonly string[];
  /** Host kernel "X.Y". Default: 6.1 (any kernel >= 4.8 gives the same result for the bundled data). */
  kernelVersion?: string;
}

const DATA_DIR = new URL('../../data/runtime-default/', import.meta.url);

/** Parses `runtime-default`, `runtime-default:cri-o` … into a runtime name (containerd when none), or undefined. */
export function parseRuntimeDefaultRef(ref: string): RuntimeDefaultName | undefined {
  const m = /^runtime-default(?::(.+))?$/i.exec(ref.trim());
  if (!m) return undefined;
  const n = (m[1] ?? 'containerd').toLowerCase().replace(/^crio$/, 'cri-o');
  if (!(RUNTIME_DEFAULTS as readonly string[]).includes(n)) {
    throw new UserError(`unknown runtime "${m[1]}" in "${ref}"; use runtime-default:containerd, runtime-default:cri-o or runtime-default:docker`);
  }
  return n as RuntimeDefaultName;
}

/** CRI-O's DefaultProfile() edits: clone, clone3, unshare only with CAP_SYS_ADMIN; else clone without namespace flags, clone3 → ENOSYS. */
function crioCloneEdits(p: Profile, caps: readonly string[], arch: ArchId): Profile {
  if (caps.some((c) => normalizeCap(c) === 'CAP_SYS_ADMIN')) return p;
  const drop = new Set(['clone', 'clone3', 'unshare']);
  const rules: SyscallRule[] = (p.syscalls ?? []).map((r) => (r.args && r.args.length > 0) || r.action !== 'SCMP_ACT_ALLOW'
    ? r : { ...r, names: r.names.filter((n) => !drop.has(n)) });
  const s390 = arch === 's390' || arch === 's390x';
  // CLONE_NEWNS|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWCGROUP = 0x7E020000; flags are arg1 on s390.
  rules.push({ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: s390 ? 1 : 0, value: 0x7e020000n, valueTwo: 0n, op: 'SCMP_CMP_MASKED_EQ' }] });
  rules.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  return { ...p, syscalls: rules };
}

/**
 * Loads a bundled RuntimeDefault profile expanded the way the runtime computes it for one container: for `arch`,
 * the bounding capability set and the host kernel (archMap, includes/excludes by arch, caps and minKernel).
 */
export function loadRuntimeDefault(runtime: RuntimeDefaultName, opts: RuntimeDefaultOptions = {}): RuntimeDefault {
  const arch = opts.arch ?? hostArch().id;
  const kernelVersion = opts.kernelVersion ?? '6.1';
  const path = fileURLToPath(new URL(`${runtime}.json`, DATA_DIR));
  const data = JSON.parse(readFileSync(path, 'utf8')) as DataFile;
  const caps = opts.caps ?? (data.defaultCaps === 'cri-o' ? CRIO_DEFAULT_CAPS : DOCKER_DEFAULT_CAPS);
  const parsed = parseProfile(JSON.stringify(data.profile), {
    file: path, dialect: 'docker', docker: { arch: archInfo(arch).id, caps, kernelVersion },
  });
  let profile = parsed.profile;
  if (data.postEdits.includes('cri-o-clone')) profile = crioCloneEdits(profile, caps, arch);
  // containerd sets no defaultErrnoRet: the kernel's ERRNO default data is 0 → runc uses EPERM.
  return { runtime, describes: data.describes, version: data.version, arch, caps, kernelVersion, profile: normalizeProfile(profile) };
}

/** Every capability a bundled RuntimeDefault names in an `includes.caps` / `excludes.caps` (the capability-gated rules). */
export function runtimeDefaultCaps(runtime: RuntimeDefaultName): string[] {
  const path = fileURLToPath(new URL(`${runtime}.json`, DATA_DIR));
  const data = JSON.parse(readFileSync(path, 'utf8')) as DataFile;
  const out = new Set<string>();
  const rules = (data.profile as { syscalls?: { includes?: { caps?: string[] }; excludes?: { caps?: string[] } }[] }).syscalls ?? [];
  for (const r of rules) for (const c of [...(r.includes?.caps ?? []), ...(r.excludes?.caps ?? [])]) out.add(normalizeCap(c));
  if (data.postEdits.includes('cri-o-clone')) out.add('CAP_SYS_ADMIN');
  return [...out].sort();
}

/** Options for reading a profile reference (a file, `-`, or `runtime-default[:RUNTIME]`). */
export interface ProfileRefOptions {
  /** Relative paths are resolved against this (default: the process's). */
  cwd?: string;
  /** Where `-` reads from. */
  stdin?: NodeJS.ReadableStream;
  /** runtime-default: expand for this architecture (any token resolveArch accepts; default: this machine's). */
  arch?: string;
  /** runtime-default: the container's bounding capabilities (default: the runtime's default set). */
  caps?: readonly string[];
  /** runtime-default: the host kernel "X.Y" for minKernel rules (default 6.1). */
  kernelVersion?: string;
}

/** A profile reference read: the text to parse, a label for messages, and what a runtime-default stands for. */
export interface ProfileRefText {
  /** Profile text: the file's, or the expanded RuntimeDefault as canonical OCI JSON. */
  text: string;
  /** The file name (for diagnostics), or `runtime-default:RUNTIME`. */
  label: string;
  /** Set for a runtime-default reference. */
  runtimeDefault?: RuntimeDefault;
}

/**
 * Reads what a command names as its profile: a file, `-` (standard input) or `runtime-default[:containerd|cri-o|docker]`
 * (the bundled RuntimeDefault expanded for `arch`, `caps` and `kernelVersion`). Every command that reads a profile
 * goes through this, so each accepts the same references.
 */
export async function readProfileRef(ref: string, opts: ProfileRefOptions = {}): Promise<ProfileRefText> {
  const rt = parseRuntimeDefaultRef(ref);
  if (rt) {
    let arch: ArchId | undefined;
    if (opts.arch !== undefined) {
      const a = resolveArch(opts.arch);
      if (!a) throw new UserError(`--arch: unknown architecture "${opts.arch}"; try one of: ${ARCHES.map((x) => x.id).join(', ')}`);
      arch = a.id;
    }
    if (opts.kernelVersion !== undefined && !/^\d+\.\d+/.test(opts.kernelVersion)) throw new UserError(`--kernel "${opts.kernelVersion}" is not X.Y (e.g. 6.1)`);
    const d = loadRuntimeDefault(rt, {
      ...(arch !== undefined ? { arch } : {}),
      ...(opts.caps !== undefined ? { caps: opts.caps.map(normalizeCap) } : {}),
      ...(opts.kernelVersion !== undefined ? { kernelVersion: opts.kernelVersion } : {}),
    });
    return { text: printProfile(d.profile), label: `runtime-default:${rt}`, runtimeDefault: d };
  }
  const text = await readInput(ref === '-' ? '-' : resolvePath(opts.cwd ?? process.cwd(), ref), opts.stdin);
  return { text, label: ref };
}
