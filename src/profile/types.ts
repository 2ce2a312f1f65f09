// The canonical profile model: the OCI runtime-spec `LinuxSeccomp` object (config-linux.md, "Seccomp").
// Docker and security-profiles-operator dialects are parsed into this after expansion (see ./index.ts).

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
