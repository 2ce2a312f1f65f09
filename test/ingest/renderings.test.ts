// Every rendering of a kernel seccomp audit record, every field, and the kernel's loss messages.
// Lines are built from a real record of test/fixtures/ingest/audit-dmesg-nginx-runc-complete.log (line 3).
import { describe, expect, it } from 'vitest';
import { certainLoss, ingestText, syscallNames, type IngestResult } from '../../src/ingest/index.js';

const PAYLOAD = 'auid=4294967295 uid=0 gid=0 ses=4294967295 pid=10638 comm="runc:[2:INIT]" exe="/" sig=0 arch=c000003e syscall=257 compat=0 ip=0x40828e code=0x7ffc0000';
const rec = (serial: number, payload = PAYLOAD) => `audit: type=1326 audit(1795818969.767:${serial}): ${payload}`;
const x86 = (r: IngestResult) => syscallNames(r, 'x86_64');

describe('renderings', () => {
  it.each([
    ['dmesg', `[  518.228681] ${rec(464)}`],
    ['dmesg -T', `[Fri Nov 27 22:59:00 2026] ${rec(464)}`],
    ['kmsg', `5,1043,708952635,-;${rec(464)}`],
    ['syslog RFC 3164', `Nov 27 22:59:00 node1 kernel: [  518.228681] ${rec(464)}`],
    ['syslog RFC 3164 with PRI', `<4>Nov 27 22:59:00 node1 kernel: ${rec(464)}`],
    ['syslog RFC 5424', `<4>1 2026-11-27T22:59:00.123456+00:00 node1 kernel - - - ${rec(464)}`],
    ['journald text', `Nov 27 22:59:00 node1 audit[10638]: SECCOMP ${PAYLOAD}`],
    ['journald short-iso', `2026-11-27T22:59:00+0000 node1 audit[10638]: SECCOMP ${PAYLOAD}`],
    ['journald kernel transport', `Nov 27 22:59:00 node1 kernel: ${rec(464)}`],
    ['journalctl -o json', JSON.stringify({ MESSAGE: `SECCOMP ${PAYLOAD}`, SYSLOG_IDENTIFIER: 'audit', _TRANSPORT: 'audit', _AUDIT_TYPE: '1326', _AUDIT_TYPE_NAME: 'SECCOMP', _AUDIT_ID: '464' })],
    ['journalctl -o json, MESSAGE as bytes', JSON.stringify({ MESSAGE: [...Buffer.from(`SECCOMP ${PAYLOAD}`)], SYSLOG_IDENTIFIER: 'audit', _AUDIT_TYPE: '1326' })],
    ['journalctl -o json, kernel transport', JSON.stringify({ MESSAGE: rec(464), _TRANSPORT: 'kernel' })],
    ['auditd raw', `type=SECCOMP msg=audit(1795818969.767:464): ${PAYLOAD}\x1dAUID="unset" UID="root" GID="root" ARCH=x86_64 SYSCALL=openat`],
    ['auditd raw with node=', `node=n1 type=SECCOMP msg=audit(1795818969.767:464): ${PAYLOAD}`],
    ['ausearch -i', 'type=SECCOMP msg=audit(11/27/26 22:59:00.123:464) : auid=unset uid=root gid=root ses=unset pid=10638 comm=runc:[2:INIT] exe=/ sig=SIG0 arch=x86_64 syscall=openat compat=0 ip=0x40828e code=log '],
  ])('%s', (_name, line) => {
    const r = ingestText(`unrelated line\n${line}\nanother unrelated line\n`, { nativeArch: 'aarch64' });
    expect(r.counters.matched).toBe(1);
    expect(r.counters.malformed).toBe(0);
    expect(x86(r)).toEqual(['openat']);
    expect(r.processes.map((p) => [p.pid, p.comm, p.exe])).toEqual([[10638, 'runc:[2:INIT]', '/']]);
    expect(Object.keys(r.syscalls.get('x86_64')!.get('openat')!.actions)).toEqual(['log']);
  });
});

