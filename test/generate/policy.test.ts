// generate()'s policies come back from the library as typed diagnostics with a refused/ok outcome: a library user
// gets what the CLI user gets (the CLI only prints them and maps them to exit codes).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { ingestText } from '../../src/ingest/index.js';

const read = (f: string): string => readFileSync(f, 'utf8');

describe('generate(): refused or ok', () => {
  it('a log that proves records were lost is refused with RECORDS_LOST (the profile is still there to inspect)', () => {
    const g = generate(ingestText(read('examples/audit/nginx-in-runc-ratelimited.dmesg.log')));
    expect(g.outcome).toBe('refused');
    const d = g.diagnostics.find((x) => x.code === 'RECORDS_LOST');
    expect(d).toMatchObject({ severity: 'error' });
    expect(d!.message).toMatch(/at least 20 record\(s\) were lost/);
    expect(d!.message).toContain('kernel.printk_ratelimit=0');
    expect(g.profile.syscalls?.length).toBeGreaterThan(0);
  });

  it('allowLoss turns it into a warning and the outcome into ok', () => {
    const g = generate(ingestText(read('examples/audit/nginx-in-runc-ratelimited.dmesg.log')), { allowLoss: true });
    expect(g.outcome).toBe('ok');
    expect(g.diagnostics.find((x) => x.code === 'RECORDS_LOST')).toMatchObject({ severity: 'warning' });
  });

  it('a clean log is ok with no error diagnostic', () => {
    const g = generate(ingestText(read('examples/audit/nginx-in-runc.dmesg.log')));
    expect(g.outcome).toBe('ok');
    expect(g.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });

  it('input with no records is refused with NO_RECORDS, naming what was looked for', () => {
    const g = generate(ingestText('hello\nworld\n'), { inputFormat: 'audit' });
    expect(g.outcome).toBe('refused');
    expect(g.diagnostics).toEqual([expect.objectContaining({ code: 'NO_RECORDS', severity: 'error' })]);
    expect(g.diagnostics[0]!.message).toMatch(/found in 2 line\(s\) \(looked for audit\); nothing to generate/);
  });

  it('a syscall with no counterpart on a requested arch is refused with UNMAPPABLE_SYSCALLS', () => {
    const g = generate(ingestText('100 iopl(3) = -1 EPERM (Operation not permitted)\n100 read(0, "", 1) = 0\n', { nativeArch: 'x86_64' }), { arches: ['x86_64', 'aarch64'] });
    expect(g.outcome).toBe('refused');
    expect(g.unmappable).toEqual(['iopl (SCMP_ARCH_X86_64 → SCMP_ARCH_AARCH64)']);
    expect(g.diagnostics.find((x) => x.code === 'UNMAPPABLE_SYSCALLS')!.message).toContain('iopl');
  });
});
