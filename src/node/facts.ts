// What seccomp will do on this node: the facts `seccompctl doctor` gathers (kernel, runc/crun and their libseccomp,
// the kubelet's seccomp settings, recording prerequisites). Everything here reads the real system; the checks that
// judge the facts are pure (doctor.ts), so `doctor --json` output can be judged again elsewhere (k8s lint).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import { parseDocument } from 'yaml';
import { UserError } from '../common/index.js';
import { SPEC_ARCHES } from '../profile/index.js';
import { archInfo, hostArch, resolveArch, syscallsOf, type ArchId } from '../syscalls/index.js';

export const NODE_FACTS_SCHEMA = 'seccompctl.dev/node-facts/v1';
export const DEFAULT_KUBELET_ROOT_DIR = '/var/lib/kubelet';

/** An OCI runtime binary found on the node. */
export interface RuntimeBinary {
  name: 'runc' | 'crun';
  path: string;
  /** e.g. `1.1.5+ds1`. */
  version: string | null;
  /** The libseccomp version the binary reports (runc prints it), e.g. `2.5.4`. */
  libseccomp: string | null;
  /** The first line of `--version`, as printed. */
  banner: string;
}

/** libseccomp as this node has it (the shared library runc and crun load). */
export interface LibseccompFacts {
  /** How it was asked: `python3-ctypes` (libseccomp.so.2 loaded by /usr/bin/python3), or null when it could not be. */
  probe: 'python3-ctypes' | null;
  version: string | null;
  /** Why the probe failed. */
  error?: string;
  /** Per arch checked: syscall names in seccompctl's tables that this libseccomp does not know (runc skips them). */
  unknownNames: Partial<Record<ArchId, string[]>>;
  /** OCI architecture tokens (SCMP_ARCH_…) this libseccomp does not know (runc refuses profiles naming them). */
  unknownArches: string[];
}

export interface KubeletFacts {
  /** Where the settings came from. */
  source: 'config-file' | 'cmdline' | 'none';
  configFile: string | null;
  /** The kubelet's command line, when a kubelet process was found. */
  pid: number | null;
  rootDir: string;
  /** true/false when set (flag wins over the file); null when unset (the kubelet's default: off). */
  seccompDefault: boolean | null;
  seccompDefaultFrom: 'flag' | 'config-file' | null;
}

export interface RecordingFacts {
  root: boolean;
  btf: boolean;
  tracefs: { mounted: string | null; available: boolean };
  bpftrace: string | null;
  strace: string | null;
  auditd: boolean;
  printkRatelimit: number | null;
}

/** One profile under <kubelet root>/seccomp/, judged by doctor. */
export interface ProfileFile {
  /** Relative to <root>/seccomp/ (what localhostProfile names). */
  path: string;
  text: string;
}

/** Everything doctor knows about the node (the `facts` part of `doctor --json`). */
export interface NodeFacts {
  schema: typeof NODE_FACTS_SCHEMA;
  arch: ArchId;
  kernel: { release: string; actionsAvail: string[] | null };
  runtimes: RuntimeBinary[];
  containerRuntime: 'containerd' | 'cri-o' | null;
  libseccomp: LibseccompFacts;
  kubelet: KubeletFacts;
  recording: RecordingFacts;
}

function run(cmd: string, args: string[], timeoutMs = 10_000): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return null;
  }
}

function readText(p: string): string | null {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return null;
  }
}

