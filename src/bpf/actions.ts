// seccomp return values: encoding, names, precedence (include/uapi/linux/seccomp.h).
import type { Action } from '../profile/index.js';

/** SECCOMP_RET_* action values (the high 16 bits of a filter's return value). */
export const RET = {
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  USER_NOTIF: 0x7fc00000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const;

/** An action name as the kernel sees it. */
export type KernelAction = keyof typeof RET;

/** EPERM, the errno runc uses when a profile gives none for ERRNO or TRACE. */
export const EPERM = 1;
/** ENOSYS, what runc's stub returns for syscall numbers above the highest one named. */
export const ENOSYS = 38;

/** The return value runc + libseccomp give an OCI action (errno kept in the low 16 bits, as libseccomp-golang does). */
export function actionValue(action: Action, errnoRet?: number): number {
  switch (action) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD': return RET.KILL_THREAD;
    case 'SCMP_ACT_KILL_PROCESS': return RET.KILL_PROCESS;
    case 'SCMP_ACT_TRAP': return RET.TRAP;
    case 'SCMP_ACT_ERRNO': return (RET.ERRNO | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
    case 'SCMP_ACT_TRACE': return (RET.TRACE | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
    case 'SCMP_ACT_LOG': return RET.LOG;
    case 'SCMP_ACT_ALLOW': return RET.ALLOW;
    case 'SCMP_ACT_NOTIFY': return RET.USER_NOTIF;
  }
}

/** The kernel action of a filter return value; unknown values act as KILL_PROCESS (`__seccomp_filter`). */
export function kernelAction(ret: number): KernelAction {
  const a = (ret & 0xffff0000) >>> 0;
  for (const [name, v] of Object.entries(RET)) if (v === a) return name as KernelAction;
  return 'KILL_PROCESS';
}

/** `ALLOW`, `ERRNO(1)`, `TRACE(5)`, `KILL_THREAD`… */
export function formatRet(ret: number): string {
  const a = kernelAction(ret);
  const data = ret & 0xffff;
  if (a === 'ERRNO' || a === 'TRACE') return `${a}(${data})`;
  if (a === 'TRAP' && data !== 0) return `TRAP(${data})`;
  if ((ret & 0xffff0000) >>> 0 !== RET[a]) return `0x${(ret >>> 0).toString(16).padStart(8, '0')} (unknown: KILL_PROCESS)`;
  return a;
}

/** The errno a task sees for an ERRNO return (the kernel caps DATA at MAX_ERRNO 4095), else undefined. */
export function errnoOf(ret: number): number | undefined {
  return kernelAction(ret) === 'ERRNO' ? Math.min(ret & 0xffff, 4095) : undefined;
}

/** Whether the syscall runs: ALLOW and LOG (check exits 0 for these). */
export function isAllowLike(ret: number): boolean {
  const a = kernelAction(ret);
  return a === 'ALLOW' || a === 'LOG';
}
