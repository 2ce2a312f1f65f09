// Syscall tables and architecture identities: the facts every other stage looks up.
import { refusal, type Diagnostic, type Refusable } from '../common/index.js';
import { KERNEL_VERSION, TABLES } from './tables.generated.js';

/** Our short architecture ids, one per seccomp ABI that runc accepts. */
export type ArchId =
  | 'x86_64' | 'x86' | 'x32' | 'aarch64' | 'arm' | 'riscv64' | 'loongarch64'
  | 'ppc64le' | 'ppc64' | 'ppc' | 's390x' | 's390'
  | 'mips' | 'mipsel' | 'mips64' | 'mipsel64' | 'mips64n32' | 'mipsel64n32';

/** Everything known about one architecture (ABI). */
export interface ArchInfo {
  readonly id: ArchId;
  /** The libseccomp / OCI token, e.g. `SCMP_ARCH_X86_64`. */
  readonly scmp: string;
  /** AUDIT_ARCH_* value: what `seccomp_data.arch` and audit `arch=` carry (x32 shares x86_64's). */
  readonly auditArch: number;
  /** Go's GOARCH (what Kubernetes and Docker call the platform), or null when Go has none (x32, n32). */
  readonly goArch: string | null;
  readonly bits: 32 | 64;
  readonly endian: 'little' | 'big';
  /** Compat ABIs a kernel of this architecture also runs (Docker's archMap sub-architectures). */
  readonly compat: readonly ArchId[];
  /** Other spellings accepted on input. */
  readonly aliases: readonly string[];
}

const A = (id: ArchId, scmp: string, auditArch: number, goArch: string | null, bits: 32 | 64,
  endian: 'little' | 'big', compat: ArchId[], aliases: string[] = []): ArchInfo =>
  ({ id, scmp: `SCMP_ARCH_${scmp}`, auditArch, goArch, bits, endian, compat, aliases });

/** All architectures, native 64-bit first. AUDIT_ARCH values: include/uapi/linux/audit.h. */
export const ARCHES: readonly ArchInfo[] = [
  A('x86_64', 'X86_64', 0xc000003e, 'amd64', 64, 'little', ['x86', 'x32'], ['x86-64', 'x64']),
  A('x86', 'X86', 0x40000003, '386', 32, 'little', [], ['i386', 'i686', 'ia32']),
  A('x32', 'X32', 0xc000003e, null, 32, 'little', []),
  A('aarch64', 'AARCH64', 0xc00000b7, 'arm64', 64, 'little', ['arm']),
  A('arm', 'ARM', 0x40000028, 'arm', 32, 'little', [], ['armhf', 'armel', 'armv7l']),
  A('riscv64', 'RISCV64', 0xc00000f3, 'riscv64', 64, 'little', []),
  A('loongarch64', 'LOONGARCH64', 0xc0000102, 'loong64', 64, 'little', []),
  A('ppc64le', 'PPC64LE', 0xc0000015, 'ppc64le', 64, 'little', []),
  A('ppc64', 'PPC64', 0x80000015, 'ppc64', 64, 'big', ['ppc']),
  A('ppc', 'PPC', 0x00000014, null, 32, 'big', [], ['powerpc']),
  A('s390x', 'S390X', 0x80000016, 's390x', 64, 'big', ['s390']),
  A('s390', 'S390', 0x00000016, null, 32, 'big', []),
  A('mips', 'MIPS', 0x00000008, 'mips', 32, 'big', []),
  A('mipsel', 'MIPSEL', 0x40000008, 'mipsle', 32, 'little', []),
  A('mips64', 'MIPS64', 0x80000008, 'mips64', 64, 'big', ['mips', 'mips64n32']),
  A('mipsel64', 'MIPSEL64', 0xc0000008, 'mips64le', 64, 'little', ['mipsel', 'mipsel64n32'], ['mips64el']),
  A('mips64n32', 'MIPS64N32', 0xa0000008, null, 32, 'big', []),
  A('mipsel64n32', 'MIPSEL64N32', 0xe0000008, null, 32, 'little', [], ['mips64eln32']),
];

/** x32 syscalls carry this bit in their number (arch/x86/include/uapi/asm/unistd.h). */
export const X32_SYSCALL_BIT = 0x40000000;

/** Where the tables come from. */
export const TABLE_PROVENANCE: { readonly source: string; readonly kernelVersion: string } = {
  source: 'Linux kernel syscall .tbl files (Debian linux-source-6.12), scripts/gen-syscalls.ts',
  kernelVersion: KERNEL_VERSION,
};

const byId = new Map<string, ArchInfo>(ARCHES.map((a) => [a.id, a]));
const byToken = new Map<string, ArchInfo>();
for (const a of ARCHES) {
  for (const t of [a.id, a.scmp, a.scmp.slice('SCMP_ARCH_'.length), ...a.aliases, ...(a.goArch ? [a.goArch] : [])]) {
    byToken.set(t.toLowerCase(), a);
  }
}

