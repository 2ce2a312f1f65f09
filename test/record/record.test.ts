// The recorder on real processes: every backend sees the whole process tree; bad runs write nothing.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { syscallNames } from '../../src/ingest/index.js';
import type { Profile } from '../../src/profile/index.js';
import { recordWorkload, type RecordBackend } from '../../src/record/index.js';
import { cli } from '../helpers/cli.js';
import { cliLive } from '../helpers/cli-live.js';
import { DEBIAN_PYTHON, haveRoot, haveSystem } from '../helpers/system.js';

const live = haveSystem('runc', 'bpftrace', 'strace', DEBIAN_PYTHON) && haveRoot();
const dir = mkdtempSync(join(tmpdir(), 'seccompctl-record-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A process tree whose branches each make one call nothing else in it makes (checked with strace -f by hand):
// a thread calls getpriority, a forked child getsid, an exec'd grandchild getpgid.
const TREE = [DEBIAN_PYTHON, '-c', [
  'import os, threading, subprocess',
  't = threading.Thread(target=lambda: os.getpriority(os.PRIO_PROCESS, 0)); t.start(); t.join()',
  'pid = os.fork()',
  'if pid == 0:',
  '    os.getsid(0); os._exit(0)',
  'os.waitpid(pid, 0)',
  `subprocess.run(["${DEBIAN_PYTHON}", "-c", "import os; os.getpgid(0)"], check=True)`,
].join('\n')];

describe.skipIf(!live)('record: the whole process tree, every backend', () => {
  const cases: { backend: RecordBackend; container: boolean }[] = [
    { backend: 'ebpf', container: false }, { backend: 'strace', container: false }, { backend: 'audit', container: true },
    { backend: 'ebpf', container: true }, { backend: 'strace', container: true },
  ];
  it.each(cases)('$backend (container: $container) sees threads, forks and execs', async ({ backend, container }) => {
    const r = await recordWorkload({ argv: TREE, backend, container });
    expect(r.exitCode, r.stderr).toBe(0);
    const names = syscallNames(r.ingest, 'x86_64');
    for (const n of ['getpriority', 'getsid', 'getpgid', 'clone3', 'wait4', 'execve']) expect(names, n).toContain(n);
    expect(r.ingest.loss).toEqual([]);
  });

  it('eBPF and strace see the same syscalls for a deterministic command (two independent mechanisms)', async () => {
    const argv = ['sh', '-c', 'echo hi; ls / >/dev/null; cat /etc/hostname >/dev/null'];
    const [a, b] = [await recordWorkload({ argv, backend: 'ebpf' }), await recordWorkload({ argv, backend: 'strace' })];
    expect(syscallNames(a.ingest, 'x86_64')).toEqual(syscallNames(b.ingest, 'x86_64'));
    expect(a.stdout).toBe('hi\n');
  });

  it('eBPF records nothing of its start gate: for `true`, exactly the calls strace sees (no kill, wait4 of the wrapper)', async () => {
    const [a, b] = [await recordWorkload({ argv: ['true'], backend: 'ebpf' }), await recordWorkload({ argv: ['true'], backend: 'strace' })];
    const names = syscallNames(a.ingest, 'x86_64');
    expect(names).toEqual(syscallNames(b.ingest, 'x86_64'));
    for (const n of ['kill', 'wait4', 'rt_sigaction']) expect(names).not.toContain(n); // dash's calls before the gate
    expect(names).toContain('execve');
  });

  it('eBPF exactCounts counts every call, as strace does', async () => {
    const argv = [DEBIAN_PYTHON, '-c', 'import os\nfor _ in range(1234): os.getppid()'];
    const [a, b] = [await recordWorkload({ argv, backend: 'ebpf', exactCounts: true }), await recordWorkload({ argv, backend: 'strace' })];
    const getppid = (r: typeof a): number | undefined => r.ingest.syscalls.get('x86_64')?.get('getppid')?.count;
    expect(getppid(b)).toBeGreaterThanOrEqual(1234);
    expect(getppid(a)).toBe(getppid(b));
    const seen = await recordWorkload({ argv, backend: 'ebpf' });
    expect(getppid(seen)).toBe(1); // default: noted once per process
  });

  it('the audit backend restores kernel.printk_ratelimit', async () => {
    const before = readFileSync('/proc/sys/kernel/printk_ratelimit', 'utf8');
    const r = await recordWorkload({ argv: ['true'], backend: 'audit' });
    expect(r.exitCode).toBe(0);
    expect(readFileSync('/proc/sys/kernel/printk_ratelimit', 'utf8')).toBe(before);
  });
});

describe.skipIf(!live)('record CLI: nothing half-written', () => {
  it('a command that does not exist exits 2 before anything starts', async () => {
    const out = join(dir, 'none.json');
    const r = await cli(['record', '-o', out, '--', 'no-such-command-seccompctl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-command-seccompctl: command not found/);
    expect(existsSync(out)).toBe(false);
  });

  it('a failed command writes nothing and leaves the previous profile untouched', async () => {
    const out = join(dir, 'prev.json');
    writeFileSync(out, 'previous');
    for (const backend of ['ebpf', 'strace']) {
      const r = await cli(['record', '--backend', backend, '-o', out, '--', 'sh', '-c', 'exit 3']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/the command failed \(exit 3\): no profile written/);
      expect(readFileSync(out, 'utf8')).toBe('previous');
    }
  });

  it('SIGINT is forwarded to the command, whose shutdown path is recorded, then the profile is written', async () => {
    const out = join(dir, 'server.json');
    // Waits for SIGINT; its handler calls getpgid (a call nothing else here makes), then it exits 0. It sleeps once
    // before saying "up", so the sleep syscall is in the recording however soon the signal comes.
    const script = 'import os, signal, time\nsignal.signal(signal.SIGINT, lambda *a: (os.getpgid(0), os._exit(0)))\ntime.sleep(0.05)\nprint("up", flush=True)\nwhile True: time.sleep(0.05)';
    const running = cliLive(['record', '--backend', 'ebpf', '-o', out, '--', DEBIAN_PYTHON, '-c', script]);
    await running.printed('up\n');
    process.emit('SIGINT');
    const r = await running.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('up\n');
    const p = JSON.parse(readFileSync(out, 'utf8')) as Profile;
    expect(p.syscalls![0]!.names).toContain('getpgid');
    expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');

    // verify forwards SIGINT too: the handler's getpgid runs under enforcement and is allowed ...
    const verifying = cliLive(['verify', out, '--', DEBIAN_PYTHON, '-c', script]);
    await verifying.printed('up\n');
    process.emit('SIGINT');
    const v = await verifying.done;
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toMatch(/PASS/);
    // ... and once removed from the profile, the shutdown path's denial is caught and named.
    const broken = join(dir, 'server-no-getpgid.json');
    writeFileSync(broken, JSON.stringify({ ...p, syscalls: [{ ...p.syscalls![0]!, names: p.syscalls![0]!.names.filter((n) => n !== 'getpgid') }] }));
    const verifying2 = cliLive(['verify', '--json', broken, '--', DEBIAN_PYTHON, '-c', script]);
    await verifying2.printed('up\n');
    process.emit('SIGINT');
    const v2 = await verifying2.done;
    expect(v2.code).toBe(1);
    const j = JSON.parse(v2.stdout) as { denials: { name: string }[] };
    expect(j.denials.map((d) => d.name)).toEqual(['getpgid']);
  }, 60_000);

  it('a second SIGINT abandons the recording: nothing is written', async () => {
    const out = join(dir, 'twice.json');
    const running = cli(['record', '--backend', 'strace', '-o', out, '--', 'sleep', '30']);
    await new Promise((r) => setTimeout(r, 1000));
    process.emit('SIGINT');
    process.emit('SIGINT');
    const r = await running;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/interrupted twice/);
    expect(existsSync(out)).toBe(false);
  });
});

describe.skipIf(!live || !haveSystem('setpriv'))('record/verify without root (as nobody)', () => {
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
  const bin = join(process.cwd(), 'src', 'cli', 'bin.ts');
  const asNobody = (args: string[]): { code: number | null; stderr: string } => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', tsx, bin, ...args], { encoding: 'utf8', cwd: dir });
    return { code: r.status, stderr: r.stderr };
  };

  it('auto falls back to strace and says why; ebpf, audit and verify name the missing privilege', () => {
    chmodSync(dir, 0o777);
    const out = join(dir, 'nobody.json');
    const a = asNobody(['record', '-o', out, '--', 'true']);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/eBPF unavailable: the eBPF backend needs root .*; falling back to strace/);
    expect(a.stderr).toMatch(/with strace/);
    expect(existsSync(out)).toBe(true);
    const b = asNobody(['record', '--backend', 'ebpf', '-o', join(dir, 'n2.json'), '--', 'true']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/needs root \(CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN\)[\s\S]*use --backend strace/);
    const c = asNobody(['record', '--backend', 'audit', '-o', join(dir, 'n3.json'), '--', 'true']);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/runc needs root/);
    const v = asNobody(['verify', out, '--', 'true']);
    expect(v.code).toBe(2);
    expect(v.stderr).toMatch(/runc needs root[\s\S]*hint: run seccompctl as root/);
    expect(existsSync(join(dir, 'n2.json')) || existsSync(join(dir, 'n3.json'))).toBe(false);
  }, 60_000);
});

// kernel.printk_ratelimit sharing between runs: test/runtime/printk.test.ts.
