// Audit records as the kernel prints them (kernel/auditsc.c audit_seccomp: `arch=%x … code=0x%x`): unpadded arch
// codes, code= with at most 8 hex digits, and a log whose only audit content is a loss notice.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { certainLoss, ingestText } from '../../src/ingest/index.js';
import { resolveArch, type ArchId } from '../../src/syscalls/index.js';
import { cli } from '../helpers/cli.js';
import { DEBIAN_PYTHON, haveSystem } from '../helpers/system.js';

const rec = (arch: string, nr: number, code = '0x7ffc0000', tail = '') =>
  `[  518.228681] audit: type=1326 audit(1795818969.767:464): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=7 comm="t" exe="/t" sig=0 arch=${arch} syscall=${nr} compat=0 ip=0x40828e code=${code}${tail}`;

/** libseccomp's arch tokens (their values are the kernel's AUDIT_ARCH_* constants) → our ids; x32 has its own token. */
const SCMP: [string, ArchId][] = [
  ['X86', 'x86'], ['X86_64', 'x86_64'], ['ARM', 'arm'], ['AARCH64', 'aarch64'], ['MIPS', 'mips'], ['MIPSEL', 'mipsel'],
  ['MIPS64', 'mips64'], ['MIPSEL64', 'mipsel64'], ['MIPS64N32', 'mips64n32'], ['MIPSEL64N32', 'mipsel64n32'],
  ['PPC', 'ppc'], ['PPC64', 'ppc64'], ['PPC64LE', 'ppc64le'], ['S390', 's390'], ['S390X', 's390x'], ['RISCV64', 'riscv64'],
];

describe.skipIf(!haveSystem(DEBIAN_PYTHON, 'scmp_sys_resolver'))('arch= as the kernel prints it (%x), against libseccomp', () => {
  // printf("%x") of libseccomp's SCMP_ARCH_* values, which are AUDIT_ARCH_* (include/uapi/linux/audit.h).
  const codes = JSON.parse(execFileSync(DEBIAN_PYTHON, ['-c',
    `import json, seccomp; print(json.dumps({n: '%x' % (int(getattr(seccomp.Arch, n)) & 0xffffffff) for n in ${JSON.stringify(SCMP.map(([n]) => n))}}))`,
  ], { encoding: 'utf8' })) as Record<string, string>;
  it('includes the short codes of s390, ppc and mips', () => {
    expect([codes.S390, codes.PPC, codes.MIPS]).toEqual(['16', '14', '8']);
  });
  it.each(SCMP)('arch=%%x of SCMP_ARCH_%s reads as %s, and read() by libseccomp\'s number is named read', (token, id) => {
    const code = codes[token]!;
    const nr = Number(execFileSync('scmp_sys_resolver', ['-a', id === 'x86' ? 'x86' : id, 'read'], { encoding: 'utf8' }).trim());
    const r = ingestText(`${rec(code, nr)}\n`, { nativeArch: 'x86_64' });
    expect(r.counters.malformed, code).toBe(0);
    expect([...r.syscalls.keys()]).toEqual([id]);
    expect([...r.syscalls.get(id)!.keys()]).toEqual(['read']);
    expect(resolveArch(code)?.id).toBe(id);
  });
});

describe('unpadded arch codes', () => {
  it('s390 (16), ppc (14) and mips (8) records are read, not rejected as UNKNOWN_ARCH', () => {
    // s390 write = 4, ppc write = 4, mips (o32) write = 4004 (the kernel's .tbl files).
    const r = ingestText([rec('16', 4), rec('14', 4), rec('8', 4004)].join('\n') + '\n', { nativeArch: 'x86_64' });
    expect(r.counters.malformed).toBe(0);
    expect(r.diagnostics.map((d) => d.code)).not.toContain('UNKNOWN_ARCH');
    expect([...r.syscalls.keys()]).toEqual(['s390', 'ppc', 'mips']);
    for (const a of ['s390', 'ppc', 'mips'] as const) expect([...r.syscalls.get(a)!.keys()]).toEqual(['write']);
  });
  it('an unknown code is still rejected (sparc, 2b)', () => {
    const r = ingestText(`${rec('2b', 4)}\n`, { nativeArch: 'x86_64' });
    expect(r.counters.malformed).toBe(1);
    expect(r.diagnostics.map((d) => d.code)).toContain('UNKNOWN_ARCH');
  });
  it('resolve --arch takes the short codes too', async () => {
    expect(await cli(['resolve', '--arch', '16', '4'])).toMatchObject({ code: 0, stdout: '4 write\n' });
    expect(await cli(['resolve', '--arch', '14', 'openat'])).toMatchObject({ code: 0, stdout: '286 openat\n' });
    expect(await cli(['resolve', '--arch', '8', '4004'])).toMatchObject({ code: 0, stdout: '4004 write\n' });
  });
});

describe('code= is at most 8 hex digits', () => {
  const action = (code: string, tail: string) => {
    const r = ingestText(`${rec('c000003e', 1, code, tail)}\n`, { nativeArch: 'x86_64' });
    return Object.keys(r.syscalls.get('x86_64')!.get('write')!.actions);
  };
  it.each([
    ['0x80000000', 'kill_process'], ['0x7ffc0000', 'log'], ['0x0', 'kill_thread'], ['0x50001', 'errno'], ['0x7fff0000', 'allow'],
  ])('auditd enrichment right after code=%s (no separator) leaves %s', (code, want) => {
    expect(action(code, 'AUID="unset" UID="root" GID="root" ARCH=x86_64 SYSCALL=write')).toEqual([want]);
    expect(action(code, '\x1dAUID="unset" UID="root"')).toEqual([want]);
    expect(action(code, ' AUID="unset" UID="root"')).toEqual([want]);
  });
  it('a code with more than 8 digits keeps only the first 8', () => {
    expect(action('0x7ffc0000123', '')).toEqual(['log']);
  });
  it('ausearch\'s `kill` is a kill of unknown kind (auparse prints it for KILL_THREAD and KILL_PROCESS)', () => {
    const r = ingestText('type=SECCOMP msg=audit(11/27/26 22:59:00.123:464) : auid=unset uid=root gid=root ses=unset pid=7 comm=t exe=/t sig=SIGSYS arch=x86_64 syscall=write compat=0 ip=0x40828e code=kill\n');
    expect(Object.keys(r.syscalls.get('x86_64')!.get('write')!.actions)).toEqual(['kill']);
  });
});

describe('a log holding only a loss notice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seccompctl-kfmt-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'suppressed.log');
  writeFileSync(log, '[  520.000001] kauditd_printk_skb: 87 callbacks suppressed\n');
  it('ingest reports the loss', () => {
    const r = ingestText('[  520.000001] kauditd_printk_skb: 87 callbacks suppressed\n');
    expect(r.counters.matched).toBe(0);
    expect(certainLoss(r).map((l) => [l.kind, l.count])).toEqual([['printk-suppressed', 87]]);
  });
  it('generate exits 1 reporting the loss, not 2 "no records"', async () => {
    const r = await cli(['generate', log, '-o', join(dir, 'p.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/printk rate limit dropped 87 audit message/);
    expect(r.stderr).not.toMatch(/nothing to generate/);
  });
  it('with --allow-loss there is still nothing to generate (exit 2)', async () => {
    const r = await cli(['generate', log, '--allow-loss', '-o', join(dir, 'p.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no seccomp audit records/);
  });
});
