// Agent state directories as a node's agent leaves them (state.json), for record pull's tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentStateFile, RecordingData } from '../../src/agent/index.js';
import { syscallNumber } from '../../src/syscalls/index.js';

/** shop/web (Deployment) container app, one replica `pod` on `node`, having made `calls` (x86_64), with `loss`. */
export function webRecording(node: string, pod: string, calls: readonly string[], loss: string[] = []): RecordingData {
  return {
    namespace: 'shop', workload: 'web', workloadKind: 'Deployment', workloadBy: 'labels', container: 'app', images: ['nginx:1'],
    syscalls: { x86_64: calls.map((n) => syscallNumber('x86_64', n)!).sort((a, b) => a - b) }, calls: 100,
    replicas: [{ pod, podUid: `${pod}-uid`, node, containerIds: ['c'], syscalls: calls.length, calls: 100, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:01:00Z' }],
    replicasDropped: 0, loss, lossCount: loss.length, firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:01:00Z',
  };
}

/** `<root>/<node>/state.json` holding these recordings; returns the directory. */
export function writeStateDir(root: string, node: string, recs: RecordingData[]): string {
  const d = join(root, node);
  mkdirSync(d, { recursive: true });
  const st: AgentStateFile = { version: 1, node, source: 'ebpf', startedAt: '2026-01-01T00:00:00Z', lastFlush: '2026-01-01T00:01:00Z', flushIntervalMs: 5000, lossWindows: [], recordings: recs };
  writeFileSync(join(d, 'state.json'), JSON.stringify(st));
  return d;
}
