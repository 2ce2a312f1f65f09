// The commands as a user runs them: validate, convert, schema.
import { Ajv } from 'ajv';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const FIX = 'test/fixtures/profile';
const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-profile-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Report { file: string; parsed: boolean; diagnostics: { code: string; severity: string; runtime?: string; path?: string; line?: number }[]; runtimes: Record<string, { errors: number; warnings: number; ok: boolean }> }

describe('seccompctl validate', () => {
  it('Done when: a profile written with singular "name" fails for containerd, explaining the dropped rule', async () => {
    const r = await cli(['validate', '--runtime', 'containerd', `${FIX}/valid/docker-singular-name.json`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('RULE_DROPPED_BY_CONTAINERD');
    expect(r.stdout).toMatch(/docker-singular-name\.json:\d+:\d+: error RULE_DROPPED_BY_CONTAINERD \[containerd\]/);
    expect(r.stdout).toMatch(/no rule at all/);
    expect(r.stdout).toMatch(/containerd\s+FAIL/);
  });

  it('Done when: the same profile after convert --to oci validates clean for containerd', async () => {
    const out = join(tmp, 'converted.json');
    const c = await cli(['convert', `${FIX}/valid/docker-singular-name.json`, '--to', 'oci', '--arch', 'x86_64', '--kernel', '6.1', '-o', out]);
    expect(c).toMatchObject({ code: 0, stdout: '' });
    const v = await cli(['validate', '--runtime', 'containerd', '--json', out]);
    expect(v.code).toBe(0);
    const [rep] = JSON.parse(v.stdout) as Report[];
    expect(rep!.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(rep!.runtimes.containerd).toEqual({ errors: 0, warnings: 0, ok: true });
    const p = JSON.parse(readFileSync(out, 'utf8')) as { syscalls: { names: string[] }[] };
    expect(p.syscalls.flatMap((s) => s.names)).toEqual(expect.arrayContaining(['read', 'write', 'exit_group']));
  });

  it('reports every runtime by default, with a per-runtime summary', async () => {
    const r = await cli(['validate', '--json', `${FIX}/rules/errno-on-allow.json`]);
    expect(r.code).toBe(1);
    const [rep] = JSON.parse(r.stdout) as Report[];
    expect(Object.keys(rep!.runtimes)).toEqual(['containerd', 'cri-o', 'docker', 'runc', 'crun']);
    expect(rep!.runtimes.crun!.ok).toBe(false);
    expect(rep!.runtimes.runc!.ok).toBe(true);
  });

  it('exits 2 with file:line:col and the offending text on unparsable input, still checking the other files', async () => {
    const bad = join(tmp, 'bad.json');
    writeFileSync(bad, '{\n  "defaultAction": "SCMP_ACT_ERRNO"\n  "syscalls": []\n}\n');
    const r = await cli(['validate', bad, `${FIX}/valid/oci-clean.json`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:3:3: error INVALID_JSON`);
    expect(r.stderr).toContain('found "\\"syscalls\\": []"');
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(r.stdout).toContain('oci-clean.json: OCI profile');
  });

  it('reads standard input and YAML SPO resources', async () => {
    const r = await cli(['validate', '-'], { stdin: readFileSync(`${FIX}/valid/spo-web.yaml`, 'utf8') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('-: SPO profile (yaml)');
  });

  it('rejects an unknown runtime and a missing file with exit 2', async () => {
    expect((await cli(['validate', '--runtime', 'podman', `${FIX}/valid/oci-clean.json`])).code).toBe(2);
    const r = await cli(['validate', join(tmp, 'nope.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no such file');
  });
});

describe('seccompctl convert', () => {
  it('SPO → OCI → SPO → OCI keeps the profile (exact large values)', async () => {
    const oci1 = await cli(['convert', `${FIX}/valid/spo-web.yaml`, '--to', 'oci']);
    expect(oci1.code).toBe(0);
    expect(oci1.stdout).toContain('"value": 9223372036854775807'); // int64 max: the CRD's limit, above 2^53
    const sp = await cli(['convert', '-', '--to', 'spo', '--name', 'web'], { stdin: oci1.stdout });
    expect(sp.code).toBe(0);
    expect(sp.stdout).toMatch(/^apiVersion: security-profiles-operator\.x-k8s\.io\/v1beta1\nkind: SeccompProfile\nmetadata:\n {2}name: web\n/);
    const oci2 = await cli(['convert', '-', '--to', 'oci'], { stdin: sp.stdout });
    expect(oci2.stdout).toBe(oci1.stdout);
  });

  it('SPO for a profile with defaultErrnoRet 38: spelled out as a rule, with a note; the result validates clean', async () => {
    const out = join(tmp, 'sp.yaml');
    const src = join(tmp, 'enosys.json');
    writeFileSync(src, JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, architectures: ['SCMP_ARCH_X86_64'], flags: [], syscalls: [{ names: ['read', 'write', 'exit_group', 'clone'], action: 'SCMP_ACT_ALLOW' }] }));
    const r = await cli(['convert', src, '--to', 'spo', '--name', 'x', '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/note: the SeccompProfile CRD has no defaultErrnoRet/);
    const v = await cli(['validate', out, '--json']);
    expect(v.code).toBe(0);
  });

  it('the README chain: docker → oci → spo of a --default-errno ENOSYS profile succeeds, each step validates without warnings', async () => {
    const gen = join(tmp, 'g.json');
    expect((await cli(['generate', 'examples/audit/nginx-in-runc.dmesg.log', '--default-errno', 'ENOSYS', '-o', gen])).code).toBe(0);
    const oci = join(tmp, 'g-oci.json');
    expect((await cli(['convert', gen, '--to', 'oci', '-o', oci])).code).toBe(0);
    const sp = join(tmp, 'g-sp.yaml');
    const c = await cli(['convert', oci, '--to', 'spo', '-o', sp]);
    expect(c.code).toBe(0);
    for (const f of [gen, oci, sp]) {
      const v = await cli(['validate', f, '--json']);
      expect(v.code).toBe(0);
      expect(v.stdout).not.toMatch(/"severity": "(warning|error)"/);
    }
    // The CR fits security-profiles-operator's CRD (its errnoRet on rules; no defaultErrnoRet), and k8s spo agrees.
    const crd = new Ajv2020({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync('test/fixtures/k8s/spo/seccompprofile-v1beta1.schema.json', 'utf8')) as object);
    const cr = parseYaml(readFileSync(sp, 'utf8')) as { spec: { syscalls: { errnoRet?: number }[] } };
    expect(crd(cr), JSON.stringify(crd.errors)).toBe(true);
    expect(cr.spec.syscalls.some((r) => r.errnoRet === 38)).toBe(true);
    const k = await cli(['k8s', 'spo', oci]);
    expect(k.code).toBe(0);
    expect(k.stdout).toMatch(/kind: SeccompProfile/);
    const dock = join(tmp, 'cc-oci.json');
    expect((await cli(['convert', `${FIX}/containers-common/seccomp.json`, '--to', 'oci', '--arch', 'x86_64', '-o', dock])).code).toBe(0);
    const v = await cli(['validate', dock, '--json']);
    expect(v.code).toBe(0);
    expect(v.stdout).not.toMatch(/"severity": "(warning|error)"/);
  });

  it('refuses SPO for uint64 values above the CRD\'s int64', async () => {
    const r = await cli(['convert', `${FIX}/rules/spo-value-range.yaml`, '--to', 'oci']);
    expect(r.code).toBe(0);
    const sp = await cli(['convert', '-', '--to', 'spo', '--name', 'x'], { stdin: r.stdout });
    expect(sp.code).toBe(2);
    expect(sp.stderr).toContain('SPO_VALUE_RANGE');
  });

  it('bad input: exit 2 and the output file untouched', async () => {
    const out = join(tmp, 'keep.json');
    writeFileSync(out, 'old');
    const r = await cli(['convert', '-', '--to', 'oci', '-o', out], { stdin: '{"defaultAction": SCMP_ACT_ERRNO}' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/-:1:19: error INVALID_JSON/);
    expect(readFileSync(out, 'utf8')).toBe('old');
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp'))).toEqual([]);
  });

  it('--caps and --kernel change the expansion; Docker → Docker keeps Docker keys unless expanding', async () => {
    const withAdmin = await cli(['convert', `${FIX}/valid/docker-singular-name.json`, '--to', 'oci', '--arch', 'amd64', '--caps', 'CAP_SYS_ADMIN', '--kernel', '4.4']);
    const names = (JSON.parse(withAdmin.stdout) as { syscalls: { names: string[] }[] }).syscalls.flatMap((s) => s.names).sort();
    expect(names).toEqual(['arch_prctl', 'close', 'exit_group', 'futex', 'mount', 'read', 'umount2', 'write']);
    const expanded = await cli(['convert', `${FIX}/valid/docker-singular-name.json`, '--to', 'docker', '--arch', 'x86_64']);
    expect(expanded.code).toBe(0);
    expect(JSON.parse(expanded.stdout)).not.toHaveProperty('archMap');
    // Without expansion flags Docker → Docker keeps the Docker-only keys.
    const kept = await cli(['convert', `${FIX}/valid/docker-singular-name.json`, '--to', 'docker']);
    const doc = JSON.parse(kept.stdout) as { archMap: unknown[]; syscalls: { name?: string }[] };
    expect(doc.archMap).toHaveLength(2);
    expect(doc.syscalls[0]!.name).toBe('read');
  });
});

describe('seccompctl schema', () => {
  const schemaText = readFileSync('schema/seccomp-profile.schema.json', 'utf8');
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true });
  const check = ajv.compile(JSON.parse(schemaText) as object);

  it('prints exactly the committed schema file', async () => {
    const r = await cli(['schema']);
    expect(r).toMatchObject({ code: 0, stdout: schemaText });
  });

  it('accepts every valid fixture, containers-common\'s profile and our own converted output', async () => {
    const docs: [string, unknown][] = readdirSync(`${FIX}/valid`).map((f) => [f, parseYaml(readFileSync(`${FIX}/valid/${f}`, 'utf8'))]);
    docs.push(['containers-common', JSON.parse(readFileSync(`${FIX}/containers-common/seccomp.json`, 'utf8'))]);
    const conv = await cli(['convert', `${FIX}/containers-common/seccomp.json`, '--to', 'oci', '--arch', 'x86_64']);
    docs.push(['converted', JSON.parse(conv.stdout)]);
    const sp = await cli(['convert', `${FIX}/rules/eperm-default.json`, '--to', 'spo', '--name', 'x']);
    docs.push(['spo', parseYaml(sp.stdout)]);
    for (const [f, doc] of docs) {
      const ok = check(doc);
      expect({ f, ok, errors: ok ? null : check.errors }).toEqual({ f, ok: true, errors: null });
    }
  });

  it('rejects invalid profiles (negative value, unknown action, missing names)', () => {
    expect(check(JSON.parse(readFileSync(`${FIX}/rules/invalid-schema.json`, 'utf8')))).toBe(false);
    expect(check(JSON.parse(readFileSync(`${FIX}/rules/unknown-action.json`, 'utf8')))).toBe(false);
    expect(check({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ action: 'SCMP_ACT_ALLOW' }] })).toBe(false);
  });
});
