// npm run bench:record — a syscall-heavy workload (N getppid calls in a loop) run bare and under each recorder
// backend in one run; prints each backend's ratio to the bare run.
//
// Figures per row: the workload's own loop time, wall and CPU (measured inside the process: what the recorder costs
// the workload; CPU time is steadier on a shared machine, and the tracepoint's cost lands in it as system time), and
// for the real `recordWorkload` rows the end-to-end wall time (including bpftrace compiling its program, runc).
//
// The eBPF rows, alternating with bare runs each repetition:
// - floor: `tracepoint:raw_syscalls:sys_enter {}`, a program that does nothing: what the kernel's tracepoint and
//   BPF dispatch cost on every syscall, which no program can go below (bpftrace 0.17 attaches through perf events);
// - ebpf-v1: the first record program (session check, per-thread map, per-call comm, count per (pid, comm, nr,
//   compat)), kept here for comparison;
// - ebpf: the record program as `record --backend ebpf` runs it (set of (pid, nr, compat), noted once);
// - ebpf-args: the record program with argument capture (`record --args`);
// - ebpf-counts: the same with exact per-call counts (`exactCounts`);
// - record: recordWorkload({ backend: 'ebpf' }) end to end (libbpf program; record-bpftrace: with the bpftrace one);
// - floor-libbpf: an empty tp_btf sys_enter program loaded by the libbpf loader (that route's floor: a raw
//   tracepoint, no perf record);
// - libbpf: the libbpf record program (native/record-bpf), what `record --backend ebpf` runs when it loads.
// Then `record` start-up per loader (recordWorkload on /bin/true) and nginx under wrk (loopback), bare and under
// each program, side by side with bare runs (BENCH_NGINX=0 skips it; BENCH_NGINX_SECONDS, BENCH_NGINX_REPS,
// BENCH_NGINX_WARMUP, BENCH_NGINX_PIN; see there).
// BENCH_BPF_STATS=1 also turns kernel.bpf_stats_enabled on for the run (restored afterwards) and prints the
// sys_enter program's own run time per call, read from bpftrace's prog fds.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { probeProgram, recordWorkload, spawnInSession, type RecordBackend } from '../src/record/index.js';
import { bareStartup, nginxRun, recordStartup, underLibbpf, type NginxBpftrace, type NginxMode } from './record-libbpf.js';

const N = Number(process.env.BENCH_CALLS ?? 300_000);
const REPS = Number(process.env.BENCH_REPS ?? 7);
const STATS = process.env.BENCH_BPF_STATS === '1';
const PY = '/usr/bin/python3';
const script = [
  'import os, time',
  't, c = time.perf_counter(), time.process_time()',
  `for _ in range(${N}): os.getppid()`,
  'print(time.perf_counter() - t, time.process_time() - c)',
].join('\n');
const argv = [PY, '-c', script];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

interface Run { loop: number; cpu: number; wall?: number; progNs?: number; note?: string }
const parseLoop = (stdout: string): { loop: number; cpu: number } => {
  const [loop, cpu] = stdout.trim().split(/\s+/).map(Number);
  return { loop: loop ?? Number.NaN, cpu: cpu ?? Number.NaN };
};

function bare(): Run {
  const t = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return { ...parseLoop(r.stdout), wall: (performance.now() - t) / 1000 };
}

/** Average run time (ns) of the busiest BPF program bpftrace holds (sys_enter), when bpf stats are on. */
function progNs(pid: number): number | undefined {
  let best: { cnt: number; ns: number } | undefined;
  for (const fd of readdirSync(`/proc/${pid}/fdinfo`)) {
    try {
      const t = readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8');
      const cnt = Number(/run_cnt:\s+(\d+)/.exec(t)?.[1] ?? 0);
      const ns = Number(/run_time_ns:\s+(\d+)/.exec(t)?.[1] ?? 0);
      if (cnt > 0 && (!best || cnt > best.cnt)) best = { cnt, ns };
    } catch {
      // fd closed meanwhile
    }
  }
  return best && best.cnt > 0 ? best.ns / best.cnt : undefined;
}

