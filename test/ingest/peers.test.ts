// Audit lines from other projects' tests and docs (test/fixtures/ingest/peers/README.md has where each comes from):
// each parses to the syscall, arch and action its source states. The expected values were read off the sources by
// hand (their assertions, golden files, or the enriched ARCH=/SYSCALL= fields auditd wrote beside the raw ones).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestText, parseAuditLine, type SeenAction } from '../../src/ingest/index.js';
import type { ArchId } from '../../src/syscalls/index.js';

const DIR = join(__dirname, '..', 'fixtures', 'ingest', 'peers');

/** [file, line (1-based), arch, syscall, action, pid, exe] — what the source says about that line. */
type Want = [string, number, ArchId, string, SeenAction, number, string];
const WANT: Want[] = [
  // SPO auditsource/audit_test.go: SystemCallID 1/13/3/56/0 with arch=c000003e (x86_64), SCMP_ACT_LOG (0x7ffc0000);
  // the enriched lines name the call themselves (SYSCALL=close, SYSCALL=clone).
  ['spo-auditsource-audit_test.log', 1, 'x86_64', 'write', 'log', 615549, '/bin/busybox'],
  ['spo-auditsource-audit_test.log', 2, 'x86_64', 'rt_sigaction', 'log', 4709, '/bin/busybox'],
  ['spo-auditsource-audit_test.log', 3, 'x86_64', 'close', 'log', 2039886, '/bin/ls'],
  ['spo-auditsource-audit_test.log', 4, 'x86_64', 'clone', 'log', 72503, '/bin/dash'],
  ['spo-auditsource-audit_test.log', 5, 'x86_64', 'read', 'log', 3109464, '/bin/busybox'],
  ['spo-auditsource-audit_test.log', 6, 'x86_64', 'read', 'log', 3109464, '/bin/busybox'],
  ['spo-auditsource-audit_test.log', 7, 'x86_64', 'read', 'log', 3109464, '/bin/busybox'],
  ['spo-auditsource-audit_test.log', 8, 'x86_64', 'read', 'log', 3109464, '/bin/busybox'],
  // SPO json_enricher_test.go: syscallJsonTest = "mprotect" (syscall=10 on x86_64).
  ['spo-json_enricher_test.log', 1, 'x86_64', 'mprotect', 'log', 2060394, '/bin/busybox'],
  ['spo-json_enricher_test.log', 2, 'x86_64', 'mprotect', 'log', 2060395, '/bin/nginx'],
  // go-libaudit auparse/testdata/test3.log.golden: arch "i386", syscall "getpgid", code 0x0 (KILL_THREAD), sig SIGSYS.
  ['go-libaudit-auparse-test3.log', 17, 'x86', 'getpgid', 'kill_thread', 11217, '/usr/sbin/sshd'],
  // ChromiumOS debugd audit_log_utils_test.cc: ARCH=aarch64 SYSCALL=msync, code=0x80000000 (KILL_PROCESS, sig=31),
  // followed by AUID="unset" with no separator; and the same event as `ausearch --interpret` prints it (code=kill).
  ['chromiumos-debugd-audit_log_utils_test.log', 1, 'aarch64', 'msync', 'kill_process', 83658, '/opt/google/drive-file-stream/drivefs'],
  ['chromiumos-debugd-audit_log_utils_test.ausearch.log', 1, 'aarch64', 'msync', 'kill', 83658, '/opt/google/drive-file-stream/drivefs'],
  // Kubernetes seccomp tutorial (SCMP_ACT_LOG profile, http-echo on x86_64): syscall= 51, 54, 202, 288, 0, 270.
  ['k8s-website-seccomp-tutorial.syslog', 1, 'x86_64', 'getsockname', 'log', 29064, '/http-echo'],
  ['k8s-website-seccomp-tutorial.syslog', 2, 'x86_64', 'setsockopt', 'log', 29064, '/http-echo'],
  ['k8s-website-seccomp-tutorial.syslog', 3, 'x86_64', 'futex', 'log', 29064, '/http-echo'],
  ['k8s-website-seccomp-tutorial.syslog', 4, 'x86_64', 'accept4', 'log', 29064, '/http-echo'],
  ['k8s-website-seccomp-tutorial.syslog', 5, 'x86_64', 'read', 'log', 29064, '/http-echo'],
  ['k8s-website-seccomp-tutorial.syslog', 6, 'x86_64', 'pselect6', 'log', 29064, '/http-echo'],
  ['k8s-website-seccomp-tutorial.syslog', 7, 'x86_64', 'pselect6', 'log', 29064, '/http-echo'],
  ['k8s-website-seccomp-tutorial.syslog', 8, 'x86_64', 'futex', 'log', 29064, '/http-echo'],
];

