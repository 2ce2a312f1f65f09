// arch= decides the table: aarch64, i386-compat and x32 records are named from their own tables, checked against
// libseccomp's scmp_sys_resolver (an independent table), and compat records add the compat arch to the profile.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ingestText, syscallNames } from '../../src/ingest/index.js';
import { generate } from '../../src/generate/index.js';
import { syscallNumber, type ArchId } from '../../src/syscalls/index.js';
import { haveSystem } from '../helpers/system.js';

const NAMES = ['read', 'write', 'openat', 'close', 'mmap', 'execve', 'clone', 'futex', 'socket', 'connect', 'getpid',
  'exit_group', 'epoll_pwait', 'rt_sigaction', 'prctl', 'setresuid', 'capset', 'pipe2', 'wait4', 'dup3'];

function line(serial: number, arch: string, nr: number, compat: 0 | 1): string {
  return `[  518.22${serial}] audit: type=1326 audit(1795818969.767:${serial}): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=42 comm="t" exe="/t" sig=0 arch=${arch} syscall=${nr} compat=${compat} ip=0x40828e code=0x7ffc0000`;
}

function resolver(arch: string, nr: number): string {
  return execFileSync('scmp_sys_resolver', ['-a', arch, String(nr)], { encoding: 'utf8' }).trim();
}

const cases: [ArchId, string, string, 0 | 1][] = [
  ['aarch64', 'c00000b7', 'aarch64', 0],
  ['x86', '40000003', 'x86', 1],
  ['arm', '40000028', 'arm', 1],
];

describe.skipIf(!haveSystem('scmp_sys_resolver'))('arch tables vs scmp_sys_resolver', () => {
  it.each(cases)('%s records (arch=%s) are named from the %s table', (arch, code, scmpArch, compat) => {
    const present = NAMES.filter((n) => syscallNumber(arch, n) !== undefined);
    expect(present.length).toBeGreaterThan(12);
    const text = present.map((n, i) => line(100 + i, code, syscallNumber(arch, n)!, compat)).join('\n');
    const r = ingestText(text, { nativeArch: 'x86_64' });
    expect([...r.syscalls.keys()]).toEqual([arch]);
    for (const s of r.syscalls.get(arch)!.values()) {
      expect(s.name).toBe(resolver(scmpArch, s.nr!));
    }
    expect(syscallNames(r, arch)).toEqual([...present].sort());
  });

  it('the same number means different syscalls per arch (56 = openat on aarch64, clone on x86_64)', () => {
    const r = ingestText([line(1, 'c00000b7', 56, 0), line(2, 'c000003e', 56, 0)].join('\n'));
    expect(syscallNames(r, 'aarch64')).toEqual([resolver('aarch64', 56)]);
    expect(syscallNames(r, 'x86_64')).toEqual([resolver('x86_64', 56)]);
    expect(syscallNames(r, 'aarch64')).toEqual(['openat']);
    expect(syscallNames(r, 'x86_64')).toEqual(['clone']);
  });
});

describe('compat architectures in the profile', () => {
  it('an i386 compat record adds SCMP_ARCH_X86 next to SCMP_ARCH_X86_64', () => {
    // 4 on i386 is write; 1 on x86_64 is write.
    const r = ingestText([line(1, 'c000003e', 1, 0), line(2, '40000003', 4, 1)].join('\n'));
    expect(syscallNames(r, 'x86')).toEqual(['write']);
    const p = generate(r, { runtime: 'none' }).profile;
    expect(p.architectures).toEqual(['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64']);
    expect(p.syscalls?.filter((x) => x.action === 'SCMP_ACT_ALLOW')).toEqual([{ names: ['write'], action: 'SCMP_ACT_ALLOW' }]);
  });

  it('a compat record alone still brings its 64-bit native arch (the kernel is 64-bit)', () => {
    const r = ingestText(line(1, '40000003', 4, 1));
    expect(generate(r, { runtime: 'none' }).profile.architectures).toEqual(['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64']);
  });

  it('records of a 32-bit kernel (compat=0) stay 32-bit only', () => {
    const r = ingestText(line(1, '40000003', 4, 0));
    expect(generate(r, { runtime: 'none' }).profile.architectures).toEqual(['SCMP_ARCH_X86']);
  });

  it('x32 records (x86_64 audit arch, number with bit 30) use the x32 table', () => {
    const nr = 0x40000000 + 1; // x32 write
    const r = ingestText(line(1, 'c000003e', nr, 1));
    expect(syscallNames(r, 'x32')).toEqual(['write']);
    expect(generate(r, { runtime: 'none' }).profile.architectures).toEqual(['SCMP_ARCH_X32', 'SCMP_ARCH_X86_64']);
  });

  it('records without arch= are taken as the native arch, with a warning', () => {
    const r = ingestText('audit: type=1326 audit(1.1:5): pid=1 comm="a" exe="/a" sig=0 syscall=56 compat=0 ip=0x1 code=0x7ffc0000', { nativeArch: 'aarch64' });
    expect(syscallNames(r, 'aarch64')).toEqual(['openat']);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NO_ARCH_FIELD']);
  });
});
