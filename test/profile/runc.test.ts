// Done when: containers-common's seccomp.json, converted to OCI for x86_64 with Docker's default capability set, is
// accepted by real runc, which runs a shell command under it. Uses the runtime stage's host bundle and runc driver.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCKER_DEFAULT_CAPS } from '../../src/profile/index.js';
import { createHostBundle, runContainer } from '../../src/runtime/index.js';
import { cli } from '../helpers/cli.js';
import { haveRoot, haveSystem } from '../helpers/system.js';

/** A copy of Debian's /usr/share/containers/seccomp.json (provenance in the fixture folder). */
const CONTAINERS_COMMON = 'test/fixtures/profile/containers-common/seccomp.json';
/** Calls vmsplice(-1, NULL, 0, 0) (x86_64 nr 278) through libc and prints its errno. */
const PROBE = `/usr/bin/python3 -c 'import ctypes; l = ctypes.CDLL(None, use_errno=True); l.syscall(278, -1, 0, 0, 0); print("vmsplice errno", ctypes.get_errno())'`;
const live = process.arch === 'x64' && haveSystem('runc') && haveRoot();

describe.skipIf(!live)('containers-common profile under real runc', () => {
  it('runc accepts the converted profile and runs sh under it (the filter is really loaded)', async () => {
    const conv = await cli(['convert', CONTAINERS_COMMON, '--to', 'oci', '--arch', 'x86_64', '--caps', DOCKER_DEFAULT_CAPS.join(',')]);
    expect(conv.code).toBe(0);
    // The converted profile must not carry what runc 1.1.5 rejects or what containerd would drop.
    const p = JSON.parse(conv.stdout) as { flags: string[]; architectures: string[] };
    expect(p.flags).toEqual([]);
    expect(p.architectures).toEqual(['SCMP_ARCH_X32', 'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64']);
    const b = createHostBundle({
      args: ['sh', '-c', `echo hello-under-seccomp; grep -E "^Seccomp(_filters)?:" /proc/self/status; ${PROBE}`],
      seccomp: conv.stdout,
      capabilities: [...DOCKER_DEFAULT_CAPS],
    });
    try {
      const r = await runContainer(b.dir, { timeoutMs: 30_000 });
      expect({ code: r.exitCode, err: r.stderr }).toEqual({ code: 0, err: '' });
      expect(r.stdout).toContain('hello-under-seccomp');
      expect(r.stdout).toMatch(/^Seccomp:\s+2$/m); // 2 = SECCOMP_MODE_FILTER
      expect(r.stdout).toMatch(/^Seccomp_filters:\s+1$/m);
      // vmsplice is in the profile's EPERM block; without a filter the kernel answers EBADF (9) for fd -1, so
      // errno 1 proves the rule is enforced.
      expect(r.stdout).toMatch(/^vmsplice errno 1$/m);
    } finally {
      b.cleanup();
    }
  });

  it('control: without a filter the probe sees EBADF, so the errno above comes from the profile', async () => {
    const b = createHostBundle({ args: ['sh', '-c', PROBE], capabilities: [...DOCKER_DEFAULT_CAPS] });
    try {
      const r = await runContainer(b.dir, { timeoutMs: 30_000 });
      expect(r.stdout).toMatch(/^vmsplice errno 9$/m);
    } finally {
      b.cleanup();
    }
  });

  it('the raw Docker-format file also starts under runc: Docker-only keys are dropped silently, hence validate', async () => {
    // runc decodes linux.seccomp into the OCI struct like containerd, so archMap/includes vanish without an error.
    const v = await cli(['validate', '--runtime', 'runc', '--json', CONTAINERS_COMMON]);
    const [rep] = JSON.parse(v.stdout) as { diagnostics: { code: string }[] }[];
    expect(rep!.diagnostics.map((d) => d.code)).toContain('ARCHMAP_IGNORED');
    const b = createHostBundle({ args: ['sh', '-c', 'echo raw-ok'], seccomp: readFileSync(CONTAINERS_COMMON, 'utf8'), capabilities: [...DOCKER_DEFAULT_CAPS] });
    try {
      const r = await runContainer(b.dir, { timeoutMs: 30_000 });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toContain('raw-ok');
    } finally {
      b.cleanup();
    }
  });
});
