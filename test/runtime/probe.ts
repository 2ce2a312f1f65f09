// A syscall probe for containers: Debian's python3 calls raw syscalls through ctypes and prints "name errno" lines,
// so a test can see exactly what the kernel (and the seccomp filter) answered.
import { syscallNumber } from '../../src/syscalls/index.js';
import { DEBIAN_PYTHON } from '../helpers/system.js';

/** Calls chosen with harmless arguments; without a filter each fails with a distinct errno (or succeeds). */
export const PROBE_CALLS: Record<string, readonly number[]> = {
  getppid: [],
  unshare: [0], // no flags: succeeds (0) when allowed
  mount: [0, 0, 0, 0, 0], // NULL target: EFAULT when allowed
  ptrace: [0xffff, 999999, 0, 0], // unknown request on a pid that does not exist: ESRCH or EIO when allowed
  bpf: [0xffff, 0, 0], // unknown command: EINVAL with CAP_BPF/CAP_SYS_ADMIN, EPERM without (so use a privileged control)
};

/** argv running the probe for `names` (x86_64 numbers). Output: one "name errno" line per call (errno 0 = success). */
export function probeArgs(names: readonly string[]): string[] {
  const calls = names.map((n) => {
    const nr = syscallNumber('x86_64', n);
    if (nr === undefined) throw new Error(`no x86_64 number for ${n}`);
    return [n, nr, PROBE_CALLS[n] ?? []] as const;
  });
  const script = [
    'import ctypes, json, sys',
    'libc = ctypes.CDLL(None, use_errno=True)',
    'libc.syscall.restype = ctypes.c_long',
    `for name, nr, args in json.loads(${JSON.stringify(JSON.stringify(calls))}):`,
    '    ctypes.set_errno(0)',
    '    r = libc.syscall(ctypes.c_long(nr), *[ctypes.c_long(a) for a in args])',
    '    print(name, ctypes.get_errno() if r == -1 else 0, flush=True)',
  ].join('\n');
  return [DEBIAN_PYTHON, '-c', script];
}

/** Parses probe output into name → errno (0 = success). */
export function parseProbe(stdout: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of stdout.split('\n')) {
    const m = /^(\w+) (\d+)$/.exec(line.trim());
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}
