// k8s patch on real manifests from public repositories (test/fixtures/k8s/corpus/PROVENANCE.md) and on generated
// documents ending in block scalars, checked against an independent YAML reader (libyaml, go-yaml's semantics):
// patched data = original data + exactly the planned seccomp fields; idempotent; byte-identical where nothing
// applies; line endings kept (CRLF files stay CRLF).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyPatch, planPatch, CONTAINER_ANNOTATION_PREFIX, POD_ANNOTATION, POD_TEMPLATE_PATHS, type PatchOptions, type PatchPlan } from '../../src/k8s/index.js';
import { insertedLines } from './helpers.js';
import { haveLibyaml, libyamlRead } from './oracle.js';

const CORPUS = join(import.meta.dirname, '../fixtures/k8s/corpus');
const FILES = readdirSync(CORPUS).filter((f) => f !== 'PROVENANCE.md' && statSync(join(CORPUS, f)).isFile()).sort();
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const OPTIONS: Record<string, PatchOptions> = {
  'runtime-default': { profile: { type: 'RuntimeDefault' } },
  localhost: { profile: { type: 'Localhost', localhostProfile: 'seccompctl/app.json' } },
  'init-containers': { profile: { type: 'Localhost', localhostProfile: 'seccompctl/init.json' }, initContainers: true },
};

const toCrlf = (t: string): string => t.replace(/\r?\n/g, '\r\n');

/** The pod spec at a plan path (`spec.template.spec`, `items[2].spec`) in plain data. */
function at(doc: Json, path: string): Json {
  let cur = doc;
  for (const part of path.split('.')) {
    const m = /^(\w+)(?:\[(\d+)\])?$/.exec(part)!;
    cur = cur[m[1]!];
    if (m[2] !== undefined) cur = cur[Number(m[2])];
  }
  return cur;
}

/** Removes the deprecated seccomp annotations from every pod template (patch removes them all), and the
 * `annotations:` / template `metadata:` keys they leave empty. Returns how many it removed. */
function dropSeccompAnnotations(obj: Json): number {
  if (!obj || typeof obj !== 'object') return 0;
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List')) return ((obj.items ?? []) as Json[]).reduce((n: number, it: Json) => n + dropSeccompAnnotations(it), 0);
  const path = POD_TEMPLATE_PATHS[obj.kind as string];
  if (!path) return 0;
  let holder = obj;
  for (const k of path) holder = holder?.[k];
  const ann = holder?.metadata?.annotations;
  if (!ann || typeof ann !== 'object') return 0;
  const keys = Object.keys(ann).filter((k) => k === POD_ANNOTATION || k.startsWith(CONTAINER_ANNOTATION_PREFIX));
  for (const k of keys) delete ann[k];
  if (keys.length > 0 && Object.keys(ann).length === 0) {
    delete holder.metadata.annotations;
    if (holder !== obj && Object.keys(holder.metadata).length === 0) delete holder.metadata;
  }
  return keys.length;
}

/** The original data plus exactly what the plan says it changes. */
export function expectedData(docs: readonly unknown[], plan: PatchPlan): unknown[] {
  const out = structuredClone(docs) as Json[];
  if (plan.removedAnnotations.length > 0) {
    expect(out.reduce((n: number, d) => n + dropSeccompAnnotations(d), 0), 'annotations removed').toBe(plan.removedAnnotations.length);
  }
  for (const c of plan.changes) {
    const spec = at(out[c.docIndex], c.path);
    let target = spec;
    if (c.container !== undefined) {
      const all = ['initContainers', 'containers', 'ephemeralContainers'].flatMap((l) => (spec[l] ?? []) as Json[]);
      target = c.container.startsWith('#') ? all[Number(c.container.slice(1))] : all.find((x) => x.name === c.container);
    }
    target.securityContext = { ...(target.securityContext ?? {}), seccompProfile: c.to.type === 'Localhost' ? { type: 'Localhost', localhostProfile: c.to.localhostProfile } : { type: c.to.type } };
  }
  return out;
}

interface Run { file: string; variant: string; opts: string; input: string; plan: PatchPlan; out: string }

const libyaml = haveLibyaml();

