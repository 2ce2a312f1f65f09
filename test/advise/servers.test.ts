// The real servers the suite runs (nginx, redis, python's http.server) under each runtime's exact RuntimeDefault in
// runc, with real requests: every request succeeds and nothing is denied beyond RuntimeDefault's deliberate clone3
// ENOSYS (glibc falls back to clone); and `advise`, given a strace recording of the same server with the same
// requests, says RuntimeDefault is safe for each runtime.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProfileRef } from '../../src/generate/index.js';
import { verifyProfile } from '../../src/verify/index.js';
import { cli } from '../helpers/cli.js';
import { haveRoot, haveSystem } from '../helpers/system.js';
import { drive, freePort, SERVERS, serverDir, waitPort, type ServerDef } from '../verify/servers.js';

const live = haveSystem('runc', 'bpftrace', 'strace', 'nginx', 'redis-server', '/usr/bin/python3') && haveRoot();
const RUNTIMES = ['containerd', 'cri-o', 'docker'] as const;

/** Runs the server under `strace -f` on the host with the traffic, stops it with its stop signal; returns the log path. */
async function straceServer(def: ServerDef, dir: string): Promise<{ log: string; traffic: string[] | Error }> {
  const port = await freePort();
  const log = join(dir, `${def.name}.strace`);
  const child = spawn('strace', ['-f', '-qq', '-o', log, '--', ...def.argv(port, dir)], { stdio: 'ignore' });
  const gone = new Promise<void>((res) => child.on('exit', () => res()));
  let traffic: string[] | Error;
  try {
    await waitPort(port, gone);
    traffic = await def.traffic(port);
  } catch (e) {
    traffic = e as Error;
  }
  // Signal the traced server itself (strace would detach on a signal of its own and leave the server running).
  const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  for (const k of kids) process.kill(k, def.stopSignal);
  await gone;
  return { log, traffic };
}

describe.skipIf(!live).concurrent('real servers under RuntimeDefault', () => {
  it.each(SERVERS.map((s) => [s.name, s] as const))('%s: verified under each runtime\'s RuntimeDefault with traffic; advise says it is safe', async (_n, def) => {
    const { dir, cleanup } = serverDir(`rd-${def.name}`);
    try {
      def.setup(dir);
      const { log, traffic: recTraffic } = await straceServer(def, dir);
      expect(recTraffic, `${def.name}: requests while recording`).not.toBeInstanceOf(Error);
      const a = await cli(['advise', log, '--json']);
      const advice = JSON.parse(a.stdout) as { kind: string; runtimes: { runtime: string; verdict: string; findings: { name: string; outcome: string }[] }[] };
      expect(advice.kind).toBe('recording');
      for (const r of advice.runtimes) {
        expect(r.verdict, `${def.name}/${r.runtime}: ${JSON.stringify(r.findings)}`).toBe('safe');
        // Only clone3 may be listed, as the ENOSYS fallback RuntimeDefault answers on purpose.
        expect(r.findings.filter((f) => !(f.outcome === 'fallback' && f.name === 'clone3')), def.name).toEqual([]);
      }
      expect(a.code, a.stderr).toBe(0);

      for (const rt of RUNTIMES) {
        const ref = await readProfileRef(`runtime-default:${rt}`);
        const port = await freePort();
        const { result: v, traffic } = await drive(def, port, (signal) => verifyProfile({
          argv: def.argv(port, dir), profileText: ref.text, profileFile: ref.label, method: 'ebpf', signal,
          stopSignal: def.stopSignal, killGraceMs: 5000, mounts: [{ source: dir, destination: dir, readonly: false }],
        }));
        const what = `${def.name} under runtime-default:${rt}`;
        expect(traffic, `${what}: requests`).not.toBeInstanceOf(Error);
        expect(v.runtimeFailure, what).toBeUndefined();
        expect(v.commandSucceeded, what).toBe(true);
        // What `seccompctl verify runtime-default:RT` counts: every denial except the profile's own ENOSYS answers,
        // which verifyProfile lists apart (deliberateEnosys).
        expect(v.denials, what).toEqual([]);
        expect(v.deliberateEnosys.every((d) => d.name === 'clone3' && d.errno === 38), what).toBe(true);
        // The threaded servers did call clone3 and got ENOSYS (seen by the kernel probe), as advise listed.
        const advised = advice.runtimes.find((r) => r.runtime === rt)!.findings.some((f) => f.name === 'clone3');
        expect(v.deliberateEnosys.length > 0, `${what}: clone3 seen by verify ⇔ listed by advise`).toBe(advised);
      }
    } finally {
      cleanup();
    }
  }, 240_000);
});
