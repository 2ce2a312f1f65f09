// The host-architecture-dependent paths, run for an aarch64 host and for x86_64 whatever machine runs the tests: the
// native arch family of LOG profiles (audit backend, base-set measurement), the probe's compat reading and start
// exec, the arch of probe counts and of kernel-log records, and which records make a base set.
// Oracles: libseccomp (python3-seccomp) for the architecture tokens; the kernels' syscall tables for the numbers
// (arm64 uses the asm-generic table: execve 221, openat 56; x86_64 execve 59, fadvise64 221; i386 execve 11).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { probeObservations } from '../../src/record/index.js';
import {
  archOfProbe, baseSetNames, logProfile, nativeScmpArches, parseProbeOutput, parseSeccompRecord, probeProgram, type KernelLogRecord,
} from '../../src/runtime/index.js';
import { DEBIAN_PYTHON, haveSystem } from '../helpers/system.js';

describe('native architecture family', () => {
  it('x86_64: X86_64, X86, X32; aarch64: AARCH64, ARM (no doubled SCMP_ARCH_ prefix)', () => {
    expect(nativeScmpArches('x86_64')).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(nativeScmpArches('aarch64')).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    expect(JSON.parse(logProfile('aarch64'))).toEqual({ defaultAction: 'SCMP_ACT_LOG', architectures: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'], flags: [] });
  });

  it.skipIf(!haveSystem(DEBIAN_PYTHON))('libseccomp knows every token and builds the LOG filter for each host', () => {
    for (const host of ['x86_64', 'aarch64'] as const) {
      const tokens = (JSON.parse(logProfile(host)) as { architectures: string[] }).architectures;
      // Add each arch to a LOG filter and export it: libseccomp rejects an unknown or doubled token.
      const py = `import seccomp, sys
f = seccomp.SyscallFilter(seccomp.LOG)
f.remove_arch(seccomp.Arch.NATIVE)
for t in sys.argv[1:]:
    f.add_arch(getattr(seccomp.Arch, t[len('SCMP_ARCH_'):]))
import os
r, w = os.pipe()
f.export_bpf(os.fdopen(w, 'wb'))
print('ok', len(os.fdopen(r, 'rb').read()) > 0)`;
      expect(execFileSync(DEBIAN_PYTHON, ['-c', py, ...tokens], { encoding: 'utf8' }).trim(), host).toBe('ok True');
    }
  });
});

describe('eBPF probe on each host', () => {
  it('reads the compat bit only on x86_64', () => {
    expect(probeProgram(7, { kind: 'pid', pid: 1 }, { denials: false, hostArch: 'x86_64' })).toContain('thread_info.status');
    expect(probeProgram(7, { kind: 'pid', pid: 1 }, { denials: false, hostArch: 'aarch64' })).not.toContain('thread_info');
    expect(probeProgram(7, { kind: 'filename', path: '/x' }, { hostArch: 'aarch64' })).not.toContain('thread_info');
  });

  it('the workload\'s start exec is the host\'s execve', () => {
    const dump = 'Attaching 5 probes...\nSECCOMPCTL_READY\n@execs[700, nginx, 0]: 1\n';
    expect(parseProbeOutput(dump, 'x86_64').entries).toEqual([{ pid: 700, comm: 'nginx', nr: 59, compat: false, count: 1 }]);
    expect(parseProbeOutput(dump, 'aarch64').entries).toEqual([{ pid: 700, comm: 'nginx', nr: 221, compat: false, count: 1 }]);
    expect(parseProbeOutput('@execs[9, a, 1]: 1\n', 'x86_64').entries[0]!.nr).toBe(11); // i386 execve
  });

  it('names each count on its host\'s arch: 221 is execve on aarch64, fadvise64 on x86_64', () => {
    const counts = [{ pid: 1, comm: 'a', nr: 221, compat: false, count: 1 }];
    expect(probeObservations(counts, 'allow', 'aarch64').map((o) => [o.arch, o.name])).toEqual([['aarch64', 'execve']]);
    expect(probeObservations(counts, 'allow', 'x86_64').map((o) => [o.arch, o.name])).toEqual([['x86_64', 'fadvise64']]);
    expect(archOfProbe({ pid: 1, comm: 'a', nr: 5, compat: true, count: 1 }, 'x86_64')).toEqual({ arch: 'x86', nr: 5 });
    expect(archOfProbe({ pid: 1, comm: 'a', nr: 0x40000000, compat: false, count: 1 }, 'x86_64')).toEqual({ arch: 'x32', nr: 0x40000000 });
    expect(archOfProbe({ pid: 1, comm: 'a', nr: 0x40000000, compat: false, count: 1 }, 'aarch64')).toEqual({ arch: 'aarch64', nr: 0x40000000 });
  });

  it('ia32, x86_64 and x32 numbers are told apart on an x86_64 host', () => {
    const obs = probeObservations([
      { pid: 1, comm: 'a', nr: 5, compat: true, count: 1 }, // i386 5 = open
      { pid: 1, comm: 'a', nr: 5, compat: false, count: 1 }, // x86_64 5 = fstat
      { pid: 1, comm: 'a', nr: 0x40000000 + 0, compat: false, count: 1 }, // x32 read
    ], 'allow', 'x86_64');
    expect(obs.map((o) => [o.arch, o.name])).toEqual([['x86', 'open'], ['x86_64', 'fstat'], ['x32', 'read']]);
  });
});

describe('audit backend records on each host', () => {
  // arm64's AUDIT_ARCH_AARCH64 is 0xc00000b7; a kernel record of runc init's execve there:
  const arm64 = 'audit: type=1326 audit(1795818963.071:34): auid=4294967295 uid=0 gid=0 ses=12 pid=10217 comm="runc:[2:INIT]" exe="/" sig=0 arch=c00000b7 syscall=221 compat=0 ip=0x40828e code=0x7ffc0000';
  const x86 = arm64.replace('arch=c00000b7 syscall=221', 'arch=c000003e syscall=59');

  it('decodes through ingest with the arch the record names, whatever the host', () => {
    for (const host of ['x86_64', 'aarch64'] as const) {
      expect(parseSeccompRecord(arm64, 3, host)).toMatchObject({ seq: 3, ses: 12, arch: 0xc00000b7, syscall: 221, code: 0x7ffc0000 });
      expect(parseSeccompRecord(x86, 3, host)).toMatchObject({ arch: 0xc000003e, syscall: 59 });
    }
  });

  it('a record without arch= takes the host\'s arch', () => {
    const bare = arm64.replace(' arch=c00000b7', '');
    const rec = (host: 'x86_64' | 'aarch64'): KernelLogRecord => {
      const r = parseSeccompRecord(bare, 1, host)!;
      return r as KernelLogRecord;
    };
    expect(rec('aarch64').arch).toBe(0xc00000b7);
    expect(rec('x86_64').arch).toBe(0xc000003e);
  });

  it('base sets keep runc init\'s calls on the host\'s own arch only', () => {
    const mk = (arch: 'aarch64' | 'x86_64' | 'x86' | 'arm', name: string, comm = 'runc:[2:INIT]'): KernelLogRecord => ({
      seq: 0, ses: 1, pid: 1, comm, exe: '/', arch: 0, syscall: 0, compat: false, code: 0x7ffc0000,
      observation: { arch, nr: 0, name, action: 'log', count: 1, rendering: 'kmsg', file: '/dev/kmsg', line: 0 },
    });
    const recs = [mk('aarch64', 'openat'), mk('aarch64', 'capset'), mk('arm', 'open'), mk('aarch64', 'nanosleep', 'true'),
      mk('x86_64', 'getdents64'), mk('x86', 'open')];
    expect(baseSetNames(recs, 'aarch64')).toEqual(['capset', 'openat']);
    expect(baseSetNames(recs, 'x86_64')).toEqual(['getdents64']);
  });
});
