// k8s lint's rules live in the library (issue 12): lintFiles refuses with the coded diagnostic whose message the CLI
// prints, and gives the --fail-on verdict as its outcome.
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lintFiles, type LintFilesOptions } from '../../src/k8s/index.js';
import { cli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, '../fixtures/k8s');
const ON = join(FIX, 'kubelet/seccomp-default.yaml');
const POD = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n';
const lint = (opts: LintFilesOptions, stdin = POD) => lintFiles(['-'], { ...opts, stdin: Readable.from([stdin]) });

describe('lintFiles refuses what the CLI refuses, with the same words', () => {
  it.each([
    ['--seccomp-default with --kubelet-config', { seccompDefault: true, kubeletConfig: ON }, POD, 'CONFLICTING_OPTIONS', ['--seccomp-default', '--kubelet-config', ON]],
    ['--node-facts without --profiles', { nodeFacts: 'node.json' }, POD, 'MISSING_OPTION', ['--node-facts', 'node.json']],
    ['no Kubernetes object', {}, 'replicaCount: 2\n', 'NO_KUBERNETES_OBJECT', []],
    ['an unrendered template', {}, 'spec:\n  replicas: {{ .Values.n }}\n', 'MANIFEST_TEMPLATE', []],
  ])('%s', async (_n, opts, stdin, code, args) => {
    const r = await lint(opts, stdin);
    expect(r.outcome).toBe('refused');
    if (r.outcome !== 'refused') return;
    const e = r.diagnostics.find((d) => d.severity === 'error')!;
    expect([e.code, e.message]).toEqual([code, r.summary]);
    const c = await cli(['k8s', 'lint', ...args, '-'], { stdin });
    expect(c.code).toBe(2);
    expect(c.stdout).toBe('');
    expect(c.stderr.trimEnd().split('\n').pop()).toBe(`seccompctl: ${r.summary}`);
  });

  it('YAML syntax errors: MANIFEST_SYNTAX diagnostics under one summary, as the CLI prints them', async () => {
    const bad = 'kind: Pod\nspec: [unclosed\n';
    const r = await lint({}, bad);
    expect(r.outcome).toBe('refused');
    if (r.outcome !== 'refused') return;
    expect(r.diagnostics.map((d) => d.code)).toContain('MANIFEST_SYNTAX');
    const c = await cli(['k8s', 'lint', '-'], { stdin: bad });
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(`seccompctl: ${r.summary}`);
    expect(c.stderr).toContain(r.diagnostics[0]!.message);
  });
});

describe('lintFiles\' verdict', () => {
  it('failed when a finding reaches failOn (exit 1), ok below it; the kubelet setting it assumed', async () => {
    const warn = await lint({ failOn: 'warning' });
    expect(warn.outcome).toBe('failed');
    if (warn.outcome === 'refused') return;
    expect(warn.findings.map((f) => [f.code, f.severity])).toEqual([['SECCOMP_NOT_SET', 'warning']]);
    expect(warn.seccompDefault).toBe(false);
    expect((await cli(['k8s', 'lint', '--fail-on', 'warning', '-'], { stdin: POD })).code).toBe(1);
    expect((await lint({})).outcome).toBe('ok');
    expect((await cli(['k8s', 'lint', '-'], { stdin: POD })).code).toBe(0);
    const on = await lint({ failOn: 'warning', kubeletConfig: ON });
    expect([on.outcome, on.outcome !== 'refused' && on.seccompDefault]).toEqual(['ok', true]);
    expect((await lint({ level: 'restricted', seccompDefault: true })).outcome).toBe('failed');
  });
});
