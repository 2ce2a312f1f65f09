// The agent's hard cases, for real: kill -9 mid-recording and restart (nothing before the last flush lost, the loss
// window reported, bpftrace gone with the agent), a container whose payload lives a few milliseconds and whose
// bundle containerd deletes at once, 50 concurrent containers, the audit source under a LOG profile with a forced
// kernel-log loss, and the recording DaemonSet's capability set (the agent run under exactly those capabilities).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRecordInstall } from '../../src/k8s/index.js';
import { nativeScmpArches } from '../../src/runtime/index.js';
import { haveRoot, haveSystem, DEBIAN_PYTHON } from '../helpers/system.js';
import { markerArgs, names, readState, startAgent, stateRecording, until } from './helpers.js';
import { fakeNode, startPodContainer, type FakeNode } from './node.js';

const live = haveSystem('runc', 'bpftrace', '/usr/bin/python3', 'setpriv') && haveRoot();

function agentArgs(node: FakeNode, stateDir: string, source: string): string[] {
  return ['--source', source, '--state-dir', stateDir, '--cgroup-prefix', node.prefix, '--containerd-state', node.paths.containerdTasks,
    ...node.paths.crioRoots.flatMap((r) => ['--crio-root', r]), '--flush-interval', '0.3', '--listen', 'none', '--node', 'node-a'];
}

function spawnAgent(args: string[], prefix: string[] = []): ChildProcess {
  const root = join(import.meta.dirname, '../..');
  const argv = [...prefix, process.execPath, '--import', 'tsx', join(root, 'src/cli/bin.ts'), 'agent', ...args];
  const p = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'], cwd: root });
  p.stderr!.setEncoding('utf8');
  let err = '';
  p.stderr!.on('data', (c: string) => { err += c; });
  (p as ChildProcess & { errText: () => string }).errText = () => err;
  return p;
}

const exited = (p: ChildProcess): Promise<number | null> => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve(p.exitCode) : new Promise((r) => p.once('exit', (c) => r(c))));

