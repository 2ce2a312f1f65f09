// npm run bench:record — a syscall-heavy workload (N getppid calls in a loop) run bare and under each recorder
// backend in one run; prints each backend's wall-time ratio to the bare run.
//
// Two figures per backend: the workload's own loop time (measured inside the process, what the recorder costs the
// workload) and end-to-end wall time (including the recorder's start: bpftrace compiling its program, runc).
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { recordWorkload, type RecordBackend } from '../src/record/index.js';

const N = Number(process.env.BENCH_CALLS ?? 300_000);
const REPS = Number(process.env.BENCH_REPS ?? 7);
const PY = '/usr/bin/python3';
const script = `import os, time\nt = time.perf_counter()\nfor _ in range(${N}): os.getppid()\nprint(time.perf_counter() - t)`;
const argv = [PY, '-c', script];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface Row { name: string; loop: number; wall: number; note: string }
const rows: Row[] = [];

function bare(): { loop: number; wall: number } {
  const t = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  return { loop: Number(r.stdout.trim()), wall: (performance.now() - t) / 1000 };
}

// The machine is shared and noisy: bare and eBPF runs alternate, and each figure is a median.
const bareRuns: { loop: number; wall: number }[] = [];
const ebpfRuns: { loop: number; wall: number }[] = [];
let ebpfNote = '';
for (let i = 0; i < REPS; i++) {
  bareRuns.push(bare());
  const t = performance.now();
  const r = await recordWorkload({ argv, backend: 'ebpf' });
  ebpfRuns.push({ loop: Number(r.stdout.trim()), wall: (performance.now() - t) / 1000 });
  ebpfNote = `getppid counted: ${r.ingest.syscalls.get('x86_64')?.get('getppid')?.count ?? 0}`;
}
bareRuns.push(bare());
rows.push({ name: 'bare', loop: median(bareRuns.map((r) => r.loop)), wall: median(bareRuns.map((r) => r.wall)), note: '' });
rows.push({ name: 'ebpf', loop: median(ebpfRuns.map((r) => r.loop)), wall: median(ebpfRuns.map((r) => r.wall)), note: ebpfNote });

const others: { backend: RecordBackend; container: boolean }[] = [
  { backend: 'strace', container: false },
  { backend: 'audit', container: true },
];
for (const b of others) {
  const t = performance.now();
  const r = await recordWorkload({ argv, backend: b.backend, container: b.container });
  const wall = (performance.now() - t) / 1000;
  const calls = r.ingest.syscalls.get('x86_64')?.get('getppid')?.count ?? 0;
  rows.push({ name: b.backend, loop: Number(r.stdout.trim()), wall, note: `getppid counted: ${calls}${r.ingest.loss.length ? `; kernel log LOSS (${r.ingest.loss.length} signal(s))` : ''}` });
}

const base = rows[0]!;
process.stdout.write(`record benchmark: ${N} getppid calls from ${PY}, bare and ebpf: median of ${REPS} alternating runs; strace, audit: 1 run\n`);
process.stdout.write(`${'backend'.padEnd(8)} ${'loop s'.padStart(8)} ${'ratio'.padStart(7)} ${'wall s'.padStart(8)} ${'ratio'.padStart(7)}  note\n`);
for (const r of rows) {
  process.stdout.write(`${r.name.padEnd(8)} ${r.loop.toFixed(3).padStart(8)} ${(r.loop / base.loop).toFixed(2).padStart(6)}x ${r.wall.toFixed(3).padStart(8)} ${(r.wall / base.wall).toFixed(2).padStart(6)}x  ${r.note}\n`);
}
