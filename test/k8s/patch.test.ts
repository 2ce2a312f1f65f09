// k8s patch: the fixture corpus with hand-checked expected outputs, byte-for-byte preservation, refusals.
import { readFileSync, mkdtempSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyPatch, patchManifest, planPatch, findPodSpecs, parseManifest } from '../../src/k8s/index.js';
import { cli } from '../helpers/cli.js';
import { insertedLines, validateK8sText } from './helpers.js';

const FIX = join(import.meta.dirname, '../fixtures/k8s/patch');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');
const made: string[] = [];
const tmp = (): string => { const d = mkdtempSync(join(tmpdir(), 'seccompctl-k8s-patch-')); made.push(d); return d; };
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;
const RD = { profile: { type: 'RuntimeDefault' as const } };

// Each case: input, options, expected output (checked by hand: see the diffs in docs/k8s.md's test notes).
const CASES: { input: string; expected: string; opts: Parameters<typeof planPatch>[2]; insertOnly: boolean; changes: number }[] = [
  { input: 'pod-comments.yaml', expected: 'pod-comments.runtime-default.yaml', opts: RD, insertOnly: true, changes: 1 },
  { input: 'helm-output.yaml', expected: 'helm-output.runtime-default.yaml', opts: RD, insertOnly: true, changes: 1 },
  { input: 'workloads.yaml', expected: 'workloads.runtime-default.yaml', opts: RD, insertOnly: false, changes: 6 },
  { input: 'list.json', expected: 'list.runtime-default.json', opts: RD, insertOnly: true, changes: 2 },
  { input: 'statefulset-annotations.yaml', expected: 'statefulset-annotations.runtime-default.yaml', opts: RD, insertOnly: false, changes: 2 },
  { input: 'workloads.yaml', expected: 'workloads.init-localhost.yaml', opts: { profile: { type: 'Localhost', localhostProfile: 'a/b.json' }, initContainers: true }, insertOnly: true, changes: 1 },
  { input: 'localhost-existing.yaml', expected: 'localhost-existing.container-app.yaml', opts: { profile: { type: 'Localhost', localhostProfile: 'x/y.json' }, containers: ['app'] }, insertOnly: false, changes: 1 },
];