/** Pids of processes whose parent is `ppid` and whose comm is `comm`. */
function childrenNamed(ppid: number, comm: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = readFileSync(`/proc/${d}/stat`, 'utf8');
      const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
      const pp = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1]);
      if (pp === ppid && name === comm) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe.skipIf(!live)('agent lifecycle', () => {
  let node: FakeNode;
  beforeAll(() => { node = fakeNode(); });
  afterAll(() => node?.cleanup());

  it('kill -9 mid-recording, then restart: what was flushed survives, the loss window is reported, recording resumes for the running container', async () => {
    const stateDir = join(node.dir, 'kill9-state');
    const dir = join(node.dir, 'kill9');
    mkdirSync(dir, { recursive: true });
    const args = agentArgs(node, stateDir, 'ebpf');
    const first = spawnAgent(args);
    const pod = startPodContainer(node, {
      runtime: 'containerd', driver: 'cgroupfs', namespace: 'ops', pod: 'worker', container: 'main',
      annotations: { 'seccompctl.io/record': 'true' }, mounts: [{ source: dir, destination: dir, readonly: false }],
      args: markerArgs(dir, ['getsid'], { phase2: ['getpgid'], phase3: ['times'] }),
    });
    let second: ChildProcess | undefined;
    try {
      await until(() => names(stateRecording(stateDir, 'ops/worker/main')).has('getsid'), 'getsid flushed before the kill');
      const bpftrace = childrenNamed(first.pid!, 'bpftrace');
      expect(bpftrace).toHaveLength(1);
      const before = readState(stateDir)!;
      first.kill('SIGKILL');
      await exited(first);
      const killedAt = new Date().toISOString();
      // bpftrace dies with the agent (parent-death signal), instead of tracing every syscall of the node forever.
      await until(() => !alive(bpftrace[0]!), 'bpftrace to die with the agent', 5000);
      writeFileSync(join(dir, 'phase2'), ''); // calls made while no agent runs
      await new Promise((r) => setTimeout(r, 300));
      second = spawnAgent(args);
      await until(() => (readState(stateDir)?.lossWindows.length ?? 0) === 1 && readState(stateDir)!.startedAt > before.startedAt, 'the restarted agent\'s first flush');
      writeFileSync(join(dir, 'phase3'), '');
      await until(() => names(stateRecording(stateDir, 'ops/worker/main')).has('times'), 'times recorded after the restart');
      writeFileSync(join(dir, 'stop'), '');
      await pod.running.done;
      second.kill('SIGTERM');
      expect(await exited(second)).toBe(0);
      const st = readState(stateDir)!;
      const rec = st.recordings.find((r) => r.workload === 'worker')!;
      expect(names(rec)).toContain('getsid'); // recorded and flushed before the kill
      expect(names(rec)).toContain('times'); // recorded by the restarted agent, from the container it found running
      expect(rec.replicas).toHaveLength(1); // the same replica, not a new one
      expect(st.lossWindows).toHaveLength(1);
      const w = st.lossWindows[0]!;
      expect(w.from >= before.lastFlush && w.from <= killedAt).toBe(true);
      expect(w.to >= killedAt).toBe(true);
    } finally {
      writeFileSync(join(dir, 'stop'), '');
      first.kill('SIGKILL');
      second?.kill('SIGKILL');
      await pod.running.done;
    }
  }, 120_000);

  it('a container whose payload lives a few milliseconds (bundle deleted at exit) and one that lives 100 ms are attributed', async () => {
    const a = await startAgent(node, { source: 'ebpf' }, 'short-state');
    try {
      const ann = { 'seccompctl.io/record': 'true' };
      const quick = startPodContainer(node, { runtime: 'containerd', driver: 'systemd', namespace: 'batch', pod: 'quick', container: 'main', annotations: ann, args: ['/bin/sh', '-c', 'read x < /etc/hostname'] });
      const r1 = await quick.running.done;
      const tenth = startPodContainer(node, { runtime: 'crio', driver: 'cgroupfs', namespace: 'batch', pod: 'tenth', container: 'main', annotations: ann, args: ['/bin/sh', '-c', 'read x < /etc/hostname; sleep 0.1'] });
      const r2 = await tenth.running.done;
      expect([r1.exitCode, r2.exitCode]).toEqual([0, 0]);
      expect(existsSync(join(node.paths.containerdTasks, 'k8s.io', quick.id))).toBe(false);
      await until(() => names(a.agent.store.get('batch/quick/main')).has('exit_group') && names(a.agent.store.get('batch/tenth/main')).has('clock_nanosleep'), 'both short containers recorded');
      for (const key of ['batch/quick/main', 'batch/tenth/main']) {
        const r = a.agent.store.get(key)!;
        for (const n of ['execve', 'openat', 'read', 'exit_group']) expect(names(r)).toContain(n);
        expect(names(r)).not.toContain('pivot_root');
      }
      expect(a.agent.store.get('batch/quick/main')!.replicas[0]!.podUid).toBe(quick.podUid);
      expect(a.agent.metrics.drops.unattributed).toBe(0);
    } finally {
      await a.stop();
    }
  }, 60_000);

  it('50 concurrent containers of 5 workloads: every replica attributed, nothing dropped', async () => {
    const a = await startAgent(node, { source: 'ebpf' }, 'fifty-state');
    try {
      const pods = Array.from({ length: 50 }, (_, i) => startPodContainer(node, {
        runtime: i % 2 === 0 ? 'containerd' : 'crio', driver: i % 4 < 2 ? 'systemd' : 'cgroupfs', namespace: 'load',
        pod: `w${i % 5}-7c9f8d6b5-${'bcdfghjklm'[Math.floor(i / 5)]}x2k9`, container: 'main', annotations: { 'seccompctl.io/record': 'true' },
        args: ['/bin/sh', '-c', 'read x < /etc/hostname; sleep 0.5'],
      }));
      const results = await Promise.all(pods.map((p) => p.running.done));
      expect(results.filter((r) => r.exitCode !== 0).map((r) => r.stderr)).toEqual([]);
      await until(() => a.agent.store.list().reduce((n, r) => n + r.replicas.filter((x) => x.syscalls > 5).length, 0) === 50, 'all 50 replicas recorded');
      expect(a.agent.store.list().map((r) => [r.workload, r.replicas.length])).toEqual([0, 1, 2, 3, 4].map((w) => [`w${w}`, 10]));
      expect(a.agent.metrics.drops).toEqual({ perf: 0, unattributed: 0, kmsg: 0, capacity: 0, map: 0 });
    } finally {
      await a.stop();
    }
  }, 180_000);

  it('churn fills the kernel maps with exited containers\' keys: the probe is renewed without a gap and a running container stays recorded', async () => {
    // 160 keys per map: renewed at 120 first sightings (a python start-up makes about 80 distinct syscalls).
    const a = await startAgent(node, { source: 'ebpf', mapKeys: 160 }, 'churn-state');
    const dir = join(node.dir, 'churn');
    mkdirSync(dir, { recursive: true });
    const mounts = [{ source: dir, destination: dir, readonly: false }];
    const ann = { 'seccompctl.io/record': 'true' };
    const long = startPodContainer(node, { runtime: 'containerd', driver: 'cgroupfs', namespace: 'churn', pod: 'steady', container: 'main', annotations: ann, mounts, args: markerArgs(dir, ['getsid'], { late: ['getpgid'] }) });
    try {
      await until(() => names(a.agent.store.get('churn/steady/main')).has('getsid'), 'the long-running container');
      for (let i = 0; a.agent.metrics.rotations === 0 && i < 12; i++) {
        const short = startPodContainer(node, { runtime: 'crio', driver: 'systemd', namespace: 'churn', pod: `short-${i}`, container: 'main', annotations: ann, args: [DEBIAN_PYTHON, '-c', 'import json, socket; socket.gethostname()'] });
        await short.running.done;
        if (i >= 3) await until(() => a.agent.metrics.rotations > 0, 'the renewal', 5000).catch(() => undefined);
      }
      expect(a.agent.metrics.rotations).toBeGreaterThanOrEqual(1);
      writeFileSync(join(dir, 'late'), '');
      await until(() => names(a.agent.store.get('churn/steady/main')).has('getpgid'), 'a call made after the renewal');
      // a container started after the renewal is recorded too
      const after = startPodContainer(node, { runtime: 'containerd', driver: 'systemd', namespace: 'churn', pod: 'after', container: 'main', annotations: ann, args: ['/bin/sh', '-c', 'read x < /etc/hostname'] });
      await after.running.done;
      await until(() => names(a.agent.store.get('churn/after/main')).has('exit_group'), 'a container started after the renewal');
    } finally {
      writeFileSync(join(dir, 'stop'), '');
      await long.running.done;
      await a.stop();
    }
  }, 120_000);

  it('audit source: a container under a LOG profile is recorded from the kernel log; a forced loss is reported for it', async () => {
    const stateDir = join(node.dir, 'audit-state');
    const dir = join(node.dir, 'audit');
    mkdirSync(dir, { recursive: true });
    const agent = spawnAgent(agentArgs(node, stateDir, 'audit'));
    const log = JSON.stringify({ defaultAction: 'SCMP_ACT_LOG', architectures: nativeScmpArches(), flags: [] });
    // Idles with getpgid; on <dir>/flood makes 3000 getsid calls at once (each one a kernel log record), then idles.
    const script = [
      'import os, time', `d = ${JSON.stringify(dir)}`, 'done = False',
      'while not os.path.exists(d + "/stop"):',
      '    os.getpgid(0)',
      '    if not done and os.path.exists(d + "/flood"):',
      '        for i in range(3000): os.getsid(0)',
      '        done = True', '        open(d + "/flooded", "w").close()',
      '    time.sleep(0.05)',
    ].join('\n');
    const pod = startPodContainer(node, {
      runtime: 'crio', driver: 'systemd', namespace: 'audit', pod: 'logged', container: 'main', seccomp: log,
      annotations: { 'seccompctl.io/record': 'true' }, mounts: [{ source: dir, destination: dir, readonly: false }], args: [DEBIAN_PYTHON, '-c', script],
    });
    try {
      await until(() => names(stateRecording(stateDir, 'audit/logged/main')).has('getpgid'), 'getpgid from the kernel log');
      // (other jobs on the machine may flood the kernel log too: compare with the count before the forced loss)
      const lossBefore = stateRecording(stateDir, 'audit/logged/main')!.lossCount;
      // The agent cannot read while stopped: the kernel ring (a few hundred records) is overwritten meanwhile.
      agent.kill('SIGSTOP');
      writeFileSync(join(dir, 'flood'), '');
      await until(() => existsSync(join(dir, 'flooded')), 'the flood', 30_000);
      agent.kill('SIGCONT');
      await until(() => (stateRecording(stateDir, 'audit/logged/main')?.lossCount ?? 0) > lossBefore, 'the loss reported for the container');
      const rec = stateRecording(stateDir, 'audit/logged/main')!;
      expect(rec.loss.join('\n')).toMatch(/overwritten|suppressed|lost/);
      expect(names(rec)).toContain('getsid');
    } finally {
      writeFileSync(join(dir, 'stop'), '');
      await pod.running.done;
      agent.kill('SIGCONT');
      agent.kill('SIGTERM');
      await exited(agent);
    }
  }, 120_000);

  it('audit source reading an auditd log: records attributed through their pids, a serial gap reported as loss', async () => {
    // No audit daemon is started (it would take the kernel's records away from every other test on the machine):
    // the test appends lines in auditd's raw format for the real pids of a running container, as auditd would.
    const log = join(node.dir, 'audit.log');
    writeFileSync(log, 'type=DAEMON_START msg=audit(1700000000.000:1000): op=start ver=3.0.9 format=enriched res=success\n');
    const a = await startAgent(node, { source: 'audit', auditLog: log }, 'auditd-state');
    const dir = join(node.dir, 'auditd');
    mkdirSync(dir, { recursive: true });
    const pod = startPodContainer(node, { runtime: 'containerd', driver: 'systemd', namespace: 'audit', pod: 'daemon-logged', container: 'main', annotations: { 'seccompctl.io/record': 'true' }, mounts: [{ source: dir, destination: dir, readonly: false }], args: markerArgs(dir, ['getsid']) });
    try {
      await until(() => pod.running.initPid() !== undefined, 'the container to run');
      const pid = pod.running.initPid()!;
      const rec = (serial: number, nr: number): string => `type=SECCOMP msg=audit(1700000001.${serial}:${serial}): auid=4294967295 uid=0 gid=0 ses=4294967295 subj=unconfined pid=${pid} comm="python3" exe="/usr/bin/python3.11" sig=0 arch=c000003e syscall=${nr} compat=0 ip=0x7f0000001000 code=0x7ffc0000\x1dAUID="unset" UID="root" GID="root" ARCH=x86_64 SYSCALL=x\n`;
      appendFileSync(log, rec(1001, 124) + rec(1002, 121));
      await until(() => names(a.agent.store.get('audit/daemon-logged/main')).has('getpgid'), 'records from the auditd log');
      expect(names(a.agent.store.get('audit/daemon-logged/main'))).toContain('getsid');
      expect(a.agent.store.get('audit/daemon-logged/main')!.loss).toEqual([]);
      appendFileSync(log, rec(1010, 39));
      await until(() => a.agent.store.get('audit/daemon-logged/main')!.lossCount === 7, 'the serial gap 1003-1009');
      expect(a.agent.store.get('audit/daemon-logged/main')!.loss.join('\n')).toMatch(/audit serials 1003-1009 are missing/);
      expect(a.agent.health()).toMatchObject({ source: 'audit', auditLog: log });
    } finally {
      writeFileSync(join(dir, 'stop'), '');
      await pod.running.done;
      await a.stop();
    }
  }, 60_000);

  it('the recording DaemonSet\'s capabilities are enough: the agent runs and records under exactly that bounding set', async () => {
    const r = buildRecordInstall({ source: 'ebpf' });
    const ds = r.objects.find((o) => o.kind === 'DaemonSet') as { spec: { template: { spec: { containers: { securityContext: { capabilities: { add: string[] } } }[] } } } };
    const caps = ds.spec.template.spec.containers[0]!.securityContext.capabilities.add;
    const stateDir = join(node.dir, 'caps-state');
    const agent = spawnAgent(agentArgs(node, stateDir, 'ebpf'), ['setpriv', '--bounding-set', ['-all', ...caps.map((c) => `+${c.toLowerCase()}`)].join(','), '--']);
    try {
      await until(() => readState(stateDir) !== undefined || agent.exitCode !== null, 'the agent to start');
      expect(agent.exitCode, (agent as ChildProcess & { errText: () => string }).errText()).toBeNull();
      const pod = startPodContainer(node, { runtime: 'containerd', driver: 'cgroupfs', namespace: 'caps', pod: 'probe', container: 'main', annotations: { 'seccompctl.io/record': 'true' }, args: ['/bin/sh', '-c', 'read x < /etc/hostname'] });
      await pod.running.done;
      await until(() => names(stateRecording(stateDir, 'caps/probe/main')).has('exit_group'), 'the container recorded');
    } finally {
      agent.kill('SIGTERM');
      await exited(agent);
    }
    // and one capability fewer is not enough (the set is not larger than needed)
    const fewer = spawnAgent(agentArgs(node, join(node.dir, 'caps-fewer'), 'ebpf'), ['setpriv', '--bounding-set', ['-all', ...caps.filter((c) => c !== 'SYS_ADMIN').map((c) => `+${c.toLowerCase()}`)].join(','), '--']);
    expect(await exited(fewer)).not.toBe(0);
  }, 60_000);
});
