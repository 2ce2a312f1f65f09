// npm run bench:agent — N containers (default 50, BENCH_CONTAINERS) laid out as containerd's CRI plugin does, each
// running a syscall-heavy loop (BENCH_CALLS getppid calls, default 200 000), run bare and under the node agent in
// the same run (alternating, BENCH_REPS rounds, default 2). All containers start, wait at a gate, then loop at once.
//
// Per round and mode: the workload's loop CPU time per call (measured inside each container; median over the N
// containers), the agent's own CPU (its node process and bpftrace, from /proc) and peak RSS, and the events it
// handled per second (seccompctl_agent_events_total from its /metrics endpoint over the loop's wall time).
// Modes: bare; agent (default: every call counted per container); agent --no-counts (each syscall noted once).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fakeNode, startPodContainer, type FakeNode } from '../test/agent/node.js';

const N = Number(process.env.BENCH_CONTAINERS ?? 50);
const CALLS = Number(process.env.BENCH_CALLS ?? 200_000);
const REPS = Number(process.env.BENCH_REPS ?? 2);
const PY = '/usr/bin/python3';
const root = join(import.meta.dirname, '..');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function loopScript(dir: string, i: number): string {
  return [
    'import os, time',
    `d = ${JSON.stringify(dir)}`,
    `open(d + "/ready-${i}", "w").close()`,
    'while not os.path.exists(d + "/go"): time.sleep(0.01)',
    't, c = time.perf_counter(), time.process_time()',
    `for _ in range(${CALLS}): os.getppid()`,
    'print(time.perf_counter() - t, time.process_time() - c)',
  ].join('\n');
}

/** CPU seconds and peak RSS (KiB) of a process and its children (bpftrace), the RSS of each. */
function procStats(pid: number): { cpu: number; hwmKiB: number; hwms: number[] } {
  const tick = 100;
  const one = (p: number): { cpu: number; hwm: number } => {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
      return { cpu: (Number(f[11]) + Number(f[12])) / tick, hwm };
    } catch {
      return { cpu: 0, hwm: 0 };
    }
  };
  let cpu = 0;
  let hwm = 0;
  const hwms: number[] = [];
  const all = [pid, ...readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]) === pid;
    } catch {
      return false;
    }
  })];
  for (const p of all) {
    const s = one(p);
    cpu += s.cpu;
    hwm += s.hwm;
    hwms.push(s.hwm);
  }
  return { cpu, hwmKiB: hwm, hwms };
}

function metric(socket: string, name: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve(Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(body)?.[1] ?? Number.NaN)));
    });
    req.on('error', () => resolve(Number.NaN));
    req.end();
  });
}

interface Row { mode: string; perCallNs: number; loopWall: number; agentCpu?: number; hwmMiB?: number; nodeMiB?: number; bpftraceMiB?: number; eventsPerSec?: number; newPerSec?: number; drops?: number }

