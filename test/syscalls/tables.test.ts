import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  ARCHES, X32_SYSCALL_BIT, allSyscallNames, archFromAudit, resolveArch, resolveSyscall, syscallName,
  syscallNumber, syscallsOf, TABLE_PROVENANCE, type ArchId,
} from '../../src/syscalls/index.js';
import { DEBIAN_PYTHON, haveSystem } from '../helpers/system.js';

describe('architecture identities', () => {
  it('resolves every spelling users write', () => {
    for (const t of ['SCMP_ARCH_AARCH64', 'aarch64', 'arm64', 'c00000b7', '0xC00000B7']) expect(resolveArch(t)?.id).toBe('aarch64');
    for (const t of ['SCMP_ARCH_X86_64', 'x86_64', 'amd64', 'c000003e']) expect(resolveArch(t)?.id).toBe('x86_64');
    expect(resolveArch('i386')?.id).toBe('x86');
    expect(resolveArch('40000003')?.id).toBe('x86');
    expect(resolveArch('SCMP_ARCH_X32')?.id).toBe('x32');
    expect(resolveArch('mips64le')?.id).toBe('mipsel64');
    expect(resolveArch('sparc')).toBeUndefined();
  });
  it('tells x32 from x86_64 by the syscall number, as seccomp_data does', () => {
    expect(archFromAudit(0xc000003e, 0)?.id).toBe('x86_64');
    expect(archFromAudit(0xc000003e, X32_SYSCALL_BIT + 0)?.id).toBe('x32');
    expect(archFromAudit(0xc000003e)?.id).toBe('x86_64');
  });
  it('has the AUDIT_ARCH values of include/uapi/linux/audit.h (EM_* | 64BIT | LE)', () => {
    const EM = { X86_64: 62, I386: 3, AARCH64: 183, ARM: 40, RISCV: 243, PPC64: 21, PPC: 20, S390: 22, MIPS: 8, LOONGARCH: 258 };
    const B64 = 0x80000000;
    const LE = 0x40000000;
    const N32 = 0x20000000;
    const want: Record<ArchId, number> = {
      x86_64: EM.X86_64 | B64 | LE, x86: EM.I386 | LE, x32: EM.X86_64 | B64 | LE, aarch64: EM.AARCH64 | B64 | LE,
      arm: EM.ARM | LE, riscv64: EM.RISCV | B64 | LE, loongarch64: EM.LOONGARCH | B64 | LE, ppc64le: EM.PPC64 | B64 | LE,
      ppc64: EM.PPC64 | B64, ppc: EM.PPC, s390x: EM.S390 | B64, s390: EM.S390, mips: EM.MIPS, mipsel: EM.MIPS | LE,
      mips64: EM.MIPS | B64, mipsel64: EM.MIPS | B64 | LE, mips64n32: EM.MIPS | B64 | N32, mipsel64n32: EM.MIPS | B64 | LE | N32,
    };
    for (const a of ARCHES) expect(a.auditArch >>> 0, a.id).toBe(want[a.id] >>> 0);
  });
});

