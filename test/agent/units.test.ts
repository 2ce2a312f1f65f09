// The agent's pure parts: cgroup path forms (agent.md §5), hierarchy choice, runtime annotations, owning workloads,
// opt-in, the probe's output, state files and merging, the record start/stop patch.
import { describe, expect, it } from 'vitest';
import {
  agentProgram, deriveWorkload, detectCgroupMode, fromContainerdSpec, fromCrioSpec, leafOfPath, leafOfProcCgroup, mergeRecordings, optedIn,
  parseListen, parseProbeLine, parseStateFile, parseWorkloadRef, processCgroupPath, recordPatch, type ContainerInfo, type RecordingData,
} from '../../src/agent/index.js';

const ID = 'a'.repeat(63) + 'b';
const UID = '0d1e2f30-4a5b-6c7d-8e9f-0123456789ab';

describe('cgroup paths', () => {
  it.each([
    ['cgroupfs, containerd/CRI-O', `/kubepods/besteffort/pod${UID}/${ID}`, 'unknown'],
    ['cgroupfs, guaranteed (no qos level)', `/kubepods/pod${UID}/${ID}`, 'unknown'],
    ['systemd, containerd', `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replace(/-/g, '_')}.slice/cri-containerd-${ID}.scope`, 'containerd'],
    ['systemd, CRI-O', `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID.replace(/-/g, '_')}.slice/crio-${ID}.scope`, 'crio'],
    ['systemd, CRI-O with crun\'s container sub-cgroup', `/kubepods.slice/kubepods-pod${UID.replace(/-/g, '_')}.slice/crio-${ID}.scope/container`, 'crio'],
    ['cgroupfs, CRI-O', `/kubepods/burstable/pod${UID}/crio-${ID}`, 'crio'],
  ])('%s', (_n, path, runtime) => {
    expect(leafOfPath(path)).toEqual({ containerId: ID, runtime, podUid: UID });
  });

  it('conmon, pods and slices are not containers; the innermost container id wins', () => {
    expect(leafOfPath(`/kubepods.slice/kubepods-besteffort.slice/crio-conmon-${ID}.scope`)).toBeUndefined();
    expect(leafOfPath(`/kubepods/besteffort/pod${UID}`)).toBeUndefined();
    const outer = 'c'.repeat(64);
    expect(leafOfPath(`/kubepods/pod${UID}/${outer}/docker/${ID}`)?.containerId).toBe(ID);
  });

  it('reads the right line of /proc/<pid>/cgroup on a hybrid host, and a private cgroup namespace\'s view', () => {
    const text = `9:name=systemd:/kubepods/besteffort/pod${UID}/${ID}\n4:memory:/kubepods/besteffort/pod${UID}/${ID}\n0::/kubepods/besteffort/pod${UID}/${ID}\n`;
    expect(processCgroupPath(text, { version: 2, mount: '/sys/fs/cgroup/unified', hierarchy: 0 })).toBe(`/kubepods/besteffort/pod${UID}/${ID}`);
    expect(processCgroupPath(text, { version: 1, mount: '/sys/fs/cgroup/memory', hierarchy: 4, subsysIndex: 4, controller: 'memory' })).toBe(`/kubepods/besteffort/pod${UID}/${ID}`);
    expect(leafOfProcCgroup(`0::/../kubepods/pod${UID}/${ID}\n`)?.containerId).toBe(ID);
    expect(leafOfProcCgroup('0::/user.slice/session-1.scope\n')).toBeUndefined();
  });

  it('picks cgroup2 (pure or hybrid), else the v1 memory controller with its css index', () => {
    const cgroups = '#subsys_name\thierarchy\tnum_cgroups\tenabled\ncpuset\t3\t1\t1\ncpu\t1\t1\t1\ncpuacct\t2\t1\t1\nblkio\t7\t1\t1\nmemory\t4\t52\t1\n';
    const hybrid = 'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n';
    expect(detectCgroupMode({ mounts: hybrid, cgroups })).toEqual({ version: 2, mount: '/sys/fs/cgroup/unified', hierarchy: 0 });
    expect(detectCgroupMode({ mounts: 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n', cgroups })).toEqual({ version: 2, mount: '/sys/fs/cgroup', hierarchy: 0 });
    const v1 = { version: 1, mount: '/sys/fs/cgroup/memory', hierarchy: 4, subsysIndex: 4, controller: 'memory' };
    expect(detectCgroupMode({ mounts: hybrid, cgroups, force: 1 })).toEqual(v1);
    expect(detectCgroupMode({ mounts: 'cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n', cgroups })).toEqual(v1);
    expect(() => detectCgroupMode({ mounts: 'cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\n', cgroups, force: 2 })).toThrow(/no cgroup2/);
  });

  it('the eBPF program keys on the chosen hierarchy and seeds the containers already running', () => {
    const v2 = agentProgram({ mode: { version: 2, mount: '/x', hierarchy: 0 }, prefixes: ['/kubepods'], existing: [{ id: 77, live: true }, { id: 78, live: false }], parentField: '__parent' });
    // Each insert read back: a full map's refusal is counted (@fw, @fl, @fa, @fs), not silent.
    expect(v2).toContain('@w[77] = 1; if (@w[77] == 0) { @fw = @fw + 1; } @l[77] = 1; if (@l[77] == 0) { @fl = @fl + 1; } @w[78] = 1;');
    expect(v2).toContain('@s[$g, args->id, $c] = 1; if (@s[$g, args->id, $c] == 0) { @fs = @fs + 1; }');
    expect(v2).toContain('interval:s:1 { if (@fw + @fl + @fa + @fs > 0) { printf("F %d %d %d %d\\n", @fw, @fl, @fa, @fs); } }');
    expect(v2).toContain('tracepoint:raw_syscalls:sys_enter { $g = cgroup; if (@l[$g])');
    expect(v2).toContain('strncmp(str(args->path), "/kubepods", 9) == 0');
    const v1 = agentProgram({ mode: { version: 1, mount: '/x', hierarchy: 4, subsysIndex: 4, controller: 'memory' }, prefixes: ['/kubepods'], existing: [], counts: false });
    expect(v1).toContain('curtask->cgroups->subsys[4]->cgroup->kn)->id');
    expect(v1).toContain('args->root == 4');
    expect(v1).not.toContain('count()');
    // The seen-set survives END, so bpftrace's dump after detaching lists it whole (lines dropped at exit recovered).
    const end = v2.split('\n').find((l) => l.startsWith('END'))!;
    expect(end).not.toContain('@s');
    expect(end).toContain('clear(@l)');
  });

  it('parses the probe\'s lines', () => {
    expect(parseProbeLine('S 1431 12 0')).toEqual({ kind: 'syscall', cgroup: 1431, nr: 12, compat: false });
    expect(parseProbeLine('E 9 123 cri-containerd-x.scope|pod|kubepods')).toEqual({ kind: 'exec', cgroup: 9, pid: 123, names: ['cri-containerd-x.scope', 'pod', 'kubepods'] });
    expect(parseProbeLine('@n[1431]: 194')).toEqual({ kind: 'calls', cgroup: 1431, total: 194 });
    expect(parseProbeLine('R 5')).toEqual({ kind: 'rmdir', cgroup: 5 });
    expect(parseProbeLine('Lost 12 events')).toEqual({ kind: 'lost', count: 12 });
    // the seen-set as bpftrace dumps it (at exit, or on SIGUSR1)
    expect(parseProbeLine('@s[1431, 39, 1]: 1')).toEqual({ kind: 'syscall', cgroup: 1431, nr: 39, compat: true, dump: true });
    expect(parseProbeLine('@l[1431]: 1')).toBeUndefined();
    // refused inserts: the periodic line (all four maps) and the exit dump (one map a row)
    expect(parseProbeLine('F 0 1 0 17')).toEqual({ kind: 'mapfull', failed: { watched: 0, live: 1, armed: 0, seen: 17 } });
    expect(parseProbeLine('@fs: 17')).toEqual({ kind: 'mapfull', failed: { seen: 17 } });
    expect(parseProbeLine('@fw: 0')).toEqual({ kind: 'mapfull', failed: { watched: 0 } });
    expect(parseProbeLine('Attaching 9 probes...')).toBeUndefined();
  });
});

describe('runtime annotations', () => {
  it('containerd CRI spec', () => {
    const c = fromContainerdSpec(ID, {
      'io.kubernetes.cri.container-type': 'container', 'io.kubernetes.cri.container-name': 'app', 'io.kubernetes.cri.image-name': 'nginx:1.25',
      'io.kubernetes.cri.sandbox-id': 'f'.repeat(64), 'io.kubernetes.cri.sandbox-name': 'web-7d4b9c8f6d-x2k9p', 'io.kubernetes.cri.sandbox-namespace': 'shop',
      'io.kubernetes.cri.sandbox-uid': UID, 'seccompctl.io/record': 'true', 'other.io/x': 'y',
    }, '/run/x/config.json');
    expect(c).toMatchObject({ runtime: 'containerd', type: 'container', namespace: 'shop', pod: 'web-7d4b9c8f6d-x2k9p', podUid: UID, container: 'app', image: 'nginx:1.25', annotations: { 'seccompctl.io/record': 'true' } });
    expect(fromContainerdSpec(ID, { 'io.kubernetes.cri.container-type': 'sandbox' }, 'x')?.type).toBe('sandbox');
    expect(fromContainerdSpec(ID, {}, 'x')).toBeUndefined();
  });

  it('CRI-O spec: pod annotations raw and in the JSON map, labels from the sandbox', () => {
    const c = fromCrioSpec(ID, {
      'io.kubernetes.cri-o.ContainerType': 'container', 'io.kubernetes.pod.name': 'db-0', 'io.kubernetes.pod.namespace': 'data', 'io.kubernetes.pod.uid': UID,
      'io.kubernetes.container.name': 'db', 'io.kubernetes.cri-o.ImageName': 'redis:7', 'io.kubernetes.cri-o.Annotations': '{"seccompctl.io/record":"db"}',
    }, 'x', { 'controller-revision-hash': 'db-5b9' });
    expect(c).toMatchObject({ runtime: 'crio', namespace: 'data', pod: 'db-0', container: 'db', image: 'redis:7', labels: { 'controller-revision-hash': 'db-5b9' }, annotations: { 'seccompctl.io/record': 'db' } });
  });
});

describe('owning workload and opt-in', () => {
  it.each([
    ['Deployment from pod-template-hash', 'web-7d4b9c8f6d-x2k9p', { 'pod-template-hash': '7d4b9c8f6d' }, {}, { kind: 'Deployment', name: 'web', by: 'labels' }],
    ['Deployment from the name pattern alone', 'web-7d4b9c8f6d-x2k9p', {}, {}, { kind: 'Deployment', name: 'web', by: 'name-pattern' }],
    ['StatefulSet from its labels', 'db-12', { 'controller-revision-hash': 'db-5b9', 'statefulset.kubernetes.io/pod-name': 'db-12' }, {}, { kind: 'StatefulSet', name: 'db', by: 'labels' }],
    ['a bare pod called web-1 stays itself', 'web-1', {}, {}, { kind: 'Pod', name: 'web-1', by: 'pod' }],
    ['DaemonSet', 'fluentd-x7k2p', { 'controller-revision-hash': '6f8d' }, {}, { kind: 'DaemonSet', name: 'fluentd', by: 'labels' }],
    ['Job from job-name', 'migrate-28123456-x7k2p', { 'job-name': 'migrate-28123456' }, {}, { kind: 'Job', name: 'migrate-28123456', by: 'labels' }],
    ['the annotation record start sets wins', 'anything-at-all', {}, { 'seccompctl.io/workload': 'Deployment/web' }, { kind: 'Deployment', name: 'web', by: 'annotation' }],
    ['a name with vowels in the suffix is no generated name', 'my-pod-abcde', {}, {}, { kind: 'Pod', name: 'my-pod-abcde', by: 'pod' }],
  ])('%s', (_n, pod, labels, ann, want) => {
    expect(deriveWorkload(pod, labels, ann)).toEqual(want);
  });

  it('opt-in: "true", a container list, "false", nothing, --all; sandboxes never', () => {
    const c = (a: Record<string, string>, type: ContainerInfo['type'] = 'container'): ContainerInfo => ({ id: ID, runtime: 'crio', type, namespace: 'n', pod: 'p', podUid: UID, container: 'app', image: '', sandboxId: '', labels: {}, annotations: a, source: '' });
    expect(optedIn(c({ 'seccompctl.io/record': 'true' }), false)).toBe(true);
    expect(optedIn(c({ 'seccompctl.io/record': 'sidecar, app' }), false)).toBe(true);
    expect(optedIn(c({ 'seccompctl.io/record': 'sidecar' }), false)).toBe(false);
    expect(optedIn(c({ 'seccompctl.io/record': 'false' }), false)).toBe(false);
    expect(optedIn(c({}), false)).toBe(false);
    expect(optedIn(c({}), true)).toBe(true);
    expect(optedIn(c({ 'seccompctl.io/record': 'true' }, 'sandbox'), true)).toBe(false);
  });
});

describe('state files and merging', () => {
  const rec = (node: string, pod: string, nrs: number[], loss: string[] = []): RecordingData => ({
    namespace: 'shop', workload: 'web', workloadKind: 'Deployment', workloadBy: 'labels', container: 'app', images: ['nginx:1'], syscalls: { x86_64: nrs }, calls: 10,
    replicas: [{ pod, podUid: pod, node, containerIds: ['x'], syscalls: nrs.length, calls: 10, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:01Z' }],
    replicasDropped: 0, loss, lossCount: loss.length, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:01Z',
  });
  it('merges nodes: syscall union, replicas side by side, loss kept', () => {
    const m = mergeRecordings([rec('n1', 'web-a', [0, 1, 3]), rec('n2', 'web-b', [1, 2], ['lost 3'])]);
    expect(m.syscalls.x86_64).toEqual([0, 1, 2, 3]);
    expect(m.replicas.map((r) => `${r.node}/${r.pod}`)).toEqual(['n1/web-a', 'n2/web-b']);
    expect(m.calls).toBe(20);
    expect(m.loss).toEqual(['lost 3']);
  });
  it('rejects what is not a state file, naming where', () => {
    expect(() => parseStateFile('{', 'a/state.json')).toThrow(/a\/state.json: not JSON/);
    expect(() => parseStateFile('{"version": 2}', 's')).toThrow(/not a seccompctl agent state file/);
    expect(() => parseStateFile('{"version": 1, "recordings": [{"namespace": "a", "workload": "b", "container": "c", "syscalls": {"x86_64": [1, -2]}}]}', 's')).toThrow(/\$\.recordings\[0\]\.syscalls\.x86_64/);
  });
});

describe('record start/stop', () => {
  it('annotates the pod template (CronJob: the job template\'s), and removes the annotations on stop', () => {
    const ref = parseWorkloadRef('deploy/web', 'shop', true);
    expect(recordPatch(ref, true).patch).toEqual({ spec: { template: { metadata: { annotations: { 'seccompctl.io/record': 'true', 'seccompctl.io/workload': 'Deployment/web' } } } } });
    expect(recordPatch(ref, true, ['app', 'sidecar']).patch).toMatchObject({ spec: { template: { metadata: { annotations: { 'seccompctl.io/record': 'app,sidecar' } } } } });
    expect(recordPatch(ref, false).patch).toEqual({ spec: { template: { metadata: { annotations: { 'seccompctl.io/record': null, 'seccompctl.io/workload': null } } } } });
    expect(recordPatch(parseWorkloadRef('cronjob/report', 'x', true), true).patch).toHaveProperty('spec.jobTemplate.spec.template.metadata.annotations');
    expect(recordPatch(ref, true).kubectl.slice(0, 6)).toEqual(['kubectl', 'patch', '-n', 'shop', 'deployment', 'web']);
  });
  it('refuses bad references and non-local listen addresses', () => {
    expect(() => parseWorkloadRef('web', 'shop', true)).toThrow(/name the kind/);
    expect(() => parseWorkloadRef('pod/web', 'shop', true)).toThrow(/unknown workload kind/);
    expect(() => parseWorkloadRef('deployment/Web', 'shop', true)).toThrow(/not a valid workload name/);
    expect(() => parseListen('0.0.0.0:9808')).toThrow(/local only/);
    expect(parseListen('127.0.0.1:9808')).toEqual({ host: '127.0.0.1', port: 9808 });
    expect(parseListen('unix:/run/a.sock')).toEqual({ socket: '/run/a.sock' });
  });
});
