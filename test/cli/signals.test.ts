// What each signal leaves behind: the real CLI (a separate process, as a user runs it) records or verifies a real
// workload; once the workload is up it gets SIGHUP (a dropped ssh session), SIGTERM, or SIGINT twice (an impatient
// Ctrl-C). Afterwards nothing may be left: no runc container of that process, no bundle or temporary directory, no
// process it started (the workload, runc, bpftrace, strace), and kernel.printk_ratelimit no longer held by it.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processTree } from '../../src/runtime/index.js';
import { DEBIAN_PYTHON, haveRoot, haveSystem } from '../helpers/system.js';

const live = haveSystem('runc', 'bpftrace', 'strace', 'flock', DEBIAN_PYTHON) && haveRoot();
const dir = mkdtempSync(join(tmpdir(), 'seccompctl-signals-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIN = join(process.cwd(), 'src', 'cli', 'bin.ts');
const STATE = '/run/seccompctl/printk-ratelimit.json';
const SYSCTL = '/proc/sys/kernel/printk_ratelimit';
// Prints "up" once running, then idles; the default SIGTERM/SIGINT dispositions end it.
const SERVER = [DEBIAN_PYTHON, '-c', 'import time\nprint("up", flush=True)\nwhile True: time.sleep(0.05)'];
// Ignores SIGINT: the forwarded first Ctrl-C does not end it, so the second one is what stops everything.
const STUBBORN = [DEBIAN_PYTHON, '-c', 'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nprint("up", flush=True)\nwhile True: time.sleep(0.05)'];

/** pid → start time (field 22 of /proc/PID/stat), so a reused pid is not mistaken for a survivor. */
function startTimes(pids: readonly number[]): Map<number, string> {
  const m = new Map<number, string>();
  for (const p of pids) {
    try {
      const st = readFileSync(`/proc/${p}/stat`, 'utf8');
      m.set(p, st.slice(st.lastIndexOf(')') + 2).split(' ')[19]!);
    } catch {
      // already gone
    }
  }
  return m;
}

function survivors(before: Map<number, string>): string[] {
  const now = startTimes([...before.keys()]);
  const out: string[] = [];
  for (const [p, t] of before) {
    if (now.get(p) !== t) continue;
    let comm = '?';
    try {
      comm = readFileSync(`/proc/${p}/comm`, 'utf8').trim();
      if (readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.startsWith('Z')) continue; // reaped by init soon
    } catch {
      continue;
    }
    out.push(`${p} (${comm})`);
  }
  return out;
}

interface Run { child: ChildProcess; out: string[]; err: string[]; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }

function start(args: string[]): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: process.cwd() });
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.on('data', (c: Buffer) => out.push(c.toString()));
  child.stderr!.on('data', (c: Buffer) => err.push(c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
  return { child, out, err, exit };
}

async function waitUp(r: Run, timeoutMs = 60_000): Promise<void> {
  const t0 = Date.now();
  while (!r.out.join('').includes('up') && !r.err.join('').includes('up')) {
    if (r.child.exitCode !== null) throw new Error(`exited early: ${r.err.join('')}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`workload not up: ${r.err.join('')}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

function leftovers(pid: number, before: Map<number, string>, printkBefore: string, printkHeldBefore: boolean): string[] {
  const left: string[] = survivors(before).map((s) => `process ${s}`);
  const list = JSON.parse(execFileSync('runc', ['--root', '/run/seccompctl/runc', 'list', '--format', 'json'], { encoding: 'utf8' }) || 'null') as { id: string }[] | null;
  for (const c of list ?? []) if (c.id.startsWith(`seccompctl-${pid}-`)) left.push(`container ${c.id}`);
  for (const n of readdirSync(tmpdir())) if (n.startsWith(`seccompctl-bundle-${pid}-`) || n.startsWith(`seccompctl-strace-${pid}-`)) left.push(`directory ${n}`);
  if (existsSync(STATE)) {
    const st = JSON.parse(readFileSync(STATE, 'utf8')) as { holders: number[] };
    if (st.holders.includes(pid)) left.push('printk holder');
  } else if (!printkHeldBefore && readFileSync(SYSCTL, 'utf8').trim() !== printkBefore) {
    left.push(`kernel.printk_ratelimit ${readFileSync(SYSCTL, 'utf8').trim()} (was ${printkBefore})`);
  }
  return left;
}

const allow = join(dir, 'allow.json');
writeFileSync(allow, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW' }));

const cases: { name: string; args: string[]; signals: NodeJS.Signals[]; graceful: boolean }[] = [
  { name: 'record --backend audit, SIGHUP', args: ['record', '--backend', 'audit', '-o', join(dir, 'a.json'), '--', ...SERVER], signals: ['SIGHUP'], graceful: true },
  { name: 'record --backend ebpf --container, SIGTERM', args: ['record', '--backend', 'ebpf', '--container', '-o', join(dir, 'b.json'), '--', ...SERVER], signals: ['SIGTERM'], graceful: true },
  { name: 'record --backend strace, SIGINT twice', args: ['record', '--backend', 'strace', '-o', join(dir, 'c.json'), '--', ...STUBBORN], signals: ['SIGINT', 'SIGINT'], graceful: false },
  { name: 'record --backend audit, SIGINT twice', args: ['record', '--backend', 'audit', '-o', join(dir, 'd.json'), '--', ...STUBBORN], signals: ['SIGINT', 'SIGINT'], graceful: false },
  { name: 'verify --method complain, SIGINT twice', args: ['verify', '--method', 'complain', allow, '--', ...STUBBORN], signals: ['SIGINT', 'SIGINT'], graceful: false },
  { name: 'verify --method ebpf, SIGHUP', args: ['verify', '--method', 'ebpf', allow, '--', ...SERVER], signals: ['SIGHUP'], graceful: true },
  { name: 'verify --method ebpf, SIGQUIT', args: ['verify', '--method', 'ebpf', allow, '--', ...SERVER], signals: ['SIGQUIT'], graceful: false },
];

describe.skipIf(!live)('signals leave nothing behind', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const printkBefore = readFileSync(SYSCTL, 'utf8').trim();
      const heldBefore = existsSync(STATE);
      const r = start(c.args);
      await waitUp(r);
      const pid = r.child.pid!;
      const before = startTimes(processTree(pid).filter((p) => p !== pid));
      expect(before.size).toBeGreaterThan(0);
      for (const [i, s] of c.signals.entries()) {
        if (i > 0) await new Promise((res) => setTimeout(res, 200));
        r.child.kill(s);
      }
      const e = await r.exit;
      const stderr = r.err.join('');
      expect(stderr).not.toMatch(/unexpected error|^\s+at /m);
      if (c.graceful) {
        // The workload was stopped (SIGHUP is forwarded as SIGTERM) and the command finished its job.
        expect(e.code, stderr).toBe(0);
        if (c.args[0] === 'record') expect(existsSync(c.args[c.args.indexOf('-o') + 1]!)).toBe(true);
      } else {
        expect(e.code, stderr).toBe(128 + (c.signals.at(-1) === 'SIGQUIT' ? 3 : 2));
      }
      // A killed holder's processes are gone by the time our exit handler ran; give init a moment to reap them.
      let left: string[] = [];
      for (let i = 0; i < 50; i++) {
        left = leftovers(pid, before, printkBefore, heldBefore);
        if (left.length === 0) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      expect(left).toEqual([]);
    }, 120_000);
  }
});
