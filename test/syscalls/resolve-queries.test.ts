// resolve's rules live in the library (resolveQueries): the unknown-arch refusal, what is missing where, and the
// verdict (with --all-arches a name is fine if some arch has it) come back as diagnostics and an outcome, and
// `seccompctl resolve` prints exactly those with the same exit code.
import { describe, expect, it } from 'vitest';
import { resolveQueries } from '../../src/syscalls/index.js';
import { cli } from '../helpers/cli.js';

describe('resolveQueries', () => {
  it('refuses an unknown architecture (UNKNOWN_ARCH), as resolve prints it', async () => {
    const r = resolveQueries(['read'], { arches: ['x86_64,sparc'] });
    expect([r.outcome, r.diagnostics.map((d) => d.code), r.found]).toEqual(['refused', ['UNKNOWN_ARCH'], []]);
    const c = await cli(['resolve', '--arch', 'x86_64,sparc', 'read']);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`seccompctl: ${r.diagnostics[0]!.message}\n`);
  });

  it('fails a name absent on a requested arch (SYSCALL_NOT_ON_ARCH) or unknown (UNKNOWN_SYSCALL, with suggestions)', async () => {
    const r = resolveQueries(['openat', 'open', 'setsokopt'], { arches: ['aarch64'] });
    expect(r.outcome).toBe('failed');
    expect(r.found.map((x) => [x.arch, x.name, x.number])).toEqual([['aarch64', 'openat', 56]]);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['SYSCALL_NOT_ON_ARCH', 'error'], ['UNKNOWN_SYSCALL', 'error']]);
    expect(r.diagnostics[1]!.message).toMatch(/did you mean setsockopt/);
    const c = await cli(['resolve', '--arch', 'aarch64', 'openat', 'open', 'setsokopt']);
    expect(c.code).toBe(1);
    expect(c.stdout).toBe('56 openat\n');
    expect(c.stderr).toBe(r.diagnostics.map((d) => `${d.message}\n`).join(''));
  });

  it('with allArches, a name some arch has passes and its absences are warnings', async () => {
    const r = resolveQueries(['open'], { allArches: true });
    expect(r.outcome).toBe('ok');
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(new Set(r.diagnostics.map((d) => `${d.code} ${d.severity}`))).toEqual(new Set(['SYSCALL_NOT_ON_ARCH warning']));
    expect(r.diagnostics.map((d) => /on (\S+) \(/.exec(d.message)![1])).toContain('aarch64');
    const c = await cli(['resolve', '--all-arches', 'open']);
    expect(c.code).toBe(0);
    expect(c.stderr).toBe(r.diagnostics.map((d) => `${d.message}\n`).join(''));
    expect(c.stdout.trimEnd().split('\n')).toHaveLength(r.found.length);
  });

  it('defaults to this machine\'s architecture', () => {
    const r = resolveQueries(['read']);
    expect([r.outcome, r.arches.length, r.found.length]).toEqual(['ok', 1, 1]);
  });
});
