// The node agent for real: runc containers laid out as containerd's CRI plugin and CRI-O lay them out, recorded by
// the agent's eBPF program (cgroup v2 ids, and a v1 controller's ids on this hybrid host), attributed from the
// bundles' config.json alone.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { verifyProfile } from '../../src/verify/index.js';
import { cli } from '../helpers/cli.js';
import { haveRoot, haveSystem } from '../helpers/system.js';
import { drive, freePort, SERVERS, serverDir, waitPort } from '../verify/servers.js';
import { getSock, markerArgs, names, startAgent, until } from './helpers.js';
import { fakeNode, startPodContainer, type FakeNode, type PodContainer } from './node.js';

const live = haveSystem('runc', 'bpftrace', 'nginx', 'redis-server', '/usr/bin/python3', 'setpriv') && haveRoot();

describe.skipIf(!live)('agent (eBPF) on containerd and CRI-O layouts', () => {
  let node: FakeNode;
  beforeAll(() => { node = fakeNode(); });
  afterAll(() => node?.cleanup());

  it('two concurrently recorded pods: each container\'s syscalls land in its own recording, nothing leaks; not-opted-in pods and v1 ids too', async () => {
    for (const version of [2, 1] as const) {
      const a = await startAgent(node, { cgroupVersion: version, source: 'ebpf' }, `state-v${version}`);
      const dir = join(node.dir, `markers-v${version}`);
      mkdirSync(dir, { recursive: true });
      const mounts = [{ source: dir, destination: dir, readonly: false }];
      const common = { args: [], mounts, annotations: { 'seccompctl.io/record': 'true' } };
      const pods: PodContainer[] = [
        // containerd, systemd cgroup driver; a Deployment's pod name
        startPodContainer(node, { ...common, runtime: 'containerd', driver: 'systemd', namespace: 'team-a', pod: 'alpha-5c8d7f9b6d-x2k9p', container: 'main', args: markerArgs(dir, ['getsid', 'getpriority']) }),
        // CRI-O, cgroupfs driver; a StatefulSet's pod with its labels in the sandbox config
        startPodContainer(node, { ...common, runtime: 'crio', driver: 'cgroupfs', namespace: 'team-b', pod: 'beta-0', container: 'main', labels: { 'controller-revision-hash': 'beta-6d8f', 'statefulset.kubernetes.io/pod-name': 'beta-0' }, args: markerArgs(dir, ['getpgid', 'getitimer']) }),
        // not annotated: never recorded
        startPodContainer(node, { ...common, annotations: {}, runtime: 'containerd', driver: 'cgroupfs', namespace: 'team-c', pod: 'gamma', container: 'main', args: markerArgs(dir, ['times']) }),
      ];
      try {
        await until(() => names(a.agent.store.get('team-a/alpha/main')).has('getpriority') && names(a.agent.store.get('team-b/beta/main')).has('getitimer'), 'both markers');
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        writeFileSync(join(dir, 'stop'), '');
        await Promise.all(pods.map((p) => p.running.done));
        await a.stop();
      }
      const alpha = a.agent.store.get('team-a/alpha/main')!;
      const beta = a.agent.store.get('team-b/beta/main')!;
      expect(a.agent.store.list().map((r) => `${r.namespace}/${r.workload}/${r.container}`)).toEqual(['team-a/alpha/main', 'team-b/beta/main']);
      expect([alpha.workloadKind, beta.workloadKind]).toEqual(['Deployment', 'StatefulSet']);
      expect(names(alpha)).toContain('getsid');
      expect(names(alpha)).not.toContain('getpgid');
      expect(names(alpha)).not.toContain('getitimer');
      expect(names(beta)).toContain('getpgid');
      expect(names(beta)).not.toContain('getsid');
      expect(names(beta)).not.toContain('getpriority');
      for (const r of [alpha, beta]) {
        expect(names(r)).not.toContain('times');
        // runc's set-up before the payload's exec is not the workload's
        expect(names(r)).not.toContain('pivot_root');
        expect(names(r)).not.toContain('sethostname');
      }
      expect(alpha.replicas.map((x) => [x.pod, x.podUid, x.containerIds])).toEqual([['alpha-5c8d7f9b6d-x2k9p', pods[0]!.podUid, [pods[0]!.id]]]);
      expect(beta.replicas.map((x) => [x.pod, x.podUid, x.containerIds])).toEqual([['beta-0', pods[1]!.podUid, [pods[1]!.id]]]);
      expect(alpha.calls).toBeGreaterThan(0);
      expect(a.agent.metrics.drops.unattributed).toBe(0);
    }
  }, 120_000);

  it('nginx with two replicas and redis, recorded under traffic: replicas merge, the endpoint answers meanwhile, the profile validates and passes verify with the same traffic', async () => {
    const a = await startAgent(node, { source: 'ebpf' }, 'state-servers');
    const nginx = SERVERS.find((s) => s.name === 'nginx')!;
    const redis = SERVERS.find((s) => s.name === 'redis')!;
    const wd = serverDir('agent-nginx');
    onTestFinished(() => wd.cleanup()); // also when an expectation below fails
    nginx.setup(wd.dir);
    const mounts = [{ source: wd.dir, destination: wd.dir, readonly: false }];
    const ann = { 'seccompctl.io/record': 'true' };
    const ports = [await freePort(), await freePort(), await freePort()];
    const pods = [
      startPodContainer(node, { runtime: 'containerd', driver: 'systemd', namespace: 'shop', pod: 'web-7d4b9c8f6d-x2k9p', container: 'nginx', args: nginx.argv(ports[0]!, wd.dir), mounts, annotations: ann }),
      startPodContainer(node, { runtime: 'containerd', driver: 'cgroupfs', namespace: 'shop', pod: 'web-7d4b9c8f6d-fghjk', container: 'nginx', args: nginx.argv(ports[1]!, wd.dir), mounts, annotations: ann }),
      startPodContainer(node, { runtime: 'crio', driver: 'systemd', namespace: 'cache', pod: 'redis-0', container: 'redis', labels: { 'controller-revision-hash': 'redis-5b9', 'statefulset.kubernetes.io/pod-name': 'redis-0' }, args: redis.argv(ports[2]!, wd.dir), mounts, annotations: ann }),
    ];
    let during: { health: unknown; list: unknown; one: { status: number; body: string }; metrics: string } | undefined;
    try {
      await Promise.all(pods.map((p, i) => waitPort(ports[i]!, p.running.done)));
      await nginx.traffic(ports[0]!);
      await nginx.traffic(ports[1]!);
      await redis.traffic(ports[2]!);
      // call counts arrive once a second
      await until(() => a.agent.store.get('shop/web/nginx')?.replicas.length === 2 && a.agent.metrics.events > 0, 'two nginx replicas and a call count');
      const sock = join(a.stateDir, 'agent.sock');
      during = {
        health: JSON.parse((await getSock(sock, '/healthz')).body),
        list: JSON.parse((await getSock(sock, '/recordings')).body),
        one: await getSock(sock, '/recordings/shop/web/nginx'),
        metrics: (await getSock(sock, '/metrics')).body,
      };
    } finally {
      for (const p of pods) p.running.stop();
      await Promise.all(pods.map((p) => p.running.done));
      await a.stop();
    }
    // The endpoint, while recording
    expect(during!.health).toMatchObject({ ok: true, source: 'ebpf', recordingContainers: 3 });
    expect((during!.list as { workload: string; replicas: number }[]).map((r) => [r.workload, r.replicas])).toEqual([['redis', 1], ['web', 2]]);
    expect(during!.one.status).toBe(200);
    expect(JSON.parse(during!.one.body)).toMatchObject({ localhostProfile: 'seccompctl/shop_web_nginx.json', profile: { defaultAction: 'SCMP_ACT_ERRNO' } });
    expect(during!.metrics).toMatch(/^seccompctl_agent_containers\{state="recording"\} 3$/m);
    expect(during!.metrics).toMatch(/^seccompctl_agent_events_total [1-9]\d*$/m);
    expect(during!.metrics).toMatch(/^seccompctl_agent_drops_total\{reason="perf"\} 0$/m);
    // Attribution
    const web = a.agent.store.get('shop/web/nginx')!;
    expect(web.replicas.map((r) => r.pod).sort()).toEqual(['web-7d4b9c8f6d-fghjk', 'web-7d4b9c8f6d-x2k9p']);
    expect(web.replicas.every((r) => r.syscalls > 0 && r.calls > 0)).toBe(true);
    for (const n of ['accept4', 'epoll_wait', 'recvfrom', 'setuid', 'writev']) expect(names(web)).toContain(n);
    const rd = a.agent.store.get('cache/redis/redis')!;
    for (const n of ['accept4', 'epoll_wait', 'read', 'write']) expect(names(rd)).toContain(n);
    // The profile on disk validates with seccompctl's own validate, and passes verify under the same traffic.
    const file = join(a.stateDir, 'profiles/shop/web/nginx.json');
    const v = await cli(['validate', file, '--runtime', 'containerd']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const port = await freePort();
    const { result, traffic } = await drive(nginx, port, (signal) => verifyProfile({
      argv: nginx.argv(port, wd.dir), profileText: readFileSync(file, 'utf8'),
      noNewPrivileges: false, method: 'ebpf', signal, stopSignal: nginx.stopSignal, killGraceMs: 5000, mounts,
    }));
    expect(traffic).not.toBeInstanceOf(Error);
    expect(result.denials).toEqual([]);
    expect(result.runtimeFailure).toBeUndefined();
    expect(result.commandSucceeded).toBe(true);
  }, 180_000);
});
