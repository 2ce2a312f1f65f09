// Argument capture for the eBPF record program (`record --args`): for the curated syscalls (ARG_SPECS), the values
// of the arguments that decide their risk, kept as distinct keys of one kernel map, `@args[nr, a, b]`.
//
// Only the host's native ABI is captured (a compat or x32 call of a curated syscall leaves the syscall name-only, see
// record). clone3's flags are read from its `struct clone_args` in user memory (flags at offset 0, exit_signal at
// offset 32, include/uapi/linux/sched.h) — the probe can do what seccomp cannot.
import { ARG_SPECS, argSpec, syscallNumber, type ArchId } from '../syscalls/index.js';

/**
 * The kernel map's default size (the record program's maps all have SECCOMPCTL_RECORD_MAP_KEYS keys, this by
 * default): more distinct tuples are refused, counted in `@lost_args` (ProbeResult.mapLoss, map `args`).
 */
export const ARG_MAP_KEYS = 65536;

/** One distinct argument tuple of one native syscall. */
export interface ArgSample {
  readonly nr: number;
  /** The curated arguments' values in the spec's order (clone3: [flags | exit_signal]). */
  readonly values: readonly bigint[];
}

/**
 * The statements the record program runs in `sys_enter` for native calls (`$c == 0`), or '' when the host's
 * syscall table lacks every curated name. One comparison per curated syscall on each call, then, for a curated
 * call, one lookup (and one insert the first time a tuple is seen).
 */
export function argCaptureStatements(host: ArchId): string {
  // A tuple the full map refused reads back as 0: counted in @lost_args (the recording then keeps names only).
  const store = (key: string): string => `if (@args[${key}] == 0) { @args[${key}] = 1; if (@args[${key}] == 0) { @lost_args = count(); } }`;
  const arms: string[] = [];
  for (const s of ARG_SPECS) {
    const nr = syscallNumber(host, s.syscall);
    const spec = argSpec(s.syscall, host);
    if (nr === undefined || !spec) continue;
    const a = spec.args.map((x) => `args->args[${x.index}]`);
    const key = `${nr}, ${a[0]}, ${a[1] ?? '0'}`;
    arms.push(`if (args->id == ${nr}) { ${store(key)} }`);
  }
  const clone3 = syscallNumber(host, 'clone3');
  if (clone3 !== undefined) {
    const v = '*(uint64 *)uptr(args->args[0]) | *(uint64 *)uptr(args->args[0] + 32)';
    arms.push(`if (args->id == ${clone3}) { $f = ${v}; ${store(`${clone3}, $f, 0`)} }`);
  }
  if (arms.length === 0) return '';
  return `if ($c == 0) { ${arms.join(' else ')} }`;
}

/** Parses the `@args[nr, a, b]: 1` rows of bpftrace's map dump (values printed as signed 64-bit). */
export function parseArgSamples(text: string, host: ArchId): ArgSample[] {
  const out: ArgSample[] = [];
  const byNr = new Map<number, number>();
  for (const s of ARG_SPECS) {
    const nr = syscallNumber(host, s.syscall);
    if (nr !== undefined) byNr.set(nr, argSpec(s.syscall, host)!.args.length);
  }
  const clone3 = syscallNumber(host, 'clone3');
  if (clone3 !== undefined) byNr.set(clone3, 1);
  for (const line of text.split('\n')) {
    const m = /^@args\[(\d+), (-?\d+), (-?\d+)\]: \d+$/.exec(line);
    if (!m) continue;
    const nr = Number(m[1]);
    const n = byNr.get(nr);
    if (n === undefined) continue;
    const vals = [BigInt.asUintN(64, BigInt(m[2]!)), BigInt.asUintN(64, BigInt(m[3]!))];
    out.push({ nr, values: vals.slice(0, n) });
  }
  return out;
}