describe('syscall tables', () => {
  it('come from Linux 6.12 and cover its newest syscalls on every arch that has them', () => {
    expect(TABLE_PROVENANCE.kernelVersion).toMatch(/^6\.12\./);
    for (const n of ['cachestat', 'fchmodat2', 'futex_wake', 'futex_wait', 'futex_requeue', 'statmount', 'listmount',
      'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'mseal']) {
      for (const a of ['x86_64', 'aarch64', 'arm', 'x86', 'riscv64', 's390x'] as const) expect(syscallNumber(a, n), `${n} on ${a}`).toBeDefined();
    }
    expect(syscallNumber('x86_64', 'map_shadow_stack')).toBe(453);
    expect(syscallNumber('x86_64', 'mseal')).toBe(462);
  });
  it('answers "absent on this arch" as a first-class result', () => {
    expect(resolveSyscall('aarch64', 'open')).toMatchObject({ kind: 'absent', existsOn: expect.arrayContaining(['x86_64', 'arm']) });
    expect(resolveSyscall('aarch64', 'openat')).toEqual({ kind: 'found', arch: 'aarch64', name: 'openat', number: 56 });
    expect(resolveSyscall('x86_64', 'opnat')).toMatchObject({ kind: 'unknown', suggestions: ['openat'] });
  });
  it('numbers x32 syscalls with __X32_SYSCALL_BIT and uses the x32-only entry points', () => {
    expect(syscallNumber('x32', 'read')).toBe(X32_SYSCALL_BIT);
    // x32 has its own readv (515), not x86_64's 19
    expect(syscallNumber('x32', 'readv')).toBe(X32_SYSCALL_BIT + 515);
    expect(syscallName('x32', X32_SYSCALL_BIT + 515)).toBe('readv');
  });
  it('maps the ARM private syscalls and the mips ABI bases', () => {
    expect(syscallNumber('arm', 'cacheflush')).toBe(0x0f0002);
    expect(syscallNumber('mips', 'read')).toBe(4003);
    expect(syscallNumber('mips64', 'read')).toBe(5000);
    expect(syscallNumber('mips64n32', 'read')).toBe(6000);
  });
});

// libseccomp 2.5.4 (Debian) is an independent table: every (arch, name, number) both know must agree.
// Each difference class below is explained; anything outside them fails the test.
const NEWER_THAN_LIBSECCOMP_2_5_4 = new Set([
  // added to the kernel after libseccomp 2.5.4's tables were frozen (Linux 6.5 – 6.10)
  'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules', 'statmount', 'listmount', 'mseal', 'uretprobe',
  'riscv_hwprobe', 'map_shadow_stack',
]);
// libseccomp resolves socket and SysV IPC calls on these arches to the multiplexer (socketcall / ipc), where
// the kernel also has direct syscalls (x86 since 4.3, ppc, s390, mips o32): both numbers reach the kernel.
const MULTIPLEXED = new Set(['socket', 'bind', 'connect', 'listen', 'accept', 'accept4', 'getsockname', 'getpeername',
  'socketpair', 'send', 'recv', 'sendto', 'recvfrom', 'shutdown', 'setsockopt', 'getsockopt', 'sendmsg', 'recvmsg',
  'recvmmsg', 'sendmmsg', 'semop', 'semget', 'semctl', 'semtimedop', 'msgsnd', 'msgrcv', 'msgget', 'msgctl', 'shmat',
  'shmdt', 'shmget', 'shmctl']);
// s390: numbers the kernel reserves with no entry point ("-" in arch/s390/kernel/syscalls/syscall.tbl);
// libseccomp still names them. A call returns ENOSYS either way.
const S390_RESERVED = new Set(['create_module', '_sysctl', 'lookup_dcookie', 'timerfd', 'afs_syscall', 'idle', 'readdir',
  'nfsservctl', 'get_kernel_syms', 'getpmsg', 'putpmsg', 'query_module', 'ioperm', 'accept', 'recv', 'send', 'semop',
  'semtimedop']);

interface Dump { arches: Record<string, { scanned: Record<string, number>; named: Record<string, number | null> } | null> }

describe.runIf(haveSystem(DEBIAN_PYTHON, 'scmp_sys_resolver'))('against libseccomp', () => {
  const dump: Dump = JSON.parse(execFileSync(DEBIAN_PYTHON, ['test/syscalls/libseccomp-dump.py'], {
    input: JSON.stringify(allSyscallNames()), maxBuffer: 1 << 28,
  }).toString()) as Dump;

  it('agrees on every (arch, name, number), with every difference explained', () => {
    let compared = 0;
    const unexplained: string[] = [];
    for (const a of ARCHES) {
      const ls = dump.arches[a.id];
      if (ls === null || ls === undefined) {
        expect(a.id).toBe('loongarch64'); // libseccomp 2.5.4 predates loongarch64 support (added in 2.6.0)
        continue;
      }
      const ours = syscallsOf(a.id);
      const multiplexer = new Set([syscallNumber(a.id, 'socketcall'), syscallNumber(a.id, 'ipc')].filter((x) => x !== undefined));
      for (const [name, nr] of Object.entries(ls.named)) {
        if (nr === null) continue;
        const o = ours.get(name);
        const lsHas = nr >= 0;
        if (lsHas && o === nr) { compared++; continue; }
        if (!lsHas && o === undefined) continue;
        if (!lsHas && NEWER_THAN_LIBSECCOMP_2_5_4.has(name)) continue;
        if (lsHas && multiplexer.has(nr) && MULTIPLEXED.has(name)) continue;
        if (lsHas && o === undefined && (a.id === 's390' || a.id === 's390x') && S390_RESERVED.has(name)) continue;
        unexplained.push(`${a.id} ${name}: ours=${o} libseccomp=${nr}`);
      }
    }
    expect(unexplained).toEqual([]);
    expect(compared).toBeGreaterThan(6000);
  });

  it('agrees with the scmp_sys_resolver command itself on spot checks', () => {
    const cases: [string, string, ArchId][] = [['x86_64', 'setsockopt', 'x86_64'], ['aarch64', 'openat', 'aarch64'],
      ['x32', 'readv', 'x32'], ['arm', 'cacheflush', 'arm'], ['mips64n32', 'clone3', 'mips64n32'], ['s390x', 'mmap', 's390x']];
    for (const [tok, name, id] of cases) {
      const out = execFileSync('scmp_sys_resolver', ['-a', tok, name]).toString().trim();
      expect(Number(out), `${tok} ${name}`).toBe(syscallNumber(id, name));
    }
  });
});