async function round(node: FakeNode, mode: 'bare' | 'agent' | 'agent --no-counts', k: number): Promise<Row> {
  const dir = join(node.dir, `r${k}-${mode.replace(/\W+/g, '')}`);
  mkdirSync(dir, { recursive: true });
  const stateDir = join(dir, 'state');
  let agent: ChildProcess | undefined;
  if (mode !== 'bare') {
    agent = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), '--quiet', 'agent', '--all', '--state-dir', stateDir,
      '--cgroup-prefix', node.prefix, '--containerd-state', node.paths.containerdTasks, '--flush-interval', '1', ...(mode === 'agent --no-counts' ? ['--no-counts'] : [])],
    { stdio: ['ignore', 'ignore', 'inherit'] });
    const end = Date.now() + 60_000;
    while (!existsSync(join(stateDir, 'agent.sock'))) {
      if (Date.now() > end || agent.exitCode !== null) throw new Error('the agent did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const mounts = [{ source: dir, destination: dir, readonly: false }];
  const pods = Array.from({ length: N }, (_, i) => startPodContainer(node, {
    runtime: 'containerd', driver: 'cgroupfs', namespace: 'bench', pod: `load-7c9f8d6b5-${String(i).padStart(5, 'x').replace(/\d/g, (d) => 'bcdfghjklm'[Number(d)]!)}`,
    container: 'main', args: [PY, '-c', loopScript(dir, i)], mounts,
  }));
  const end = Date.now() + 180_000;
  while (readdirSync(dir).filter((f) => f.startsWith('ready-')).length < N) {
    if (Date.now() > end) throw new Error('containers did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const before = agent ? procStats(agent.pid!) : undefined;
  const ev0 = agent ? await metric(join(stateDir, 'agent.sock'), 'seccompctl_agent_events_total') : 0;
  const new0 = agent ? await metric(join(stateDir, 'agent.sock'), 'seccompctl_agent_new_syscalls_total') : 0;
  const t = performance.now();
  writeFileSync(join(dir, 'go'), '');
  const results = await Promise.all(pods.map((p) => p.running.done));
  const wall = (performance.now() - t) / 1000;
  const cpus = results.map((r) => Number(r.stdout.trim().split(/\s+/)[1]));
  if (cpus.some((c) => !Number.isFinite(c))) throw new Error(`a container failed: ${results.find((r) => r.exitCode !== 0)?.stderr ?? ''}`);
  const row: Row = { mode, perCallNs: (median(cpus) / CALLS) * 1e9, loopWall: wall };
  if (agent) {
    await new Promise((r) => setTimeout(r, 1500)); // the last per-second call counts
    const after = procStats(agent.pid!);
    const sock = join(stateDir, 'agent.sock');
    row.eventsPerSec = ((await metric(sock, 'seccompctl_agent_events_total')) - ev0) / wall;
    row.newPerSec = ((await metric(sock, 'seccompctl_agent_new_syscalls_total')) - new0) / wall;
    row.drops = await metric(sock, 'seccompctl_agent_drops_total\\{reason="perf"\\}');
    row.agentCpu = after.cpu - before!.cpu;
    row.hwmMiB = after.hwmKiB / 1024;
    row.nodeMiB = (after.hwms[0] ?? 0) / 1024;
    row.bpftraceMiB = after.hwms.slice(1).reduce((a, b) => a + b, 0) / 1024;
    agent.kill('SIGTERM');
    await new Promise((r) => agent!.once('exit', r));
  }
  return row;
}

const node = fakeNode();
const rows: Row[] = [];
try {
  for (let k = 0; k < REPS; k++) {
    for (const mode of ['bare', 'agent', 'agent --no-counts'] as const) {
      const r = await round(node, mode, k);
      rows.push(r);
      process.stderr.write(`round ${k + 1} ${mode}: ${r.perCallNs.toFixed(0)} ns/call CPU, loop wall ${r.loopWall.toFixed(2)} s${r.agentCpu !== undefined ? `, agent CPU ${r.agentCpu.toFixed(2)} s, peak RSS ${r.hwmMiB!.toFixed(0)} MiB, ${Math.round(r.eventsPerSec!)} events/s` : ''}\n`);
    }
  }
} finally {
  node.cleanup();
}
const by = (m: string): Row[] => rows.filter((r) => r.mode === m);
const bareNs = median(by('bare').map((r) => r.perCallNs));
const bareWall = median(by('bare').map((r) => r.loopWall));
console.log(`\n${N} containers × ${CALLS} getppid calls, ${REPS} round(s), medians`);
console.log('| mode | workload CPU per call | ratio to bare | loop wall | wall ratio | events/s (calls counted) | agent CPU over the loop | agent CPU / workload CPU | agent peak RSS (node + bpftrace) | perf drops |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const m of ['bare', 'agent', 'agent --no-counts']) {
  const rs = by(m);
  const ns = median(rs.map((r) => r.perCallNs));
  const wall = median(rs.map((r) => r.loopWall));
  const ev = median(rs.map((r) => r.eventsPerSec ?? Number.NaN));
  const cpu = median(rs.map((r) => r.agentCpu ?? Number.NaN));
  const peak = rs.reduce((a, r) => ((r.hwmMiB ?? 0) > (a.hwmMiB ?? 0) ? r : a), rs[0]!);
  // workload CPU over the loop: N containers × CALLS × per-call CPU
  const workCpu = (N * CALLS * ns) / 1e9;
  const agentCols = m === 'bare' ? '— | — | — | — | —' : `${Math.round(ev)} | ${cpu.toFixed(2)} s | ${((cpu / workCpu) * 100).toFixed(1)} % | ${peak.hwmMiB!.toFixed(0)} MiB (${peak.nodeMiB!.toFixed(0)} + ${peak.bpftraceMiB!.toFixed(0)}) | ${Math.max(...rs.map((r) => r.drops ?? 0))}`;
  console.log(`| ${m} | ${ns.toFixed(0)} ns | ${(ns / bareNs).toFixed(2)}× | ${wall.toFixed(2)} s | ${(wall / bareWall).toFixed(2)}× | ${agentCols} |`);
}
