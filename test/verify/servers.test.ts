// The whole path on real servers: record nginx, redis and python's http.server with every backend while real
// requests run, generate profiles, then verify each profile in runc under enforcement (no-new-privileges on and off)
// with the same requests: every request succeeds and nothing is denied.
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { syscallNames } from '../../src/ingest/index.js';
import { printProfile, type Profile } from '../../src/profile/index.js';
import { recordWorkload, type RecordBackend, type RecordResult } from '../../src/record/index.js';
import { verifyProfile, type VerifyMethod, type VerifyResult } from '../../src/verify/index.js';
import { haveRoot, haveSystem } from '../helpers/system.js';
import { drive, freePort, SERVERS, serverDir, type ServerDef } from './servers.js';

const live = haveSystem('runc', 'bpftrace', 'strace', 'nginx', 'redis-server', '/usr/bin/python3') && haveRoot();

/** Profiles generated per server and backend, shared with the probe and removal tests in this file. */
export const recorded = new Map<string, { result: RecordResult; nnp: Profile; noNnp: Profile }>();

const BACKENDS: { backend: RecordBackend; container: boolean }[] = [
  { backend: 'ebpf', container: false },
  { backend: 'strace', container: false },
  { backend: 'audit', container: true },
];

/** What each server must have done for its requests (checked by hand against strace -f of the same server). */
const KEY_SYSCALLS: Record<string, string[]> = {
  nginx: ['accept4', 'epoll_wait', 'recvfrom', 'setuid', 'writev'],
  redis: ['accept4', 'epoll_wait', 'read', 'write'],
  'python-http': ['accept4', 'clone3', 'sendto', 'recvfrom'],
};

// Kernel-log readers (audit recording, complain verification) run one at a time: three servers flooding
// /dev/kmsg at once on a loaded 2-core machine can overwrite the ring before a reader drains it, which is loss
// the tool reports correctly but which this test is not about.
// On a machine kept busy (CI runs the suite once under a CPU hog) a reader can still fall behind: the tool detects
// that loss and reports it (no profile is written from a lossy recording); the test then runs the same case again,
// at most three times in all, and asserts on a complete run.
let kmsgTurn: Promise<unknown> = Promise.resolve();
function oneKmsgReaderAtATime<T>(f: () => Promise<T>, lost: (t: T) => boolean): Promise<T> {
  const attempts = async (): Promise<T> => {
    let t = await f();
    for (let i = 1; i < 3 && lost(t); i++) t = await f();
    return t;
  };
  const run = kmsgTurn.then(attempts, attempts);
  kmsgTurn = run.catch(() => undefined);
  return run;
}

async function recordServer(def: ServerDef, dir: string, b: (typeof BACKENDS)[number]): Promise<{ r: RecordResult; traffic: string[] | Error }> {
  const port = await freePort();
  const { result, traffic } = await drive(def, port, (signal) => recordWorkload({
    argv: def.argv(port, dir), backend: b.backend, container: b.container, signal, stopSignal: def.stopSignal,
    killGraceMs: 5000, mounts: [{ source: dir, destination: dir, readonly: false }],
  }));
  return { r: result, traffic };
}

async function verifyServer(def: ServerDef, dir: string, profile: Profile, nnp: boolean, method: VerifyMethod): Promise<{ v: VerifyResult; traffic: string[] | Error }> {
  const port = await freePort();
  const { result, traffic } = await drive(def, port, (signal) => verifyProfile({
    argv: def.argv(port, dir), profileText: printProfile(profile), noNewPrivileges: nnp, method, signal,
    stopSignal: def.stopSignal, killGraceMs: 5000, mounts: [{ source: dir, destination: dir, readonly: false }],
  }));
  return { v: result, traffic };
}

describe.skipIf(!live).concurrent('record → verify on real servers', () => {
  it.each(SERVERS.map((s) => [s.name, s] as const))('%s: recorded with ebpf, strace and audit; each profile verified in runc, NNP on and off', async (_name, def) => {
    const { dir, cleanup } = serverDir(def.name);
    try {
      def.setup(dir);
      for (const b of BACKENDS) {
        const { r, traffic } = b.backend === 'audit'
          ? await oneKmsgReaderAtATime(() => recordServer(def, dir, b), ({ r }) => r.ingest.loss.some((l) => l.certain))
          : await recordServer(def, dir, b);
        expect(traffic, `${def.name}/${b.backend}: requests while recording`).not.toBeInstanceOf(Error);
        expect(r.stopped, r.stderr).toBe(true);
        expect(r.backend).toBe(b.backend);
        expect(r.ingest.loss, `${def.name}/${b.backend}: kernel log loss`).toEqual([]);
        const names = syscallNames(r.ingest, 'x86_64');
        for (const k of KEY_SYSCALLS[def.name]!) {
          // epoll_wait may be epoll_pwait depending on the build: accept either
          const alt = k === 'epoll_wait' ? ['epoll_wait', 'epoll_pwait'] : [k];
          expect(alt.some((a) => names.includes(a)), `${def.name}/${b.backend} recorded ${k}: ${names.join(' ')}`).toBe(true);
        }
        recorded.set(`${def.name}/${b.backend}`, {
          result: r,
          nnp: generate(r.ingest, { runtime: 'runc', noNewPrivileges: true }).profile,
          noNnp: generate(r.ingest, { runtime: 'runc', noNewPrivileges: false }).profile,
        });
      }
      for (const b of BACKENDS) {
        const rec = recorded.get(`${def.name}/${b.backend}`)!;
        for (const nnp of [true, false]) {
          const { v, traffic } = await verifyServer(def, dir, nnp ? rec.nnp : rec.noNnp, nnp, 'ebpf');
          const what = `${def.name}/${b.backend}/nnp=${nnp}`;
          expect(v.runtimeFailure, `${what}: ${v.stderr}`).toBeUndefined();
          expect(v.denials, what).toEqual([]);
          expect(traffic, `${what}: requests under enforcement`).not.toBeInstanceOf(Error);
          expect(v.commandSucceeded, `${what}: ${v.stderr}`).toBe(true);
          expect(v.passed, what).toBe(true);
        }
      }
      // The complain pass agrees: nothing would be denied (eBPF-recorded profile, NNP off: the Kubernetes default).
      const { v, traffic } = await oneKmsgReaderAtATime(() => verifyServer(def, dir, recorded.get(`${def.name}/ebpf`)!.noNnp, false, 'complain'), ({ v }) => v.loss.length > 0);
      expect(traffic).not.toBeInstanceOf(Error);
      expect(v.denials).toEqual([]);
      expect(v.passed, v.stderr).toBe(true);
    } finally {
      cleanup();
    }
  }, 240_000);
});
