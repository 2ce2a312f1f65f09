// `seccompctl generate` end to end, in-process, on the real recordings.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNC_BASE_SETS } from '../../src/generate/index.js';
import { cli } from '../helpers/cli.js';

const FX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const fx = (n: string) => join(FX, n);
const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-gen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface P { defaultAction: string; defaultErrnoRet: number; architectures: string[]; flags: string[]; syscalls: { names: string[]; action: string; errnoRet?: number }[] }
/** The allowed names (the other rule answers fallback syscalls with ENOSYS). */
const names = (p: P) => p.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names);
const ENOSYS_RULE = { names: ['clone3', 'close_range', 'copy_file_range', 'epoll_pwait2', 'faccessat2', 'fchmodat2', 'fsconfig', 'fsmount', 'fsopen', 'getrandom', 'io_uring_setup', 'landlock_create_ruleset', 'memfd_create', 'mount_setattr', 'move_mount', 'open_tree', 'openat2', 'pidfd_getfd', 'pidfd_open', 'pidfd_send_signal', 'preadv2', 'pwritev2', 'statx'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 };

describe('seccompctl generate', () => {
  it('the GKE seed journal gives exactly close, epoll_wait, recvfrom, setsockopt with --runtime none', async () => {
    const r = await cli(['generate', fx('audit-journald-gke-seed.log'), '--runtime', 'none']);
    expect(r.code).toBe(0);
    const p = JSON.parse(r.stdout) as P;
    expect(p).toEqual({
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'], flags: [],
      syscalls: [{ names: ['close', 'epoll_wait', 'recvfrom', 'setsockopt'], action: 'SCMP_ACT_ALLOW' }, ENOSYS_RULE],
    });
    expect(r.stderr).toMatch(/4 syscall\(s\) allowed/);
  });

  it('the three renderings of one nginx run give the same 65 syscalls', async () => {
    const sets: string[][] = [];
    for (const f of ['audit-dmesg-nginx-runc-complete.log', 'audit-auditd-raw-nginx-runc.log', 'audit-ausearch-interpreted-nginx-runc.log']) {
      const out = join(tmp, `${f}.json`);
      const r = await cli(['generate', fx(f), '--runtime', 'none', '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`profile written to ${out}`);
      sets.push(names(JSON.parse(readFileSync(out, 'utf8')) as P));
    }
    expect(sets[0]).toHaveLength(65);
    expect(sets[1]).toEqual(sets[0]);
    expect(sets[2]).toEqual(sets[0]);
  });

  it('the rate-limited log exits 1, reports the 20 suppressed records, says how to avoid it, writes nothing', async () => {
    const out = join(tmp, 'lossy.json');
    const r = await cli(['generate', fx('audit-dmesg-nginx-runc-ratelimited.log'), '-o', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/at least 20 record\(s\) were lost/);
    expect(r.stderr).toContain('kauditd_printk_skb: 20 callbacks suppressed');
    expect(r.stderr).toContain('kernel.printk_ratelimit=0');
    expect(r.stderr).toContain('--allow-loss');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.startsWith('.lossy'))).toEqual([]);
  });

  it('--allow-loss writes the profile anyway, with the warning', async () => {
    const out = join(tmp, 'lossy-allowed.json');
    const r = await cli(['generate', fx('audit-dmesg-nginx-runc-ratelimited.log'), '-o', out, '--allow-loss', '--runtime', 'none']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: the recording is incomplete/);
    // 10 surviving records: close, openat, write, getpid, epoll_ctl, fstatfs, getdents64 (numbers 3, 257, 1, 39, 233, 138, 217).
    expect(names(JSON.parse(readFileSync(out, 'utf8')) as P)).toEqual(['close', 'epoll_ctl', 'fstatfs', 'getdents64', 'getpid', 'openat', 'write']);
  });

  it('--json summarizes records, loss, syscalls per arch and processes', async () => {
    const r = await cli(['generate', fx('audit-dmesg-nginx-runc-ratelimited.log'), '--json']);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout) as { records: number; lost: { certain: boolean; atLeast: number }; output: null; processes: { comm: string }[] };
    expect(s.records).toBe(10);
    expect(s.lost).toMatchObject({ certain: true, atLeast: 20 });
    expect(s.output).toBeNull();
    expect(s.processes.map((p) => p.comm)).toEqual(['runc:[2:INIT]']);
  });

  it('--runtime runc adds the base set for the chosen no-new-privileges setting', async () => {
    const seed = fx('audit-journald-gke-seed.log');
    const off = names(JSON.parse((await cli(['generate', seed])).stdout) as P);
    const on = names(JSON.parse((await cli(['generate', seed, '--no-new-privileges'])).stdout) as P);
    expect(off).toEqual([...new Set([...RUNC_BASE_SETS.noNnp, 'close', 'epoll_wait', 'recvfrom', 'setsockopt'])].sort());
    expect(on).toEqual([...new Set([...RUNC_BASE_SETS.nnp, 'close', 'epoll_wait', 'recvfrom', 'setsockopt'])].sort());
    expect(off).toContain('capset'); // capabilities are dropped after the filter is loaded without NNP
    expect(on).not.toContain('capset');
  });

  it('--default-errno ENOSYS and --arch', async () => {
    const r = await cli(['generate', fx('audit-journald-gke-seed.log'), '--runtime', 'none', '--default-errno', 'ENOSYS', '--arch', 'aarch64,arm']);
    const p = JSON.parse(r.stdout) as P;
    expect(p.defaultErrnoRet).toBe(38);
    expect(p.architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM', 'SCMP_ARCH_X86_64']);
  });

  it('--comm keeps only that process (nginx never called getdents64, fstatfs or execve; runc and sh did)', async () => {
    const all = names(JSON.parse((await cli(['generate', fx('audit-dmesg-nginx-runc-complete.log'), '--runtime', 'none'])).stdout) as P);
    const r = await cli(['generate', fx('audit-dmesg-nginx-runc-complete.log'), '--runtime', 'none', '--comm', 'nginx']);
    expect(r.code).toBe(0);
    const ng = names(JSON.parse(r.stdout) as P);
    // Independent: grep 'comm="nginx"' F | grep -o 'syscall=[0-9]*' | sort -u | wc -l → 58 numbers; the 7 only
    // other processes made (comm -23) are 102 getuid, 104 getgid, 108 getegid, 138 fstatfs, 217 getdents64,
    // 59 execve, 79 getcwd.
    expect(ng).toHaveLength(58);
    for (const n of ['getuid', 'getgid', 'getegid', 'fstatfs', 'getdents64', 'execve', 'getcwd']) {
      expect(all).toContain(n);
      expect(ng).not.toContain(n);
    }
    expect(ng.every((n) => all.includes(n))).toBe(true);
    const none = await cli(['generate', fx('audit-dmesg-nginx-runc-complete.log'), '--comm', 'nope']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/excluded by --comm/);
  });

  it('reads standard input and strace -ff directories', async () => {
    const r = await cli(['generate', '-', '--runtime', 'none'], { stdin: readFileSync(fx('audit-journald-gke-seed.log'), 'utf8') });
    expect(r.code).toBe(0);
    expect(names(JSON.parse(r.stdout) as P)).toHaveLength(4);
    const d = await cli(['generate', fx('strace-ff-perpid'), '--runtime', 'none']);
    expect(d.code).toBe(0);
    expect(names(JSON.parse(d.stdout) as P)).toHaveLength(30);
  });

  it('bad input: a missing file, no records, an unknown arch, an unwritable output → exit 2, no stack', async () => {
    const missing = await cli(['generate', join(tmp, 'nope.log')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no such file/);
    const empty = await cli(['generate', '-'], { stdin: 'hello\nworld\n' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/no seccomp audit records or strace syscall lines found in 2 line/);
    const arch = await cli(['generate', fx('audit-journald-gke-seed.log'), '--arch', 'vax']);
    expect(arch.code).toBe(2);
    const unwritable = await cli(['generate', fx('audit-journald-gke-seed.log'), '-o', join(tmp, 'no', 'dir', 'p.json')]);
    expect(unwritable.code).toBe(2);
    for (const x of [missing, empty, arch, unwritable]) expect(x.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help explains the EPERM/ENOSYS trade-off and loss', async () => {
    const r = await cli(['generate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/fall back/);
    expect(r.stdout).toMatch(/clone3/);
    expect(r.stdout).toMatch(/callbacks suppressed/);
  });
});

describe('seccompctl generate, more flags', () => {
  it('--format forces the parser: strace output read as audit finds nothing (exit 2)', async () => {
    const r = await cli(['generate', fx('strace-f-sh-pipeline.strace'), '--format', 'audit']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/looked for audit/);
    const ok = await cli(['generate', fx('strace-f-sh-pipeline.strace'), '--format', 'strace', '--runtime', 'none']);
    expect(ok.code).toBe(0);
    expect(names(JSON.parse(ok.stdout) as P)).toHaveLength(40);
  });

  it('--verbose lists each record with file:line and each syscall with its count and action', async () => {
    const r = await cli(['generate', fx('audit-journald-gke-seed.log'), '--runtime', 'none', '--verbose']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${fx('audit-journald-gke-seed.log')}:1: x86_64 setsockopt(54) log pid=7468 comm="nginx" exe=/usr/sbin/nginx`);
    expect(r.stderr).toContain('found x86_64 epoll_wait (232): 2 call(s), log 2');
  });

  it('records of denied calls (ERRNO/KILL) are allowed, with a note', async () => {
    const line = 'audit: type=1326 audit(1.1:1): pid=1 comm="a" exe="/a" sig=31 arch=c000003e syscall=101 compat=0 ip=0x1 code=0x80000000';
    const r = await cli(['generate', '-', '--runtime', 'none'], { stdin: `${line}\n` });
    expect(r.code).toBe(0);
    expect(names(JSON.parse(r.stdout) as P)).toEqual(['ptrace']);
    expect(r.stderr).toMatch(/note: 1 syscall\(s\) were seen denied or killed .*ptrace/);
  });

  it('--pid and --exe filters; strace programs come from execve', async () => {
    const byPid = await cli(['generate', fx('strace-ff-perpid'), '--runtime', 'none', '--pid', '24954']);
    // perpid.24954 by hand: set_robust_list, clone, exit_group.
    expect(names(JSON.parse(byPid.stdout) as P)).toEqual(['clone', 'exit_group', 'set_robust_list']);
    const byExe = await cli(['generate', fx('audit-dmesg-nginx-runc-complete.log'), '--runtime', 'none', '--exe', '/usr/sbin/nginx', '--json']);
    const s = JSON.parse(byExe.stdout) as { processes: { exe: string }[]; filtered: number };
    expect(s.filtered).toBeGreaterThan(0);
    expect(new Set(s.processes.map((p) => p.exe))).toEqual(new Set(['/usr/sbin/nginx']));
  });
});

describe('progress', () => {
  it('a large input on a TTY shows progress on standard error (and none when not a TTY)', async () => {
    const { PassThrough, Readable } = await import('node:stream');
    const { run } = await import('../../src/cli/main.js');
    const rec = readFileSync(fx('audit-journald-gke-seed.log'), 'utf8').split('\n')[0]!;
    const filler = 'Nov 27 22:59:00 node1 kubelet[812]: I1127 22:59:00.123456 812 kubelet.go:2448] "SyncLoop (probe)" status="ready"\n';
    const big = join(tmp, 'big.log');
    const block = Buffer.from((filler.repeat(99) + rec + '\n').repeat(100));
    const { openSync, writeSync, closeSync } = await import('node:fs');
    const fd = openSync(big, 'w');
    for (let n = 0; n < Math.ceil((70 << 20) / block.length); n++) writeSync(fd, block);
    closeSync(fd);
    const runIt = async (isTTY: boolean) => {
      const err = new PassThrough();
      const chunks: Buffer[] = [];
      err.on('data', (c: Buffer) => chunks.push(c));
      const code = await run(['generate', big, '--runtime', 'none', '-o', join(tmp, `big-${isTTY}.json`)], {
        stdin: Readable.from([]), stdout: new PassThrough(), stderr: err, env: process.env, isTTY, cwd: tmp,
      });
      return { code, stderr: Buffer.concat(chunks).toString() };
    };
    const tty = await runIt(true);
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/reading: [\d.]+ MiB of 7\d(\.\d)? MiB \(\d+%\)/);
    const pipe = await runIt(false);
    expect(pipe.stderr).not.toMatch(/reading:/);
  });
});

describe('issue 10 repro: nginx recorded on x86_64, profile for arm64 nodes', () => {
  it('generate --arch aarch64,arm --default-errno ENOSYS: check allows mkdirat, unlinkat, faccessat, epoll_pwait, fchownat on arm64; validate is clean', async () => {
    const out = join(tmp, 'nginx-arm.json');
    const g = await cli(['generate', 'examples/audit/nginx-in-runc.dmesg.log', '--arch', 'aarch64,arm', '--default-errno', 'ENOSYS', '-o', out]);
    expect(g.code).toBe(0);
    expect(g.stdout).toMatch(/SCMP_ARCH_AARCH64 \(not recorded\): .*mkdir→mkdirat/);
    expect(g.stdout).toMatch(/compat ABIs left out: SCMP_ARCH_X86, SCMP_ARCH_X32/);
    for (const call of ['mkdirat', 'unlinkat', 'faccessat', 'epoll_pwait', 'fchownat']) {
      const c = await cli(['check', out, call, '--arch', 'arm64']);
      expect(`${call}: ${c.code}`).toBe(`${call}: 0`);
    }
    const v = await cli(['validate', out, '--json']);
    expect(v.code).toBe(0);
    expect(v.stdout).not.toMatch(/"severity": "(warning|error)"/);
  });

  it('validate: an allowed syscall whose arm64 counterpart is missing is an error, not info', async () => {
    const v = await cli(['validate', 'test/fixtures/profile/rules/missing-arch-counterpart.json']);
    expect(v.code).toBe(1);
    expect(v.stdout + v.stderr).toMatch(/MISSING_ARCH_COUNTERPART: unlink does not exist on SCMP_ARCH_AARCH64, where the same libc call makes unlinkat/);
  });
});
