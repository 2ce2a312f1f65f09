// k8s lint: hand-checked findings over the corpus (manifests and a kubectl -o json List), formats, exit codes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintManifest, planPatch, profileDirLookup, toSarif, LINT_RULES, type LintFinding } from '../../src/k8s/index.js';
import { cli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, '../fixtures/k8s/lint');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');
const brief = (fs: LintFinding[]) => fs.map((f) => [f.code, f.severity, `${f.object.kind}/${f.object.name}`, f.container ?? '-', f.line]);

// Worked out by hand from corpus.yaml (line numbers are those of the container's `name:` or the field's map).
const CORPUS_BASELINE = [
  ['SECCOMP_NOT_SET', 'warning', 'Deployment/nothing-set', 'init', 28],
  ['SECCOMP_NOT_SET', 'warning', 'Deployment/nothing-set', 'web', 31],
  ['SECCOMP_UNCONFINED', 'error', 'Pod/unconfined', 'setup', 53],
  ['SECCOMP_DEPRECATED_ANNOTATION', 'warning', 'CronJob/legacy', '-', 69],
  ['SECCOMP_NOT_SET', 'warning', 'CronJob/legacy', 'job', 73],
  ['SECCOMP_LOCALHOST_NOT_FOUND', 'error', 'DaemonSet/priv', '-', 90],
  ['PSS_PRIVILEGED', 'error', 'DaemonSet/priv', 'agent', 96],
  ['SECCOMP_LOCALHOST_BAD_PATH', 'error', 'Pod/paths', 'abs', 108],
  ['SECCOMP_FIELD_INVALID', 'error', 'Pod/paths', 'notype', 114],
  ['SECCOMP_LOCALHOST_INVALID', 'error', 'Pod/paths', 'bad', 119],
  ['SECCOMP_LOCALHOST_PERMISSIVE', 'warning', 'Pod/paths', 'allow', 125],
  ['SECCOMP_WINDOWS', 'info', 'Pod/win', '-', 133],
];

