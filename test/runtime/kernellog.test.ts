// The kernel-log reader's auditd source: it tails the audit daemon's log from where it was at open, decodes through
// ingest (auditd rendering), keeps only the wanted sessions, and reports a serial gap (records auditd never got) as
// loss. The lines are auditd's raw format as Debian's auditd 3.0 writes them (one enriched with the 0x1d separator).
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KmsgReader, type KernelLogRecord } from '../../src/runtime/index.js';

const dir = mkdtempSync(join(tmpdir(), 'seccompctl-kernellog-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const rec = (serial: number, ses: number, syscall: number, comm = 'nginx'): string =>
  `type=SECCOMP msg=audit(1700000000.${String(serial).padStart(3, '0')}:${serial}): auid=4294967295 uid=0 gid=0 ses=${ses} subj=unconfined pid=${1000 + serial} comm="${comm}" exe="/usr/sbin/nginx" sig=0 arch=c000003e syscall=${syscall} compat=0 ip=0x7f2a code=0x7ffc0000\x1dAUID="unset" UID="root" GID="root" ARCH=x86_64 SYSCALL=x`;

async function settle(reader: KmsgReader, got: KernelLogRecord[], n: number): Promise<void> {
  for (let i = 0; i < 200 && got.length < n; i++) {
    await new Promise((r) => setTimeout(r, 20));
    reader.poll((r) => got.push(r));
  }
}

describe('KmsgReader with an auditd log', () => {
  it('reads only what is appended after open, only the wanted session, through ingest', async () => {
    const log = join(dir, 'audit.log');
    writeFileSync(log, `${rec(90, 42, 0)}\n`); // before open: not ours to read
    const reader = new KmsgReader({ source: { kind: 'auditd', file: log }, nativeArch: 'x86_64' });
    await reader.open();
    reader.sessions.add(42);
    const got: KernelLogRecord[] = [];
    appendFileSync(log, `${rec(100, 42, 257)}\n${rec(101, 7, 1)}\n`);
    const half = rec(102, 42, 232);
    appendFileSync(log, half.slice(0, 40)); // a line written in two parts
    await settle(reader, got, 1);
    appendFileSync(log, `${half.slice(40)}\n`);
    await settle(reader, got, 2);
    await reader.close((r) => got.push(r));
    expect(got.map((r) => [r.ses, r.syscall, r.observation.name, r.comm, r.observation.action])).toEqual([
      [42, 257, 'openat', 'nginx', 'log'],
      [42, 232, 'epoll_wait', 'nginx', 'log'],
    ]);
    expect(reader.loss).toEqual([]);
  });

  it('a serial gap is loss (records the daemon never got)', async () => {
    const log = join(dir, 'gap.log');
    writeFileSync(log, '');
    const reader = new KmsgReader({ source: { kind: 'auditd', file: log }, nativeArch: 'x86_64' });
    await reader.open();
    reader.sessions.add(42);
    const got: KernelLogRecord[] = [];
    appendFileSync(log, `${rec(200, 42, 0)}\n${rec(204, 42, 1)}\n`);
    await settle(reader, got, 2);
    await reader.close((r) => got.push(r));
    expect(got).toHaveLength(2);
    expect(reader.loss).toEqual([expect.objectContaining({ kind: 'serial-gap', count: 3 })]);
  });

  it('scoped to sessions: nothing is taken before the session is known (other runs\' records are not ours)', async () => {
    const log = join(dir, 'scoped.log');
    writeFileSync(log, '');
    const reader = new KmsgReader({ source: { kind: 'auditd', file: log }, nativeArch: 'x86_64', onlySessions: true });
    await reader.open();
    const got: KernelLogRecord[] = [];
    appendFileSync(log, `${rec(300, 7, 0, 'python3')}\n`);
    await settle(reader, got, 1);
    expect(got).toEqual([]);
    reader.sessions.add(42);
    appendFileSync(log, `${rec(301, 42, 1)}\n`);
    await settle(reader, got, 1);
    await reader.close((r) => got.push(r));
    expect(got.map((r) => [r.ses, r.comm])).toEqual([[42, 'nginx']]);
  });
});
