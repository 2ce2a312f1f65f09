// k8s lint against Kubernetes' own Pod Security Standards fixtures (pod-security-admission test data, v1.37):
// every `fail` fixture is flagged, with the rule for the control it violates, at its level; every `pass` fixture
// has no error at its level. The fixtures are Kubernetes' (test/fixtures/k8s/pss/PROVENANCE.md), not ours.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintManifest, LINT_RULES, toSarif } from '../../src/k8s/index.js';

const ROOT = join(import.meta.dirname, '../fixtures/k8s/pss');
const VERSION = 'v1.37';

// Fixture name prefix (the upstream check id, lower-cased) → the rule ids that stand for that control, per level.
const CONTROL: Record<string, { baseline: string[]; restricted?: string[] }> = {
  allowprivilegeescalation: { baseline: [], restricted: ['PSS_PRIVILEGE_ESCALATION'] },
  apparmorprofile: { baseline: ['PSS_APPARMOR'] },
  capabilities_baseline: { baseline: ['PSS_CAPABILITIES'] },
  capabilities_restricted: { baseline: [], restricted: ['PSS_CAPABILITIES'] },
  hostnamespaces: { baseline: ['PSS_HOST_NAMESPACES'] },
  hostpathvolumes: { baseline: ['PSS_HOST_PATH_VOLUMES'], restricted: ['PSS_VOLUME_TYPES'] },
  hostports: { baseline: ['PSS_HOST_PORTS'] },
  hostprobesandhostlifecycle: { baseline: ['PSS_HOST_PROBES'] },
  privileged: { baseline: ['PSS_PRIVILEGED'] },
  procmount: { baseline: ['PSS_PROC_MOUNT'] },
  procmount_restricted: { baseline: [], restricted: ['PSS_PROC_MOUNT'] },
  restrictedvolumes: { baseline: [], restricted: ['PSS_VOLUME_TYPES'] },
  runasnonroot: { baseline: [], restricted: ['PSS_RUN_AS_NON_ROOT'] },
  runasuser: { baseline: [], restricted: ['PSS_RUN_AS_USER'] },
  seccompprofile_baseline: { baseline: ['SECCOMP_UNCONFINED', 'SECCOMP_FIELD_INVALID'] },
  seccompprofile_restricted: { baseline: [], restricted: ['SECCOMP_UNCONFINED', 'SECCOMP_NOT_SET', 'SECCOMP_FIELD_INVALID'] },
  selinuxoptions: { baseline: ['PSS_SELINUX'] },
  sysctls: { baseline: ['PSS_SYSCTLS'] },
  windowshostprocess: { baseline: ['PSS_WINDOWS_HOST_PROCESS'] },
};

const control = (file: string): string => file.replace(/\d*\.yaml$/, '');

for (const level of ['baseline', 'restricted'] as const) {
  describe(`Pod Security ${level} (${VERSION} fixtures)`, () => {
    const dir = join(ROOT, level, VERSION);
    const fail = readdirSync(join(dir, 'fail')).sort();
    const pass = readdirSync(join(dir, 'pass')).sort();

    it('has the fixtures (a copy of every control of the level)', () => {
      expect(fail.length).toBeGreaterThan(level === 'baseline' ? 30 : 70);
      expect(pass.length).toBeGreaterThan(10);
      for (const f of [...fail, ...pass]) expect(CONTROL[control(f)] ?? (f.startsWith('base') ? {} : undefined), f).toBeDefined();
    });

    it.each(fail)(`fail/%s is flagged as an error with its control's rule`, (f) => {
      const errors = lintManifest(readFileSync(join(dir, 'fail', f), 'utf8'), f, { level }).filter((x) => x.severity === 'error');
      const c = CONTROL[control(f)]!;
      const want = level === 'restricted' ? (c.restricted ?? c.baseline) : c.baseline;
      expect(errors.length, `${f}: no error`).toBeGreaterThan(0);
      expect(errors.map((e) => e.code).filter((r) => want.includes(r)), `${f}: flagged only as ${errors.map((e) => e.code).join(', ')}`).not.toEqual([]);
      for (const e of errors) expect(LINT_RULES[e.code], e.code).toBeDefined();
    });

    it.each(pass)('pass/%s has no error', (f) => {
      const errors = lintManifest(readFileSync(join(dir, 'pass', f), 'utf8'), f, { level }).filter((x) => x.severity === 'error');
      expect(errors.map((e) => `${e.code}: ${e.message}`)).toEqual([]);
    });
  });
}

describe('levels nest as Pod Security defines them', () => {
  it('every restricted pass fixture is clean at baseline too', () => {
    const dir = join(ROOT, 'restricted', VERSION);
    for (const f of readdirSync(join(dir, 'pass'))) {
      expect(lintManifest(readFileSync(join(dir, 'pass', f), 'utf8'), f).filter((x) => x.severity === 'error'), f).toEqual([]);
    }
  });

  it('SARIF carries the new rule ids in its rule table, and each result points at one', () => {
    const f = 'privileged1.yaml';
    const findings = lintManifest(readFileSync(join(ROOT, 'baseline', VERSION, 'fail', f), 'utf8'), f);
    const log = toSarif(findings, '0') as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number }[] }[] };
    const rules = log.runs[0]!.tool.driver.rules.map((r) => r.id);
    for (const id of ['PSS_PRIVILEGED', 'PSS_CAPABILITIES', 'PSS_RUN_AS_NON_ROOT', 'PSS_VOLUME_TYPES']) expect(rules).toContain(id);
    const priv = log.runs[0]!.results.filter((r) => r.ruleId === 'PSS_PRIVILEGED');
    expect(priv.length).toBeGreaterThan(0);
    for (const r of priv) expect(rules[r.ruleIndex]).toBe('PSS_PRIVILEGED');
  });
});
