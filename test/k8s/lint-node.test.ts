// k8s lint with the node's kubelet setting (issue 16): --seccomp-default / --kubelet-config turn "no profile" from
// Unconfined (warning) into RuntimeDefault from the kubelet (info) at baseline; restricted still requires the field.
// And input holding no Kubernetes object is an input error (issue 14).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lintFiles, lintManifest, type LintFinding } from '../../src/k8s/index.js';
import { parseKubeletConfig, readKubeletConfig } from '../../src/node/index.js';
import { cli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, '../fixtures/k8s');
const ON = join(FIX, 'kubelet/seccomp-default.yaml');
const OFF = join(FIX, 'kubelet/no-seccomp-default.yaml');
const CORPUS_FILE = join(FIX, 'lint/corpus.yaml');
const CORPUS = readFileSync(CORPUS_FILE, 'utf8');
const key = (f: LintFinding) => `${f.object.kind}/${f.object.name}/${f.container ?? '-'}:${f.line}`;

describe('KubeletConfiguration (the node stage\'s reader, one for doctor and lint)', () => {
  const JSON_ON = '{"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration", "seccompDefault": true}';

  it('reads seccompDefault (absent means false, as in the kubelet)', () => {
    expect(parseKubeletConfig(readFileSync(ON, 'utf8'), ON)).toEqual({ seccompDefault: true });
    expect(readKubeletConfig(ON)).toEqual({ seccompDefault: true });
    expect(parseKubeletConfig(readFileSync(OFF, 'utf8'), OFF).seccompDefault ?? false).toBe(false);
    expect(parseKubeletConfig(JSON_ON, 'c.json')).toEqual({ seccompDefault: true });
  });

  it('lint takes the setting from the file, or from standard input when the manifests are files', async () => {
    for (const [f, want] of [[ON, true], [OFF, false]] as const) {
      const r = await lintFiles([CORPUS_FILE], { kubeletConfig: f });
      expect(r.outcome !== 'refused' && r.seccompDefault, f).toBe(want);
    }
    const fromStdin = await lintFiles([CORPUS_FILE], { kubeletConfig: '-', stdin: Readable.from([JSON_ON]) });
    expect(fromStdin.outcome !== 'refused' && fromStdin.seccompDefault).toBe(true);
    expect((await cli(['k8s', 'lint', '--kubelet-config', '-', CORPUS_FILE], { stdin: JSON_ON })).stderr).toContain('(kubelet seccompDefault on)');
  });

  it('refuses what is not one, or a seccompDefault that is not a boolean, with where', () => {
    expect(() => parseKubeletConfig('kind: Pod\n', 'p.yaml')).toThrow(/p.yaml: kind is "Pod", expected KubeletConfiguration/);
    // The kubelet's scheme refuses a config file without kind or apiVersion, or of another group.
    expect(() => parseKubeletConfig('seccompDefault: true\n', 'n.yaml')).toThrow(/n.yaml: no kind, expected KubeletConfiguration/);
    expect(() => parseKubeletConfig('kind: KubeletConfiguration\nseccompDefault: true\n', 'a.yaml')).toThrow(/a.yaml: apiVersion is missing, expected kubelet.config.k8s.io\/v1beta1/);
    expect(() => parseKubeletConfig('apiVersion: v1\nkind: KubeletConfiguration\n', 'g.yaml')).toThrow(/g.yaml: apiVersion is "v1"/);
    expect(() => parseKubeletConfig('apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nseccompDefault: "yes please"\n', 'k.yaml')).toThrow(/k.yaml:3:17: seccompDefault must be true or false/);
  });
});

