// The libbpf record program (native/record-bpf, src/runtime/probe-libbpf.ts) against two independent oracles: the
// bpftrace record program attached to the very same run (every (process, comm, syscall, compat) key must agree), and
// strace on a deterministic command. Plus the fallback to bpftrace, said on stderr, when the loader is missing or
// refused, and the build from source.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { syscallNames } from '../../src/ingest/index.js';
import { recordWorkload } from '../../src/record/index.js';
import {
  libbpfLoader, RECORD_BPF_SOURCES, resetLibbpfLoader, spawnInSession, startBpftraceProbe, startLibbpfProbe, type ExecMarker, type ProbeCount,
} from '../../src/runtime/index.js';
import { cli } from '../helpers/cli.js';
import { DEBIAN_PYTHON, haveRoot, haveSystem } from '../helpers/system.js';

const live = haveSystem('runc', 'bpftrace', 'strace', 'clang', 'bpftool', 'nginx', 'curl', DEBIAN_PYTHON) && haveRoot();
const dir = mkdtempSync(join(tmpdir(), 'seccompctl-libbpf-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.SECCOMPCTL_RECORD_BPF;
  delete process.env.SECCOMPCTL_RECORD_MAP_KEYS;
  resetLibbpfLoader();
});

// Threads, a fork and an exec, each branch with a call only it makes (as in record.test.ts).
const TREE = [DEBIAN_PYTHON, '-c', [
  'import os, threading, subprocess',
  't = threading.Thread(target=lambda: os.getpriority(os.PRIO_PROCESS, 0)); t.start(); t.join()',
  'pid = os.fork()',
  'if pid == 0:',
  '    os.getsid(0); os._exit(0)',
  'os.waitpid(pid, 0)',
  `subprocess.run(["${DEBIAN_PYTHON}", "-c", "import os; os.getpgid(0)"], check=True)`,
].join('\n')];

const keyOf = (e: ProbeCount): string => `${e.pid} ${e.comm} ${e.nr} ${e.compat ? 1 : 0}`;

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => res(typeof a === 'object' && a ? a.port : 0)); });
  });
}

