// `k8s lint --profiles DIR --node-facts doctor.json`: a Localhost profile is judged for the node doctor described,
// so one naming a syscall that node's libseccomp does not know (runc skips it there) is flagged; the same profile
// passes against facts from a node whose libseccomp knows the name. The facts are this machine's, from doctor.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { haveSystem } from '../helpers/system.js';

const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-lint-facts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const POD = (name: string, profile: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
spec:
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: ${profile}
  containers:
  - name: app
    image: example/app:1
`;

interface Finding { code: string; severity: string; message: string; object: { name: string } }

describe.skipIf(!haveSystem('/usr/bin/python3', 'runc'))('k8s lint --node-facts', () => {
  it('flags a profile naming a syscall the node\'s libseccomp does not know, only for that node', async () => {
    const d = await cli(['doctor', '--json', '--kubelet-root', tmp]);
    const report = JSON.parse(d.stdout) as { facts: { libseccomp: { version: string; unknownNames: Record<string, string[]> } } };
    const unknown = report.facts.libseccomp.unknownNames.x86_64 ?? [];
    expect(unknown.length, 'needs a libseccomp older than our syscall tables (2.5.4 here)').toBeGreaterThan(0);
    const factsFile = join(tmp, 'node.json');
    writeFileSync(factsFile, d.stdout);
    const profiles = join(tmp, 'profiles');
    mkdirSync(join(profiles, 'apps'), { recursive: true });
    const base = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'], flags: [] };
    writeFileSync(join(profiles, 'apps', 'plain.json'), JSON.stringify({ ...base, syscalls: [{ names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' }] }));
    writeFileSync(join(profiles, 'apps', 'newer.json'), JSON.stringify({ ...base, syscalls: [{ names: ['read', 'write', 'exit_group', unknown[0]], action: 'SCMP_ACT_ALLOW' }] }));
    const manifest = join(tmp, 'pods.yaml');
    writeFileSync(manifest, `${POD('plain', 'apps/plain.json')}---\n${POD('newer', 'apps/newer.json')}`);

    const lint = async (extra: string[]): Promise<{ code: number; findings: Finding[] }> => {
      const r = await cli(['k8s', 'lint', '--profiles', profiles, ...extra, '--json', manifest]);
      return { code: r.code, findings: JSON.parse(r.stdout) as Finding[] };
    };
    const invalid = (fs: Finding[]): Finding[] => fs.filter((f) => f.code === 'SECCOMP_LOCALHOST_INVALID');

    // Without node facts both profiles are valid.
    const without = await lint([]);
    expect(invalid(without.findings)).toEqual([]);
    // With this node's facts: newer.json is flagged, naming the syscall and the libseccomp version.
    const withFacts = await lint(['--node-facts', factsFile]);
    const bad = invalid(withFacts.findings);
    expect(bad.map((f) => f.object.name)).toEqual(['newer']);
    expect(bad[0]!.message).toContain(`UNKNOWN_TO_NODE_LIBSECCOMP: ${unknown[0]} is unknown to this node's libseccomp ${report.facts.libseccomp.version}`);
    expect(withFacts.code).toBe(1);
    // Facts from a node whose libseccomp knows every name: nothing flagged.
    const newer = JSON.parse(d.stdout) as { facts: { libseccomp: { unknownNames: Record<string, string[]> } } };
    newer.facts.libseccomp.unknownNames = { x86_64: [], x86: [], x32: [] };
    const newerFile = join(tmp, 'newer-node.json');
    writeFileSync(newerFile, JSON.stringify(newer));
    expect(invalid((await lint(['--node-facts', newerFile])).findings)).toEqual([]);
  }, 60_000);

  it('refuses facts that are not doctor output, and --node-facts without --profiles (exit 2)', async () => {
    const junk = join(tmp, 'junk.json');
    writeFileSync(junk, '{"hello": 1}');
    writeFileSync(join(tmp, 'p.yaml'), POD('x', 'a.json'));
    mkdirSync(join(tmp, 'empty'), { recursive: true });
    const a = await cli(['k8s', 'lint', '--profiles', join(tmp, 'empty'), '--node-facts', junk, join(tmp, 'p.yaml')]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('not seccompctl node facts');
    const b = await cli(['k8s', 'lint', '--node-facts', junk, join(tmp, 'p.yaml')]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('--node-facts needs --profiles DIR');
  });
});
