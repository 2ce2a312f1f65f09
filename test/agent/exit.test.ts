// The agent's eBPF output under stress at the moment it matters most: many containers exiting together, each making
// a syscall nothing else makes at its exit, while the probe's reader lags (stopped, as a CPU hog stops it) and the
// agent is stopped right after. Every exit call must be attributed to its own container, whatever bpftrace dropped on
// the way (its perf buffer overflowing; lines it drops when the exit signal lands while it prints).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, haveRoot, haveSystem } from '../helpers/system.js';
import { names, startAgent, until } from './helpers.js';
import { fakeNode, startPodContainer, type FakeNode, type PodContainer } from './node.js';

const live = haveSystem('runc', 'bpftrace', '/usr/bin/python3', 'setpriv') && haveRoot();

/** Python calls for syscalls Python's start-up and its sleep loop never make (checked with strace -f). */
const EXIT_CALLS: Record<string, string> = {
  getsid: 'os.getsid(0)', getpriority: 'os.getpriority(os.PRIO_PROCESS, 0)', getpgid: 'os.getpgid(0)',
  getitimer: 'signal.getitimer(signal.ITIMER_REAL)', times: 'os.times()', sched_getscheduler: 'os.sched_getscheduler(0)',
  sched_get_priority_max: 'os.sched_get_priority_max(os.SCHED_OTHER)', sched_getparam: 'os.sched_getparam(0)',
  sched_rr_get_interval: 'os.sched_rr_get_interval(0)', getresuid: 'os.getresuid()', getresgid: 'os.getresgid()',
  sched_get_priority_min: 'os.sched_get_priority_min(os.SCHED_OTHER)',
};

/** Whether a container's cgroup (v2 path as runc's fs driver lays it out on the unified hierarchy) runs a process. */
function isPopulated(cgroupsPath: string): boolean {
  for (const root of ['/sys/fs/cgroup/unified', '/sys/fs/cgroup']) {
    try {
      if (readFileSync(join(root, cgroupsPath, 'cgroup.procs'), 'utf8').trim() !== '') return true;
    } catch {
      // not this hierarchy
    }
  }
  return false;
}

/** Sleeps until `<dir>/go` exists, then makes its exit call and exits. */
function exitArgs(dir: string, call: string): string[] {
  return [DEBIAN_PYTHON, '-c', ['import os, signal, time', `while not os.path.exists(${JSON.stringify(dir + '/go')}): time.sleep(0.02)`, EXIT_CALLS[call]!].join('\n')];
}

