// The canonical profile model: the OCI runtime-spec `LinuxSeccomp` object (config-linux.md, "Seccomp").
// Docker and security-profiles-operator dialects are parsed into this after expansion (see ./index.ts).
// The interfaces are written out for their doc comments; format.ts checks them at compile time against the format
// tables (keys, required keys, value types), so they cannot drift from what the decoder produces.

/** Every action the runtime-spec defines. `SCMP_ACT_KILL` is an alias of KILL_THREAD. */
export const ACTIONS = [
  'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY',
] as const;
export type Action = (typeof ACTIONS)[number];

/** Argument comparison operators. MASKED_EQ means `(arg & value) == valueTwo`. */
export const OPERATORS = [
  'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** Filter flags the runtime-spec defines. */
export const FLAGS = [
  'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
  'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
] as const;
export type Flag = (typeof FLAGS)[number];

/** One argument condition. Values are uint64, kept exact as bigint. */
export interface SyscallArg {
  index: number;
  value: bigint;
  valueTwo?: bigint;
  op: Operator;
}

/** One rule: these syscalls get this action (when all args conditions hold). */
export interface SyscallRule {
  names: string[];
  action: Action;
  errnoRet?: number;
  args?: SyscallArg[];
}

/** An OCI seccomp profile. `architectures` holds SCMP_ARCH_* tokens as written. */
export interface Profile {
  defaultAction: Action;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: SyscallRule[];
}

/** Every architecture token the runtime-spec schema lists (v1.2.1+). runc knows all but PARISC*, M68K, SH*. */
export const SPEC_ARCHES = [
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC',
  'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_LOONGARCH64', 'SCMP_ARCH_M68K', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB',
] as const;

/** Docker/containers-common `includes`/`excludes` filter. `minKernel` is "X.Y" (Docker only; CRI-O ignores it). */
export interface DockerFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

/** Docker `archMap` entry: when the daemon runs on `architecture`, these arches go into the filter. */
export interface DockerArchMap {
  architecture: string;
  subArchitectures?: string[];
}

/** A Docker rule: OCI fields plus the Docker-only ones. `names` may be missing when the deprecated `name` is used. */
export interface DockerSyscallRule {
  name?: string;
  names?: string[];
  action: Action;
  errnoRet?: number;
  /** containers/common only: errno by name ("ENOSYS") or number as a string. */
  errno?: string;
  args?: SyscallArg[];
  comment?: string;
  includes?: DockerFilter;
  excludes?: DockerFilter;
}

/** Docker's / containers-common's profile format: a superset of the OCI object. */
export interface DockerProfile {
  defaultAction: Action;
  defaultErrnoRet?: number;
  /** containers/common only (Docker ignores it). */
  defaultErrno?: string;
  architectures?: string[];
  archMap?: DockerArchMap[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: DockerSyscallRule[];
}

/** security-profiles-operator `SeccompProfile` spec (OCI fields minus defaultErrnoRet, plus SPO's own). */
export interface SpoSpec {
  defaultAction: Action;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: SyscallRule[];
  /** Another SeccompProfile (by name) or `oci://` reference whose syscalls are unioned in by the operator. */
  baseProfileName?: string;
  /** `Enabled` or `Disabled` (v1 API). */
  state?: string;
  /** Older API versions: true leaves the profile uninstalled. */
  disabled?: boolean;
}

/** A `SeccompProfile` custom resource (security-profiles-operator.x-k8s.io). */
export interface SpoProfile {
  apiVersion: string;
  kind: 'SeccompProfile';
  metadata: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: SpoSpec;
}