const lines = (f: string) => readFileSync(join(DIR, f), 'utf8').split('\n').filter((l) => l !== '');

describe('peers\' audit lines', () => {
  it.each(WANT)('%s:%i → %s %s %s', (file, n, arch, name, action, pid, exe) => {
    // nativeArch differs from every expected arch, so a record read without its arch= would show.
    const r = ingestText(`${lines(file)[n - 1]!}\n`, { nativeArch: 'riscv64', keepObservations: 10 });
    expect(r.counters.matched).toBe(1);
    expect(r.counters.malformed).toBe(0);
    const [o] = r.observations;
    expect([o!.arch, o!.name, o!.action, o!.pid, o!.exe]).toEqual([arch, name, action, pid, exe]);
  });
  it('every record line of every peer file is covered above', () => {
    for (const f of new Set(WANT.map((w) => w[0]))) {
      const n = lines(f).filter((l) => /SECCOMP|type=1326/.test(l)).length;
      expect(WANT.filter((w) => w[0] === f).length, f).toBe(n);
    }
  });
  it('whole files parse with the other record types skipped', () => {
    const r = ingestText(readFileSync(join(DIR, 'go-libaudit-auparse-test3.log'), 'utf8'), { nativeArch: 'riscv64' });
    expect(r.counters.matched).toBe(1);
    expect(r.counters.malformed).toBe(0);
    const k = ingestText(readFileSync(join(DIR, 'k8s-website-seccomp-tutorial.syslog'), 'utf8'), { nativeArch: 'riscv64' });
    expect(k.counters.matched).toBe(8);
    expect([...k.syscalls.get('x86_64')!.keys()].sort()).toEqual(['accept4', 'futex', 'getsockname', 'pselect6', 'read', 'setsockopt']);
  });
});

describe('parseAuditLine (one line on its own)', () => {
  it('gives the same observation as a whole-file ingest for every peer line', () => {
    for (const [file, n, arch, name, action] of WANT) {
      const p = parseAuditLine(lines(file)[n - 1]!, { nativeArch: 'riscv64' });
      expect(p.malformed).toBe(false);
      expect([p.observation?.arch, p.observation?.name, p.observation?.action], `${file}:${n}`).toEqual([arch, name, action]);
    }
  });
  it('reads /dev/kmsg lines and reports loss lines', () => {
    const k = parseAuditLine(`5,1043,708952635,-;${lines('spo-auditsource-audit_test.log')[0]!}`, { nativeArch: 'riscv64' });
    expect([k.observation?.rendering, k.observation?.name]).toEqual(['kmsg', 'write']);
    const l = parseAuditLine('4,1044,708952640,-;kauditd_printk_skb: 12 callbacks suppressed');
    expect(l.observation).toBeUndefined();
    expect([l.loss?.kind, l.loss?.count, l.loss?.certain]).toEqual(['printk-suppressed', 12, true]);
    const m = parseAuditLine('audit: type=1326 audit(1.2:3): arch=c000003e compat=0');
    expect(m.malformed).toBe(true);
  });
});
