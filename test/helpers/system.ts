// System-test gates: a test that needs a real tool runs when it is there, and in CI (SECCOMPCTL_REQUIRE_SYSTEM=1)
// a missing tool is a failure, never a skip.
import { execFileSync } from 'node:child_process';

/** Whether the system tools a test needs are present; throws in CI when they are not. */
export function haveSystem(...tools: string[]): boolean {
  const missing = tools.filter((t) => {
    try {
      execFileSync('sh', ['-c', `command -v ${t}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return true;
  if (process.env.SECCOMPCTL_REQUIRE_SYSTEM === '1') {
    throw new Error(`SECCOMPCTL_REQUIRE_SYSTEM=1 but missing: ${missing.join(', ')} (install them in .ci/run)`);
  }
  return false;
}

/** Whether we run as root (runc, bpftrace, sysctl writes need it); throws in CI when not. */
export function haveRoot(): boolean {
  const root = process.getuid?.() === 0;
  if (!root && process.env.SECCOMPCTL_REQUIRE_SYSTEM === '1') throw new Error('SECCOMPCTL_REQUIRE_SYSTEM=1 but not root');
  return root;
}

/** Debian's python3, which has the seccomp module (the first python3 on PATH may not). */
export const DEBIAN_PYTHON = '/usr/bin/python3';