/** The workload in its own audit session under a bpftrace program built for that session and pid. */
async function underProgram(program: (session: number, pid: number, exact: boolean) => string): Promise<Run> {
  const s = spawnInSession(argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ses = await s.session;
  if (ses === undefined) { s.cancel(); throw new Error('no audit session (run as root)'); }
  const b = spawn('bpftrace', ['-e', program(ses, s.child.pid!, s.exact)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BPFTRACE_MAP_KEYS_MAX: '65536' } });
  let out = '';
  let err = '';
  b.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const closed = new Promise<void>((res) => b.on('close', () => res()));
  await new Promise<void>((res, rej) => {
    b.stdout.on('data', (c: Buffer) => { out += c.toString(); if (out.includes('READY')) res(); });
    void closed.then(() => rej(new Error(`bpftrace: ${err.trim()}`)));
  }).catch((e: unknown) => { s.cancel(); throw e; });
  let so = '';
  s.child.stdout!.on('data', (c: Buffer) => { so += c.toString(); });
  const done = new Promise((r) => s.child.on('close', r));
  s.go();
  await done;
  const ns = STATS ? progNs(b.pid!) : undefined;
  for (let i = 0; i < 20; i++) {
    b.kill('SIGINT');
    if (await Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 500))])) break;
  }
  // The getppid (x86_64 110) row(s) of whichever map the program keeps.
  const rows = out.split('\n').filter((l) => /^@\w+\[(\d+, )?110(, \d)?\]: \d+$/.test(l) || /^@\w+\[\d+, [^\]]*, 110, 0\]: \d+$/.test(l));
  const note = rows.length ? `getppid ${rows.map((l) => l.replace(/^.*: /, '')).join('+')}` : '';
  return { ...parseLoop(so), ...(ns !== undefined ? { progNs: ns } : {}), note };
}

const FLOOR = (): string => 'BEGIN { printf("READY\\n"); }\ntracepoint:raw_syscalls:sys_enter {}\n';
// The first record program (before the per-call cost work), for the before/after comparison in one run.
const V1 = (ses: number, pid: number): string => `BEGIN { printf("READY\\n"); }
tracepoint:sched:sched_process_exec /curtask->sessionid == ${ses} && pid == ${pid}/ { @live[tid] = 1; @execs[pid, comm, (curtask->thread_info.status & 2 ? 1 : 0)] = count(); }
tracepoint:sched:sched_process_fork /curtask->sessionid == ${ses} && @live[args->parent_pid]/ { @live[args->child_pid] = 1; }
tracepoint:sched:sched_process_exit /curtask->sessionid == ${ses} && @live[tid]/ { delete(@live[tid]); }
tracepoint:raw_syscalls:sys_enter /curtask->sessionid == ${ses} && @live[tid]/ { @sys[pid, comm, args->id, (curtask->thread_info.status & 2 ? 1 : 0)] = count(); }
END { clear(@live); }
`;
const OURS = (counts: boolean, args = false) => (ses: number, pid: number, exact: boolean): string =>
  probeProgram(ses, { kind: 'pid', pid, sessionExact: exact }, { denials: false, counts, args }).replace('SECCOMPCTL_READY', 'READY');

let restoreStats: (() => void) | undefined;
if (STATS) {
  const path = '/proc/sys/kernel/bpf_stats_enabled';
  const before = readFileSync(path, 'utf8').trim();
  writeFileSync(path, '1');
  restoreStats = () => writeFileSync(path, before);
  process.on('exit', restoreStats);
}