describe('fields', () => {
  it('code= tells LOG, ERRNO, TRAP, KILL_THREAD, KILL_PROCESS, TRACE, NOTIFY apart (ret & 0xffff0000)', () => {
    const codes: [string, string][] = [
      ['0x7ffc0000', 'log'], ['0x50000', 'errno'], ['0x50001', 'errno'], ['0x30000', 'trap'], ['0x0', 'kill_thread'],
      ['0x80000000', 'kill_process'], ['0x7ff00000', 'trace'], ['0x7fc00000', 'notify'], ['0x12340000', 'unknown'],
    ];
    for (const [code, action] of codes) {
      const r = ingestText(rec(1, PAYLOAD.replace('code=0x7ffc0000', `code=${code}`)));
      expect(Object.keys(r.syscalls.get('x86_64')!.get('openat')!.actions), code).toEqual([action]);
    }
  });

  it('comm and exe in the kernel\'s hex form (names with spaces or quotes) are decoded', () => {
    const hexComm = Buffer.from('my "app" 1').toString('hex').toUpperCase();
    const hexExe = Buffer.from('/opt/my app/bin').toString('hex').toUpperCase();
    const r = ingestText(rec(1, PAYLOAD.replace('comm="runc:[2:INIT]"', `comm=${hexComm}`).replace('exe="/"', `exe=${hexExe}`)));
    expect(r.processes[0]).toMatchObject({ comm: 'my "app" 1', exe: '/opt/my app/bin' });
  });

  it('exe=(null) and a deleted exe', () => {
    const a = ingestText(rec(1, PAYLOAD.replace('exe="/"', 'exe=(null)')));
    expect(a.processes[0]!.exe).toBeUndefined();
    const b = ingestText(rec(1, PAYLOAD.replace('exe="/"', 'exe="/usr/bin/app (deleted)"')));
    expect(b.processes[0]!.exe).toBe('/usr/bin/app (deleted)');
  });

  it('a value with spaces (subj==… (enforce)) does not shift the fields after it', () => {
    const r = ingestText(rec(1, PAYLOAD.replace('ses=4294967295', 'ses=4294967295 subj==cri-containerd.apparmor.d (enforce)')));
    expect(r.processes[0]).toMatchObject({ pid: 10638, comm: 'runc:[2:INIT]' });
    expect(x86(r)).toEqual(['openat']);
  });

  it('malformed records are counted with their line numbers, never fatal', () => {
    const text = [rec(1), 'audit: type=1326 audit(1795818969.767:2): pid=1 comm="x"', rec(3), 'type=SECCOMP msg=audit(1.1:4): arch=c000003e syscall=257',
      'audit: type=1326 garbage', rec(5, PAYLOAD.replace('arch=c000003e', 'arch=deadbeef'))].join('\n');
    const r = ingestText(text, { file: 'x.log' });
    expect(r.counters.matched).toBe(3);
    expect(r.counters.malformed).toBe(3);
    expect(r.counters.malformedAt).toEqual(['x.log:2', 'x.log:5', 'x.log:6']);
  });

  it('unknown syscall numbers are kept by number with a warning', () => {
    const r = ingestText(rec(1, PAYLOAD.replace('syscall=257', 'syscall=999')));
    expect(r.syscalls.get('x86_64')!.get('#999')).toMatchObject({ nr: 999, name: undefined });
    expect(r.diagnostics.map((d) => d.code)).toContain('UNKNOWN_SYSCALL_NUMBER');
  });
});

describe('loss signals', () => {
  it('a dmesg serial gap is certain loss; contiguous serials and shared serials are not', () => {
    const ok = ingestText([rec(10), rec(11), rec(11), rec(12)].map((l) => `[ 1.0] ${l}`).join('\n'));
    expect(certainLoss(ok)).toEqual([]);
    const gap = ingestText([rec(10), rec(11), rec(15)].map((l) => `[ 1.0] ${l}`).join('\n'));
    expect(certainLoss(gap)).toEqual([expect.objectContaining({ kind: 'serial-gap', count: 3, line: 3 })]);
  });

  it('other audit record types fill the serial sequence; ausearch (filtered by type) gaps are only hints', () => {
    const other = '[ 1.0] audit: type=1300 audit(1795818969.767:11): arch=c000003e syscall=59 success=yes';
    expect(certainLoss(ingestText([`[ 1.0] ${rec(10)}`, other, `[ 1.0] ${rec(12)}`].join('\n')))).toEqual([]);
    const aus = (s: number) => `type=SECCOMP msg=audit(11/27/26 22:59:00.123:${s}) : pid=1 comm=a exe=/a arch=x86_64 syscall=openat compat=0 code=log`;
    const r = ingestText([aus(1), aus(9)].join('\n'));
    expect(certainLoss(r)).toEqual([]);
    expect(r.loss.map((l) => [l.kind, l.certain])).toContainEqual(['serial-gap', false]);
  });

  it('/dev/kmsg sequence gaps are certain loss', () => {
    const r = ingestText([`5,100,1,-;${rec(1)}`, '6,101,2,-;eth0: link up', `5,105,3,-;${rec(2)}`].join('\n'));
    expect(certainLoss(r)).toEqual([expect.objectContaining({ kind: 'kmsg-seq-gap', count: 3, line: 3 })]);
  });

  it.each([
    ['kauditd_printk_skb: 7 callbacks suppressed', 'printk-suppressed', 7],
    ['audit: audit_backlog=65 > audit_backlog_limit=64', 'backlog-exceeded', undefined],
    ['audit: backlog limit exceeded', 'backlog-exceeded', undefined],
    ['audit: rate limit exceeded', 'rate-limit-exceeded', undefined],
    ['audit: kauditd hold queue overflow', 'hold-queue-overflow', undefined],
    ['audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64', 'audit-lost', undefined],
  ])('"%s" → %s', (msg, kind, count) => {
    const r = ingestText([`[ 1.0] ${rec(1)}`, `[ 2.0] ${msg}`, `[ 3.0] ${rec(2)}`].join('\n'));
    const l = certainLoss(r);
    expect(l).toHaveLength(1);
    expect(l[0]).toMatchObject({ kind, line: 2 });
    expect(l[0]!.count).toBe(count);
  });

  it('audit_lost= counts the increase between reports', () => {
    const r = ingestText(['audit: audit_lost=3 audit_rate_limit=0 audit_backlog_limit=64', rec(1), 'audit: audit_lost=8 audit_rate_limit=0 audit_backlog_limit=64'].join('\n'));
    expect(certainLoss(r).map((l) => l.count)).toEqual([undefined, 5]);
  });

  it('other ratelimit messages (not audit) are not audit loss', () => {
    const r = ingestText([rec(1), 'net_ratelimit: 12 callbacks suppressed', rec(2)].join('\n'));
    expect(certainLoss(r)).toEqual([]);
  });
});
