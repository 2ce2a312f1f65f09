// k8s patch's rules live in the library (issue 12): patchFiles refuses with the same coded diagnostic the CLI prints,
// reports --check's verdict as its outcome, and checks every in-place target before writing any.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { patchFiles, type PatchFilesResult } from '../../src/k8s/index.js';
import { cli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, '../fixtures/k8s/patch');
const POD = join(FIX, 'pod-comments.yaml');
const RD = { profile: { type: 'RuntimeDefault' as const } };
const made: string[] = [];
const tmp = (): string => { const d = mkdtempSync(join(tmpdir(), 'seccompctl-patchfiles-')); made.push(d); return d; };
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

/** The refusal's one error (code, message) — what the CLI prints last as `seccompctl: MESSAGE`. */
function refused(r: PatchFilesResult): { code: string; message: string } {
  expect(r.outcome).toBe('refused');
  if (r.outcome !== 'refused') throw new Error('not refused');
  const e = r.diagnostics.find((d) => d.severity === 'error')!;
  expect(e.message).toBe(r.summary);
  return { code: e.code, message: e.message };
}

describe('patchFiles refuses what the CLI refuses, with the same words', () => {
  it.each([
    ['-i on standard input', ['-'], { ...RD, mode: 'in-place' as const }, 'STDIN_NOT_ALLOWED', ['--runtime-default', '-i', '-']],
    ['standard input twice', ['-', '-'], RD, 'STDIN_USED_TWICE', ['--runtime-default', '-', '-']],
    ['an absolute Localhost path', [POD], { profile: { type: 'Localhost' as const, localhostProfile: '/etc/p.json' } }, 'SECCOMP_LOCALHOST_BAD_PATH', ['--localhost', '/etc/p.json', POD]],
    ['a container no pod spec has', [POD], { ...RD, containers: ['nope'] }, 'PATCH_CONTAINER_NOT_FOUND', ['--runtime-default', '--container', 'nope', POD]],
  ])('%s', async (_n, files, opts, code, args) => {
    const lib = refused(await patchFiles(files, { ...opts, stdin: Readable.from(['']) }));
    expect(lib.code).toBe(code);
    const r = await cli(['k8s', 'patch', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n').pop()).toBe(`seccompctl: ${lib.message}`);
    expect(r.stdout).toBe('');
  });

  it('objects that cannot be patched: every problem as a diagnostic under one summary, nothing written', async () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: web\n    image: x\n    securityContext:\n      seccompProfile: {type: Localhost, localhostProfile: a.json}\n';
    const r = await patchFiles(['-'], { ...RD, containers: ['web'], stdin: Readable.from([text]) });
    expect(r.outcome).toBe('refused');
    if (r.outcome !== 'refused') return;
    expect(r.summary).toBe('1 problem(s); nothing was written');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['PATCH_WOULD_LOOSEN']);
    const c = await cli(['k8s', 'patch', '--runtime-default', '--container', 'web', '-'], { stdin: text });
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(r.diagnostics[0]!.message);
    expect(c.stderr).toContain(`seccompctl: ${r.summary}`);
  });

  it('an unrendered template: MANIFEST_TEMPLATE, its message the summary', async () => {
    const r = await patchFiles(['-'], { ...RD, stdin: Readable.from(['spec:\n  replicas: {{ .Values.n }}\n']) });
    expect(refused(r).code).toBe('MANIFEST_TEMPLATE');
  });
});

describe('patchFiles outcomes', () => {
  it('no pod spec at all: a PATCH_NO_POD_SPECS warning, the text unchanged, the CLI says it in one line', async () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n';
    const r = await patchFiles(['-'], { ...RD, stdin: Readable.from([text]) });
    expect(r.outcome).toBe('ok');
    if (r.outcome === 'refused') return;
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['PATCH_NO_POD_SPECS', 'warning']]);
    expect(r.files[0]!.out).toBe(text);
    const c = await cli(['k8s', 'patch', '--runtime-default', '-'], { stdin: text });
    expect([c.code, c.stdout, c.stderr]).toEqual([0, text, `seccompctl: ${r.diagnostics[0]!.message}\n`]);
  });

  it('check: outcome failed when a file would change (exit 1), ok when none would; the diff is the library\'s', async () => {
    const r = await patchFiles([POD], { ...RD, mode: 'check' });
    expect([r.outcome, r.outcome !== 'refused' && r.changed]).toEqual(['failed', 1]);
    if (r.outcome === 'refused') return;
    const c = await cli(['k8s', 'patch', '--runtime-default', '--check', POD]);
    expect([c.code, c.stdout]).toEqual([1, r.files[0]!.diff]);
    const again = await patchFiles(['-'], { ...RD, mode: 'check', stdin: Readable.from([r.files[0]!.out!]) });
    expect([again.outcome, again.outcome !== 'refused' && again.changed]).toEqual(['ok', 0]);
  });

  it('in-place writes the patched text; a target it cannot write is refused before any file is written', async () => {
    const d = tmp();
    const a = join(d, 'a.yaml');
    copyFileSync(POD, a);
    const r = await patchFiles(['a.yaml'], { ...RD, mode: 'in-place', cwd: d });
    expect(r.outcome).toBe('ok');
    if (r.outcome === 'refused') return;
    expect(readFileSync(a, 'utf8')).toBe(r.files[0]!.out);
    expect(readFileSync(a, 'utf8')).toContain('RuntimeDefault');
    // The second file's directory cannot be written: neither file changes.
    const ro = join(d, 'ro');
    mkdirSync(ro);
    const b = join(ro, 'b.yaml');
    const first = join(d, 'first.yaml');
    copyFileSync(POD, b);
    copyFileSync(POD, first);
    // root writes anywhere but into an immutable directory; anyone else is stopped by the mode.
    const immutable = spawnSync('chattr', ['+i', ro]).status === 0;
    if (!immutable) chmodSync(ro, 0o555);
    try {
      const e = refused(await patchFiles([first, b], { ...RD, mode: 'in-place' }));
      expect(e.code).toBe('OUTPUT_NOT_WRITABLE');
      expect(e.message).toContain(`-i ${b}: cannot write in ${ro}`);
      expect(readFileSync(first, 'utf8')).toBe(readFileSync(POD, 'utf8'));
      const c = await cli(['k8s', 'patch', '--runtime-default', '-i', first, b]);
      expect([c.code, c.stderr.trimEnd().split('\n').pop()]).toEqual([2, `seccompctl: ${e.message}`]);
      expect(readFileSync(first, 'utf8')).toBe(readFileSync(POD, 'utf8'));
    } finally {
      if (immutable) spawnSync('chattr', ['-i', ro]);
      else chmodSync(ro, 0o755);
    }
  });
});