describe('lint with the kubelet\'s seccompDefault', () => {
  const off = lintManifest(CORPUS, 'corpus.yaml');
  const on = lintManifest(CORPUS, 'corpus.yaml', { seccompDefault: true });

  it('baseline: exactly the unset containers change, from SECCOMP_NOT_SET warning to SECCOMP_KUBELET_DEFAULT info', () => {
    const unset = off.filter((f) => f.code === 'SECCOMP_NOT_SET');
    expect(unset.map((f) => f.severity)).toEqual(['warning', 'warning', 'warning']);
    const became = on.filter((f) => f.code === 'SECCOMP_KUBELET_DEFAULT');
    expect(became.map(key)).toEqual(unset.map(key));
    for (const f of became) {
      expect(f.severity).toBe('info');
      expect(f.message).toContain('RuntimeDefault');
      expect(f.message).not.toContain('Unconfined');
    }
    // Everything else is the same.
    expect(on.filter((f) => f.code !== 'SECCOMP_KUBELET_DEFAULT')).toEqual(off.filter((f) => f.code !== 'SECCOMP_NOT_SET'));
  });

  it('restricted: still an error, as Pod Security requires the field whatever the kubelet does', () => {
    const r0 = lintManifest(CORPUS, 'corpus.yaml', { level: 'restricted' });
    const r1 = lintManifest(CORPUS, 'corpus.yaml', { level: 'restricted', seccompDefault: true });
    const notSet = (fs: LintFinding[]) => fs.filter((f) => f.code === 'SECCOMP_NOT_SET');
    expect(notSet(r1).map(key)).toEqual(notSet(r0).map(key));
    expect(notSet(r1).every((f) => f.severity === 'error' && f.message.includes('seccompDefault gives it RuntimeDefault'))).toBe(true);
    expect(r1.some((f) => f.code === 'SECCOMP_KUBELET_DEFAULT')).toBe(false);
  });

  it('CLI: --kubelet-config with and without the setting, --seccomp-default, and the exit codes they lead to', async () => {
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n';
    const without = await cli(['k8s', 'lint', '--fail-on', 'warning', '--kubelet-config', OFF, '-'], { stdin: pod });
    expect(without.code).toBe(1);
    expect(without.stdout).toContain('warning SECCOMP_NOT_SET');
    const withIt = await cli(['k8s', 'lint', '--fail-on', 'warning', '--kubelet-config', ON, '-'], { stdin: pod });
    expect(withIt.code).toBe(0);
    expect(withIt.stdout).toContain('info SECCOMP_KUBELET_DEFAULT');
    expect(withIt.stderr).toContain('kubelet seccompDefault on');
    const flag = await cli(['k8s', 'lint', '--seccomp-default', '--format', 'json', '-'], { stdin: pod });
    expect((JSON.parse(flag.stdout) as LintFinding[]).map((f) => [f.code, f.severity])).toEqual([['SECCOMP_KUBELET_DEFAULT', 'info']]);
    const sarif = await cli(['k8s', 'lint', '--seccomp-default', '--format', 'sarif', '-'], { stdin: pod });
    expect(JSON.parse(sarif.stdout).runs[0].results[0]).toMatchObject({ ruleId: 'SECCOMP_KUBELET_DEFAULT', level: 'note' });
    expect((await cli(['k8s', 'lint', '--level', 'restricted', '--kubelet-config', ON, '-'], { stdin: pod })).code).toBe(1);
    expect((await cli(['k8s', 'lint', '--kubelet-config', join(FIX, 'lint/corpus.yaml'), '-'], { stdin: pod })).code).toBe(2);
    expect((await cli(['k8s', 'lint', '--kubelet-config', ON, '--seccomp-default', '-'], { stdin: pod })).code).toBe(2);
  });
});

describe('lint on input holding no Kubernetes object', () => {
  it.each([
    ['a seccomp profile', '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}'],
    ['Helm values', 'replicaCount: 2\nimage:\n  repository: nginx\n'],
    ['an empty file', ''],
    ['comments only', '# nothing here\n---\n'],
  ])('%s: exit 2 saying so', async (_n, stdin) => {
    const r = await cli(['k8s', 'lint', '-'], { stdin });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('standard input: no Kubernetes object');
    expect(r.stdout).toBe('');
  });

  it('an empty List from kubectl is an object (nothing to report, exit 0)', async () => {
    const r = await cli(['k8s', 'lint', '-'], { stdin: '{"apiVersion": "v1", "items": [], "kind": "List", "metadata": {"resourceVersion": ""}}' });
    expect(r.code).toBe(0);
  });
});
