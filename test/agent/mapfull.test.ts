// The agent's eBPF maps filling up (src/agent/probe.ts): a refused insert is counted in the kernel and reported
// through the agent's loss path (drops_total{reason="map"}, the live recordings' loss, a loss window when containers
// may not be recorded at all), never dropped in silence. Tiny maps (`mapKeys`) filled by real containers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRoot, haveSystem } from '../helpers/system.js';
import { markerArgs, names, startAgent, until } from './helpers.js';
import { fakeNode, startPodContainer, type FakeNode } from './node.js';

const live = haveSystem('runc', 'bpftrace', '/usr/bin/python3', 'setpriv') && haveRoot();
const ann = { 'seccompctl.io/record': 'true' };

describe.skipIf(!live)('agent (eBPF): full kernel maps are reported', () => {
  let node: FakeNode;
  beforeAll(() => { node = fakeNode(); });
  afterAll(() => node?.cleanup());

  it('a full seen-set: counted in drops_total{reason="map"}, noted on the recording, the probe renewed; with the default size, nothing', async () => {
    // 20 keys: python's start-up in one container makes about 33 distinct syscalls within a few ms, long before the
    // renewal at 15 first sightings can happen.
    for (const mapKeys of [20, undefined]) {
      const a = await startAgent(node, { source: 'ebpf', ...(mapKeys ? { mapKeys } : {}) }, `seen-${mapKeys ?? 'default'}`);
      const dir = join(node.dir, `seen-${mapKeys ?? 'default'}`);
      mkdirSync(dir, { recursive: true });
      const pod = startPodContainer(node, {
        runtime: 'containerd', driver: 'systemd', namespace: 'maps', pod: `seen-${mapKeys ?? 'default'}`, container: 'main', annotations: ann,
        mounts: [{ source: dir, destination: dir, readonly: false }], args: markerArgs(dir, ['getsid']),
      });
      const key = `maps/seen-${mapKeys ?? 'default'}/main`;
      try {
        await until(() => names(a.agent.store.get(key)).has('getsid'), 'the container recorded');
        if (mapKeys) {
          await until(() => a.agent.metrics.drops.map! > 0 && a.agent.metrics.rotations > 0, 'the full map reported and the probe renewed', 15_000);
          const r = a.agent.store.get(key)!;
          expect(r.loss.join('\n')).toMatch(/^eBPF map @s \(seen-set\) full \(20 keys\): \d+ insert\(s\) refused by \S+; first sightings not kept in the kernel map, so a syscall line dropped on the way cannot be re-read from it; the probe is renewed$/m);
          expect(r.lossCount).toBeGreaterThan(0);
          expect(a.agent.metricsText()).toMatch(new RegExp(`^seccompctl_agent_drops_total\\{reason="map"\\} ${a.agent.metrics.drops.map}$`, 'm'));
          // The refused first sightings were still printed: the recording has what the container called.
          for (const n of ['execve', 'openat', 'read', 'getsid']) expect(names(r)).toContain(n);
        } else {
          await new Promise((res) => setTimeout(res, 1500)); // a report would have come within a second
          expect(a.agent.metrics.drops.map).toBe(0);
          expect(a.agent.store.get(key)!.loss).toEqual([]);
          expect(a.agent.metricsText()).toMatch(/^seccompctl_agent_drops_total\{reason="map"\} 0$/m);
        }
      } finally {
        writeFileSync(join(dir, 'stop'), '');
        await pod.running.done;
        await a.stop();
      }
    }
  }, 120_000);

  it('a full watched-cgroup map: containers started meanwhile may be unrecorded, reported as a loss window and in drops_total{reason="map"}', async () => {
    // 4 keys: the cgroupfs layout makes 4 cgroups under the prefix for the first container (prefix, QoS class, pod,
    // container); the next containers' cgroups are refused.
    const a = await startAgent(node, { source: 'ebpf', mapKeys: 4 }, 'watched-state');
    try {
      const pods = [0, 1, 2].map((i) => startPodContainer(node, {
        runtime: 'containerd', driver: 'cgroupfs', namespace: 'maps', pod: `watched-${i}`, container: 'main', annotations: ann,
        args: ['/bin/sh', '-c', 'read x < /etc/hostname; sleep 0.5'],
      }));
      const results = await Promise.all(pods.map((p) => p.running.done));
      expect(results.filter((r) => r.exitCode !== 0).map((r) => r.stderr)).toEqual([]);
      await until(() => a.agent.lossWindows.some((w) => w.reason.startsWith('@w (watched cgroups) map full')), 'the loss window', 15_000);
      const w = a.agent.lossWindows.find((x) => x.reason.startsWith('@w (watched cgroups) map full'))!;
      expect(w.reason).toMatch(/^@w \(watched cgroups\) map full \(4 keys, \d+ insert\(s\) refused\): container cgroups created meanwhile are not watched and their containers not recorded$/);
      expect(Date.parse(w.from)).toBeLessThanOrEqual(Date.parse(w.to));
      expect(a.agent.metrics.drops.map).toBeGreaterThan(0);
      expect((a.agent.health().lossWindows as unknown[]).length).toBe(a.agent.lossWindows.length);
    } finally {
      await a.stop();
    }
  }, 120_000);
});