/**
 * Resolves any spelling of an architecture: `SCMP_ARCH_AARCH64`, `aarch64`, `arm64`, or an audit code as the
 * kernel prints it in `arch=%x` (unpadded hex: `c00000b7`, s390 `16`, ppc `14`, mips `8`; also `0x…`). The audit
 * code of x86_64 resolves to x86_64, never x32. Returns undefined when unknown.
 */
export function resolveArch(token: string): ArchInfo | undefined {
  const t = token.trim().toLowerCase();
  const hit = byToken.get(t);
  if (hit) return hit;
  if (/^(0x)?[0-9a-f]{1,8}$/.test(t)) return archFromAudit(parseInt(t.replace(/^0x/, ''), 16));
  return undefined;
}

/** The architecture of an audit/seccomp_data `arch` value, taking x32 from the syscall number when given. */
export function archFromAudit(auditArch: number, nr?: number): ArchInfo | undefined {
  const a = ARCHES.find((x) => x.auditArch === auditArch >>> 0 && x.id !== 'x32');
  if (a?.id === 'x86_64' && nr !== undefined && nr >= X32_SYSCALL_BIT && nr !== 0xffffffff && nr !== -1) {
    return byId.get('x32');
  }
  return a;
}

/** Looks an architecture up by our id; throws on an id that is not an ArchId (a programming error). */
export function archInfo(id: ArchId): ArchInfo {
  const a = byId.get(id);
  if (!a) throw new Error(`internal: unknown arch id ${id}`);
  return a;
}

/** Every architecture id. */
export const ARCH_IDS: readonly ArchId[] = ARCHES.map((a) => a.id);

/** The architecture seccompctl runs on (from Node's process.arch), or x86_64 when it has no seccomp table. */
export function hostArch(): ArchInfo {
  const m: Record<string, ArchId> = {
    x64: 'x86_64', ia32: 'x86', arm64: 'aarch64', arm: 'arm', riscv64: 'riscv64', loong64: 'loongarch64',
    ppc64: 'ppc64le', s390x: 's390x', mips: 'mips', mipsel: 'mipsel',
  };
  return archInfo(m[process.arch] ?? 'x86_64');
}

// Each arch's maps are built the first time that arch is asked about (most commands touch one or two arches).
const names = new Map<ArchId, ReadonlyMap<string, number>>();
const numbers = new Map<ArchId, ReadonlyMap<number, string>>();

function namesOn(arch: ArchId): ReadonlyMap<string, number> {
  let m = names.get(arch);
  if (m === undefined) {
    const t = TABLES[arch] ?? '';
    m = new Map(t === '' ? [] : t.split(',').map((e) => {
      const i = e.indexOf(':');
      return [e.slice(0, i), Number(e.slice(i + 1))] as const;
    }));
    names.set(arch, m);
  }
  return m;
}

function numbersOn(arch: ArchId): ReadonlyMap<number, string> {
  let m = numbers.get(arch);
  if (m === undefined) {
    m = new Map([...namesOn(arch)].map(([n, v]) => [v, n]));
    numbers.set(arch, m);
  }
  return m;
}

let allNames: readonly string[] | undefined;
let allNameSet: ReadonlySet<string> | undefined;
function everyName(): readonly string[] {
  allNames ??= [...new Set(ARCHES.flatMap((a) => [...namesOn(a.id).keys()]))].sort();
  return allNames;
}

/** The number of `name` on `arch`, or undefined when that arch has no such syscall. */
export function syscallNumber(arch: ArchId, name: string): number | undefined {
  return namesOn(arch).get(name);
}

/** The name of syscall `nr` on `arch` (x32 numbers include X32_SYSCALL_BIT), or undefined. */
export function syscallName(arch: ArchId, nr: number): string | undefined {
  return numbersOn(arch).get(nr);
}

/** All (name, number) pairs of one arch, sorted by number. */
export function syscallsOf(arch: ArchId): ReadonlyMap<string, number> {
  return namesOn(arch);
}

/** The highest syscall number on an arch (below ARM's private range and x32's bit for the usual comparisons). */
export function maxSyscallNumber(arch: ArchId): number {
  return Math.max(...namesOn(arch).values());
}

/** Is `name` a syscall on any architecture? */
export function isKnownSyscall(name: string): boolean {
  allNameSet ??= new Set(everyName());
  return allNameSet.has(name);
}

/** Every syscall name known on any architecture, sorted. */
export function allSyscallNames(): readonly string[] {
  return everyName();
}

/** The architectures that have `name`. */
export function archesWith(name: string): ArchId[] {
  return ARCHES.filter((a) => namesOn(a.id).has(name)).map((a) => a.id);
}

/** The outcome of resolving one name or number on one arch: found, absent on this arch, or unknown everywhere. */
export type Resolution =
  | { readonly kind: 'found'; readonly arch: ArchId; readonly name: string; readonly number: number }
  | { readonly kind: 'absent'; readonly arch: ArchId; readonly query: string; readonly existsOn: readonly ArchId[] }
  | { readonly kind: 'unknown'; readonly arch: ArchId; readonly query: string; readonly suggestions: readonly string[] };

