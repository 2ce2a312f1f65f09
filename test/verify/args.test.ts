// Argument rules on real servers (issue 13): nginx, redis and python's http.server recorded with --args by the eBPF
// and strace backends while real requests run; the profiles with argument rules verified in runc under enforcement,
// no-new-privileges on and off, with the same requests (nothing denied but the profile's deliberate ENOSYS answers);
// then a probe in a container under those profiles gets EPERM for the dangerous values the workload never used and
// succeeds with the values it did use — with a control run (no filter, the capabilities these calls check) in which
// none of the dangerous calls is EPERM.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitDeliberateEnosys } from '../../src/advise/index.js';
import { generateWithArgs, type ArgRecording, type GenerateArgsResult } from '../../src/generate/index.js';
import { printProfile, validateProfile, type Profile } from '../../src/profile/index.js';
import { recordWorkload, type RecordBackend, type RecordResult } from '../../src/record/index.js';
import { createHostBundle, DEFAULT_CAPABILITIES, runContainer } from '../../src/runtime/index.js';
import { verifyProfile, type VerifyResult } from '../../src/verify/index.js';
import { haveRoot, haveSystem } from '../helpers/system.js';
import { drive, freePort, SERVERS, serverDir, type ServerDef } from './servers.js';

const live = haveSystem('runc', 'bpftrace', 'strace', 'nginx', 'redis-server', '/usr/bin/python3', 'cc') && haveRoot();
const PROBE_SRC = fileURLToPath(new URL('../fixtures/args/probe.c', import.meta.url));
const BACKENDS: RecordBackend[] = ['ebpf', 'strace'];
const EPERM = 1;

/** What the static probe itself needs to start, print and exit (none of them is a curated syscall). */
const PROBE_BASE = ['arch_prctl', 'brk', 'close', 'execve', 'exit', 'exit_group', 'getrandom', 'newfstatat', 'prlimit64',
  'readlink', 'rseq', 'set_robust_list', 'set_tid_address', 'write', 'wait4', 'fstat'];

async function recordServer(def: ServerDef, dir: string, backend: RecordBackend): Promise<{ r: RecordResult; traffic: string[] | Error }> {
  const port = await freePort();
  const { result, traffic } = await drive(def, port, (signal) => recordWorkload({
    argv: def.argv(port, dir), backend, container: false, args: true, signal, stopSignal: def.stopSignal, killGraceMs: 5000,
  }));
  return { r: result, traffic };
}

async function verifyServer(def: ServerDef, dir: string, profile: Profile, nnp: boolean): Promise<{ v: VerifyResult; traffic: string[] | Error }> {
  const port = await freePort();
  const { result, traffic } = await drive(def, port, (signal) => verifyProfile({
    argv: def.argv(port, dir), profileText: printProfile(profile), noNewPrivileges: nnp, method: 'ebpf', signal,
    stopSignal: def.stopSignal, killGraceMs: 5000, mounts: [{ source: dir, destination: dir, readonly: false }],
  }));
  return { v: result, traffic };
}

/** Recorded tuples of one syscall (values in the curated arguments' order). */
function used(rec: ArgRecording, name: string): bigint[][] {
  return [...(rec.syscalls.get(name)?.tuples.values() ?? [])].map((t) => [...t]);
}

interface ProbeLine { ret: number; errno: number }

function parseProbe(out: string): Map<string, ProbeLine> {
  const m = new Map<string, ProbeLine>();
  for (const l of out.trim().split('\n')) {
    const [spec, ret, errno] = l.split(' ');
    if (spec !== undefined) m.set(spec, { ret: Number(ret), errno: Number(errno) });
  }
  return m;
}

