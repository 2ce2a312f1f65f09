// Generated profiles deny what the workload never did, and verify names what a profile lacks.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { printProfile, type Profile } from '../../src/profile/index.js';
import { recordWorkload } from '../../src/record/index.js';
import { createHostBundle, DEFAULT_CAPABILITIES, runContainer } from '../../src/runtime/index.js';
import { verifyProfile } from '../../src/verify/index.js';
import { cli } from '../helpers/cli.js';
import { haveRoot, haveSystem } from '../helpers/system.js';
import { parseProbe, probeArgs } from '../runtime/probe.js';
import { drive, freePort, SERVERS, serverDir } from './servers.js';

const live = haveSystem('runc', 'bpftrace', '/usr/bin/python3') && haveRoot();
const EPERM = 1;
const python = SERVERS.find((s) => s.name === 'python-http')!;

function without(p: Profile, name: string): Profile {
  return { ...p, syscalls: p.syscalls!.map((r) => ({ ...r, names: r.names.filter((n) => n !== name) })) };
}

describe.skipIf(!live)('generated profiles deny the rest', () => {
  let work: { dir: string; cleanup(): void };
  let profile: Profile;

  beforeAll(async () => {
    work = serverDir('deny');
    python.setup(work.dir);
    const port = await freePort();
    const { result, traffic } = await drive(python, port, (signal) => recordWorkload({
      argv: python.argv(port, work.dir), backend: 'ebpf', signal, stopSignal: 'SIGINT',
    }));
    if (traffic instanceof Error) throw traffic;
    profile = generate(result.ingest, { runtime: 'runc', noNewPrivileges: false }).profile;
  }, 60_000);
  afterAll(() => work?.cleanup());

  it('a probe trying unshare, mount, ptrace and bpf gets EPERM for each; without the profile none is EPERM', async () => {
    const calls = ['unshare', 'mount', 'ptrace', 'bpf'];
    const names = profile.syscalls!.flatMap((r) => r.names);
    for (const c of calls) expect(names).not.toContain(c);
    const confined = createHostBundle({ args: probeArgs(calls), seccomp: printProfile(profile) });
    // Control: no profile, and the capabilities these calls check, so only seccomp could answer EPERM.
    const control = createHostBundle({ args: probeArgs(calls), capabilities: [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_BPF', 'CAP_PERFMON'] });
    try {
      const [a, b] = await Promise.all([runContainer(confined.dir), runContainer(control.dir)]);
      expect(a.exitCode, a.stderr).toBe(0);
      expect(parseProbe(a.stdout)).toEqual({ unshare: EPERM, mount: EPERM, ptrace: EPERM, bpf: EPERM });
      const free = parseProbe(b.stdout);
      expect(Object.keys(free).sort()).toEqual([...calls].sort());
      for (const c of calls) expect(free[c], c).not.toBe(EPERM);
    } finally {
      confined.cleanup();
      control.cleanup();
    }
  });

  it('verify (eBPF, enforcing) names accept4 when it is removed, with the errno the server got', async () => {
    const port = await freePort();
    const { result } = await drive(python, port, (signal) => verifyProfile({
      argv: python.argv(port, work.dir), profileText: printProfile(without(profile, 'accept4')), method: 'ebpf',
      signal, stopSignal: 'SIGINT', mounts: [{ source: work.dir, destination: work.dir }],
    }));
    expect(result.passed).toBe(false);
    expect(result.runtimeFailure).toBeUndefined();
    expect(result.denials.map((d) => d.name)).toEqual(['accept4']);
    expect(result.denials[0]).toMatchObject({ arch: 'x86_64', nr: 288, errno: EPERM, runtime: false });
    expect(result.denials[0]!.comm).toMatch(/python/);
  });

  it('verify (complain pass) names accept4 too, and the requests still succeed meanwhile', async () => {
    const port = await freePort();
    const { result, traffic } = await drive(python, port, (signal) => verifyProfile({
      argv: python.argv(port, work.dir), profileText: printProfile(without(profile, 'accept4')), method: 'complain',
      signal, stopSignal: 'SIGINT', mounts: [{ source: work.dir, destination: work.dir }],
    }));
    expect(traffic).not.toBeInstanceOf(Error);
    expect(result.passed).toBe(false);
    expect(result.loss).toEqual([]);
    expect([...new Set(result.denials.map((d) => d.name))]).toEqual(['accept4']);
    expect(result.denials.reduce((n, d) => n + d.count, 0)).toBeGreaterThanOrEqual(4); // one per request at least
  });

  it('a profile runc cannot start under is reported as such, with the missing runtime syscalls named', async () => {
    for (const nnp of [false, true]) {
      const base = generate((await recordWorkload({ argv: ['true'], backend: 'ebpf' })).ingest, { runtime: 'runc', noNewPrivileges: nnp }).profile;
      const missing = nnp ? ['getdents64'] : ['capset', 'getdents64'];
      let p = base;
      for (const m of missing) p = without(p, m);
      for (const method of ['ebpf', 'complain'] as const) {
        const r = await verifyProfile({ argv: ['true'], profileText: printProfile(p), noNewPrivileges: nnp, method });
        expect(r.passed, `${method} nnp=${nnp}`).toBe(false);
        expect(r.runtimeFailure?.missing, `${method} nnp=${nnp}`).toEqual(missing);
      }
      // and the unmodified profile starts fine
      const ok = await verifyProfile({ argv: ['true'], profileText: printProfile(base), noNewPrivileges: nnp });
      expect(ok.passed, ok.stderr).toBe(true);
    }
  }, 60_000);
});

describe.skipIf(!live)('record and verify through the CLI', () => {
  it('records ls, then verify passes with the profile and fails naming ioctl once it is removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccompctl-cli-'));
    try {
      const out = join(dir, 'ls.json');
      const rec = await cli(['record', '--backend', 'ebpf', '-o', out, '--', 'ls', '-l', '/']);
      expect(rec.code, rec.stderr).toBe(0);
      expect(rec.stdout).toContain('usr'); // the command's own output passes through
      const profile = JSON.parse(readFileSync(out, 'utf8')) as Profile;
      expect(profile.syscalls![0]!.names).toContain('ioctl');
      const ok = await cli(['verify', out, '--', 'ls', '-l', '/']);
      expect(ok.code, ok.stdout + ok.stderr).toBe(0);
      expect(ok.stdout).toContain('PASS');
      const broken = join(dir, 'broken.json');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(broken, printProfile(without(profile, 'ioctl')));
      const bad = await cli(['verify', '--json', broken, '--', 'ls', '-l', '/']);
      expect(bad.code).toBe(1);
      const j = JSON.parse(bad.stdout) as { passed: boolean; denials: { name: string; errno: number }[] };
      expect(j.passed).toBe(false);
      expect(j.denials.map((d) => d.name)).toEqual(['ioctl']);
      expect(j.denials[0]!.errno).toBe(EPERM);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
