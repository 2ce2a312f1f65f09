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

/** A process's CPU time so far (its threads' run time, ns, from /proc/PID/schedstat; 0 once it is gone). */
function cpuNs(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
}

export type NginxMode = 'bare' | 'floor-bpftrace' | 'bpftrace' | 'floor-libbpf' | 'libbpf';
/** A bpftrace program started for nginx's session and pid: its process id and how to stop it (giving a note). */
export type NginxBpftrace = (session: number, pid: number, exact: boolean) => Promise<{ pid: number; stop: () => Promise<string> }>;

/**
 * nginx (one worker, a 1 KiB static page, no access log) under `mode`, driven by wrk on loopback: a fresh nginx (and
 * program) per call, `warmup` seconds of wrk discarded, then `seconds` measured. CPU is read around the measured wrk
 * run only, from schedstat (exact run time, not 10 ms ticks): nginx's master + worker (a sys_enter program runs in
 * the syscalling thread, so its run time lands here), and the tracer's own process (bpftrace or the loader) apart.
 * `pin` puts nginx (master and worker) and wrk on the given CPUs (taskset).
 */
export async function nginxRun(mode: NginxMode, opts: { seconds: number; warmup: number; connections: number; pin?: { nginx: string; wrk: string } },
  bpftrace: NginxBpftrace): Promise<{ rps: number; cpuUsPerReq: number; tracerUsPerReq: number; note: string }> {
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
    // The affinity survives the wrapper's exec and nginx's fork of its worker.
    if (opts.pin) spawnSync('taskset', ['-pc', opts.pin.nginx, String(s.child.pid!)], { stdio: 'ignore' });
    let err = '';
    s.child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
    const done = new Promise((r) => s.child.on('close', r));
    let stopProgram: () => Promise<string> = async () => '';
    let tracer: number | undefined;
    if (mode === 'floor-libbpf') {
      const e = await startEmpty();
      tracer = e.pid;
      stopProgram = async () => { await e.stop(); return ''; };
    } else if (mode === 'libbpf') {
      const p = startLibbpfProbe(loaderPath(), ses, { kind: 'pid', pid: s.child.pid!, sessionExact: s.exact });
      await p.ready;
      // RunningProbe does not expose the loader's pid: find it by its command line (this session, this pid).
      tracer = Number(spawnSync('pgrep', ['-n', '-f', `seccompctl-record-bpf --session ${ses} --pid ${s.child.pid!} `], { encoding: 'utf8' }).stdout.trim()) || undefined;
      stopProgram = async () => { const r = await p.stop(); return `${new Set(r.entries.map((e) => e.nr)).size} syscalls`; };
    } else if (mode !== 'bare') {
      const b = await bpftrace(ses, s.child.pid!, s.exact);
      tracer = b.pid;
      stopProgram = b.stop;
    }
    s.go();
    const url = `http://127.0.0.1:${port}/index.html`;
    for (let i = 0; i < 100; i++) {
      if (spawnSync('curl', ['-sf', '-o', '/dev/null', url]).status === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const wrk = (secs: number): string => {
      const args = ['-t1', `-c${opts.connections}`, `-d${secs}s`, url];
      const r = opts.pin ? spawnSync('taskset', ['-c', opts.pin.wrk, 'wrk', ...args], { encoding: 'utf8' }) : spawnSync('wrk', args, { encoding: 'utf8' });
      return r.stdout ?? '';
    };
    if (opts.warmup > 0) wrk(opts.warmup);
    const nginxPids = [s.child.pid!, ...childrenOf(s.child.pid!)];
    const nginxCpu = (): number => nginxPids.reduce((t, p) => t + cpuNs(p), 0);
    const n0 = nginxCpu();
    const t0 = tracer !== undefined ? cpuNs(tracer) : 0;
    const w = wrk(opts.seconds);
    const n1 = nginxCpu();
    const t1 = tracer !== undefined ? cpuNs(tracer) : 0;
    const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(w)?.[1] ?? Number.NaN);
    const requests = Number(/(\d+) requests in/.exec(w)?.[1] ?? Number.NaN);
    const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(w)?.[0];
    process.kill(s.child.pid!, 'SIGQUIT');
    await done;
    const seen = await stopProgram();
    return {
      rps, cpuUsPerReq: (n1 - n0) / 1000 / requests, tracerUsPerReq: (t1 - t0) / 1000 / requests,
      note: [seen, errors, err.trim() ? `nginx: ${err.trim().split('\n')[0]}` : ''].filter(Boolean).join('; '),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
