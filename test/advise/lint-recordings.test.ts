// `k8s lint --recordings DIR`: a workload's recording (the agent's layout, or record pull's flat names, or a strace
// log) checked against RuntimeDefault the way `advise` does, per container that runs or would run RuntimeDefault.
// Verdicts by hand from the runtimes' profiles: Docker denies keyctl for every container; CRI-O allows it.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-lint-rec-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const DEPLOY = (name: string, seccomp: string): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:${seccomp}
      containers:
      - name: app
        image: example/${name}:1
`;
const RD = '\n      securityContext:\n        seccompProfile: {type: RuntimeDefault}';

interface Finding { code: string; severity: string; message: string; object: { name: string }; container?: string }

describe('k8s lint --recordings', () => {
  it('checks each container that runs or would run RuntimeDefault against its recording', async () => {
    const rec = join(tmp, 'recordings');
    const profile = (names: string[]): string => JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', flags: [], syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] });
    mkdirSync(join(rec, 'shop', 'keys'), { recursive: true });
    writeFileSync(join(rec, 'shop', 'keys', 'app.json'), profile(['read', 'write', 'keyctl', 'exit_group'])); // agent layout
    writeFileSync(join(rec, 'shop_plain_app.json'), profile(['read', 'write', 'exit_group', 'clone3'])); // record pull layout
    writeFileSync(join(rec, 'shop_later_app.strace'), '100 keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0) = 5\n100 exit_group(0) = ?\n');
    const m = join(tmp, 'deploy.yaml');
    writeFileSync(m, [DEPLOY('keys', RD), DEPLOY('plain', RD), DEPLOY('later', ''), DEPLOY('unrecorded', RD)].join('---\n'));
    const lint = async (rt: string): Promise<{ code: number; f: Finding[] }> => {
      const r = await cli(['k8s', 'lint', '--recordings', rec, '--runtime', rt, '--json', m]);
      return { code: r.code, f: (JSON.parse(r.stdout) as Finding[]).filter((x) => x.code === 'SECCOMP_RUNTIME_DEFAULT_ADVICE') };
    };
    const docker = await lint('docker');
    const by = (name: string, fs: Finding[]): Finding | undefined => fs.find((x) => x.object.name === name);
    expect(by('keys', docker.f)).toMatchObject({ severity: 'error', container: 'app' });
    expect(by('keys', docker.f)!.message).toContain("docker's RuntimeDefault denies keyctl (ERRNO(1))");
    expect(by('plain', docker.f)!.severity).toBe('info');
    expect(by('plain', docker.f)!.message).toContain('allows everything it did');
    // No profile set: the denial is what turning RuntimeDefault on would break (a warning).
    expect(by('later', docker.f)).toMatchObject({ severity: 'warning' });
    expect(by('later', docker.f)!.message).toContain("docker's RuntimeDefault would deny keyctl");
    expect(by('unrecorded', docker.f)).toBeUndefined();
    expect(docker.code).toBe(1);
    const crio = await lint('cri-o');
    expect(crio.f.map((x) => `${x.object.name} ${x.severity}`).sort()).toEqual(['keys info', 'later info', 'plain info']);
  });
});