describe('k8s patch corpus', () => {
  for (const c of CASES) {
    it(`${c.input} → ${c.expected}`, () => {
      const input = read(c.input);
      const { text, plan } = patchManifest(input, c.input, c.opts);
      expect(text).toBe(read(`expected/${c.expected}`));
      expect(plan.changes).toHaveLength(c.changes);
      if (c.insertOnly) {
        const extra = insertedLines(input, text);
        expect(extra, 'input lines must survive unchanged, in order').toBeDefined();
        for (const l of extra!) expect(l).toMatch(/securityContext|seccompProfile|"?type"?: |localhostProfile/);
      }
      // Every object in the result still validates against the Kubernetes OpenAPI schema.
      expect(validateK8sText(text)).toBeGreaterThan(0);
      // Idempotent: patching the result again changes nothing.
      const again = planPatch(text, c.input, c.opts);
      expect(again.edits).toEqual([]);
      expect(again.removedAnnotations).toEqual([]);
    });
  }

  it('sets exactly the requested field, read back through an independent parse', () => {
    const out = patchManifest(read('workloads.yaml'), 'w.yaml', RD).text;
    const docs = out.split(/^---$/m).map((d) => parse(d) as Json);
    const specs = [docs[0]!.spec.template.spec, docs[1]!.spec.template.spec, docs[2]!.spec.template.spec, docs[3]!.spec.template.spec,
      docs[4]!.spec.jobTemplate.spec.template.spec, docs[5]!.template.spec];
    for (const s of specs) expect(s.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  it('JSON input stays valid JSON, with the same data plus the field', () => {
    const input = read('list.json');
    const out = patchManifest(input, 'list.json', RD).text;
    const a = JSON.parse(input);
    const b = JSON.parse(out);
    a.items[0].spec.securityContext = { seccompProfile: { type: 'RuntimeDefault' } };
    a.items[1].spec.template.spec.securityContext.seccompProfile = { type: 'RuntimeDefault' };
    expect(b).toEqual(a);
  });

  it('migrates deprecated annotations and removes only them', () => {
    const out = patchManifest(read('statefulset-annotations.yaml'), 's.yaml', RD).text;
    const o = parse(out);
    expect(o.spec.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true' });
    expect(o.spec.template.spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(o.spec.template.spec.containers[1].securityContext.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'profiles/backup.json' });
    expect(o.spec.template.spec.containers[0].securityContext).toBeUndefined();
  });

  it('drops an annotations map (and an emptied metadata) holding only seccomp annotations', () => {
    const src = 'kind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    metadata:\n      annotations:\n        seccomp.security.alpha.kubernetes.io/pod: "localhost/p/x.json"\n    spec:\n      containers:\n      - name: a\n        image: a\n';
    const out = patchManifest(src, 'd.yaml', { profile: { type: 'Localhost', localhostProfile: 'p/x.json' } }).text;
    expect(out).toBe('kind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: a\n        image: a\n      securityContext:\n        seccompProfile:\n          type: Localhost\n          localhostProfile: p/x.json\n');
  });

  it('never loosens without --force; with --force it does', () => {
    const input = read('localhost-existing.yaml');
    const plan = planPatch(input, 'l.yaml', RD);
    expect(plan.errors.map((e) => e.code)).toEqual(['PATCH_WOULD_LOOSEN']);
    expect(() => applyPatch(input, plan)).toThrow(/not patched/);
    expect(plan.warnings.map((w) => w.code)).toContain('PATCH_CONTAINER_OVERRIDE');
    const forced = patchManifest(input, 'l.yaml', { ...RD, force: true }).text;
    expect(parse(forced).spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    // Unconfined → RuntimeDefault is tightening: allowed without --force.
    const t = patchManifest(input, 'l.yaml', { ...RD, containers: ['app'] }).text;
    expect(parse(t).spec.containers[0].securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  it('refuses merge keys, skips Windows pods', () => {
    expect(planPatch(read('merge-key.yaml'), 'm.yaml', RD).errors.map((e) => e.code)).toEqual(['PATCH_MERGE_KEY']);
    const w = planPatch(read('windows.yaml'), 'w.yaml', RD);
    expect(w.edits).toEqual([]);
    expect(w.warnings.map((x) => x.code)).toEqual(['PATCH_SKIPPED_WINDOWS']);
  });

  it('checks --localhost by the kubelet rules', () => {
    expect(() => planPatch('kind: Pod\n', 'p', { profile: { type: 'Localhost', localhostProfile: '/abs.json' } })).toThrow(/absolute/);
    expect(() => planPatch('kind: Pod\n', 'p', { profile: { type: 'Localhost', localhostProfile: 'a/../b.json' } })).toThrow(/\.\./);
    // `..` inside a name is not a path element: allowed, as the API server allows it.
    expect(planPatch('kind: Pod\n', 'p', { profile: { type: 'Localhost', localhostProfile: 'a/b..c.json' } }).errors).toEqual([]);
  });

  it('quotes values that plain YAML would misread, keeps quoting style on replace', () => {
    const out = patchManifest('kind: Pod\nspec:\n  containers: []\n', 'p', { profile: { type: 'Localhost', localhostProfile: 'dir/true' } }).text;
    expect(parse(out).spec.securityContext.seccompProfile.localhostProfile).toBe('dir/true');
    const out2 = patchManifest('kind: Pod\nspec:\n  containers: []\n', 'p', { profile: { type: 'Localhost', localhostProfile: 'x: y.json' } }).text;
    expect(parse(out2).spec.securityContext.seccompProfile.localhostProfile).toBe('x: y.json');
    const q = 'kind: Pod\nspec:\n  securityContext:\n    seccompProfile:\n      type: "Unconfined"\n  containers: []\n';
    expect(patchManifest(q, 'p', RD).text).toContain('type: "RuntimeDefault"');
  });

  it('handles a file without a final newline and flow-style pod specs', () => {
    expect(patchManifest('kind: Pod\nspec:\n  containers: []', 'p', RD).text).toBe('kind: Pod\nspec:\n  containers: []\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault');
    const flow = 'kind: Pod\nspec: {containers: [{name: a, image: b}]}\n';
    expect(patchManifest(flow, 'p', { ...RD, containers: ['a'] }).text).toBe('kind: Pod\nspec: {containers: [{securityContext: {seccompProfile: {type: RuntimeDefault}}, name: a, image: b}]}\n');
  });

  it('reports YAML syntax errors with file:line:col and changes nothing', async () => {
    const dir = tmp();
    const f = join(dir, 'bad.yaml');
    writeFileSync(f, 'kind: Pod\nspec:\n  containers: [\n');
    const r = await cli(['k8s', 'patch', '--runtime-default', '-i', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:\d+:\d+: error MANIFEST_SYNTAX/);
    expect(readFileSync(f, 'utf8')).toBe('kind: Pod\nspec:\n  containers: [\n');
  });
});

describe('k8s patch CLI', () => {
  it('stdin → stdout (helm template | seccompctl k8s patch -)', async () => {
    const r = await cli(['k8s', 'patch', '--runtime-default', '-'], { stdin: read('helm-output.yaml') });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(read('expected/helm-output.runtime-default.yaml'));
  });

  it('-i rewrites in place; --dry-run writes nothing and prints the plan', async () => {
    const dir = tmp();
    const f = join(dir, 'w.yaml');
    writeFileSync(f, read('workloads.yaml'));
    const d = await cli(['k8s', 'patch', '--runtime-default', '--dry-run', f]);
    expect(d.code).toBe(0);
    expect(d.stdout.trim().split('\n')).toHaveLength(6);
    expect(d.stdout).toContain('CronJob/nightly pod: unset → RuntimeDefault (set)');
    expect(readFileSync(f, 'utf8')).toBe(read('workloads.yaml'));
    const r = await cli(['k8s', 'patch', '--runtime-default', '-i', f]);
    expect(r.code).toBe(0);
    expect(readFileSync(f, 'utf8')).toBe(read('expected/workloads.runtime-default.yaml'));
    expect(readdirSync(dir)).toEqual(['w.yaml']);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['k8s', 'patch', 'x.yaml'])).code).toBe(2);
    expect((await cli(['k8s', 'patch', '--runtime-default', '--localhost', 'a.json', 'x.yaml'])).code).toBe(2);
    expect((await cli(['k8s', 'patch', '--runtime-default', '-i', '-'])).code).toBe(2);
    const nf = await cli(['k8s', 'patch', '--runtime-default', '--container', 'nope', join(FIX, 'pod-comments.yaml')]);
    expect(nf.code).toBe(2);
    expect(nf.stderr).toContain('no container named nope');
  });

  it('finds pod specs in every supported kind', () => {
    const m = parseManifest(read('workloads.yaml') + '---\n' + read('helm-output.yaml') + '---\n' + read('statefulset-annotations.yaml') + read('pod-comments.yaml').replace(/^/, '---\n'), 'all');
    const kinds = m.docs.flatMap((d, i) => findPodSpecs(d, i)).map((s) => s.object.kind).sort();
    expect(kinds).toEqual(['CronJob', 'DaemonSet', 'Deployment', 'Job', 'Pod', 'PodTemplate', 'ReplicaSet', 'ReplicationController', 'StatefulSet']);
  });
});
