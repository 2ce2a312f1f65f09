// strace forms beyond the fixtures (lines as strace 6.1 prints them, research/kernel-libseccomp.md §6), and a live
// run checked against strace's own -C summary of the same run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestText, splitArgs, syscallNames } from '../../src/ingest/index.js';
import { haveSystem } from '../helpers/system.js';

const strace = (text: string) => ingestText(text, { format: 'strace', nativeArch: 'x86_64' });

describe('strace line forms', () => {
  it('prefixes: [pid N], N, -t, -tt, -ttt, -r, -n, -T suffix, -y/-yy decorations', () => {
    const r = strace([
      'openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3',
      '[pid 15632] read(3, "x", 1) = 1',
      '15605 write(1, "a", 1) = 1',
      '22:41:15 getpid() = 5',
      '22:41:11.529738 getppid() = 4',
      '1795819275.421609 gettid() = 7',
      '     0.000198 close(3) = 0',
      '18421 22:56:11.873216 execve("/bin/true", ["true"], 0x7ffd /* 3 vars */) = 0 <0.003013>',
      '[pid 18430] 22:56:11.941389 set_robust_list(0x7f, 24) = 0',
      '[ 257] openat(-100, "/x", 0) = -1 ENOENT (No such file or directory)',
      'fstat(3</etc/hostname>, {st_mode=S_IFREG|0644, st_size=7, ...}) = 0',
      'connect(4<TCP:[29789]>, {sa_family=AF_INET, sin_port=htons(80)}, 16) = 0',
    ].join('\n'));
    expect(syscallNames(r, 'x86_64')).toEqual(['close', 'connect', 'execve', 'fstat', 'getpid', 'getppid', 'gettid', 'openat', 'read', 'set_robust_list', 'write']);
    expect(r.counters.malformed).toBe(0);
    expect(r.processes.map((p) => p.pid).filter((p) => p !== undefined)).toEqual([15632, 15605, 18421, 18430]);
  });

  it('unfinished/resumed count once; a resumed call without its start counts and flags mid-workload', () => {
    const r = strace([
      '101 wait4(-1,  <unfinished ...>',
      '102 exit_group(0) = ?',
      '102 +++ exited with 0 +++',
      '101 <... wait4 resumed>[{WIFEXITED(s) && WEXITSTATUS(s) == 0}], 0, NULL) = 102',
      '103 <... clock_nanosleep resumed>NULL) = 0',
      '104 read(3,  <detached ...>',
    ].join('\n'));
    expect(r.syscalls.get('x86_64')!.get('wait4')!.count).toBe(1);
    expect(syscallNames(r, 'x86_64')).toEqual(['clock_nanosleep', 'exit_group', 'read', 'wait4']);
    expect(r.loss).toEqual([expect.objectContaining({ kind: 'mid-workload', certain: false, line: 5 })]);
  });

  it('signals, exits, restarts, restart_syscall, injected errors, SIGSYS', () => {
    const r = strace([
      '--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=15607, si_uid=0, si_status=3, ...} ---',
      '--- stopped by SIGSTOP ---',
      'read(3, 0x7ffd6e53e897, 1) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)',
      'restart_syscall(<... resuming interrupted clock_nanosleep ...>) = 0',
      'rt_sigreturn({mask=[]}) = -1 EINTR (Interrupted system call)',
      'getpid() = -1 EPERM (Operation not permitted) (INJECTED)',
      'getppid() = 110',
      '--- SIGSYS {si_signo=SIGSYS, si_code=SYS_SECCOMP, si_call_addr=0x7f7b7c645829, si_syscall=__NR_getppid, si_arch=AUDIT_ARCH_X86_64} ---',
      '+++ killed by SIGSYS (core dumped) +++',
    ].join('\n'));
    expect(syscallNames(r, 'x86_64')).toEqual(['getpid', 'getppid', 'read', 'restart_syscall', 'rt_sigreturn']);
    expect(r.counters.skipped).toBe(4);
  });

  it('syscall_0x… names give the number; unknown numbers stay unnamed', () => {
    const r = strace('syscall_0x1b3(0x1, 0x2) = 0\nsyscall_0x3e7(0) = -1 ENOSYS (Function not implemented)');
    expect(r.syscalls.get('x86_64')!.get('clone3')).toMatchObject({ nr: 435 }); // 0x1b3 = 435 = clone3 on x86_64
    expect(r.syscalls.get('x86_64')!.get('#999')).toMatchObject({ nr: 999, name: undefined });
  });

  it('a 32-bit personality switches that pid to the i386 table; x32 #64 suffix is stripped', () => {
    const r = strace([
      '[ Process PID=42 runs in 32 bit mode. ]',
      '42 _llseek(3, 0, [0], SEEK_SET) = 0',
      '42 socketcall(0x1, 0xffd0) = 3',
      '43 read(0, "", 1) = 0',
      '[ Process PID=44 runs in x32 mode. ]',
      '44 readv#64(3, [], 0) = 0',
    ].join('\n'));
    expect(syscallNames(r, 'x86')).toEqual(['_llseek', 'socketcall']);
    expect(r.syscalls.get('x86')!.get('_llseek')!.nr).toBe(140);
    expect(syscallNames(r, 'x86_64')).toEqual(['read']);
    expect(syscallNames(r, 'x32')).toEqual(['readv']);
  });

  it('-C: the closing summary does not double-count traced calls; 32-bit summary sections use their table', () => {
    const r = strace([
      'getpid() = 5',
      'getpid() = 5',
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      ' 60.00    0.000003           1         2           getpid',
      ' 40.00    0.000002           2         1           brk',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.000005           1         3           total',
      'System call usage summary for 32 bit mode:',
      '% time     seconds  usecs/call     calls    errors syscall',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.000001           1         4         1 waitpid',
      '------ ----------- ----------- --------- --------- ----------------',
      '100.00    0.000001           1         4         1 total',
    ].join('\n'));
    expect(r.syscalls.get('x86_64')!.get('getpid')!.count).toBe(2);
    expect(r.syscalls.get('x86_64')!.get('brk')!.count).toBe(1);
    expect(syscallNames(r, 'x86')).toEqual(['waitpid']);
  });

  it('-U reordered summary columns are read by header', () => {
    const r = strace([
      'syscall            calls    errors',
      '---------------- --------- ---------',
      'statx                 12         1',
      '---------------- --------- ---------',
      'total                 12         1',
    ].join('\n'));
    expect(r.syscalls.get('x86_64')!.get('statx')!.count).toBe(12);
  });

  it('splitArgs respects strings, brackets and comments', () => {
    expect(splitArgs('3, "a, b\\"c", [1, 2], {x=1, y=2}, 0x1 /* A, B */')).toEqual(['3', '"a, b\\"c"', '[1, 2]', '{x=1, y=2}', '0x1 /* A, B */']);
    expect(splitArgs('')).toEqual([]);
  });

  it('program output mixed into strace output is skipped, not malformed', () => {
    const r = strace('hello world\nfoo(bar) = 3\nread(0, "", 1) = 0\nTotal: 3 files');
    expect(syscallNames(r, 'x86_64')).toEqual(['read']);
    expect(r.counters.malformed).toBe(1); // foo(bar) = 3 looks like a call but foo is no syscall
  });
});

