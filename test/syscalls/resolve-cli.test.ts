import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

describe('seccompctl resolve', () => {
  it('maps numbers to names and names to numbers', async () => {
    expect(await cli(['resolve', '--arch', 'x86_64', '54'])).toMatchObject({ code: 0, stdout: '54 setsockopt\n' });
    expect(await cli(['resolve', '--arch', 'aarch64', 'openat'])).toMatchObject({ code: 0, stdout: '56 openat\n' });
    expect(await cli(['resolve', '--arch', 'c00000b7', '0x38'])).toMatchObject({ code: 0, stdout: '56 openat\n' });
  });
  it('exits 1 saying a syscall does not exist on an arch', async () => {
    const r = await cli(['resolve', '--arch', 'arm64', 'open']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/open: does not exist on aarch64/);
  });
  it('suggests the right name for a typo', async () => {
    const r = await cli(['resolve', '--arch', 'x86_64', 'setsokopt']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/did you mean setsockopt/);
  });
  it('prints JSON for every arch', async () => {
    const r = await cli(['resolve', '--all-arches', '--json', 'openat']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { arch: string; number: number; name: string }[];
    expect(rows).toContainEqual({ arch: 'SCMP_ARCH_AARCH64', number: 56, name: 'openat' });
    expect(rows).toContainEqual({ arch: 'SCMP_ARCH_X86_64', number: 257, name: 'openat' });
    expect(rows).toContainEqual({ arch: 'SCMP_ARCH_X32', number: 0x40000000 + 257, name: 'openat' });
    expect(rows).toHaveLength(18);
  });
  it('rejects an unknown architecture with exit 2', async () => {
    const r = await cli(['resolve', '--arch', 'sparc', 'read']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown architecture "sparc"/);
  });
});
