// Pieces of `npm run bench:record` for the libbpf record program (native/record-bpf, src/runtime/probe-libbpf.ts):
// the workload under the libbpf loader (the record program, or its empty sys_enter program: this route's floor),
// record start-up time per loader, and nginx under wrk (loopback) bare and under each program.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { recordWorkload } from '../src/record/index.js';
import { childrenOf, libbpfLoader, spawnInSession, startLibbpfProbe, type RunningProbe } from '../src/runtime/index.js';

export function loaderPath(): string {
  const l = libbpfLoader();
  if (!l.ok) throw new Error(`libbpf loader unavailable: ${l.reason}`);
  return l.path;
}

/** The empty sys_enter program through the loader (`--empty`), started and ready. */
export async function startEmpty(): Promise<{ pid: number; stop: () => Promise<void> }> {
  const c = spawn(loaderPath(), ['--empty'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  c.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const closed = new Promise<void>((r) => c.on('close', () => r()));
  await new Promise<void>((res, rej) => {
    c.stdout.on('data', (b: Buffer) => { out += b.toString(); if (out.includes('READY')) res(); });
    void closed.then(() => rej(new Error(`loader --empty: ${err.trim()}`)));
  });
  return { pid: c.pid!, stop: async () => { c.kill('SIGINT'); await closed; } };
}

/**
 * Runs argv in its own session, with `attach(session, pid)` attached before it starts; returns its stdout and
 * (when `statsPid` is given back) the attached process's pid for bpf stats.
 */
export async function underLibbpf(argv: string[], mode: 'empty' | 'record', progNs?: (pid: number) => number | undefined): Promise<{ stdout: string; progNs?: number; note: string }> {
  const s = spawnInSession(argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ses = await s.session;
  if (ses === undefined) { s.cancel(); throw new Error('no audit session (run as root)'); }
  let so = '';
  s.child.stdout!.on('data', (c: Buffer) => { so += c.toString(); });
  const done = new Promise((r) => s.child.on('close', r));
  if (mode === 'empty') {
    const e = await startEmpty();
    s.go();
    await done;
    const ns = progNs?.(e.pid);
    await e.stop();
    return { stdout: so, ...(ns !== undefined ? { progNs: ns } : {}), note: '' };
  }
  const p: RunningProbe = startLibbpfProbe(loaderPath(), ses, { kind: 'pid', pid: s.child.pid!, sessionExact: s.exact });
  await p.ready.catch((e: unknown) => { s.cancel(); throw e; });
  s.go();
  await done;
  // The loader's pid is not exposed by RunningProbe: find the busiest prog among the loader processes.
  const loaderPid = Number(spawnSync('pgrep', ['-n', '-f', 'seccompctl-record-bpf --session'], { encoding: 'utf8' }).stdout.trim());
  const ns = loaderPid ? progNs?.(loaderPid) : undefined;
  const r = await p.stop();
  const getppid = r.entries.filter((e) => e.nr === 110 && !e.compat).length;
  return { stdout: so, ...(ns !== undefined ? { progNs: ns } : {}), note: `getppid ${getppid ? 'seen' : 'NOT SEEN'}` };
}

/** `record` start-up: recordWorkload end to end on `/bin/true` (nothing to record), per loader, in ms. */
export async function recordStartup(loader: 'libbpf' | 'bpftrace'): Promise<{ ms: number; engine: string }> {
  const before = process.env.SECCOMPCTL_RECORD_LOADER;
  process.env.SECCOMPCTL_RECORD_LOADER = loader;
  try {
    const t = performance.now();
    const r = await recordWorkload({ argv: ['/bin/true'], backend: 'ebpf' });
    return { ms: performance.now() - t, engine: r.ebpfEngine ?? '?' };
  } finally {
    if (before === undefined) delete process.env.SECCOMPCTL_RECORD_LOADER;
    else process.env.SECCOMPCTL_RECORD_LOADER = before;
  }
}

/** `/bin/true` run bare the same way (spawn and wait), in ms: the part of the start-up that is not the recorder's. */
export function bareStartup(): number {
  const t = performance.now();
  spawnSync('/bin/true');
  return performance.now() - t;
}

async function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const a = s.address(); s.close(() => res(typeof a === 'object' && a ? a.port : 0)); });
  });
}

/** nginx (one worker, a 1 KiB static page, no access log) under `mode`, driven by wrk on loopback: requests/s. */
export async function nginxRun(mode: 'bare' | 'floor-bpftrace' | 'bpftrace' | 'floor-libbpf' | 'libbpf', wrkArgs: { seconds: number; connections: number },
  bpftrace: (session: number, pid: number, exact: boolean) => Promise<{ stop: () => Promise<string> }>): Promise<{ rps: number; cpuUsPerReq: number; note: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'seccompctl-bench-nginx-'));
  try {
    chmodSync(dir, 0o755); // nginx's worker runs as nobody
    const port = await freePort();
    writeFileSync(join(dir, 'index.html'), `${'x'.repeat(1023)}\n`);
    writeFileSync(join(dir, 'nginx.conf'), `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log stderr error;
events { worker_connections 1024; }
http { access_log off; server { listen 127.0.0.1:${port}; root ${dir}; location / { } } }
`);
    const argv = ['/usr/sbin/nginx', '-p', dir, '-c', join(dir, 'nginx.conf')];
    const s = spawnInSession(argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const ses = await s.session;
    if (ses === undefined) { s.cancel(); throw new Error('no audit session (run as root)'); }
    let err = '';
    s.child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
    const done = new Promise((r) => s.child.on('close', r));
    let stopProgram: () => Promise<string> = async () => '';
    if (mode === 'floor-libbpf') {
      const e = await startEmpty();
      stopProgram = async () => { await e.stop(); return ''; };
    } else if (mode === 'libbpf') {
      const p = startLibbpfProbe(loaderPath(), ses, { kind: 'pid', pid: s.child.pid!, sessionExact: s.exact });
      await p.ready;
      stopProgram = async () => { const r = await p.stop(); return `${new Set(r.entries.map((e) => e.nr)).size} syscalls`; };
    } else if (mode !== 'bare') {
      const b = await bpftrace(ses, s.child.pid!, s.exact);
      stopProgram = b.stop;
    }
    s.go();
    const url = `http://127.0.0.1:${port}/index.html`;
    for (let i = 0; i < 100; i++) {
      if (spawnSync('curl', ['-sf', '-o', '/dev/null', url]).status === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const w = spawnSync('wrk', ['-t1', `-c${wrkArgs.connections}`, `-d${wrkArgs.seconds}s`, url], { encoding: 'utf8' });
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(w.stdout)?.[1] ?? Number.NaN);
    const requests = Number(/(\d+) requests in/.exec(w.stdout)?.[1] ?? Number.NaN);
    // nginx's own CPU (master + worker, utime + stime, clock ticks of 10 ms): steadier than throughput on a shared machine.
    const ticks = [s.child.pid!, ...childrenOf(s.child.pid!)].reduce((t, p) => {
      try {
        const f = readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
        return t + Number(f[11]) + Number(f[12]);
      } catch {
        return t;
      }
    }, 0);
    const cpuUsPerReq = (ticks * 10_000) / requests;
    const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(w.stdout)?.[0];
    process.kill(s.child.pid!, 'SIGQUIT');
    await done;
    const seen = await stopProgram();
    return { rps, cpuUsPerReq, note: [seen, errors, err.trim() ? `nginx: ${err.trim().split('\n')[0]}` : ''].filter(Boolean).join('; ') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
