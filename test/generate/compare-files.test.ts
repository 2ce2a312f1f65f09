// diff's and merge's rules live in the library (diffProfileRefs, mergeProfileFiles): refusals come back as diagnostics
// with a code and an outcome, the verdict as the outcome, and the CLI prints exactly those with the same exit code.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { diffProfileRefs, mergeProfileFiles } from '../../src/generate/index.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'seccompctl-compare-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const A = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }] });
const B = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read', 'write', 'bind'], action: 'SCMP_ACT_ALLOW' }] });
const C = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['bind'], action: 'SCMP_ACT_KILL' }] });
const a = join(dir, 'a.json');
const b = join(dir, 'b.json');
const c = join(dir, 'c.json');
writeFileSync(a, A);
writeFileSync(b, B);
writeFileSync(c, C);
const stdin = (s: string): Readable => Readable.from([Buffer.from(s)]);

describe('diffProfileRefs', () => {
  it('refuses an unknown --arch (UNKNOWN_ARCH) and both sides from standard input (STDIN_USED_TWICE), as diff prints them', async () => {
    const arch = await diffProfileRefs(a, b, { arch: 'vax' });
    expect([arch.outcome, arch.diagnostics[0]?.code, arch.diff]).toEqual(['refused', 'UNKNOWN_ARCH', undefined]);
    const ca = await cli(['diff', a, b, '--arch', 'vax']);
    expect(ca.code).toBe(2);
    expect(ca.stderr).toBe(`seccompctl: ${arch.diagnostics[0]!.message}\n`);
    const twice = await diffProfileRefs('-', '-', { stdin: stdin(A) });
    expect([twice.outcome, twice.diagnostics[0]?.code]).toEqual(['refused', 'STDIN_USED_TWICE']);
    const ct = await cli(['diff', '-', '-'], { stdin: A });
    expect(ct.code).toBe(2);
    expect(ct.stderr).toBe(`seccompctl: ${twice.diagnostics[0]!.message}\n`);
  });

  it('gives the verdict as the outcome: ok when equivalent (exit 0), failed when they differ (exit 1)', async () => {
    const same = await diffProfileRefs(a, '-', { stdin: stdin(A), arch: 'x86_64' });
    expect([same.outcome, same.diff!.same, same.b!.label]).toEqual(['ok', true, '-']);
    expect((await cli(['diff', a, '-', '--arch', 'x86_64'], { stdin: A })).code).toBe(0);
    const differ = await diffProfileRefs(a, b, { arch: 'x86_64' });
    expect([differ.outcome, differ.diff!.perArch[0]!.added]).toEqual(['failed', ['bind']]);
    const cd = await cli(['diff', a, b, '--arch', 'x86_64', '--json']);
    expect(cd.code).toBe(1);
    expect(JSON.parse(cd.stdout)).toEqual(JSON.parse(JSON.stringify({ a, b, ...differ.diff })));
    const rt = await diffProfileRefs(a, 'runtime-default:docker', { arch: 'x86_64' });
    expect([rt.outcome, rt.b!.label, rt.b!.describes]).toEqual(['failed', 'runtime-default:docker', expect.stringContaining('(x86_64, default capabilities)')]);
  });
});

describe('mergeProfileFiles', () => {
  it('refuses standard input named twice (STDIN_USED_TWICE), as merge prints it', async () => {
    const r = await mergeProfileFiles(['-', a, '-'], { stdin: stdin(A) });
    expect([r.outcome, r.diagnostics[0]?.code, r.text]).toEqual(['refused', 'STDIN_USED_TWICE', undefined]);
    const m = await cli(['merge', '-', a, '-'], { stdin: A });
    expect(m.code).toBe(2);
    expect(m.stderr).toBe(`seccompctl: ${r.diagnostics[0]!.message}\n`);
  });

  it('returns the union, its text and the resolved conflicts that merge prints', async () => {
    const r = await mergeProfileFiles([b, c], { cwd: dir });
    expect(r.outcome).toBe('ok');
    expect(r.syscalls).toBe(3);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['MERGE_ACTION_CONFLICT']);
    const m = await cli(['merge', b, c]);
    expect(m.code).toBe(0);
    expect(m.stdout).toBe(r.text);
    expect(m.stderr).toContain(r.diagnostics[0]!.message);
  });
});
