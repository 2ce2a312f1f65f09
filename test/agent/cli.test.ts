// CLI: the recording DaemonSet (Kubernetes schema via kubernetes-models), record start|stop (patch printed, no cluster
// → exit 2), record pull from copied state directories of two nodes (merged, one profile per container, validates).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { RecordingData } from '../../src/agent/index.js';
import { cli } from '../helpers/cli.js';
import { validateK8s, validateK8sText } from '../k8s/helpers.js';
import { syscallNumber } from '../../src/syscalls/index.js';
import { webRecording, writeStateDir } from './state-fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-agent-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('k8s install --record', () => {
  it.each(['ebpf', 'audit', 'auto'])('source %s: a Namespace and a DaemonSet that validate, with the host mounts read-only except the state dir', async (source) => {
    const r = await cli(['k8s', 'install', '--record', '--source', source, '--image', 'registry.example/seccompctl:0.1.0']);
    expect(r.code, r.stderr).toBe(0);
    expect(validateK8sText(r.stdout)).toBe(2);
    const ds = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, never>).find((o) => o.kind === 'DaemonSet') as unknown as {
      spec: { template: { spec: { hostPID: boolean; tolerations: unknown[]; containers: { args: string[]; resources: { limits: Record<string, string> }; securityContext: { privileged: boolean; capabilities: { drop: string[]; add: string[] } }; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[] }[]; volumes: { name: string; hostPath?: { path: string } }[] } } };
    };
    const pod = ds.spec.template.spec;
    const c = pod.containers[0]!;
    expect(pod.hostPID).toBe(true);
    expect(pod.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(c.securityContext.privileged).toBe(false);
    expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
    expect(c.securityContext.capabilities.add.sort()).toEqual({ ebpf: ['SYS_ADMIN', 'SYS_RESOURCE'], audit: ['SYSLOG'], auto: ['SYSLOG', 'SYS_ADMIN', 'SYS_RESOURCE'] }[source]);
    expect(c.resources.limits).toEqual({ cpu: '1', memory: '512Mi' });
    // written: the state dir (a hostPath) and bpftrace's scratch /tmp (an emptyDir); host paths otherwise read-only
    expect(c.volumeMounts.filter((m) => m.readOnly !== true).map((m) => m.mountPath)).toEqual(['/var/lib/seccompctl', '/tmp']);
    expect(pod.volumes.find((v) => v.name === 'tmp')).toEqual({ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } });
    const paths = pod.volumes.map((v) => v.hostPath?.path);
    expect(paths).toContain('/run/containerd/io.containerd.runtime.v2.task');
    expect(paths).toContain('/sys/fs/cgroup');
    expect(paths.includes('/sys/kernel/tracing')).toBe(source !== 'audit');
    expect(paths.includes('/dev/kmsg')).toBe(source !== 'ebpf');
    expect(c.args).toEqual(expect.arrayContaining(['agent', '--source', source, '--cgroup-root', '/host/sys/fs/cgroup']));
    expect((c as unknown as { image: string }).image).toBe('registry.example/seccompctl:0.1.0');
    // every grant is explained in the header
    expect(r.stdout).toMatch(source === 'audit' ? /CAP_SYSLOG: audit:/ : /CAP_SYS_ADMIN: eBPF: bpftrace/);
  });

  it('--json validates; profile files with --record, or neither, are usage errors', async () => {
    const j = await cli(['k8s', 'install', '--record', '--json', '--all']);
    expect(j.code).toBe(0);
    const parsed = JSON.parse(j.stdout) as { manifests: Record<string, unknown>; grants: unknown[] };
    // without --image: the agent image (the Dockerfile's agent target, with bpftrace)
    expect(JSON.stringify(parsed.manifests)).toContain('"image":"seccompctl-agent:0.1.0"');
    expect(validateK8s(parsed.manifests)).toBe(2);
    expect(parsed.grants.length).toBeGreaterThan(5);
    expect(JSON.stringify(parsed.manifests)).toContain('"--all"');
    const both = await cli(['k8s', 'install', '--record', 'x.json']);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/takes no profile files/);
    const none = await cli(['k8s', 'install']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no profile files given/);
  });
});

describe('record start|stop', () => {
  it('prints the patch (--json, --print); stop removes the annotations', async () => {
    const j = await cli(['record', 'start', 'deployment/web', '-n', 'shop', '--containers', 'app', '--json']);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stdout)).toEqual({ spec: { template: { metadata: { annotations: { 'seccompctl.io/record': 'app', 'seccompctl.io/workload': 'Deployment/web' } } } } });
    const p = await cli(['record', 'stop', 'sts/db', '-n', 'data', '--print']);
    expect(p.code).toBe(0);
    expect(p.stdout.trim()).toBe(`kubectl patch -n data statefulset db --type merge -p '{"spec":{"template":{"metadata":{"annotations":{"seccompctl.io/record":null,"seccompctl.io/workload":null}}}}}'`);
  });

  it('with no cluster reachable says so and exits 2; bad references exit 2', async () => {
    const r = await cli(['record', 'start', 'deployment/web', '--kubectl', join(tmp, 'no-kubectl')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no cluster reachable/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const bad = await cli(['record', 'start', 'web']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/name the kind/);
  });
});