const BIN_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The first executable `name` on PATH (then the usual sbin directories). */
export function findBinary(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [...(env.PATH ?? '').split(':').filter(Boolean), ...BIN_DIRS];
  for (const d of dirs) {
    const p = join(d, name);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Parses `runc --version` / `crun --version` output. */
export function parseRuntimeVersion(name: 'runc' | 'crun', path: string, out: string): RuntimeBinary {
  const first = out.split('\n')[0]?.trim() ?? '';
  const v = new RegExp(`^${name} version (\\S+)`, 'm').exec(out);
  const ls = /^libseccomp:\s*(\S+)/m.exec(out);
  return { name, path, version: v?.[1] ?? null, libseccomp: ls?.[1] ?? null, banner: first };
}

/** The native arch plus the other ABIs its kernel runs (what a profile for this node names). */
export function nodeAbis(arch: ArchId): ArchId[] {
  const extra: Partial<Record<ArchId, ArchId[]>> = { x86_64: ['x86', 'x32'], aarch64: ['arm'], s390x: ['s390'], ppc64: ['ppc'] };
  return [arch, ...(extra[arch] ?? [])];
}

// Asks the node's libseccomp (through Debian's python3 and ctypes, no python3-seccomp needed) for its version, which of
// the given names it resolves on each arch (-1, __NR_SCMP_ERROR, means unknown), and which arch tokens it knows.
const LIBSECCOMP_PROBE = `
import ctypes, json, sys
q = json.load(sys.stdin)
lib = ctypes.CDLL('libseccomp.so.2')
class V(ctypes.Structure):
    _fields_ = [('major', ctypes.c_uint), ('minor', ctypes.c_uint), ('micro', ctypes.c_uint)]
lib.seccomp_version.restype = ctypes.POINTER(V)
v = lib.seccomp_version().contents
lib.seccomp_arch_resolve_name.restype = ctypes.c_uint32
lib.seccomp_arch_resolve_name.argtypes = [ctypes.c_char_p]
lib.seccomp_syscall_resolve_name_arch.restype = ctypes.c_int
lib.seccomp_syscall_resolve_name_arch.argtypes = [ctypes.c_uint32, ctypes.c_char_p]
out = {'version': '%d.%d.%d' % (v.major, v.minor, v.micro), 'unknown': {}, 'unknownArches': []}
for arch, names in q['names'].items():
    tok = lib.seccomp_arch_resolve_name(arch.encode())
    if tok == 0:
        out['unknownArches'].append(arch)
        continue
    out['unknown'][arch] = [n for n in names if lib.seccomp_syscall_resolve_name_arch(tok, n.encode()) == -1]
for a in q['arches']:
    if lib.seccomp_arch_resolve_name(a.encode()) == 0:
        out['unknownArches'].append(a)
print(json.dumps(out))
`;

/** libseccomp's own arch names for our arch ids (seccomp_arch_resolve_name spelling). */
function libseccompArchName(a: ArchId): string {
  return archInfo(a).scmp.replace(/^SCMP_ARCH_/, '').toLowerCase();
}

export function probeLibseccomp(arches: readonly ArchId[], python = '/usr/bin/python3'): LibseccompFacts {
  if (!existsSync(python)) return { probe: null, version: null, error: `${python} not found`, unknownNames: {}, unknownArches: [] };
  const names: Record<string, string[]> = {};
  for (const a of arches) names[libseccompArchName(a)] = [...syscallsOf(a).keys()].sort();
  const specArches = SPEC_ARCHES.map((t) => t.replace(/^SCMP_ARCH_/, '').toLowerCase());
  let out: string;
  try {
    out = execFileSync(python, ['-c', LIBSECCOMP_PROBE], { input: JSON.stringify({ names, arches: specArches }), encoding: 'utf8', timeout: 20_000, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    const msg = ((e as { stderr?: string }).stderr ?? (e as Error).message).trim().split('\n').pop() ?? 'failed';
    return { probe: null, version: null, error: `libseccomp.so.2 could not be loaded: ${msg}`, unknownNames: {}, unknownArches: [] };
  }
  const r = JSON.parse(out) as { version: string; unknown: Record<string, string[]>; unknownArches: string[] };
  const unknownNames: Partial<Record<ArchId, string[]>> = {};
  for (const a of arches) {
    const u = r.unknown[libseccompArchName(a)];
    if (u) unknownNames[a] = u;
  }
  const unknownArches = [...new Set(r.unknownArches)].map((a) => `SCMP_ARCH_${a.toUpperCase()}`).filter((t) => (SPEC_ARCHES as readonly string[]).includes(t));
  return { probe: 'python3-ctypes', version: r.version, unknownNames, unknownArches };
}

/** Reads a KubeletConfiguration file: seccompDefault (true/false/unset). Bad input is a UserError with the path.
 *  The one reader of kubelet configurations (k8s lint uses it too); `parseKubeletConfig` takes text already read. */
export function readKubeletConfig(file: string): { seccompDefault: boolean | null } {
  const text = readText(file);
  if (text === null) throw new UserError(`${file}: cannot read the kubelet configuration (no such file or permission denied)`);
  return parseKubeletConfig(text, file);
}

/** A KubeletConfiguration's text (YAML or JSON; `file` names it in errors): seccompDefault, null when unset. */
export function parseKubeletConfig(text: string, file: string): { seccompDefault: boolean | null } {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new UserError(`${file}${pos ? `:${pos.line}:${pos.col}` : ''}: not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const v = doc.toJS() as unknown;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new UserError(`${file}: expected a KubeletConfiguration object (kind: KubeletConfiguration)`);
  const o = v as Record<string, unknown>;
  // The kubelet decodes its --config file through its scheme, which refuses a document without apiVersion and kind
  // (or of another group), so such a file cannot be the configuration a node runs with.
  if (o.kind !== 'KubeletConfiguration') {
    throw new UserError(`${file}: ${o.kind === undefined ? 'no kind' : `kind is ${JSON.stringify(o.kind)}`}, expected KubeletConfiguration (apiVersion kubelet.config.k8s.io/v1beta1); the kubelet's --config file is usually /var/lib/kubelet/config.yaml`);
  }
  if (typeof o.apiVersion !== 'string' || !o.apiVersion.startsWith('kubelet.config.k8s.io/')) {
    throw new UserError(`${file}: apiVersion is ${o.apiVersion === undefined ? 'missing' : JSON.stringify(o.apiVersion)}, expected kubelet.config.k8s.io/v1beta1 (the group the kubelet decodes its --config file with)`);
  }
  const sd = o.seccompDefault;
  if (sd !== undefined && sd !== null && typeof sd !== 'boolean') {
    const node = doc.get('seccompDefault', true) as { range?: [number, number] } | undefined;
    let at = '';
    if (node?.range) {
      const before = text.slice(0, node.range[0]).split('\n');
      at = `:${before.length}:${before[before.length - 1]!.length + 1}`;
    }
    throw new UserError(`${file}${at}: seccompDefault must be true or false, got ${JSON.stringify(sd)}`);
  }
  return { seccompDefault: typeof sd === 'boolean' ? sd : null };
}

/** Flags of a kubelet command line: --config, --root-dir, --seccomp-default (both `--x=v` and `--x v`). */
export function parseKubeletArgs(argv: readonly string[]): { config?: string; rootDir?: string; seccompDefault?: boolean } {
  const out: { config?: string; rootDir?: string; seccompDefault?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--?([a-z-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) continue;
    const name = m[1]!;
    const next = (): string | undefined => (m[2] !== undefined ? m[2] : argv[i + 1]?.startsWith('-') ? undefined : (i++, argv[i]));
    if (name === 'config') { const v = next(); if (v !== undefined) out.config = v; }
    else if (name === 'root-dir') { const v = next(); if (v !== undefined) out.rootDir = v; }
    else if (name === 'seccomp-default') {
      // A boolean flag: `--seccomp-default` alone is true; only the `=value` form takes a value.
      out.seccompDefault = m[2] === undefined ? true : /^(1|t|true)$/i.test(m[2]);
    }
  }
  return out;
}

/** The running kubelet's pid and argv (from /proc), if any. */
export function findKubelet(proc = '/proc'): { pid: number; argv: string[] } | null {
  let entries: string[];
  try {
    entries = readdirSync(proc);
  } catch {
    return null;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const comm = readText(join(proc, e, 'comm'))?.trim();
    if (comm !== 'kubelet') continue;
    const cmd = readText(join(proc, e, 'cmdline'));
    if (cmd === null) continue;
    return { pid: Number(e), argv: cmd.split('\0').filter((x) => x !== '').slice(1) };
  }
  return null;
}

function processRunning(comm: string, proc = '/proc'): boolean {
  try {
    return readdirSync(proc).some((e) => /^\d+$/.test(e) && readText(join(proc, e, 'comm'))?.trim() === comm);
  } catch {
    return false;
  }
}

/** Where tracefs is mounted (from /proc/mounts), or null. */
export function tracefsMount(mounts = '/proc/mounts'): string | null {
  for (const line of (readText(mounts) ?? '').split('\n')) {
    const f = line.split(' ');
    if (f[2] === 'tracefs') return f[1] ?? null;
  }
  return null;
}

export interface GatherOptions {
  /** A KubeletConfiguration file (default: the running kubelet's --config). */
  kubeletConfig?: string;
  /** The kubelet root directory (default: the running kubelet's --root-dir, else /var/lib/kubelet). */
  kubeletRoot?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** Gathers the node facts from the real system. */
export function gatherNodeFacts(opts: GatherOptions = {}): NodeFacts {
  const cwd = opts.cwd ?? process.cwd();
  const arch = hostArch().id;
  const actions = readText('/proc/sys/kernel/seccomp/actions_avail');
  const runtimes: RuntimeBinary[] = [];
  for (const name of ['runc', 'crun'] as const) {
    const path = findBinary(name, opts.env);
    if (!path) continue;
    const out = run(path, ['--version']);
    runtimes.push(out === null ? { name, path, version: null, libseccomp: null, banner: `${path} --version failed` } : parseRuntimeVersion(name, path, out));
  }
  const containerRuntime = existsSync('/run/containerd/containerd.sock') ? 'containerd'
    : existsSync('/run/crio/crio.sock') || existsSync('/var/run/crio/crio.sock') ? 'cri-o' : null;

  const kube = findKubelet();
  const args = kube ? parseKubeletArgs(kube.argv) : {};
  const configFile = opts.kubeletConfig !== undefined ? resolvePath(cwd, opts.kubeletConfig) : args.config ?? null;
  const fromFile = configFile !== null ? readKubeletConfig(configFile) : { seccompDefault: null };
  // The flag wins over the file (the kubelet's precedence), but an explicit --kubelet-config is what the user asked about.
  const flagSd = opts.kubeletConfig === undefined ? args.seccompDefault : undefined;
  const seccompDefault = flagSd ?? fromFile.seccompDefault;
  const kubelet: KubeletFacts = {
    source: opts.kubeletConfig !== undefined ? 'config-file' : kube ? 'cmdline' : configFile ? 'config-file' : 'none',
    configFile,
    pid: kube?.pid ?? null,
    rootDir: opts.kubeletRoot !== undefined ? resolvePath(cwd, opts.kubeletRoot) : args.rootDir ?? DEFAULT_KUBELET_ROOT_DIR,
    seccompDefault,
    seccompDefaultFrom: flagSd !== undefined ? 'flag' : fromFile.seccompDefault !== null ? 'config-file' : null,
  };

  const firstLine = (s: string | null): string | null => (s === null ? null : s.split('\n').find((l) => l.trim() !== '')?.trim() ?? null);
  const bpftrace = findBinary('bpftrace', opts.env);
  const strace = findBinary('strace', opts.env);
  const rl = readText('/proc/sys/kernel/printk_ratelimit');
  const recording: RecordingFacts = {
    root: process.getuid?.() === 0,
    btf: existsSync('/sys/kernel/btf/vmlinux'),
    tracefs: { mounted: tracefsMount(), available: /\btracefs\b/.test(readText('/proc/filesystems') ?? '') },
    bpftrace: bpftrace ? firstLine(run(bpftrace, ['--version'])) : null,
    strace: strace ? firstLine(run(strace, ['-V'])) : null,
    auditd: processRunning('auditd'),
    printkRatelimit: rl !== null && /^\d+/.test(rl.trim()) ? Number(rl.trim()) : null,
  };
  return {
    schema: NODE_FACTS_SCHEMA,
    arch,
    kernel: { release: release(), actionsAvail: actions === null ? null : actions.trim().split(/\s+/).filter(Boolean) },
    runtimes,
    containerRuntime,
    libseccomp: probeLibseccomp(nodeAbis(arch)),
    kubelet,
    recording,
  };
}

/** Reads `doctor --json` output (or bare facts) given to another command, e.g. `k8s lint --node-facts`. */
export function parseNodeFacts(text: string, file: string): NodeFacts {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: not JSON (${(e as Error).message}); give the output of seccompctl doctor --json`);
  }
  const f = (v && typeof v === 'object' && 'facts' in v ? (v as { facts: unknown }).facts : v) as Partial<NodeFacts> | null;
  if (!f || typeof f !== 'object' || f.schema !== NODE_FACTS_SCHEMA) {
    throw new UserError(`${file}: not seccompctl node facts (expected "facts.schema": "${NODE_FACTS_SCHEMA}"); give the output of seccompctl doctor --json`);
  }
  if (!f.arch || !resolveArch(f.arch) || !f.libseccomp || typeof f.libseccomp !== 'object') throw new UserError(`${file}: facts.arch or facts.libseccomp is missing or invalid`);
  return f as NodeFacts;
}
