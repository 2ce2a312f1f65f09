// verify's verdict policy for ENOSYS, from the library: a call the profile answers ENOSYS through its own rule for
// that syscall (RuntimeDefault's clone3) is listed apart and not counted — verifyProfile returns exactly what
// `seccompctl verify` prints, so a library caller needs no second step.
import { describe, expect, it } from 'vitest';
import { splitDeliberateEnosys, verifyProfile } from '../../src/verify/index.js';
import type { Profile } from '../../src/profile/index.js';
import { cli } from '../helpers/cli.js';
import { DEBIAN_PYTHON, haveRoot, haveSystem } from '../helpers/system.js';

const live = haveSystem('runc', 'bpftrace', DEBIAN_PYTHON) && haveRoot();

const d = (name: string, errno: number): { name: string; errno: number } => ({ name, errno });

describe('splitDeliberateEnosys', () => {
  it('only an unconditional ERRNO(38) rule of the syscall\'s own makes its ENOSYS deliberate', () => {
    const p: Profile = {
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1,
      syscalls: [
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
        { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, args: [{ index: 0, value: 8n, op: 'SCMP_CMP_EQ' }] },
        { names: ['openat2'], action: 'SCMP_ACT_ERRNO' },
      ],
    };
    const s = splitDeliberateEnosys(p, [d('clone3', 38), d('clone3', 1), d('personality', 38), d('openat2', 38), d('bpf', 1)]);
    expect(s.deliberate).toEqual([d('clone3', 38)]);
    expect(s.other).toEqual([d('clone3', 1), d('personality', 38), d('openat2', 38), d('bpf', 1)]);
    // With the default errno ENOSYS, a rule without errnoRet answers ENOSYS too.
    expect(splitDeliberateEnosys({ ...p, defaultErrnoRet: 38 }, [d('openat2', 38)]).deliberate).toEqual([d('openat2', 38)]);
  });
});

// A thread start: glibc 2.36 tries clone3 first and falls back to clone on ENOSYS.
const THREAD = [DEBIAN_PYTHON, '-c', 'import threading; t = threading.Thread(target=lambda: None); t.start(); t.join()'];

describe.skipIf(!live)('verifyProfile under runtime-default:docker (clone3 answered ENOSYS by its own rule)', () => {
  it('lists clone3 in deliberateEnosys, not in denials, and passes; the CLI prints the same', async () => {
    const r = await verifyProfile({ profileRef: 'runtime-default:docker', argv: THREAD, method: 'ebpf', output: 'capture' });
    expect(r.commandSucceeded, r.stderr).toBe(true);
    expect(r.deliberateEnosys.map((x) => [x.name, x.errno])).toContainEqual(['clone3', 38]);
    expect(r.denials).toEqual([]);
    expect(r.passed).toBe(true);
    const c = await cli(['verify', 'runtime-default:docker', '--method', 'ebpf', '--', ...THREAD]);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toContain('answered ENOSYS by the profile\'s own rule (callers fall back; not counted): clone3\n');
    expect(c.stdout).toMatch(/PASS: nothing was denied/);
    const j = await cli(['verify', '--json', 'runtime-default:docker', '--method', 'ebpf', '--', ...THREAD]);
    const o = JSON.parse(j.stdout) as { passed: boolean; denials: unknown[]; deliberateEnosys: { name: string }[] };
    expect(o).toMatchObject({ passed: true, denials: [] });
    expect(o.deliberateEnosys.map((x) => x.name)).toEqual(r.deliberateEnosys.map((x) => x.name));
  }, 60_000);
});