describe.skipIf(!live)('agent (eBPF): containers exiting together while the probe lags', () => {
  let node: FakeNode;
  beforeAll(() => { node = fakeNode(); });
  afterAll(() => node?.cleanup());

  const calls = Object.keys(EXIT_CALLS);

  /**
   * One container per exit call, each its own workload. The probe's reader is stopped (as a CPU hog stops it for
   * hundreds of ms; the kernel side keeps recording) from `stall` on: the containers' exit, or their start too.
   */
  async function burst(name: string, opts: { perfPages?: number; stall: 'exit' | 'start' }): Promise<{ agent: Awaited<ReturnType<typeof startAgent>>['agent']; pods: PodContainer[] }> {
    const a = await startAgent(node, { source: 'ebpf', ...(opts.perfPages ? { perfPages: opts.perfPages } : {}) }, name);
    const dir = join(node.dir, `go-${name}`);
    mkdirSync(dir, { recursive: true });
    const mounts = [{ source: dir, destination: dir, readonly: true }];
    const pid = a.agent.probePid!;
    let stalled = false;
    const stall = (on: boolean): void => {
      if (stalled !== on) process.kill(pid, on ? 'SIGSTOP' : 'SIGCONT');
      stalled = on;
    };
    if (opts.stall === 'start') stall(true);
    const pods = calls.map((c, i) => startPodContainer(node, {
      runtime: i % 2 ? 'crio' : 'containerd', driver: i % 3 ? 'cgroupfs' : 'systemd', namespace: 'exit', pod: `w${i}`,
      container: 'main', args: exitArgs(dir, c), mounts, annotations: { 'seccompctl.io/record': 'true' },
    }));
    try {
      if (opts.stall === 'start') {
        // every payload running (its cgroup holds python) before the reader resumes
        await until(() => pods.every((p) => isPopulated(p.cgroupsPath)), 'every payload running');
        await new Promise((r) => setTimeout(r, 500));
        stall(false);
      }
      await until(() => calls.every((_, i) => a.agent.store.get(`exit/w${i}/main`) !== undefined), 'every container attributed');
      stall(true);
      writeFileSync(join(dir, 'go'), '');
      await Promise.all(pods.map((p) => p.running.done));
    } finally {
      stall(false);
      // Stopped at once: the exit calls' lines are still in bpftrace's buffers, or being printed.
      await new Promise((r) => setTimeout(r, 2));
      await a.stop();
    }
    return { agent: a.agent, pods };
  }

  it('every container\'s exit call lands in its own recording when the agent stops while the backlog is read', async () => {
    const { agent, pods } = await burst('stall', { stall: 'exit' });
    expect(pods.every((p) => p.running.done !== undefined)).toBe(true);
    calls.forEach((c, i) => {
      const got = names(agent.store.get(`exit/w${i}/main`));
      expect(got, `w${i} (${c})`).toContain(c);
      for (const other of calls) if (other !== c) expect(got, `w${i} has ${other}`).not.toContain(other);
    });
    expect(agent.lossWindows).toEqual([]);
    expect(agent.metrics.drops.unattributed).toBe(0);
  }, 120_000);

  it('the agent stopped while bpftrace prints a backlog: no container, no syscall dropped', async () => {
    // bpftrace 0.17 drops every line it reads once the exit signal has landed; here the signal comes while it prints
    // 24 containers' exec lines and first sightings (about 1 400 lines) after a stall.
    const a = await startAgent(node, { source: 'ebpf' }, 'backlog');
    const dir = join(node.dir, 'go-backlog');
    mkdirSync(dir, { recursive: true });
    const mounts = [{ source: dir, destination: dir, readonly: true }];
    const pid = a.agent.probePid!;
    process.kill(pid, 'SIGSTOP');
    const backlogCalls = [...calls, ...calls];
    const pods = backlogCalls.map((c, i) => startPodContainer(node, {
      runtime: i % 2 ? 'crio' : 'containerd', driver: i % 3 ? 'cgroupfs' : 'systemd', namespace: 'backlog', pod: `w${i}`,
      container: 'main', args: exitArgs(dir, c), mounts, annotations: { 'seccompctl.io/record': 'true' },
    }));
    try {
      await until(() => pods.every((p) => isPopulated(p.cgroupsPath)), 'every payload running');
      await new Promise((r) => setTimeout(r, 500));
      process.kill(pid, 'SIGCONT');
      // The exit signal lands while it prints: with the previous probe 7 of 8 runs lost lines (delays 1–5 ms).
      await new Promise((r) => setTimeout(r, 2));
      await a.stop();
    } finally {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone (stopped)
      }
      writeFileSync(join(dir, 'go'), '');
      await Promise.all(pods.map((p) => p.running.done));
    }
    backlogCalls.forEach((_, i) => {
      const r = a.agent.store.get(`backlog/w${i}/main`);
      for (const n of ['openat', 'read', 'mmap', 'clock_nanosleep']) expect(names(r), `w${i}`).toContain(n);
    });
    expect(a.agent.lossWindows).toEqual([]);
  }, 120_000);

  it('a perf buffer that overflows is reported as loss, and the syscall set is still complete (re-read from the kernel map)', async () => {
    // One page per CPU holds about eighty lines: twelve containers' exec lines and first sightings (about sixty each)
    // overflow it while the reader is stopped from before their start.
    const { agent } = await burst('overflow', { perfPages: 1, stall: 'start' });
    expect(agent.metrics.drops.perf).toBeGreaterThan(0);
    calls.forEach((c, i) => {
      const r = agent.store.get(`exit/w${i}/main`)!;
      expect(names(r), `w${i} (${c})`).toContain(c);
      for (const n of ['openat', 'read', 'mmap', 'clock_nanosleep', 'exit_group']) expect(names(r), `w${i}`).toContain(n);
    });
  }, 120_000);
});