/** Runs argv in its own session with both record programs attached; `drive` runs while it does. */
async function bothPrograms(argv: string[], markerKind: 'pid' | 'filename', drive?: (pid: number) => Promise<void>) {
  const s = spawnInSession(argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ses = await s.session;
  expect(ses).toBeDefined();
  const marker: ExecMarker = markerKind === 'pid' ? { kind: 'pid', pid: s.child.pid!, sessionExact: s.exact } : { kind: 'filename', path: argv[0]! };
  const l = libbpfLoader();
  if (!l.ok) throw new Error(l.reason);
  const a = startLibbpfProbe(l.path, ses!, marker);
  const b = startBpftraceProbe(ses!, marker, { denials: false });
  await Promise.all([a.ready, b.ready]);
  let err = '';
  s.child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const done = new Promise<number | null>((r) => s.child.on('close', (c) => r(c)));
  s.go();
  try {
    await drive?.(s.child.pid!);
  } catch (e) {
    // Leave nothing running: the workload, then both programs.
    s.child.kill('SIGKILL');
    await done;
    await Promise.allSettled([a.stop(), b.stop()]);
    throw e;
  }
  const code = await done;
  expect(code, err).toBe(0);
  const [ra, rb] = [await a.stop(), await b.stop()];
  return { libbpf: ra, bpftrace: rb };
}

describe.skipIf(!live)('the libbpf record program', () => {
  it.each(['pid', 'filename'] as const)('sees exactly what bpftrace sees in the same run: a process tree (%s marker)', async (kind) => {
    const r = await bothPrograms(TREE, kind);
    const a = r.libbpf.entries.map(keyOf).sort();
    const b = r.bpftrace.entries.map(keyOf).sort();
    expect(a).toEqual(b);
    // The marker exec: once by pid; by path also the grandchild's exec of the same program.
    expect(r.libbpf.execs).toBe(kind === 'pid' ? 1 : 2);
    expect(r.bpftrace.execs).toBe(r.libbpf.execs);
    // The branch calls (getpriority: thread, getsid: fork, getpgid: exec'd grandchild) and clone3, wait4, execve.
    const nrs = new Set(r.libbpf.entries.map((e) => e.nr));
    for (const nr of [140, 124, 121, 435, 61, 59]) expect(nrs, String(nr)).toContain(nr); // getpriority getsid getpgid clone3 wait4 execve
    expect(new Set(r.libbpf.entries.map((e) => e.pid)).size).toBeGreaterThanOrEqual(3);
  });

  it('sees exactly what bpftrace sees in the same run: nginx serving requests', async () => {
    const conf = join(dir, 'nginx');
    rmSync(conf, { recursive: true, force: true });
    spawnSync('mkdir', ['-p', conf]);
    chmodSync(dir, 0o755); // nginx's worker runs as nobody
    chmodSync(conf, 0o755);
    const port = await freePort();
    writeFileSync(join(conf, 'index.html'), 'hello\n');
    writeFileSync(join(conf, 'nginx.conf'), `daemon off; worker_processes 2; pid ${conf}/nginx.pid; error_log stderr error;
events { worker_connections 64; }
http { access_log off; server { listen 127.0.0.1:${port}; root ${conf}; location / { } } }
`);
    const r = await bothPrograms(['/usr/sbin/nginx', '-p', conf, '-c', join(conf, 'nginx.conf')], 'pid', async (pid) => {
      let ok = 0;
      for (let i = 0; i < 100 && ok < 20; i++) {
        const c = spawnSync('curl', ['-sf', `http://127.0.0.1:${port}/index.html`], { encoding: 'utf8' });
        if (c.stdout === 'hello\n') ok++;
        else await new Promise((res) => setTimeout(res, 50));
      }
      expect(ok).toBe(20);
      process.kill(pid, 'SIGQUIT');
    });
    expect(r.libbpf.entries.map(keyOf).sort()).toEqual(r.bpftrace.entries.map(keyOf).sort());
    const nrs = new Set(r.libbpf.entries.map((e) => e.nr));
    for (const nr of [288, 232, 45, 105, 20]) expect(nrs, String(nr)).toContain(nr); // accept4 epoll_wait recvfrom setuid writev
    expect(new Set(r.libbpf.entries.map((e) => e.comm))).toEqual(new Set(['nginx']));
  });

  it('record --backend ebpf uses it, and agrees with strace on a deterministic command (host and container)', async () => {
    const argv = ['sh', '-c', 'echo hi; ls / >/dev/null; cat /etc/hostname >/dev/null'];
    const a = await recordWorkload({ argv, backend: 'ebpf' });
    const b = await recordWorkload({ argv, backend: 'strace' });
    expect(a.ebpfEngine).toBe('libbpf');
    expect(a.ebpfFallback).toBeUndefined();
    expect(a.ingest.loss).toEqual([]); // no map overflowed: no loss reported
    expect(syscallNames(a.ingest, 'x86_64')).toEqual(syscallNames(b.ingest, 'x86_64'));
    expect(a.stdout).toBe('hi\n');
    const c = await recordWorkload({ argv, backend: 'ebpf', container: true });
    const d = await recordWorkload({ argv, backend: 'ebpf', container: true, ebpfLoader: 'bpftrace' });
    expect([c.ebpfEngine, d.ebpfEngine]).toEqual(['libbpf', 'bpftrace']);
    expect([c.ingest.loss, d.ingest.loss]).toEqual([[], []]);
    expect(syscallNames(c.ingest, 'x86_64')).toEqual(syscallNames(d.ingest, 'x86_64'));
  });

  it('a full map is a reported loss: record refuses the profile (libbpf and bpftrace), --allow-loss writes it', async () => {
    // sh, ls and cat make far more than 8 distinct (process, syscall) keys: most first calls find the map full.
    const argv = ['sh', '-c', 'echo hi; ls / >/dev/null; cat /etc/hostname >/dev/null'];
    process.env.SECCOMPCTL_RECORD_MAP_KEYS = '8';
    for (const loader of ['libbpf', 'bpftrace'] as const) {
      const r = await recordWorkload({ argv, backend: 'ebpf', ebpfLoader: loader });
      expect(r.ebpfEngine).toBe(loader);
      expect(r.ingest.loss).toHaveLength(1);
      const l = r.ingest.loss[0]!;
      expect(l).toMatchObject({ kind: 'probe-map-full', certain: true });
      // What was stored is what fitted: 8 keys (+ the two implicit syscalls record adds).
      expect([...r.ingest.syscalls.values()].reduce((n, m) => n + m.size, 0)).toBeLessThanOrEqual(8 + 2);
      if (loader === 'libbpf') {
        // The BPF program counts the inserts the full map refused.
        expect(l.count).toBeGreaterThan(5);
        expect(l.message).toMatch(new RegExp(`^map full, ${l.count} update\\(s\\) failed: the libbpf record program's map \\(8 keys`));
        expect(r.ingest.counters.lostAtLeast).toBe(l.count);
      } else {
        // bpftrace: detected from its dump (as many @seen keys as the map holds); no count.
        expect(l.count).toBeUndefined();
        expect(l.message).toMatch(/^map full \(its 8 keys all used\): the bpftrace record program's map \(8 keys/);
      }
    }

    const out = join(dir, 'full.json');
    rmSync(out, { force: true });
    const refused = await cli(['record', '--backend', 'ebpf', '-o', out, '--', ...argv]);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toMatch(/^seccompctl: the recording is incomplete: map full, \d+ update\(s\) failed: the libbpf record program's map \(8 keys, one per process × syscall\) overflowed, so calls the workload made were not recorded; record fewer processes, or raise SECCOMPCTL_RECORD_MAP_KEYS \(e\.g\. 32\)/m);
    expect(existsSync(out)).toBe(false);
    const allowed = await cli(['record', '--backend', 'ebpf', '--allow-loss', '-o', out, '--', ...argv]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/map full, \d+ update\(s\) failed/);
    expect(existsSync(out)).toBe(true);

    process.env.SECCOMPCTL_RECORD_MAP_KEYS = 'lots';
    const bad = await cli(['record', '--backend', 'ebpf', '-o', out, '--', ...argv]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/SECCOMPCTL_RECORD_MAP_KEYS must be a whole number of keys between 1 and 16777216 \(got 'lots'\)/);
  });

  it('falls back to bpftrace, saying why, when the loader is missing or the kernel refuses it', async () => {
    const argv = ['sh', '-c', 'cat /etc/hostname >/dev/null'];
    process.env.SECCOMPCTL_RECORD_BPF = join(dir, 'no-such-loader');
    const a = await recordWorkload({ argv, backend: 'ebpf' });
    expect(a.ebpfEngine).toBe('bpftrace');
    expect(a.ebpfFallback).toMatch(/^libbpf record program unavailable \(SECCOMPCTL_RECORD_BPF names .*no-such-loader, which does not exist\); recorded with bpftrace/);
    expect(a.notes).toContain(a.ebpfFallback);
    expect(syscallNames(a.ingest, 'x86_64')).toContain('openat');

    const refused = join(dir, 'refusing-loader');
    writeFileSync(refused, '#!/bin/sh\necho "seccompctl-record-bpf: the kernel refused the program: Operation not permitted" >&2\nexit 3\n');
    chmodSync(refused, 0o755);
    process.env.SECCOMPCTL_RECORD_BPF = refused;
    const out = join(dir, 'p.json');
    const r = await cli(['record', '--backend', 'ebpf', '-o', out, '--', ...argv]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^seccompctl: libbpf record program failed to start \(the libbpf record program failed: seccompctl-record-bpf: the kernel refused the program: Operation not permitted\); recorded with bpftrace$/m);
    expect(readFileSync(out, 'utf8')).toContain('"openat"');
  });

  it('builds from source into the cache directory, rebuilding when the sources change', () => {
    const cache = join(dir, 'cache');
    const before = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = cache;
    try {
      resetLibbpfLoader();
      const l = libbpfLoader();
      expect(l).toMatchObject({ ok: true, built: true, path: join(cache, 'seccompctl', 'record-bpf', 'seccompctl-record-bpf') });
      resetLibbpfLoader();
      expect(libbpfLoader()).toMatchObject({ ok: true, built: false });
      // A stale hash (sources changed since the build): rebuilt.
      writeFileSync(join(cache, 'seccompctl', 'record-bpf', 'source-hash'), 'stale\n');
      resetLibbpfLoader();
      expect(libbpfLoader()).toMatchObject({ ok: true, built: true });
      const bad = spawnSync(join(cache, 'seccompctl', 'record-bpf', 'seccompctl-record-bpf'), ['--session', 'x'], { encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe("seccompctl-record-bpf: --session needs a decimal number (got 'x')\n");
    } finally {
      if (before === undefined) delete process.env.XDG_CACHE_HOME;
      else process.env.XDG_CACHE_HOME = before;
      resetLibbpfLoader();
    }
    expect(existsSync(join(RECORD_BPF_SOURCES, 'record.bpf.c'))).toBe(true);
  });
});