describe('record pull --from-dir', () => {
  const rec = webRecording;
  const stateDir = (node: string, recs: RecordingData[]): string => writeStateDir(tmp, node, recs);

  it('merges two nodes\' replicas into one profile per container that validates and allows both nodes\' calls', async () => {
    const n1 = stateDir('node1', [rec('node1', 'web-7d4b9c8f6d-x2k9p', ['accept4', 'read', 'getsid']), { ...rec('node1', 'other-0', ['bpf']), workload: 'other' }]);
    const n2 = stateDir('node2', [rec('node2', 'web-7d4b9c8f6d-fghjk', ['accept4', 'write', 'getpgid'])]);
    const out = join(tmp, 'pulled');
    const r = await cli(['record', 'pull', 'deployment/web', '-n', 'shop', '--from-dir', n1, '--from-dir', n2, '-o', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { nodes: string[]; profiles: { file: string; replicas: number; nodes: string[]; localhostProfile: string }[] };
    expect(j.nodes).toEqual(['node1', 'node2']);
    expect(j.profiles).toHaveLength(1);
    expect(j.profiles[0]).toMatchObject({ file: join(out, 'shop_web_app.json'), replicas: 2, nodes: ['node1', 'node2'], localhostProfile: 'seccompctl/shop_web_app.json' });
    const v = await cli(['validate', j.profiles[0]!.file]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    for (const [call, want] of [['getsid', 0], ['getpgid', 0], ['write', 0], ['bpf', 1]] as const) {
      const c = await cli(['check', j.profiles[0]!.file, call]);
      expect(c.code, `${call}: ${c.stdout}`).toBe(want);
    }
    expect(JSON.parse(readFileSync(j.profiles[0]!.file, 'utf8'))).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO' });
  });

  it('exit 1 with a warning when a recording lost events; exit 1 when the workload has no recording; exit 2 for a missing dir', async () => {
    const n3 = stateDir('node3', [rec('node3', 'web-7d4b9c8f6d-x2k9p', ['read'], ['kernel log records 10-20 were overwritten before they could be read'])]);
    const lossy = await cli(['record', 'pull', 'web', '-n', 'shop', '--from-dir', n3, '-o', join(tmp, 'p3')]);
    expect(lossy.code).toBe(1);
    expect(lossy.stderr).toMatch(/warning: app: kernel log records 10-20 were overwritten/);
    const none = await cli(['record', 'pull', 'deployment/absent', '-n', 'shop', '--from-dir', n3, '-o', join(tmp, 'p4')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no recording of shop\/absent on 1 node/);
    const missing = await cli(['record', 'pull', 'web', '--from-dir', join(tmp, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/state.json: no such file/);
  });
});

describe('record pull through kubectl', () => {
  it('reads state.json from every agent pod with kubectl exec and merges them (a kubectl stand-in: no API server here)', async () => {
    // The stand-in answers exactly the two calls pull makes and fails on anything else, so the argument lists are checked.
    const x = (n: string): number => syscallNumber('x86_64', n)!;
    const st = (node: string, pod: string, calls: string[]): string => JSON.stringify({
      version: 1, node, source: 'ebpf', startedAt: '2026-01-01T00:00:00Z', lastFlush: '2026-01-01T00:01:00Z', flushIntervalMs: 5000, lossWindows: [],
      recordings: [{ namespace: 'shop', workload: 'web', workloadKind: 'Deployment', workloadBy: 'labels', container: 'app', images: [], syscalls: { x86_64: calls.map(x).sort((a, b) => a - b) }, calls: 1,
        replicas: [{ pod, podUid: pod, node, containerIds: [], syscalls: calls.length, calls: 1, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:00Z' }],
        replicasDropped: 0, loss: [], lossCount: 0, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:00Z' }],
    });
    const dir = join(tmp, 'kubectl');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'agent-a.json'), st('node-a', 'web-7d4b9c8f6d-x2k9p', ['getsid']));
    writeFileSync(join(dir, 'agent-b.json'), st('node-b', 'web-7d4b9c8f6d-fghjk', ['getpgid']));
    const bin = join(dir, 'kubectl');
    writeFileSync(bin, `#!/bin/sh
if [ "$*" = "get pods -n seccompctl-system -l app.kubernetes.io/name=seccompctl-agent -o jsonpath={.items[*].metadata.name}" ]; then echo "agent-a agent-b"; exit 0; fi
if [ "$1 $2 $3 $5 $6 $7" = "exec -n seccompctl-system -- cat /var/lib/seccompctl/state.json" ]; then cat "${dir}/$4.json"; exit 0; fi
echo "unexpected: $*" >&2; exit 1
`, { mode: 0o755 });
    const out = join(tmp, 'pulled-kubectl');
    const r = await cli(['record', 'pull', 'deployment/web', '-n', 'shop', '--kubectl', bin, '-o', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { nodes: string[]; profiles: { file: string; replicas: number }[] };
    expect(j.nodes).toEqual(['node-a', 'node-b']);
    expect(j.profiles.map((p) => p.replicas)).toEqual([2]);
    for (const call of ['getsid', 'getpgid']) expect((await cli(['check', j.profiles[0]!.file, call])).code).toBe(0);
  });
});
