// Pure parts of the recorder and verifier: probe output, kernel log records, the complain conversion.
import { describe, expect, it } from 'vitest';
import { lossIn, parseProbeOutput, parseSeccompRecord, probeObservations, probeProgram } from '../../src/record/index.js';
import { complainProfile } from '../../src/verify/index.js';

describe('parseProbeOutput', () => {
  it('reads counts, exec markers and denials, with comm holding commas, brackets and spaces', () => {
    const text = [
      'Attaching 7 probes...',
      'SECCOMPCTL_READY',
      '',
      '@denied[812, python3, 288, 0, -1]: 4',
      '@execs[700, nginx, 0]: 1',
      '@sys[700, nginx, 232, 0]: 17',
      '@sys[701, runc:[2:INIT], 3, 0]: 2',
      '@sys[702, a, b] c, 5, 1]: 9',
    ].join('\n');
    const r = parseProbeOutput(text);
    expect(r.execs).toBe(1);
    expect(r.denials).toEqual([{ pid: 812, comm: 'python3', nr: 288, compat: false, ret: -1, count: 4 }]);
    expect(r.entries).toEqual([
      { pid: 700, comm: 'nginx', nr: 59, compat: false, count: 1 },
      { pid: 700, comm: 'nginx', nr: 232, compat: false, count: 17 },
      { pid: 701, comm: 'runc:[2:INIT]', nr: 3, compat: false, count: 2 },
      { pid: 702, comm: 'a, b] c', nr: 5, compat: true, count: 9 },
    ]);
  });

  // Arch naming of probe counts, per host: test/runtime/hostarch.test.ts.

  it('scopes the program to the session and the marker exec', () => {
    const p = probeProgram(42, { kind: 'filename', path: '/usr/sbin/nginx' });
    expect(p).toContain('curtask->sessionid == 42');
    expect(p).toContain('str(args->filename) == "/usr/sbin/nginx"');
    expect(p).not.toContain('runc:[2:INIT]');
    expect(probeProgram(42, { kind: 'pid', pid: 7 }, { watchRuncInit: true })).toContain('comm == "runc:[2:INIT]"');
  });

  it('reads record-mode sets: (pid, nr, compat) rows named from the per-process comm map', () => {
    const text = [
      'SECCOMPCTL_READY',
      '@comm[700]: nginx',
      '@comm[701]: a, b] c',
      '@seen[700, 232, 0]: 1',
      '@seen[701, 5, 1]: 1',
      '@seen[702, 0, 0]: 1',
      '@started[700]: 1',
    ].join('\n');
    const r = parseProbeOutput(text);
    expect(r.execs).toBe(1);
    expect(r.entries).toEqual([
      { pid: 700, comm: 'nginx', nr: 232, compat: false, count: 1 },
      { pid: 701, comm: 'a, b] c', nr: 5, compat: true, count: 1 },
      { pid: 702, comm: '', nr: 0, compat: false, count: 1 }, // never named: no comm on the observation
    ]);
    expect(probeObservations(r.entries).map((o) => o.comm)).toEqual(['nginx', 'a, b] c', undefined]);
  });

  it('record mode: no sys_exit, no per-call comm; the per-thread map only where the session is not exact', () => {
    const sysEnter = (p: string): string => p.split('\n').find((l) => l.startsWith('tracepoint:raw_syscalls:sys_enter')) ?? '';
    const exact = probeProgram(42, { kind: 'pid', pid: 7, sessionExact: true }, { denials: false });
    expect(exact).not.toContain('sys_exit');
    expect(exact).not.toContain('@live');
    expect(sysEnter(exact)).toMatch(/^tracepoint:raw_syscalls:sys_enter \/curtask->sessionid == 42\/ /);
    expect(sysEnter(exact)).not.toContain('comm');
    for (const marker of [{ kind: 'pid', pid: 7 } as const, { kind: 'filename', path: '/usr/bin/python3' } as const]) {
      const p = probeProgram(42, marker, { denials: false });
      expect(sysEnter(p)).toContain('curtask->sessionid == 42 && @live[tid]');
      expect(sysEnter(p)).not.toContain('comm');
      expect(p).toContain('@execs['); // the marker's execve entry came before the mark
    }
    expect(sysEnter(probeProgram(42, { kind: 'pid', pid: 7 }, { denials: false, counts: true }))).toContain('= count()');
  });
});

describe('kernel log records', () => {
  // Real lines (shared fixtures: dmesg of nginx in runc 1.1.5 under a LOG profile), as /dev/kmsg renders them.
  const line = 'audit: type=1326 audit(1795818963.071:34): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=10217 comm="runc:[2:INIT]" exe="/" sig=0 arch=c000003e syscall=257 compat=0 ip=0x40828e code=0x7ffc0000';

  it('parses a seccomp record', () => {
    expect(parseSeccompRecord(line, 9)).toEqual({
      seq: 9, ses: 4294967295, pid: 10217, comm: 'runc:[2:INIT]', exe: '/', arch: 0xc000003e, syscall: 257, compat: false, code: 0x7ffc0000,
    });
    expect(parseSeccompRecord('audit: type=1300 audit(1:2): arch=c000003e syscall=59')).toBeUndefined();
  });

  it('recognises loss messages', () => {
    expect(lossIn('kauditd_printk_skb: 20 callbacks suppressed')).toMatchObject({ kind: 'printk-suppressed', count: 20 });
    expect(lossIn('audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64')).toMatchObject({ kind: 'audit-lost' });
    expect(lossIn('audit: backlog limit exceeded')).toMatchObject({ kind: 'backlog-exceeded' });
    expect(lossIn(line)).toBeUndefined();
  });
});

describe('complainProfile', () => {
  it('turns every deny action into SCMP_ACT_LOG and keeps allows and conditions', () => {
    const p = complainProfile({
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'], flags: [],
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ALLOW' },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0n, op: 'SCMP_CMP_EQ' }] },
        { names: ['ptrace'], action: 'SCMP_ACT_KILL_PROCESS' },
        { names: ['mount'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      ],
    });
    expect(p).toEqual({
      defaultAction: 'SCMP_ACT_LOG', architectures: ['SCMP_ARCH_X86_64'], flags: [],
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ALLOW' },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0n, op: 'SCMP_CMP_EQ' }] },
        { names: ['ptrace'], action: 'SCMP_ACT_LOG' },
        { names: ['mount'], action: 'SCMP_ACT_LOG' },
      ],
    });
  });
});