const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-strace-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!haveSystem('strace'))('live strace run vs strace\'s own summary', () => {
  it('strace -f -C: the traced calls give exactly the names strace counted in its summary', () => {
    const out = join(tmp, 'run.strace');
    execFileSync('strace', ['-f', '-C', '-o', out, 'sh', '-c', 'ls / | wc -l >/dev/null; cat /etc/hostname >/dev/null; (sleep 0.01 &); wait']);
    const text = readFileSync(out, 'utf8');
    const cut = text.indexOf('% time');
    expect(cut).toBeGreaterThan(0);
    // Oracle: strace's own table, read with a plain split (last column = name, skipping rules and total).
    const oracle = text.slice(cut).split('\n').slice(2).map((l) => l.trim().split(/\s+/)).filter((t) => t.length >= 5 && !t[0]!.startsWith('-'))
      .map((t) => t[t.length - 1]!).filter((n) => n !== 'total').sort();
    expect(oracle.length).toBeGreaterThan(15);
    const traceOnly = strace(text.slice(0, cut));
    // strace counts a call when it returns: exit_group never does, so the table omits it (the trace has it).
    expect(oracle).not.toContain('exit_group');
    expect(syscallNames(traceOnly, 'x86_64')).toEqual([...oracle, 'exit_group'].sort());
    // And counts: strace counts a call once, however it was split into unfinished/resumed lines.
    const counts = Object.fromEntries(text.slice(cut).split('\n').slice(2).map((l) => l.trim().split(/\s+/)).filter((t) => t.length >= 5 && !t[0]!.startsWith('-')).map((t) => [t[t.length - 1], Number(t[3])]));
    for (const s of traceOnly.syscalls.get('x86_64')!.values()) if (s.name !== 'exit_group') expect(s.count, s.name).toBe(counts[s.name!]);
    // The whole file (trace + summary) gives the same set, counted once.
    expect(syscallNames(strace(text), 'x86_64')).toEqual(syscallNames(traceOnly, 'x86_64'));
  });
});

describe('format detection', () => {
  it('audit markers win; strace needs most lines (or the first) to look like strace', async () => {
    const { detectFormat } = await import('../../src/ingest/index.js');
    expect(detectFormat('execve("/bin/true", ["true"], 0x7ffd /* 3 vars */) = 0\nhello\nworld\nfoo')).toBe('strace');
    expect(detectFormat('Nov 27 22:59:00 n1 app[1]: hello\nNov 27 22:59:00 n1 app[1]: note: x(1) = 2\nNov 27 22:59:00 n1 app[1]: bye')).toBeUndefined();
    expect(detectFormat('1 read(0, "", 1) = 0\naudit: type=1326 audit(1.1:1): syscall=1')).toBe('audit');
    expect(detectFormat('a\nb\nc\n1 read(0, "", 1) = 0')).toBeUndefined();
  });
});
