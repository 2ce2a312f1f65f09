// Memory stays bounded on a busy node: 2 300 containers (the kernel side replaced by the events the probe would
// print, fed in directly), attributed from CRI-O config.json files on disk. Recordings stay per (namespace,
// workload, container); replicas beyond 256 are counted, not listed; tracked containers never exceed the limit,
// removed ones are forgotten first.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent, type ProbeEvent } from '../../src/agent/index.js';
import { fakeNode, hex64 } from './node.js';

const node = fakeNode();
afterAll(() => node.cleanup());

function crioContainer(workload: string, replica: number): { id: string; uid: string } {
  const id = hex64();
  const uid = `00000000-0000-4000-8000-${String(replica).padStart(12, '0')}`;
  const safe = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let n = replica, i = 0; i < 5; i++, n = Math.floor(n / safe.length)) suffix += safe[n % safe.length];
  const pod = `${workload}-7c9f8d6b5-${suffix}`;
  const dir = join(node.paths.crioRoots[0]!, 'overlay-containers', id, 'userdata');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ annotations: {
    'io.kubernetes.cri-o.ContainerType': 'container', 'io.kubernetes.pod.name': pod, 'io.kubernetes.pod.namespace': 'load',
    'io.kubernetes.pod.uid': uid, 'io.kubernetes.container.name': 'main', 'io.kubernetes.cri-o.Annotations': '{"seccompctl.io/record":"true"}',
  } }));
  return { id, uid };
}

describe('bounds', () => {
  it('2 300 containers, 1 002 at once: 10 recordings, replicas capped at 256 per recording, tracked containers capped, the state small', () => {
    const agent = new Agent({ stateDir: join(node.dir, 'bounds'), runtimePaths: node.paths, maxContainers: 1200, node: 'n' });
    const feed = (ev: ProbeEvent): void => (agent as unknown as { onProbe(e: ProbeEvent): void }).onProbe(ev);
    let cg = 100_000;
    const start = (workload: string, replica: number): number => {
      const c = crioContainer(workload, replica);
      const id = ++cg;
      feed({ kind: 'exec', cgroup: id, pid: 1, names: [`crio-${c.id}.scope`, `kubepods-besteffort-pod${c.uid.replace(/-/g, '_')}.slice`, 'kubepods-besteffort.slice'] });
      for (let nr = 0; nr < 100; nr++) feed({ kind: 'syscall', cgroup: id, nr, compat: false });
      feed({ kind: 'calls', cgroup: id, total: 1000 });
      return id;
    };
    // 1 002 live containers: w0 has 300 replicas, w1..w9 78 each (702)
    const ids: number[] = [];
    for (let r = 0; r < 300; r++) ids.push(start('w0', r));
    for (let w = 1; w <= 9; w++) for (let r = 0; r < 78; r++) ids.push(start(`w${w}`, r));
    expect(agent.health()).toMatchObject({ containers: 1002, recordingContainers: 1002 });
    const recs = agent.store.list();
    expect(recs.map((r) => r.workload)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'w9']);
    expect(recs[0]!.replicas).toHaveLength(256);
    expect(recs[0]!.replicasDropped).toBe(44);
    expect(recs[0]!.calls).toBe(300_000);
    expect(recs.every((r) => r.syscalls.x86_64!.length === 100)).toBe(true);
    // All of them exit; 300 new ones start: the removed are forgotten to make room, nothing dropped.
    for (const id of ids) feed({ kind: 'rmdir', cgroup: id });
    for (let r = 0; r < 300; r++) start('late', r);
    expect(agent.metrics.drops.capacity).toBe(0);
    expect(agent.health().containers).toBe(300);
    // 1 000 more live ones: beyond 1 200 tracked, the excess is counted as dropped, never stored.
    for (let r = 0; r < 1000; r++) start('flood', r);
    expect(agent.health().containers).toBe(1200);
    expect(agent.metrics.drops.capacity).toBeGreaterThan(0);
    // The whole state of this node stays small.
    expect(JSON.stringify(agent.store.list()).length).toBeLessThan(1_000_000);
  });
});
