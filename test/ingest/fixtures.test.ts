// The real recordings from ../shared/fixtures (copied to test/fixtures/ingest/) give the syscalls a human counted.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certainLoss, ingestFiles, syscallNames } from '../../src/ingest/index.js';
import { generate } from '../../src/generate/index.js';

const FX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const fx = (n: string) => join(FX, n);

describe('audit fixtures', () => {
  it('the GKE journal seed gives exactly close, epoll_wait, recvfrom, setsockopt (232 twice = epoll_wait)', async () => {
    const r = await ingestFiles([fx('audit-journald-gke-seed.log')], { nativeArch: 'x86_64' });
    expect(r.formats).toEqual(['journald']);
    expect(r.counters.matched).toBe(5);
    expect(r.counters.malformed).toBe(0);
    expect(syscallNames(r, 'x86_64')).toEqual(['close', 'epoll_wait', 'recvfrom', 'setsockopt']);
    expect(r.syscalls.get('x86_64')!.get('epoll_wait')!.count).toBe(2);
    // The value with a space did not break the fields after it.
    expect(r.processes.map((p) => [p.pid, p.comm, p.exe])).toEqual([[7468, 'nginx', '/usr/sbin/nginx']]);
    const g = generate(r, { runtime: 'none' });
    // (generate's own rules, such as its ENOSYS fallback rule, are tested in test/generate)
    const { syscalls, ...rest } = g.profile;
    expect(rest).toEqual({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'], flags: [] });
    expect(syscalls?.filter((x) => x.action === 'SCMP_ACT_ALLOW')).toEqual([{ names: ['close', 'epoll_wait', 'recvfrom', 'setsockopt'], action: 'SCMP_ACT_ALLOW' }]);
    // Five grepped lines of a running nginx: no process start, so the log is flagged as starting mid-workload.
    expect(r.loss.map((l) => [l.kind, l.certain])).toEqual([['mid-workload', false]]);
  });

  // One nginx-in-runc workload, three renderings. The 65 names were counted by hand with
  //   grep -o 'syscall=[0-9]*' dmesg-….log | sort -u | wc -l   (65 numbers) and
  //   grep -o 'syscall=[a-z0-9_]*' ausearch-….log | sort -u     (65 names, auditd spells pread64 "pread").
  const renderings = [
    ['audit-dmesg-nginx-runc-complete.log', 'dmesg', 430],
    ['audit-auditd-raw-nginx-runc.log', 'auditd', 410],
    ['audit-ausearch-interpreted-nginx-runc.log', 'ausearch', 410],
  ] as const;
  it.each(renderings)('%s is read as %s with every record matched', async (file, rendering, records) => {
    const r = await ingestFiles([fx(file)], { nativeArch: 'x86_64' });
    expect(r.formats).toEqual([rendering]);
    expect(r.counters.matched).toBe(records);
    expect(r.counters.malformed).toBe(0);
    expect(certainLoss(r)).toEqual([]);
    expect(syscallNames(r, 'x86_64')).toHaveLength(65);
    expect([...r.syscalls.keys()]).toEqual(['x86_64']);
    // code=0x7ffc0000 / code=log: every record is a LOG record.
    for (const s of r.syscalls.get('x86_64')!.values()) expect(Object.keys(s.actions)).toEqual(['log']);
    expect(new Set(r.processes.map((p) => p.comm))).toEqual(new Set(['runc:[2:INIT]', 'sh', 'nginx']));
  });

  it('the three renderings give the same 65 syscalls', async () => {
    const sets = await Promise.all(renderings.map(async ([f]) => syscallNames(await ingestFiles([fx(f)], { nativeArch: 'x86_64' }), 'x86_64')));
    expect(sets[1]).toEqual(sets[0]);
    expect(sets[2]).toEqual(sets[0]);
    // Spot checks against the raw numbers: 17 is pread64 (auditd's "pread"), 288 accept4, 232 epoll_wait.
    expect(sets[0]).toEqual(expect.arrayContaining(['pread64', 'accept4', 'epoll_wait', 'execve', 'setsockopt']));
  });

  it('the rate-limited dmesg log reports the 20 suppressed records as certain loss', async () => {
    const r = await ingestFiles([fx('audit-dmesg-nginx-runc-ratelimited.log')], { nativeArch: 'x86_64' });
    expect(r.counters.matched).toBe(10);
    const loss = certainLoss(r);
    expect(loss).toHaveLength(1);
    expect(loss[0]).toMatchObject({ kind: 'printk-suppressed', count: 20, line: 1 });
    expect(r.counters.lostAtLeast).toBe(20);
  });
});

// Independent counts: `sed -E 's/^[0-9]+ //; s/^[0-9:.]+ //' F | grep -v '^+++\|^---' |
//   sed -E 's/^<\.\.\. ([a-z0-9_]+) resumed>.*/\1/; s/^([a-z0-9_]+)\(.*/\1/' | sort -u`  (run by hand on each file),
// and for the -c table `awk 'NR>2 && $NF!="total" && $1 !~ /^-/ {print $NF}'`.
const STRACE_EXPECTED: Record<string, string> = {
  'strace-f-sh-pipeline.strace': 'access arch_prctl brk clone close dup2 execve exit_group fadvise64 fcntl getcwd getdents64 getegid geteuid getgid getpid getppid getrandom getuid ioctl mmap mprotect munmap newfstatat openat pipe2 pread64 prlimit64 read rseq rt_sigaction rt_sigprocmask rt_sigreturn set_robust_list set_tid_address statfs statx vfork wait4 write',
  'strace-f-tt-T-y-python-threads.strace': 'access arch_prctl brk clock_nanosleep clone3 close execve exit exit_group fcntl futex getcwd getdents64 getegid geteuid getgid getpid getppid getrandom gettid getuid ioctl lseek madvise mmap mprotect munmap newfstatat openat pread64 prlimit64 read readlink rseq rt_sigaction rt_sigprocmask set_robust_list set_tid_address sysinfo wait4',
  'strace-f-ttt-signals.strace': 'access arch_prctl brk clock_nanosleep clone close execve exit_group getcwd getegid geteuid getgid getpid getppid getrandom getuid kill mmap mprotect munmap newfstatat openat pread64 prlimit64 read rseq rt_sigaction rt_sigprocmask rt_sigreturn rt_sigsuspend set_robust_list set_tid_address vfork wait4',
  'strace-X-verbose-net.strace': 'bind connect listen setsockopt socket',
  // The table's 42 names plus exit_group, which strace -c never lists (it does not return) and seccompctl adds.
  'strace-c-f-summary.strace': 'access arch_prctl brk close connect dup2 execve exit_group fcntl getcwd getdents64 getegid geteuid getgid getpid getppid getrandom getuid getxattr ioctl lgetxattr lseek mmap mprotect munmap newfstatat openat pread64 prlimit64 read readlink rseq rt_sigaction rt_sigprocmask rt_sigreturn set_robust_list set_tid_address socket statfs statx vfork wait4 write',
  'strace-ff-perpid': 'access arch_prctl brk clock_nanosleep clone close execve exit_group getcwd getegid geteuid getgid getpid getppid getrandom getuid mmap mprotect munmap newfstatat openat pread64 prlimit64 read rseq rt_sigaction rt_sigreturn set_robust_list set_tid_address wait4',
};

describe('strace fixtures', () => {
  it.each(Object.entries(STRACE_EXPECTED))('%s gives the independently counted set', async (file, expected) => {
    const r = await ingestFiles([fx(file)], { nativeArch: 'x86_64' });
    expect(r.formats[0]).toMatch(/^strace/);
    expect(r.counters.malformed).toBe(0);
    expect(syscallNames(r, 'x86_64')).toEqual(expected.split(' '));
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  });

  it('names with digits survive (wait4, pipe2, clone3, pread64, prlimit64)', async () => {
    const a = await ingestFiles([fx('strace-f-sh-pipeline.strace')], { nativeArch: 'x86_64' });
    expect(syscallNames(a, 'x86_64')).toEqual(expect.arrayContaining(['wait4', 'pipe2', 'pread64', 'prlimit64', 'getdents64']));
    const b = await ingestFiles([fx('strace-f-tt-T-y-python-threads.strace')], { nativeArch: 'x86_64' });
    expect(syscallNames(b, 'x86_64')).toContain('clone3');
  });

  it('-ff files in a directory are one recording, each file its own pid, programs from execve', async () => {
    const r = await ingestFiles([fx('strace-ff-perpid')], { nativeArch: 'x86_64' });
    expect(r.counters.files).toBe(3);
    expect(new Set(r.processes.map((p) => p.pid))).toEqual(new Set([24953, 24954, 24955]));
    expect(r.processes.find((p) => p.pid === 24953 && p.exe === '/usr/bin/sh')?.comm).toBe('sh');
  });

  it('-c summary counts come from the table', async () => {
    const r = await ingestFiles([fx('strace-c-f-summary.strace')], { nativeArch: 'x86_64' });
    expect(r.syscalls.get('x86_64')!.get('statx')!.count).toBe(1084);
    expect(r.syscalls.get('x86_64')!.get('wait4')!.count).toBe(2);
  });

  it('-X verbose arguments are kept, split at top-level commas', async () => {
    const r = await ingestFiles([fx('strace-X-verbose-net.strace')], { nativeArch: 'x86_64' });
    const sock = r.syscalls.get('x86_64')!.get('socket')!;
    expect(sock.argSamples[0]).toEqual(['0x2 /* AF_INET */', '0x1 /* SOCK_STREAM */|0x80000 /* SOCK_CLOEXEC */', '0 /* IPPROTO_IP */']);
    const bind = r.syscalls.get('x86_64')!.get('bind')!;
    expect(bind.argSamples[0]).toHaveLength(3);
  });
});