describe('k8s lint', () => {
  it('finds exactly the hand-listed problems in the corpus (baseline, with --profiles)', () => {
    const fs = lintManifest(read('corpus.yaml'), 'corpus.yaml', { lookupProfile: profileDirLookup(join(FIX, 'profiles')) });
    expect(brief(fs)).toEqual(CORPUS_BASELINE);
    for (const f of fs) {
      expect(f.fix.length).toBeGreaterThan(0);
      expect(LINT_RULES[f.code]).toBeDefined();
    }
  });

  it('the corpus lines point at what the finding is about', () => {
    const lines = read('corpus.yaml').split('\n');
    const fs = lintManifest(read('corpus.yaml'), 'corpus.yaml', { lookupProfile: profileDirLookup(join(FIX, 'profiles')) });
    for (const f of fs.filter((x) => x.code === 'SECCOMP_NOT_SET')) expect(lines[f.line! - 1]).toContain(`name: ${f.container}`);
    const ann = fs.find((x) => x.code === 'SECCOMP_DEPRECATED_ANNOTATION')!;
    expect(lines[ann.line! - 1]).toContain('seccomp.security.alpha.kubernetes.io/pod');
  });

  it('restricted turns a missing profile into an error; without --profiles no file checks run', () => {
    const fs = lintManifest(read('corpus.yaml'), 'corpus.yaml', { level: 'restricted' });
    const notSet = fs.filter((f) => f.code === 'SECCOMP_NOT_SET');
    expect(notSet.map((f) => f.severity)).toEqual(['error', 'error', 'error']);
    expect(notSet[0]!.message).toContain('restricted');
    expect(fs.some((f) => f.code.startsWith('SECCOMP_LOCALHOST_') && f.code !== 'SECCOMP_LOCALHOST_BAD_PATH')).toBe(false);
  });

  it('live objects: kubectl get -o json List, ephemeral containers, pod-level Unconfined with container overrides', () => {
    const all = lintManifest(read('live-list.json'), '-', { level: 'restricted' });
    const fs = all.filter((f) => f.code.startsWith('SECCOMP_'));
    // None of the three containers sets capabilities, allowPrivilegeEscalation or runAsNonRoot (restricted wants all three).
    for (const rule of ['PSS_CAPABILITIES', 'PSS_PRIVILEGE_ESCALATION', 'PSS_RUN_AS_NON_ROOT']) {
      expect(all.filter((f) => f.code === rule).map((f) => f.container), rule).toEqual(['web', 'debugger-x7k2p', 'web']);
    }
    expect(all).toHaveLength(fs.length + 9);
    expect(brief(fs)).toEqual([
      ['SECCOMP_NOT_SET', 'error', 'Pod/web-5f7c9-abcde', 'debugger-x7k2p', 19],
      // PSA baseline checks the pod-level type too, even when every container overrides it.
      ['SECCOMP_UNCONFINED', 'error', 'Deployment/web', '-', 34],
    ]);
    expect(fs[0]!.object.namespace).toBe('shop');
  });

  it('privileged: yes (a YAML 1.1 boolean, as kubectl reads it) counts as privileged', () => {
    const y = 'kind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {seccompProfile: {type: RuntimeDefault}}\n  containers:\n  - name: a\n    securityContext:\n      privileged: yes\n';
    // An error at baseline: Pod Security baseline forbids it, and seccomp does not apply to a privileged container.
    expect(brief(lintManifest(y, 'p'))).toEqual([['PSS_PRIVILEGED', 'error', 'Pod/p', 'a', 8]]);
    expect(brief(lintManifest(y.replace('yes', 'false'), 'p'))).toEqual([]);
  });

  it('a Windows hostProcess pod is recognised without spec.os.name: seccomp does not apply, baseline forbids hostProcess', () => {
    const y = 'apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  hostNetwork: true\n  containers:\n  - name: a\n    securityContext:\n      windowsOptions:\n        hostProcess: true\n        runAsUserName: "NT AUTHORITY\\\\SYSTEM"\n';
    expect(brief(lintManifest(y, 'w'))).toEqual([
      ['SECCOMP_WINDOWS', 'info', 'Pod/w', '-', 5],
      ['PSS_HOST_NAMESPACES', 'error', 'Pod/w', '-', 5],
      ['PSS_WINDOWS_HOST_PROCESS', 'error', 'Pod/w', 'a', 10],
    ]);
    expect(lintManifest(y, 'w')[0]!.message).toContain('Windows hostProcess pod');
    // patch leaves it alone, with a warning that says why.
    const p = planPatch(y, 'w', { profile: { type: 'RuntimeDefault' } });
    expect(p.edits).toEqual([]);
    expect(p.warnings.map((w) => w.code)).toEqual(['PATCH_SKIPPED_WINDOWS']);
    expect(p.warnings[0]!.message).toContain('hostProcess');
  });

  it('container field wins over the pod field', () => {
    const pod = (podType: string, ctr: string) => `kind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {seccompProfile: {type: ${podType}}}\n  containers:\n  - name: a\n    securityContext: {seccompProfile: {type: ${ctr}}}\n`;
    expect(brief(lintManifest(pod('RuntimeDefault', 'Unconfined'), 'p'))).toEqual([['SECCOMP_UNCONFINED', 'error', 'Pod/p', 'a', 7]]);
    expect(brief(lintManifest(pod('Unconfined', 'RuntimeDefault'), 'p')).map((x) => x[0])).toEqual(['SECCOMP_UNCONFINED']);
    expect(lintManifest(pod('RuntimeDefault', 'RuntimeDefault'), 'p', { level: 'restricted' }).filter((f) => f.code.startsWith('SECCOMP_'))).toEqual([]);
  });

  it('SARIF 2.1.0: rules table, results with locations, levels mapped', () => {
    const fs = lintManifest(read('corpus.yaml'), 'test/fixtures/k8s/lint/corpus.yaml', {});
    const s = toSarif(fs, '0.1.0') as { version: string; runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(s.version).toBe('2.1.0');
    const run = s.runs[0]!;
    expect(run.tool.driver.name).toBe('seccompctl');
    expect(run.results).toHaveLength(fs.length);
    for (const r of run.results) {
      expect(run.tool.driver.rules[r.ruleIndex]!.id).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
      expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe('test/fixtures/k8s/lint/corpus.yaml');
      expect(r.locations[0]!.physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    expect(run.results.find((r) => r.ruleId === 'SECCOMP_WINDOWS')!.level).toBe('note');
  });
});

describe('k8s lint CLI', () => {
  it('exit 1 on errors by default; --fail-on controls it', async () => {
    const f = join(FIX, 'corpus.yaml');
    expect((await cli(['k8s', 'lint', f])).code).toBe(1);
    const onlyWarn = 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n';
    const w = await cli(['k8s', 'lint', '-'], { stdin: onlyWarn });
    expect(w.code).toBe(0);
    expect(w.stdout).toContain('-:5:5: warning SECCOMP_NOT_SET');
    expect((await cli(['k8s', 'lint', '--fail-on', 'warning', '-'], { stdin: onlyWarn })).code).toBe(1);
    expect((await cli(['k8s', 'lint', '--level', 'restricted', '-'], { stdin: onlyWarn })).code).toBe(1);
  });

  it('--format json and sarif are machine-readable', async () => {
    const j = await cli(['k8s', 'lint', '--format', 'json', join(FIX, 'live-list.json')]);
    expect(JSON.parse(j.stdout)).toHaveLength(2);
    const s = await cli(['k8s', 'lint', '--format', 'sarif', '-'], { stdin: read('live-list.json') });
    expect(JSON.parse(s.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('stdin');
  });

  it('hostile input (binary garbage, 20000-deep nesting) is a clean input error, never a crash', async () => {
    let seed = 7;
    const garbage = Array.from({ length: 4000 }, () => String.fromCharCode((seed = (seed * 1103515245 + 12345) >>> 0) % 256)).join('');
    for (const stdin of [garbage, '['.repeat(20000) + ']'.repeat(20000), '{"kind":"Pod","spec":'.repeat(5000) + '{}' + '}'.repeat(5000)]) {
      const r = await cli(['k8s', 'lint', '-'], { stdin });
      // Random bytes may happen to be a valid YAML scalar (no object: lint exits 2 saying so); deep nesting is a syntax error.
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(stdin === garbage ? /MANIFEST_SYNTAX|no Kubernetes object/ : /MANIFEST_SYNTAX/);
      expect(r.stderr).not.toMatch(/unexpected error|at .*\.ts:\d+/);
      const p = await cli(['k8s', 'patch', '--runtime-default', '-'], { stdin });
      expect(stdin === garbage ? [0, 2] : [2]).toContain(p.code);
      expect(p.stderr).not.toMatch(/unexpected error/);
      if (p.code === 2) expect(p.stdout).toBe('');
    }
  });

  it('bad input exits 2', async () => {
    expect((await cli(['k8s', 'lint', '--profiles', '/nonexistent-dir', join(FIX, 'corpus.yaml')])).code).toBe(2);
    expect((await cli(['k8s', 'lint', '-'], { stdin: '{"kind": "Pod",' })).code).toBe(2);
  });
});