describe.skipIf(!libyaml)('k8s patch on real manifests, read back with libyaml', () => {
  const runs: Run[] = [];
  const read = new Map<string, Json>();
  beforeAll(() => {
    for (const file of FILES) {
      const raw = readFileSync(join(CORPUS, file), 'utf8');
      const variants: [string, string][] = [['as-is', raw]];
      if (!raw.includes('\r\n')) variants.push(['crlf', toCrlf(raw)]);
      for (const [variant, input] of variants) {
        for (const [name, opts] of Object.entries(OPTIONS)) {
          const plan = planPatch(input, file, opts);
          // The one refusal: an explicit Localhost is not loosened to RuntimeDefault without --force.
          if (plan.errors.length > 0 && plan.errors.every((e) => e.code === 'PATCH_WOULD_LOOSEN')) continue;
          expect(plan.errors, `${file} ${variant} ${name}`).toEqual([]);
          runs.push({ file, variant, opts: name, input, plan, out: applyPatch(input, plan) });
        }
      }
    }
    const texts = [...new Set(runs.flatMap((r) => [r.input, r.out]))];
    libyamlRead(texts).forEach((r, i) => read.set(texts[i]!, r));
  });

  it('the corpus is the real thing: a few dozen files, pod specs in most, CRLF, JSON, no final newline, block scalars', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(25);
    const raw = FILES.map((f) => readFileSync(join(CORPUS, f), 'utf8'));
    expect(raw.filter((t) => t.includes('\r\n')).length).toBeGreaterThanOrEqual(2);
    expect(raw.filter((t) => !t.endsWith('\n')).length).toBeGreaterThanOrEqual(4);
    expect(raw.filter((t) => t.trimStart().startsWith('{')).length).toBeGreaterThanOrEqual(2);
    expect(raw.filter((t) => /:\s*[|>][-+]?\s*\r?$/m.test(t)).length).toBeGreaterThanOrEqual(3);
    expect(runs.filter((r) => r.opts === 'runtime-default' && r.variant === 'as-is' && r.plan.podSpecs > 0).length).toBeGreaterThanOrEqual(18);
  });

  it.each(FILES)('%s: libyaml reads original + exactly the seccomp fields, in every variant', (file) => {
    for (const r of runs.filter((x) => x.file === file)) {
      const label = `${file} (${r.variant}, ${r.opts})`;
      const before = read.get(r.input);
      const after = read.get(r.out);
      expect(before.ok, `${label}: libyaml reads the input`).toBe(true);
      expect(after, label).toEqual({ ok: true, docs: expectedData(before.docs, r.plan) });
      if (r.plan.edits.length === 0) expect(r.out, `${label}: byte-identical when nothing applies`).toBe(r.input);
      // Only whole inserted lines (unless annotations are migrated), each with the file's line ending. (A
      // last line without a line break gains one when lines go after it; an existing profile is replaced in place.)
      const eol = r.input.includes('\r\n') ? '\r\n' : '\n';
      const closed = (t: string) => (t.endsWith('\n') ? t : t + eol);
      const extra = r.plan.changes.some((c) => c.from) || r.plan.removedAnnotations.length > 0 ? [] : insertedLines(closed(r.input), closed(r.out));
      expect(extra, `${label}: input lines survive unchanged, in order`).toBeDefined();
      for (const l of extra!) {
        expect(l).toMatch(/securityContext|seccompProfile|"?type"?: |localhostProfile/);
        if (r.input.includes('\r\n')) expect(l.endsWith('\r') || !r.out.includes(l + '\n'), `${label}: CRLF kept in ${JSON.stringify(l)}`).toBe(true);
      }
      if (r.input.includes('\r\n') && !/[^\r]\n/.test(r.input)) expect(/[^\r]\n/.test(r.out), `${label}: no LF-only line`).toBe(false);
      expect(r.out.endsWith('\n'), `${label}: final newline as it was`).toBe(r.input.endsWith('\n'));
      expect(planPatch(r.out, file, OPTIONS[r.opts]!).edits, `${label}: idempotent`).toEqual([]);
    }
  });
});

// The hand-made patch fixtures (test/fixtures/k8s/patch/: comments, anchors, Helm output, all workload kinds, JSON
// List, deprecated annotations, existing Localhost/Unconfined), through the same oracle.
const PATCH_FIX = join(import.meta.dirname, '../fixtures/k8s/patch');
describe.skipIf(!libyaml)('k8s patch on the hand-made fixtures, read back with libyaml', () => {
  it('every fixture, every option: data = input + planned fields − migrated annotations; refusals write nothing', () => {
    const runs: { label: string; input: string; plan: PatchPlan; out: string; opts: PatchOptions }[] = [];
    for (const f of readdirSync(PATCH_FIX).filter((x) => /\.(ya?ml|json)$/.test(x))) {
      const input = readFileSync(join(PATCH_FIX, f), 'utf8');
      for (const [name, opts] of Object.entries({ ...OPTIONS, 'container app': { profile: { type: 'Localhost', localhostProfile: 'x/y.json' }, containers: ['app'] } as PatchOptions })) {
        const plan = planPatch(input, f, opts);
        if (plan.errors.length > 0) {
          expect(plan.errors.map((e) => e.code), `${f} ${name}`).toEqual(f === 'merge-key.yaml' ? ['PATCH_MERGE_KEY'] : expect.arrayContaining(['PATCH_WOULD_LOOSEN']));
          continue;
        }
        runs.push({ label: `${f} (${name})`, input, plan, out: applyPatch(input, plan), opts });
      }
    }
    expect(runs.length).toBeGreaterThanOrEqual(20);
    expect(runs.some((r) => r.plan.removedAnnotations.length > 0)).toBe(true);
    const r = libyamlRead(runs.flatMap((x) => [x.input, x.out])) as Json[];
    runs.forEach((x, i) => {
      expect(r[2 * i].ok, x.label).toBe(true);
      expect(r[2 * i + 1], x.label).toEqual({ ok: true, docs: expectedData(r[2 * i].docs, x.plan) });
      expect(planPatch(x.out, 'f', x.opts).edits, `${x.label}: idempotent`).toEqual([]);
    });
  });
});

