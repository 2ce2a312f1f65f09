// k8s patch through the CLI at the edges (issue 18): stdout and -i byte-identical where nothing applies, templates,
// capped syntax errors, replaced profiles reported, --check's diff (applied with GNU patch as the oracle).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { haveSystem } from '../helpers/system.js';

const CORPUS = join(import.meta.dirname, '../fixtures/k8s/corpus');
const c = (f: string) => join(CORPUS, f);
const NO_POD_NO_NEWLINE = ['examples__AI__vllm-deployment__hpa__prometheus-rule.yaml', 'examples__AI__vllm-deployment__hpa__horizontal-pod-autoscaler.yaml'];
const POD_NO_NEWLINE = 'examples__AI__vllm-deployment__hpa__prometheus-adapter.yaml';
const made: string[] = [];
const tmp = (): string => { const d = mkdtempSync(join(tmpdir(), 'seccompctl-patch-')); made.push(d); return d; };
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

describe('k8s patch CLI: bytes kept', () => {
  it('files without pod specs come back byte-identical on stdout, with -i and under --check', async () => {
    for (const f of NO_POD_NO_NEWLINE) {
      const bytes = readFileSync(c(f), 'utf8');
      expect(bytes.endsWith('\n'), f).toBe(false);
      const r = await cli(['k8s', 'patch', '--runtime-default', c(f)]);
      expect(r.code).toBe(0);
      expect(r.stdout, f).toBe(bytes);
      const copy = join(tmp(), f);
      copyFileSync(c(f), copy);
      expect((await cli(['k8s', 'patch', '--runtime-default', '-i', copy])).code).toBe(0);
      expect(readFileSync(copy, 'utf8')).toBe(bytes);
      const chk = await cli(['k8s', 'patch', '--runtime-default', '--check', c(f)]);
      expect([chk.code, chk.stdout]).toEqual([0, '']);
    }
  });

  it('stdout and -i agree byte for byte on a patched file without a final newline', async () => {
    const r = await cli(['k8s', 'patch', '--runtime-default', c(POD_NO_NEWLINE)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('seccompProfile');
    expect(r.stdout.endsWith('\n')).toBe(false);
    const copy = join(tmp(), 'x.yaml');
    copyFileSync(c(POD_NO_NEWLINE), copy);
    await cli(['k8s', 'patch', '--runtime-default', '-i', copy]);
    expect(readFileSync(copy, 'utf8')).toBe(r.stdout);
    // Standard input too.
    expect((await cli(['k8s', 'patch', '--runtime-default', '-'], { stdin: readFileSync(c(POD_NO_NEWLINE), 'utf8') })).stdout).toBe(r.stdout);
  });

  it('several files on stdout: each file\'s bytes, separated only by what YAML needs', async () => {
    const [a, b] = NO_POD_NO_NEWLINE.map((f) => readFileSync(c(f), 'utf8'));
    const r = await cli(['k8s', 'patch', '--runtime-default', ...NO_POD_NO_NEWLINE.map(c)]);
    expect(r.stdout).toBe(`${a}\n---\n${b}`);
  });
});

describe('k8s patch CLI: input errors', () => {
  it('an unrendered Helm template is one line saying to render it first, exit 2, nothing on stdout', async () => {
    for (const f of ['templates/ingress-nginx__charts__ingress-nginx__templates__controller-deployment.yaml', 'templates/ingress-nginx__charts__ingress-nginx__templates__controller-configmap.yaml']) {
      const r = await cli(['k8s', 'patch', '--runtime-default', c(f)]);
      expect(r.code, f).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n'), f).toHaveLength(1);
      expect(r.stderr).toContain('render it first: helm template … | seccompctl k8s patch -');
      const l = await cli(['k8s', 'lint', c(f)]);
      expect([l.code, l.stderr.trimEnd().split('\n').length]).toEqual([2, 1]);
      expect(l.stderr).toContain('| seccompctl k8s lint -');
    }
  });

  it('{{ }} inside a quoted string or a block scalar is data, not a template', async () => {
    const r = await cli(['k8s', 'patch', '--runtime-default', c('prometheus-operator__example__mixin__alerts.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(c('prometheus-operator__example__mixin__alerts.yaml'), 'utf8'));
  });

  it('a broken file prints at most the first few syntax errors and a count', async () => {
    const broken = Array.from({ length: 40 }, (_, i) => `a${i}: [\n b: }}\n"`).join('\n');
    const r = await cli(['k8s', 'patch', '--runtime-default', '-'], { stdin: broken });
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.length).toBeLessThanOrEqual(7);
    expect(r.stderr).toMatch(/\d+ syntax errors, the first 5 shown/);
    expect(lines.filter((l) => l.includes('MANIFEST_SYNTAX'))).toHaveLength(5);
  });
});

const TWO = (a: string, b: string) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: web\n    securityContext:\n      seccompProfile:\n${a}  - name: side\n    securityContext:\n      seccompProfile:\n${b}`;
const LH = (p: string) => `        type: Localhost\n        localhostProfile: ${p}\n`;
const RDF = '        type: RuntimeDefault\n';

describe('k8s patch CLI: replacing an explicit profile', () => {
  it('Localhost path → another path: done, and said on stderr per container', async () => {
    const r = await cli(['k8s', 'patch', '--localhost', 'new/app.json', '--container', 'web', '--container', 'side', '-'], { stdin: TWO(LH('old/a.json'), LH('old/b.json')) });
    expect(r.code).toBe(0);
    const said = r.stderr.split('\n').filter((l) => l.includes('PATCH_REPLACED'));
    expect(said).toHaveLength(2);
    expect(said[0]).toContain('container web: replacing the explicit Localhost(old/a.json) with Localhost(new/app.json)');
    expect(said[1]).toContain('container side: replacing the explicit Localhost(old/b.json)');
    expect(r.stdout).toBe(TWO(LH('new/app.json'), LH('new/app.json')));
  });

  it('RuntimeDefault → Localhost is said too; the same value again is silent', async () => {
    const r = await cli(['k8s', 'patch', '--localhost', 'a.json', '--container', 'web', '--container', 'side', '-'], { stdin: TWO(RDF, LH('a.json')) });
    expect(r.code).toBe(0);
    const said = r.stderr.split('\n').filter((l) => l.includes('PATCH_REPLACED'));
    expect(said).toHaveLength(1);
    expect(said[0]).toContain('container web: replacing the explicit RuntimeDefault with Localhost(a.json)');
  });

  it('loosening (Localhost → RuntimeDefault) stays refused without --force; --check reports the replacement', async () => {
    const input = TWO(LH('a.json'), RDF);
    const r = await cli(['k8s', 'patch', '--runtime-default', '--container', 'web', '-'], { stdin: input });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PATCH_WOULD_LOOSEN');
    expect(r.stdout).toBe('');
    expect((await cli(['k8s', 'patch', '--runtime-default', '--container', 'web', '--force', '-'], { stdin: input })).code).toBe(0);
    const chk = await cli(['k8s', 'patch', '--localhost', 'b.json', '--container', 'web', '--check', '-'], { stdin: input });
    expect(chk.code).toBe(1);
    expect(chk.stderr).toContain('PATCH_REPLACED');
    expect(chk.stdout).toContain('-        localhostProfile: a.json\n+        localhostProfile: b.json\n');
  });
});

describe.skipIf(!haveSystem('patch'))('k8s patch --check', () => {
  it('exit 1 with a unified diff that GNU patch applies to give exactly the patched output; exit 0 once patched', async () => {
    const dir = tmp();
    for (const f of ['examples__web__guestbook__all-in-one__guestbook-all-in-one.yaml', 'examples___archived__sysdig-cloud__sysdig-rc.yaml', POD_NO_NEWLINE, 'examples___archived__meteor__meteor-controller.json']) {
      const file = join(dir, f);
      copyFileSync(c(f), file);
      const chk = await cli(['k8s', 'patch', '--runtime-default', '--check', file]);
      expect(chk.code, f).toBe(1);
      expect(chk.stdout.startsWith(`--- a/${file.slice(1)}\n+++ b/${file.slice(1)}\n@@ `), f).toBe(true);
      expect(readFileSync(file, 'utf8'), 'nothing written').toBe(readFileSync(c(f), 'utf8'));
      const want = (await cli(['k8s', 'patch', '--runtime-default', file])).stdout;
      writeFileSync(join(dir, 'diff'), chk.stdout);
      execFileSync('patch', ['--quiet', '--binary', '-o', join(dir, 'out'), file, join(dir, 'diff')]);
      expect(readFileSync(join(dir, 'out'), 'utf8'), f).toBe(want);
      writeFileSync(file, want);
      const again = await cli(['k8s', 'patch', '--runtime-default', '--check', file]);
      expect([again.code, again.stdout], f).toEqual([0, '']);
    }
  });

  it('--check --json: per file, whether it changes, the changes and the diff', async () => {
    const r = await cli(['k8s', 'patch', '--runtime-default', '--check', '--json', c(POD_NO_NEWLINE), c(NO_POD_NO_NEWLINE[0]!)]);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { changed: boolean; changes: unknown[]; diff: string }[];
    expect(j.map((x) => [x.changed, x.changes.length, x.diff === ''])).toEqual([[true, 1, false], [false, 0, true]]);
  });

  it('usage: --check excludes -i and --dry-run', async () => {
    expect((await cli(['k8s', 'patch', '--runtime-default', '--check', '-i', c(POD_NO_NEWLINE)])).code).toBe(2);
    expect((await cli(['k8s', 'patch', '--runtime-default', '--check', '--dry-run', c(POD_NO_NEWLINE)])).code).toBe(2);
  });
});