/** Resolves a syscall name or number (decimal or 0x hex) on one architecture. */
export function resolveSyscall(arch: ArchId, query: string): Resolution {
  const q = query.trim();
  if (/^(0x[0-9a-f]+|\d+)$/i.test(q)) {
    const nr = Number(q);
    const name = syscallName(arch, nr);
    if (name !== undefined) return { kind: 'found', arch, name, number: nr };
    return { kind: 'unknown', arch, query: q, suggestions: [] };
  }
  const nr = syscallNumber(arch, q);
  if (nr !== undefined) return { kind: 'found', arch, name: q, number: nr };
  if (isKnownSyscall(q)) return { kind: 'absent', arch, query: q, existsOn: archesWith(q) };
  return { kind: 'unknown', arch, query: q, suggestions: suggestSyscalls(q) };
}

/**
 * What `seccompctl resolve` gives for its queries: the names and numbers found, what is missing, the verdict —
 * `ok` (exit 0); `failed` (exit 1): a query is unknown, or absent on a requested arch (with `allArches`: on every
 * arch); `refused` (exit 2): an architecture token is unknown (UNKNOWN_ARCH, its message the summary).
 */
export type ResolveQueriesResult = Refusable<{
  /** Per query, in order: SYSCALL_NOT_ON_ARCH (absent there; names where it exists) and UNKNOWN_SYSCALL (with
   * suggestions), an error when it fails the verdict, a warning when `allArches` found it elsewhere; or the refusal. */
  readonly diagnostics: readonly Diagnostic[];
  /** The architectures asked for (this machine's when none). */
  readonly arches: readonly ArchInfo[];
  /** Every hit, query by query, arch by arch. */
  readonly found: readonly Extract<Resolution, { kind: 'found' }>[];
}>;

/**
 * `seccompctl resolve QUERY...` as one call: each name or number (decimal or 0x hex) on each architecture of `arches`
 * (tokens resolveArch accepts, comma-separated allowed; default this machine's), or on every one with `allArches`.
 */
export function resolveQueries(queries: readonly string[], opts: { arches?: readonly string[]; allArches?: boolean } = {}): ResolveQueriesResult {
  const arches: ArchInfo[] = [];
  if (opts.allArches === true) arches.push(...ARCHES);
  else {
    for (const t of (opts.arches ?? []).flatMap((x) => x.split(','))) {
      const a = resolveArch(t);
      if (!a) {
        return { ...refusal('UNKNOWN_ARCH', `unknown architecture "${t}"; try one of: ${ARCHES.map((x) => x.id).join(', ')}`), arches: [], found: [] };
      }
      arches.push(a);
    }
  }
  if (arches.length === 0) arches.push(hostArch());
  const found: Extract<Resolution, { kind: 'found' }>[] = [];
  const diagnostics: Diagnostic[] = [];
  let failed = false;
  for (const q of queries) {
    const mine = arches.map((a) => resolveSyscall(a.id, q));
    for (const r of mine) if (r.kind === 'found') found.push(r);
    // With allArches a name is fine if it exists somewhere; absences are still reported.
    const fatal = opts.allArches === true ? mine.every((r) => r.kind !== 'found') : mine.some((r) => r.kind !== 'found');
    if (fatal) failed = true;
    const severity = fatal ? 'error' : 'warning';
    for (const r of mine) {
      if (r.kind === 'absent') {
        diagnostics.push({ code: 'SYSCALL_NOT_ON_ARCH', severity, message: `${q}: does not exist on ${r.arch} (it exists on ${r.existsOn.join(', ')})` });
      } else if (r.kind === 'unknown') {
        diagnostics.push({ code: 'UNKNOWN_SYSCALL', severity, message: `${q}: not a syscall on ${r.arch}${r.suggestions.length ? `; did you mean ${r.suggestions.join(', ')}?` : ''}` });
      }
    }
  }
  return { outcome: failed ? 'failed' : 'ok', diagnostics, arches, found };
}

/** Names close to a misspelt one (edit distance ≤ 2, or a shared prefix), best first, at most 3. */
export function suggestSyscalls(query: string): string[] {
  const scored = everyName()
    .map((n) => ({ n, d: editDistance(query, n) }))
    .filter((x) => x.d <= Math.max(1, Math.min(2, Math.floor(query.length / 3))))
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  return scored.slice(0, 3).map((x) => x.n);
}

/** Levenshtein distance, small strings only. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

export type { ArgFormat, ArgRuleKind, ArgSpec, ConstantGroup, SyscallArgSpec } from './argnames.js';
export {
  ARG_SPECS, argSpec, constantGroup, constantValue, CONSTANTS_PROVENANCE, formatArgValue, parseArgValue,
} from './argnames.js';