// Generated documents whose last node is a block scalar, every chomping indicator, with and without a final newline.
const INDICATORS = ['|', '|-', '|+', '>', '>-', '>+'];
type Layout = { name: string; opts: PatchOptions; build: (ind: string, tail: string) => string };
const RD: PatchOptions = { profile: { type: 'RuntimeDefault' } };
const LAYOUTS: Layout[] = [
  { name: 'pod, last container arg', opts: RD, build: (ind, tail) => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n    command: [sh, -c]\n    args:\n    - ${ind}\n      echo hi\n      echo there${tail}` },
  { name: 'container env value, --container c', opts: { ...RD, containers: ['c'] }, build: (ind, tail) => `kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    env:\n    - name: SCRIPT\n      value: ${ind}\n        line one\n\n        line two${tail}` },
  { name: 'deployment then configmap, both ending in block scalars', opts: RD, build: (ind, tail) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        args:\n        - ${ind}\n          run${tail.replace(/\n*$/, '\n')}---\nkind: ConfigMap\ndata:\n  x: ${ind}\n    last${tail}` },
  { name: 'nameless container whose only key is on the dash line, --container #0', opts: { ...RD, containers: ['#0'] }, build: (ind, tail) => `kind: Pod\nspec:\n  containers:\n  - args: ${ind}\n      echo hi${tail}` },
  { name: 'configmap only (nothing to patch)', opts: RD, build: (ind, tail) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  script: ${ind}\n    echo hi${tail}` },
];
const TAILS: [string, string][] = [['no final newline', ''], ['final newline', '\n'], ['trailing blank lines', '\n\n\n'], ['trailing spaces', '\n  \n']];

describe.skipIf(!libyaml)('k8s patch never changes a block scalar as libyaml reads it', () => {
  const cases = LAYOUTS.flatMap((l) => INDICATORS.flatMap((ind) => TAILS.flatMap(([tn, tail]) => [false, true].map((crlf) => {
    const input = crlf ? toCrlf(l.build(ind, tail)) : l.build(ind, tail);
    return { label: `${l.name}, ${ind}, ${tn}${crlf ? ', CRLF' : ''}`, input, opts: l.opts };
  }))));

  it(`${cases.length} generated documents: data = input + the field, idempotent, bytes kept where nothing applies`, () => {
    const outs = cases.map((c) => {
      const plan = planPatch(c.input, 'gen.yaml', c.opts);
      expect(plan.errors, c.label).toEqual([]);
      return { ...c, plan, out: applyPatch(c.input, plan) };
    });
    const texts = outs.flatMap((o) => [o.input, o.out]);
    const r = libyamlRead(texts);
    outs.forEach((o, i) => {
      const before = r[2 * i]! as Json;
      expect(before.ok, o.label).toBe(true);
      expect(r[2 * i + 1], o.label).toEqual({ ok: true, docs: expectedData(before.docs, o.plan) });
      if (o.label.startsWith('configmap only')) expect(o.out, o.label).toBe(o.input);
      else expect(o.plan.changes.length, o.label).toBe(1);
      expect(o.out.endsWith('\n'), o.label).toBe(o.input.endsWith('\n'));
      expect(planPatch(o.out, 'gen.yaml', o.opts).edits, `${o.label}: idempotent`).toEqual([]);
    });
  });

  it('the issue\'s case: `echo hi` stays `echo hi` (no newline appears), and the field lands before the block scalar\'s entry', () => {
    const input = 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    args:\n    - |\n      echo hi';
    const out = applyPatch(input, planPatch(input, 'p.yaml', RD));
    expect(out).toBe('kind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n  containers:\n  - name: c\n    args:\n    - |\n      echo hi');
    expect((libyamlRead([out])[0] as Json).docs[0].spec.containers[0].args).toEqual(['echo hi']);
  });
});

describe('line endings', () => {
  it('a mixed file: each inserted line takes the ending of the line it follows', () => {
    const input = 'kind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: a\r\n    image: x\r\n---\nkind: Pod\nspec:\n  containers:\n  - name: b\n';
    const out = applyPatch(input, planPatch(input, 'm.yaml', RD));
    expect(out).toBe('kind: Pod\r\nmetadata:\r\n  name: p\r\nspec:\r\n  containers:\r\n  - name: a\r\n    image: x\r\n  securityContext:\r\n    seccompProfile:\r\n      type: RuntimeDefault\r\n---\nkind: Pod\nspec:\n  containers:\n  - name: b\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault\n');
  });

  it('CRLF without a final newline stays so', () => {
    const input = 'kind: Pod\r\nspec:\r\n  containers:\r\n  - name: a';
    expect(applyPatch(input, planPatch(input, 'c.yaml', RD))).toBe('kind: Pod\r\nspec:\r\n  containers:\r\n  - name: a\r\n  securityContext:\r\n    seccompProfile:\r\n      type: RuntimeDefault');
  });
});