describe.skipIf(!live)('argument rules on real servers (record --args → verify → probe)', () => {
  let probeDir = '';
  beforeAll(() => {
    probeDir = mkdtempSync(join(tmpdir(), 'seccompctl-args-probe-'));
    execFileSync('cc', ['-static', '-O1', '-o', join(probeDir, 'probe'), PROBE_SRC]);
  });
  afterAll(() => { if (probeDir) rmSync(probeDir, { recursive: true, force: true }); });

  async function runProbe(calls: string[], seccomp: Profile | undefined, nnp: boolean): Promise<Map<string, ProbeLine>> {
    const bundle = createHostBundle({
      args: ['/probe/probe', ...calls],
      ...(seccomp ? { seccomp: printProfile(seccomp) } : {}),
      noNewPrivileges: nnp,
      mounts: [{ source: probeDir, destination: '/probe' }],
      ...(seccomp ? {} : { capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN'] }),
    });
    try {
      const res = await runContainer(bundle.dir, { timeoutMs: 30_000 });
      if (res.exitCode !== 0) throw new Error(`probe failed (exit ${res.exitCode}, signal ${res.signal}): ${res.stderr}`);
      return parseProbe(res.stdout);
    } finally {
      bundle.cleanup();
    }
  }

  it.each(SERVERS.map((s) => [s.name, s] as const))('%s: --args profiles (ebpf, strace) pass verify with NNP on and off; a probe is denied exactly the unused dangerous values', async (_name, def) => {
    const { dir, cleanup } = serverDir(`args-${def.name}`);
    try {
      def.setup(dir);
      const made: { backend: RecordBackend; rec: ArgRecording; g: Record<'nnp' | 'noNnp', GenerateArgsResult> }[] = [];
      for (const backend of BACKENDS) {
        const { r, traffic } = await recordServer(def, dir, backend);
        expect(traffic, `${def.name}/${backend}: requests while recording`).not.toBeInstanceOf(Error);
        expect(r.stopped, r.stderr).toBe(true);
        expect(r.args, `${def.name}/${backend}: argument values`).toBeDefined();
        const rec = r.args!;
        // Every server opened its listening socket: AF_INET, SOCK_STREAM (with or without flags).
        expect(used(rec, 'socket').some(([d, t]) => d === 2n && (t! & 0xfn) === 1n), `${def.name}/${backend} socket values`).toBe(true);
        const g = {
          nnp: generateWithArgs(r.ingest, rec, { runtime: 'runc', noNewPrivileges: true }),
          noNnp: generateWithArgs(r.ingest, rec, { runtime: 'runc', noNewPrivileges: false }),
        };
        for (const x of Object.values(g)) {
          expect(x.args.restricted.map((s) => s.syscall), `${def.name}/${backend}`).toContain('socket');
          const closed = x.args.closed.map((c) => c.call);
          expect(closed).toContain('socket(domain=AF_PACKET, type=SOCK_RAW)');
          // clone is allowed (runc's base set has it or the server forks/threads), so its namespace flags get closed.
          if (x.nameOnlyProfile.syscalls?.some((r) => r.names.includes('clone') && r.action === 'SCMP_ACT_ALLOW')) {
            expect(closed).toContain('clone(flags=CLONE_NEWUSER)');
          }
          // Never two conditions on one index in a rule, never a filter flag (Debian's runc 1.1.5 rejects flags);
          // every runtime (runc, crun, containerd, CRI-O, Docker) reads the profile without a warning or error.
          expect(x.profile.flags ?? []).toEqual([]);
          expect(validateProfile(x.profile).filter((d) => d.severity !== 'info'), `${def.name}/${backend} validate`).toEqual([]);
          for (const rule of x.profile.syscalls ?? []) {
            const idx = (rule.args ?? []).map((a) => a.index);
            expect(new Set(idx).size, JSON.stringify(rule.names)).toBe(idx.length);
          }
        }
        made.push({ backend, rec, g });
      }
      for (const { backend, g } of made) {
        for (const nnp of [true, false]) {
          const profile = g[nnp ? 'nnp' : 'noNnp'].profile;
          const { v, traffic } = await verifyServer(def, dir, profile, nnp);
          const what = `${def.name}/${backend}/args/nnp=${nnp}`;
          expect(v.runtimeFailure, `${what}: ${v.stderr}`).toBeUndefined();
          const split = splitDeliberateEnosys(profile, v.denials);
          expect(split.other, what).toEqual([]);
          expect(traffic, `${what}: requests under enforcement`).not.toBeInstanceOf(Error);
          expect(v.commandSucceeded, `${what}: ${v.stderr}`).toBe(true);
        }
      }

      // The probe, under the eBPF-recorded profiles plus what the probe itself needs to start (no curated name).
      const { rec, g } = made[0]!;
      const socketUsed = used(rec, 'socket');
      const okSocket = socketUsed.find(([d]) => d === 2n || d === 10n || d === 1n)!;
      const protUsed = used(rec, 'mprotect').map(([p]) => p!);
      const persUsed = used(rec, 'personality').map(([p]) => p!);
      const dangerous: Record<string, boolean> = {
        'socket:17:3:0': true, // AF_PACKET, SOCK_RAW
        'socket:16:3:0': !socketUsed.some(([d, t]) => d === 16n && t === 3n), // AF_NETLINK, SOCK_RAW: where unused
        'clone:0x10000011': true, // CLONE_NEWUSER|SIGCHLD
        'unshare:0x20000': true, // CLONE_NEWNS
        'personality:0x400000': !persUsed.includes(0x400000n), // READ_IMPLIES_EXEC
        'mprotect:6': !protUsed.includes(6n), // PROT_WRITE|PROT_EXEC
      };
      const fine: string[] = [`socket:${okSocket[0]}:${okSocket[1]}:0`];
      const harmlessProt = protUsed.find((p) => (p & 4n) === 0n);
      if (harmlessProt !== undefined) fine.push(`mprotect:${harmlessProt}`);
      for (const p of persUsed) fine.push(`personality:${p}`);
      // clone as a fork, when the recorded clone flags include a fork's (SIGCHLD): nginx forks its worker.
      const cloneMask = used(rec, 'clone').reduce((m, [f]) => m | f!, 0n);
      if ((cloneMask & 0x11n) === 0x11n) fine.push('clone:17');
      const calls = [...Object.keys(dangerous), ...fine];
      const control = await runProbe(calls, undefined, false);
      for (const c of Object.keys(dangerous)) expect(control.get(c)?.errno, `control ${c}`).not.toBe(EPERM);
      for (const nnp of [true, false]) {
        const base = g[nnp ? 'nnp' : 'noNnp'].profile;
        const profile: Profile = { ...base, syscalls: [...(base.syscalls ?? []), { names: PROBE_BASE, action: 'SCMP_ACT_ALLOW' }] };
        const got = await runProbe(calls, profile, nnp);
        for (const [c, deny] of Object.entries(dangerous)) {
          if (deny) expect(got.get(c), `${def.name} nnp=${nnp} ${c}`).toEqual({ ret: -1, errno: EPERM });
        }
        for (const c of fine) expect(got.get(c), `${def.name} nnp=${nnp} ${c} (used by the workload)`).toEqual({ ret: 0, errno: 0 });
      }
    } finally {
      cleanup();
    }
  }, 400_000);
});