// Other BPF programs on sys_enter (another tool tracing every syscall) cost every row, bare included: say so.
const foreignTracers = (): number => (spawnSync('bpftool', ['prog', 'list'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter((l) => /name (sys_enter|on_enter)\b/.test(l)).length;
const foreignAtStart = foreignTracers();
// BENCH_ROWS=floor,ebpf,floor-libbpf,libbpf limits the run to those rows (bare always runs), e.g. for more repetitions.
const ROWS = process.env.BENCH_ROWS ? new Set(process.env.BENCH_ROWS.split(',')) : undefined;
const want = (row: string): boolean => ROWS === undefined || ROWS.has(row);
const series: Record<string, Run[]> = { bare: [], floor: [], 'ebpf-v1': [], ebpf: [], 'ebpf-args': [], 'ebpf-counts': [], 'floor-libbpf': [], libbpf: [], record: [], 'record-bpftrace': [] };
const viaLibbpf = async (mode: 'empty' | 'record'): Promise<Run> => {
  const r = await underLibbpf(argv, mode, STATS ? progNs : undefined);
  return { ...parseLoop(r.stdout), ...(r.progNs !== undefined ? { progNs: r.progNs } : {}), note: r.note };
};
try {
  for (let i = 0; i < REPS; i++) {
    series.bare!.push(bare());
    if (want('floor')) series.floor!.push(await underProgram(FLOOR));
    if (want('ebpf-v1')) series['ebpf-v1']!.push(await underProgram(V1));
    series.bare!.push(bare());
    if (want('ebpf')) series.ebpf!.push(await underProgram(OURS(false)));
    if (want('ebpf-args')) series['ebpf-args']!.push(await underProgram(OURS(false, true))); // record --args: argument capture (getppid is not curated)
    if (want('ebpf-counts')) series['ebpf-counts']!.push(await underProgram(OURS(true)));
    series.bare!.push(bare());
    if (want('floor-libbpf')) series['floor-libbpf']!.push(await viaLibbpf('empty'));
    if (want('libbpf')) series.libbpf!.push(await viaLibbpf('record'));
    series.bare!.push(bare());
    for (const [row, loader] of [['record', 'libbpf'], ['record-bpftrace', 'bpftrace']] as const) {
      if (!want(row)) continue;
      process.env.SECCOMPCTL_RECORD_LOADER = loader;
      const t = performance.now();
      const r = await recordWorkload({ argv, backend: 'ebpf' });
      delete process.env.SECCOMPCTL_RECORD_LOADER;
      const seen = r.ingest.syscalls.get('x86_64')?.has('getppid') === true;
      series[row]!.push({ ...parseLoop(r.stdout), wall: (performance.now() - t) / 1000, note: `${r.ebpfEngine ?? '?'}; getppid ${seen ? 'seen' : 'NOT SEEN'}` });
    }
  }
  series.bare!.push(bare());
} finally {
  restoreStats?.();
}

interface Row { name: string; loop: number; cpu: number; cpuMin?: number; wall?: number; progNs?: number; note: string }
const rows: Row[] = Object.entries(series).filter(([, runs]) => runs.length > 0).map(([name, runs]) => {
  const w = runs.map((r) => r.wall).filter((x): x is number => x !== undefined);
  const p = runs.map((r) => r.progNs).filter((x): x is number => x !== undefined);
  return {
    name, loop: median(runs.map((r) => r.loop)), cpu: median(runs.map((r) => r.cpu)), cpuMin: Math.min(...runs.map((r) => r.cpu)),
    ...(w.length ? { wall: median(w) } : {}), ...(p.length ? { progNs: median(p) } : {}), note: runs.at(-1)?.note ?? '',
  };
});

const others: { backend: RecordBackend; container: boolean }[] = [
  { backend: 'strace', container: false },
  { backend: 'audit', container: true },
];
for (const b of others.filter((o) => want(o.backend))) {
  const t = performance.now();
  const r = await recordWorkload({ argv, backend: b.backend, container: b.container });
  const wall = (performance.now() - t) / 1000;
  const calls = r.ingest.syscalls.get('x86_64')?.get('getppid')?.count ?? 0;
  rows.push({ name: b.backend, ...parseLoop(r.stdout), wall, note: `getppid counted: ${calls}${r.ingest.loss.length ? `; kernel log LOSS (${r.ingest.loss.length} signal(s))` : ''}` });
}

const base = rows[0]!;
const ratio = (x: number | undefined, b: number | undefined): string => (x === undefined || b === undefined ? '-' : `${(x / b).toFixed(2)}x`);
const perCall = (x: number | undefined, b: number | undefined): string => (x === undefined || b === undefined ? '-' : `${(((x - b) / N) * 1e9).toFixed(0)}`);
const out: string[] = [];
out.push(`record benchmark: ${N} getppid calls from ${PY}; bare and eBPF rows: ${REPS} alternating runs (bare: ${series.bare!.length}); strace, audit: 1 run`);
out.push(`bare loop: ${(base.loop / N * 1e9).toFixed(0)} ns/call wall, ${(base.cpu / N * 1e9).toFixed(0)} ns/call CPU (medians). The machine is shared: traced runs vary`);
out.push('up to 2x from run to run, so the minimum CPU time (least disturbed run) is shown next to the medians.');
if (foreignAtStart > 0) out.push(`NOTE: ${foreignAtStart} other BPF program(s) were attached to sys_enter when the run started (another tool): every row, bare included, pays for them`);
out.push(`${'row'.padEnd(12)} ${'loop s'.padStart(7)} ${'ratio'.padStart(7)} ${'cpu s'.padStart(7)} ${'ratio'.padStart(7)} ${'min cpu'.padStart(7)} ${'ratio'.padStart(7)} ${'+ns/call'.padStart(8)} ${'e2e s'.padStart(7)} ${'ratio'.padStart(7)}${STATS ? ` ${'prog ns'.padStart(7)}` : ''}  note`);
for (const r of rows) {
  out.push([
    r.name.padEnd(12), r.loop.toFixed(3).padStart(7), ratio(r.loop, base.loop).padStart(7), r.cpu.toFixed(3).padStart(7), ratio(r.cpu, base.cpu).padStart(7),
    (r.cpuMin?.toFixed(3) ?? '-').padStart(7), ratio(r.cpuMin, base.cpuMin).padStart(7), perCall(r.cpuMin, base.cpuMin).padStart(8),
    (r.wall?.toFixed(3) ?? '-').padStart(7), `${ratio(r.wall, base.wall).padStart(7)}${STATS ? ` ${(r.progNs?.toFixed(0) ?? '-').padStart(7)}` : ''}`, ` ${r.note}`,
  ].join(' '));
}
const floor = rows.find((r) => r.name === 'floor');
const ours = rows.find((r) => r.name === 'ebpf');
const v1 = rows.find((r) => r.name === 'ebpf-v1');
const lfloor = rows.find((r) => r.name === 'floor-libbpf');
const lours = rows.find((r) => r.name === 'libbpf');
if (floor && ours) {
  out.push(`ebpf (bpftrace) over bare: ${ratio(ours.loop, base.loop)} loop (median), ${ratio(ours.cpuMin, base.cpuMin)} CPU (min); floor ${ratio(floor.cpuMin, base.cpuMin)}: of the extra CPU per call the`);
  out.push(`kernel's tracepoint path is ${perCall(floor.cpuMin, base.cpuMin)} ns and the record program ${perCall(ours.cpuMin, floor.cpuMin)} ns${v1 ? ` (ebpf-v1: ${perCall(v1.cpuMin, floor.cpuMin)} ns)` : ''}.`);
}
if (lfloor && lours) {
  out.push(`libbpf over bare: ${ratio(lours.loop, base.loop)} loop (median), ${ratio(lours.cpuMin, base.cpuMin)} CPU (min); raw-tracepoint floor ${ratio(lfloor.loop, base.loop)} loop, ${ratio(lfloor.cpuMin, base.cpuMin)} CPU (min):`);
  out.push(`the raw tracepoint costs ${perCall(lfloor.cpuMin, base.cpuMin)} ns per call and the libbpf record program ${perCall(lours.cpuMin, lfloor.cpuMin)} ns over it.`);
}
if (process.env.BENCH_VERBOSE === '1') {
  for (const [name, runs] of Object.entries(series)) out.push(`  ${name}: CPU s ${runs.map((r) => r.cpu.toFixed(3)).join(' ')}`);
}

// record start-up: recordWorkload on /bin/true per loader (alternating), against spawning /bin/true.
const SREPS = want('startup') || ROWS === undefined ? Number(process.env.BENCH_STARTUP_REPS ?? 5) : 0;
const st: Record<string, number[]> = { bare: [], libbpf: [], bpftrace: [] };
const engines = new Set<string>();
for (let i = 0; i < SREPS; i++) {
  st.bare!.push(bareStartup());
  for (const l of ['libbpf', 'bpftrace'] as const) {
    const r = await recordStartup(l);
    st[l]!.push(r.ms);
    engines.add(`${l}->${r.engine}`);
  }
}
if (SREPS > 0) out.push('');
if (SREPS > 0) out.push(`record start-up (recordWorkload on /bin/true, median of ${SREPS}; ${[...engines].join(', ')}): bare spawn ${median(st.bare!).toFixed(0)} ms, libbpf ${median(st.libbpf!).toFixed(0)} ms, bpftrace ${median(st.bpftrace!).toFixed(0)} ms (${ratio(median(st.bpftrace!), median(st.libbpf!))} libbpf's)`);
// The CLI as a user runs it (`seccompctl record --backend ebpf -o F -- /bin/true`), from dist/ when it is built with the
// libbpf loader in it (npm run build), against `node -e 0`.
const distBin = join(import.meta.dirname, '..', 'dist', 'cli', 'bin.js');
if (SREPS > 0 && existsSync(distBin) && existsSync(join(import.meta.dirname, '..', 'dist', 'runtime', 'probe-libbpf.js'))) {
  const cl: Record<string, number[]> = { node: [], libbpf: [], bpftrace: [] };
  const outFile = join(tmpdir(), `seccompctl-bench-record-${process.pid}.json`);
  const time = (args: string[], env: NodeJS.ProcessEnv = process.env): number => {
    const t = performance.now();
    spawnSync(process.execPath, args, { env, stdio: 'ignore' });
    return performance.now() - t;
  };
  for (let i = 0; i < SREPS; i++) {
    cl.node!.push(time(['-e', '0']));
    for (const l of ['libbpf', 'bpftrace'] as const) {
      cl[l]!.push(time([distBin, 'record', '--backend', 'ebpf', '-o', outFile, '--', '/bin/true'], { ...process.env, SECCOMPCTL_RECORD_LOADER: l }));
    }
  }
  rmSync(outFile, { force: true });
  out.push(`CLI: seccompctl record --backend ebpf -o F -- /bin/true (dist), median of ${SREPS}: node -e 0 ${median(cl.node!).toFixed(0)} ms, libbpf ${median(cl.libbpf!).toFixed(0)} ms (${ratio(median(cl.libbpf!), median(cl.node!))}), bpftrace ${median(cl.bpftrace!).toFixed(0)} ms (${ratio(median(cl.bpftrace!), median(cl.node!))})`);
} else if (SREPS > 0) {
  out.push('CLI record start-up: skipped (dist/ is missing or predates the libbpf loader: npm run build)');
}

if (process.env.BENCH_NGINX !== '0' && (ROWS === undefined || want('nginx'))) {
  // A fresh nginx (and program) per run, each with a discarded warm-up. The four program rows run in a chain with a
  // bare run between every two (bare, P, bare, P, ..., bare), their order rotated every repetition (and reversed
  // every other cycle of rotations), so each row sees each position; every program run is divided by the geometric
  // mean of the two bare runs just before and after it: a ratio measured side by side, which the machine's load (other
  // jobs on the 2 shared vCPUs move bare throughput ±50 % within minutes) mostly cancels from. The figures are the
  // median, interquartile range and min–max of those per-run ratios. Defaults: 8 repetitions of 1 s runs after 1 s of
  // warm-up, ≈ 2.5 min. BENCH_NGINX_PIN=N:W pins nginx to CPU N and wrk to CPU W (off: 1:0 was worse here with other
  // jobs running; 1:1 is steadier only when the machine is quiet; docs/runtime.md).
  const secs = Number(process.env.BENCH_NGINX_SECONDS ?? 1);
  const nreps = Number(process.env.BENCH_NGINX_REPS ?? 8);
  const warmup = Number(process.env.BENCH_NGINX_WARMUP ?? 1);
  const pinSpec = /^(\d+):(\d+)$/.exec(process.env.BENCH_NGINX_PIN ?? '');
  // wrk takes whole seconds.
  const bad = [
    !(Number.isInteger(secs) && secs >= 1) && `BENCH_NGINX_SECONDS=${process.env.BENCH_NGINX_SECONDS}: expected whole seconds ≥ 1`,
    !(Number.isInteger(nreps) && nreps >= 1) && `BENCH_NGINX_REPS=${process.env.BENCH_NGINX_REPS}: expected a whole number ≥ 1`,
    !(Number.isInteger(warmup) && warmup >= 0) && `BENCH_NGINX_WARMUP=${process.env.BENCH_NGINX_WARMUP}: expected whole seconds ≥ 0`,
    process.env.BENCH_NGINX_PIN && !pinSpec && `BENCH_NGINX_PIN=${process.env.BENCH_NGINX_PIN}: expected NGINX_CPU:WRK_CPU, e.g. 1:0 or 1:1`,
  ].filter(Boolean);
  if (bad.length) {
    process.stderr.write(`${bad.join('\n')}\n`);
    process.exit(2);
  }
  const pin = pinSpec ? { nginx: pinSpec[1]!, wrk: pinSpec[2]! } : undefined;
  const conns = 16;
  const bt = (prog: (session: number, pid: number, exact: boolean) => string): NginxBpftrace => async (ses, pid, exact) => {
    const b = spawn('bpftrace', ['-e', prog(ses, pid, exact)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BPFTRACE_MAP_KEYS_MAX: '65536' } });
    let o = '';
    let e = '';
    b.stderr.on('data', (c: Buffer) => { e += c.toString(); });
    const closed = new Promise<void>((res) => b.on('close', () => res()));
    await new Promise<void>((res, rej) => {
      b.stdout.on('data', (c: Buffer) => { o += c.toString(); if (o.includes('READY')) res(); });
      void closed.then(() => rej(new Error(`bpftrace: ${e.trim()}`)));
    });
    return {
      pid: b.pid!,
      stop: async () => {
        for (let i = 0; i < 20; i++) {
          b.kill('SIGINT');
          if (await Promise.race([closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 500))])) break;
        }
        return `${new Set([...o.matchAll(/^@seen\[\d+, (\d+), \d\]/gm)].map((m) => m[1])).size || '-'} syscalls`;
      },
    };
  };
  const programs = ['floor-bpftrace', 'bpftrace', 'floor-libbpf', 'libbpf'] as const;
  type NRun = { mode: NginxMode; rps: number; cpu: number; tracer: number; note: string };
  const chain: NRun[] = [];
  const t0 = performance.now();
  const runOne = async (m: NginxMode): Promise<void> => {
    const r = await nginxRun(m, { seconds: secs, warmup, connections: conns, ...(pin ? { pin } : {}) }, m === 'floor-bpftrace' ? bt(FLOOR) : bt(OURS(false)));
    chain.push({ mode: m, rps: r.rps, cpu: r.cpuUsPerReq, tracer: r.tracerUsPerReq, note: r.note });
  };
  for (let i = 0; i < nreps; i++) {
    const k = i % programs.length;
    const order = [...programs.slice(k), ...programs.slice(0, k)];
    if (Math.floor(i / programs.length) % 2 === 1) order.reverse();
    for (const m of order) {
      await runOne('bare');
      await runOne(m);
    }
  }
  await runOne('bare');
  const elapsed = (performance.now() - t0) / 1000;
  // Per-run ratios: each program run against its two bare neighbours; each inner bare run against the bare runs two
  // places away (what the method reads when nothing differs: its noise).
  const gm = (a: number, b: number): number => Math.sqrt(a * b);
  const ratios: Record<string, { rps: number[]; cpu: number[] }> = {};
  chain.forEach((r, j) => {
    const [p, n] = r.mode === 'bare' ? [chain[j - 2], chain[j + 2]] : [chain[j - 1], chain[j + 1]];
    if (!p || !n) return;
    const e = (ratios[r.mode] ??= { rps: [], cpu: [] });
    e.rps.push(r.rps / gm(p.rps, n.rps));
    e.cpu.push(r.cpu / gm(p.cpu, n.cpu));
  });
  // Median, interquartile range and min–max (quantiles interpolated between the sorted ratios).
  const spread = (xs: number[]): string => {
    const s = [...xs].sort((a, b) => a - b);
    const q = (f: number): number => {
      const x = f * (s.length - 1);
      const lo = Math.floor(x);
      return s[lo]! + (x - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
    };
    return `${q(0.5).toFixed(3)}x ${q(0.25).toFixed(2)}–${q(0.75).toFixed(2)} [${q(0).toFixed(2)}–${q(1).toFixed(2)}]`;
  };
  out.push('');
  out.push(`nginx (1 worker, 1 KiB static page) under wrk -t1 -c${conns} on 127.0.0.1${pin ? `, nginx on CPU ${pin.nginx}, wrk on CPU ${pin.wrk}` : ''}: ${nreps} repetitions of the 4 program rows`);
  out.push(`in rotated order with a bare run between every two (${chain.length} runs of ${warmup} s discarded warm-up + ${secs} s measured, fresh nginx each, ${elapsed.toFixed(0)} s).`);
  out.push('Each run divided by the bare runs just before and after it (geometric mean): median, interquartile range [min–max] of those ratios.');
  out.push('Throughput: higher is better. CPU per request (nginx master + worker run time, schedstat, measured window): lower is better.');
  out.push(`  ${'row'.padEnd(15)} ${'req/s ratio'.padEnd(29)} ${'CPU/req ratio'.padEnd(29)} ${'req/s'.padStart(7)} ${'µs CPU/req'.padStart(10)} ${'tracer µs/req'.padStart(13)}  note`);
  for (const m of ['bare', ...programs] as const) {
    const runs = chain.filter((r) => r.mode === m);
    const q = ratios[m];
    const tr = median(runs.map((r) => r.tracer));
    out.push(`  ${(m === 'bare' ? 'bare (vs bare)' : m).padEnd(15)} ${(q ? spread(q.rps) : '-').padEnd(29)} ${(q ? spread(q.cpu) : '-').padEnd(29)} ${median(runs.map((r) => r.rps)).toFixed(0).padStart(7)} ${median(runs.map((r) => r.cpu)).toFixed(2).padStart(10)} ${(m === 'bare' ? '-' : tr.toFixed(3)).padStart(13)}  ${runs.at(-1)?.note ?? ''}`);
  }
  const bares = chain.filter((r) => r.mode === 'bare').map((r) => r.rps);
  out.push(`  bare req/s over the run: ${Math.min(...bares).toFixed(0)}–${Math.max(...bares).toFixed(0)} (median ${median(bares).toFixed(0)}; the side-by-side ratios do not depend on it)`);
  if (process.env.BENCH_VERBOSE === '1') {
    for (const m of programs) out.push(`  ${m}: req/s ratios ${ratios[m]?.rps.map((x) => x.toFixed(3)).join(' ') ?? '-'}`);
  }
}
process.stdout.write(`${out.join('\n')}\n`);
