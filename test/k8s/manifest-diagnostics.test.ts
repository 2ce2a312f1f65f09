// Manifest parsing returns diagnostics (never throws); lint and patch turn a failed parse into one UserError at
// their entry, before any work.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/common/index.js';
import { lintManifest, MAX_SYNTAX_ERRORS, safeParseManifest } from '../../src/k8s/index.js';

describe('safeParseManifest', () => {
  it('gives the documents of valid YAML', () => {
    const r = safeParseManifest('apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Service\n', 'ok.yaml');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.manifest.docs).toHaveLength(2);
  });

  it('returns syntax errors as MANIFEST_SYNTAX diagnostics with line and column', () => {
    const r = safeParseManifest('apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n', 'bad.yaml');
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'MANIFEST_SYNTAX', severity: 'error', file: 'bad.yaml' });
    expect(r.diagnostics[0]!.line).toBeGreaterThanOrEqual(4);
  });

  it('caps the list at MAX_SYNTAX_ERRORS and says how many there were', () => {
    const text = Array.from({ length: 12 }, (_, i) => `k${i}: [\n---\n`).join('');
    const r = safeParseManifest(text, 'many.yaml');
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toHaveLength(MAX_SYNTAX_ERRORS);
    if (!r.ok) expect(r.summary).toMatch(/\d+ syntax errors, the first 5 shown/);
  });

  it('names an unrendered template (MANIFEST_TEMPLATE) with how to render it', () => {
    const r = safeParseManifest('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n', 'chart.yaml', 'lint');
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'MANIFEST_TEMPLATE', fix: 'helm template … | seccompctl k8s lint -' })]);
  });

  it('lint raises one UserError (exit 2) carrying the syntax diagnostics', () => {
    let err: unknown;
    try { lintManifest('kind: Pod\nspec: [\n', 'bad.yaml'); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).diagnostics[0]).toMatchObject({ code: 'MANIFEST_SYNTAX', file: 'bad.yaml' });
  });
});
