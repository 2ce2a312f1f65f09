// One record's payload → what it says (architecture, syscall, action, process), without any parser state.
import type { Diagnostic } from '../common/index.js';
import { syscallName, syscallNumber, type ArchId } from '../syscalls/index.js';
import { actionOfCodeField, archOf, AUDIT_NAME_ALIASES, isDigits, parseFields, parseRawFields, untrusted } from './audit-fields.js';
import type { SeenAction } from './types.js';

/** A decoded payload: the observation's fields, or why it is malformed; the warnings it gives. */
export type DecodedPayload =
  | {
    readonly ok: true;
    readonly arch: ArchId; readonly nr: number | undefined; readonly name: string | undefined; readonly action: SeenAction;
    readonly pid: number | undefined; readonly comm: string | undefined; readonly exe: string | undefined;
    readonly compat: boolean | undefined;
    /** Warnings (the caller adds file and line): NO_ARCH_FIELD, UNKNOWN_SYSCALL_NUMBER, UNKNOWN_SYSCALL_NAME. */
    readonly warnings: Omit<Diagnostic, 'file' | 'line'>[];
  }
  | { readonly ok: false; readonly warnings: Omit<Diagnostic, 'file' | 'line'>[] };

/**
 * Decodes one record payload (the text after the `audit(…):` stamp or journald's `SECCOMP `, from `start`).
 * `interpreted`: ausearch -i spelling (names instead of numbers, values unencoded). Records without `arch=` are
 * taken as `nativeArch`.
 */
export function decodePayload(s: string, start: number, interpreted: boolean, nativeArch: ArchId): DecodedPayload {
  const f = interpreted ? parseFields(s, start) : parseRawFields(s, start);
  const sys = f.syscall;
  const warnings: Omit<Diagnostic, 'file' | 'line'>[] = [];
  if (sys === undefined || sys === '') return { ok: false, warnings };
  let nr: number | undefined;
  if (isDigits(sys)) nr = Number(sys);
  const archText = f.arch;
  let arch: ArchId;
  if (archText === undefined) {
    arch = nativeArch;
    warnings.push({
      code: 'NO_ARCH_FIELD', severity: 'warning',
      message: `records without arch= (older kernels) are taken as the native architecture (${arch})`,
      fix: 'pass --arch if the records came from a machine of another architecture',
    });
  } else {
    const a = archOf(archText, nr);
    if (!a) {
      warnings.push({ code: 'UNKNOWN_ARCH', severity: 'warning', message: `unknown arch=${archText}; record skipped` });
      return { ok: false, warnings };
    }
    arch = a.id; // x32: the interpreted form gives a name, not the number with the x32 bit.
  }
  let name: string | undefined;
  if (nr !== undefined) {
    name = syscallName(arch, nr);
    if (name === undefined) {
      warnings.push({
        code: 'UNKNOWN_SYSCALL_NUMBER', severity: 'warning',
        message: `syscall ${nr} has no name on ${arch} in the Linux 6.12 tables; it cannot be allowed by name`,
      });
    }
  } else {
    const um = /^unknown-syscall\((-?\d+)\)$/.exec(sys);
    if (um) {
      nr = Number(um[1]);
      name = syscallName(arch, nr);
    } else {
      const n = syscallNumber(arch, sys) !== undefined ? sys : AUDIT_NAME_ALIASES[sys] ?? sys;
      name = n;
      nr = syscallNumber(arch, n);
      if (nr === undefined) warnings.push({ code: 'UNKNOWN_SYSCALL_NAME', severity: 'warning', message: `syscall=${sys} is not a syscall on ${arch}` });
    }
  }
  const action: SeenAction = f.code !== undefined ? actionOfCodeField(f.code) : 'unknown';
  const pid = f.pid !== undefined && isDigits(f.pid) ? Number(f.pid) : undefined;
  const compat = f.compat === undefined ? undefined : f.compat === '1';
  return {
    ok: true, arch, nr, name, action, pid, compat, warnings,
    comm: untrusted(f.comm, f.commQuoted, interpreted), exe: untrusted(f.exe, f.exeQuoted, interpreted),
  };
}
