// Which syscall the same libc call makes on another architecture. Newer architectures (aarch64, riscv64,
// loongarch64, the asm-generic table) lack the legacy path-name syscalls of x86_64; glibc's Linux wrappers
// (sysdeps/unix/sysv/linux/*.c) then call the *at / p* variant instead: `#ifdef __NR_mkdir … #else mkdirat`.
// Facts read in glibc's sources (bminor/glibc at 2.42.9000; the wrappers named are unchanged since before 2.36, Debian
// 12's, except where a version is given); each entry names the wrapper it comes from.
import { syscallNumber, type ArchId } from '../syscalls/index.js';

/** One libc call whose syscall differs between architectures. */
export interface SyscallCounterpart {
  /** The syscall some architectures have (x86_64's name). */
  readonly legacy: string;
  /** What glibc calls where `legacy` does not exist, in glibc's order of preference (all are allowed). Empty: no
   *  syscall is needed there (see `why`). */
  readonly uses: readonly string[];
  /** glibc's wrapper (under sysdeps/unix/sysv/linux/) or the reason. */
  readonly source: string;
  /** glibc calls `legacy` wherever it exists (so a recording from an architecture without it that shows one of
   *  `uses` may come from this libc call, and an architecture with `legacy` needs it). False where glibc calls the
   *  new syscall everywhere (open → openat since 2.26, stat → newfstatat since 2.33, fork → clone). */
  readonly legacyWhereAvailable: boolean;
  /** Set when `uses` is empty: why nothing is needed. */
  readonly why?: string;
}

const C = (legacy: string, uses: string[], source: string, legacyWhereAvailable = true, why?: string): SyscallCounterpart =>
  ({ legacy, uses, source, legacyWhereAvailable, ...(why !== undefined ? { why } : {}) });

const NEVER_IMPLEMENTED = 'never implemented on x86_64 (the kernel answers ENOSYS there); nothing to allow elsewhere';

/** The table, keyed by legacy name. */
export const SYSCALL_COUNTERPARTS: readonly SyscallCounterpart[] = [
  C('open', ['openat'], 'open64.c: openat(AT_FDCWD, …) on every arch since glibc 2.26', false),
  // glibc's creat() uses creat where the kernel has it, but an openat seen elsewhere almost always comes from open():
  // no mapping back.
  C('creat', ['openat'], 'creat64.c: creat where the kernel has it (64-bit), else open64 → openat(AT_FDCWD, …, O_CREAT|O_WRONLY|O_TRUNC)', false),
  C('stat', ['newfstatat', 'fstatat64', 'statx'], 'stat64.c → fstatat64.c: newfstatat where the kernel has it, else fstatat64 (32-bit) or statx (loongarch64)', false),
  C('lstat', ['newfstatat', 'fstatat64', 'statx'], 'lstat64.c → fstatat64.c (AT_SYMLINK_NOFOLLOW)', false),
  C('fstat', ['fstat64', 'newfstatat', 'statx'], 'fstat64.c: fstat on 64-bit kABIs with newfstatat, fstat64 on 32-bit ones, else fstatat64.c (statx, AT_EMPTY_PATH: loongarch64)', false),
  C('newfstatat', ['fstatat64', 'statx'], 'fstatat64.c: fstatat64 on 32-bit arches, statx where neither exists', false),
  C('access', ['faccessat', 'faccessat2'], 'access.c: faccessat(AT_FDCWD, …) without __NR_access; faccessat.c tries faccessat2 first'),
  C('mkdir', ['mkdirat'], 'mkdir.c: mkdirat(AT_FDCWD, …) without __NR_mkdir'),
  C('rmdir', ['unlinkat'], 'rmdir.c: unlinkat(AT_FDCWD, …, AT_REMOVEDIR) without __NR_rmdir'),
  C('unlink', ['unlinkat'], 'unlink.c: unlinkat(AT_FDCWD, …, 0) without __NR_unlink'),
  C('rename', ['renameat', 'renameat2'], 'rename.c: renameat, or renameat2 where the kernel has no renameat (riscv64, loongarch64)'),
  C('renameat', ['renameat2'], 'renameat.c: renameat2(…, 0) without __NR_renameat'),
  C('link', ['linkat'], 'link.c: linkat(AT_FDCWD, …, AT_FDCWD, …, 0) without __NR_link'),
  C('symlink', ['symlinkat'], 'symlink.c: symlinkat without __NR_symlink'),
  C('readlink', ['readlinkat'], 'readlink.c: readlinkat(AT_FDCWD, …) without __NR_readlink'),
  C('chmod', ['fchmodat'], 'chmod.c: fchmodat(AT_FDCWD, …, 0) without __NR_chmod'),
  C('chown', ['fchownat'], 'chown.c: fchownat(AT_FDCWD, …, 0) without __NR_chown'),
  C('lchown', ['fchownat'], 'lchown.c: fchownat(AT_FDCWD, …, AT_SYMLINK_NOFOLLOW) without __NR_lchown'),
  C('mknod', ['mknodat'], 'io/mknod.c → mknodat.c: mknodat(AT_FDCWD, …) on every arch', false),
  C('utime', ['utimensat'], 'utime.c: utimensat(AT_FDCWD, …) on every arch', false),
  C('utimes', ['utimensat'], 'utimes.c: utimensat(AT_FDCWD, …) on every arch', false),
  C('futimesat', ['utimensat'], 'futimesat.c: utimensat on every arch', false),
  C('epoll_wait', ['epoll_pwait'], 'epoll_wait.c: epoll_pwait(…, NULL) without __NR_epoll_wait'),
  C('epoll_create', ['epoll_create1'], 'epoll_create.c: epoll_create1(0) without __NR_epoll_create'),
  C('dup2', ['dup3', 'fcntl'], 'dup2.c: dup3(fd, fd2, 0), or fcntl(F_GETFL) when fd == fd2, without __NR_dup2'),
  C('poll', ['ppoll'], 'poll.c: ppoll without __NR_poll'),
  C('select', ['pselect6'], 'select.c: pselect6 without __NR_select'),
  C('pipe', ['pipe2'], 'pipe.c: pipe2(fds, 0) on every arch since glibc 2.32', false),
  C('fork', ['clone'], 'arch-fork.h: fork is clone(SIGCHLD) on every arch', false),
  C('vfork', ['clone'], '<arch>/vfork.S: clone(CLONE_VM|CLONE_VFORK) where the kernel has no vfork (aarch64, riscv64)'),
  C('inotify_init', ['inotify_init1'], 'inotify_init.c: inotify_init1(0) without __NR_inotify_init'),
  C('eventfd', ['eventfd2'], 'syscalls.list: eventfd() is the eventfd2 syscall on every arch', false),
  C('signalfd', ['signalfd4'], 'signalfd.c: signalfd4 on every arch', false),
  C('getdents', ['getdents64'], 'getdents64.c (readdir): getdents64 on every 64-bit arch', false),
  C('alarm', ['setitimer'], 'syscalls.list: the alarm syscall where the kernel has it, else sysdeps/posix/alarm.c: setitimer(ITIMER_REAL)'),
  C('pause', ['ppoll'], 'pause.c: ppoll(NULL, 0, NULL, NULL) without __NR_pause', false), // ppoll seen elsewhere: poll()
  C('time', ['clock_gettime'], 'time.c: clock_gettime (vDSO, else the syscall) without a time vDSO/syscall', false),
  C('getpgrp', ['getpgid'], 'syscalls.list: the getpgrp syscall where the kernel has it, else posix/getpgrp.c: getpgid(0)'),
  C('umount', ['umount2'], 'umount.c: umount2(path, 0) on every arch', false),
  C('getrlimit', ['prlimit64', 'ugetrlimit'], 'getrlimit64.c: prlimit64(0, …) on every arch', false),
  C('setrlimit', ['prlimit64'], 'setrlimit64.c: prlimit64(0, …) on every arch', false),
  C('lseek', ['_llseek'], 'lseek64.c: _llseek on 32-bit arches', false),
  C('mmap', ['mmap2'], 'mmap64.c: mmap2 on 32-bit arches', false),
  C('fcntl', ['fcntl64'], 'fcntl64.c: fcntl64 on 32-bit arches', false),
  C('sendfile', ['sendfile64'], 'sendfile64.c: sendfile64 on 32-bit arches', false),
  C('truncate', ['truncate64'], 'truncate64.c: truncate64 on 32-bit arches', false),
  C('ftruncate', ['ftruncate64'], 'ftruncate64.c: ftruncate64 on 32-bit arches', false),
  C('statfs', ['statfs64'], 'statfs64.c: statfs64 on 32-bit arches', false),
  C('fstatfs', ['fstatfs64'], 'fstatfs64.c: fstatfs64 on 32-bit arches', false),
  C('fadvise64', ['fadvise64_64', 'arm_fadvise64_64'], 'posix_fadvise64.c: fadvise64_64 (arm_fadvise64_64 on arm) on 32-bit arches', false),
  C('arch_prctl', [], 'x86-specific', false, 'x86-specific (TLS base, CET); other architectures set the thread pointer without a syscall'),
  ...['epoll_ctl_old', 'epoll_wait_old', 'tuxcall', 'security', 'afs_syscall', 'putpmsg', 'getpmsg', 'vserver',
    'create_module', 'get_kernel_syms', 'query_module', 'nfsservctl', 'uselib', '_sysctl']
    .map((n) => C(n, [], 'not implemented', false, NEVER_IMPLEMENTED)),
];

const BY_LEGACY = new Map(SYSCALL_COUNTERPARTS.map((c) => [c.legacy, c]));

/** The table entry for a syscall that some architectures lack. */
export function counterpartOf(name: string): SyscallCounterpart | undefined {
  return BY_LEGACY.get(name);
}

/**
 * What the libc call behind `name` uses on `arch` when `arch` has no `name`: the counterparts that exist there,
 * `[]` when nothing is needed (entry with no uses), or undefined when unknown (no entry, or none of its uses exist).
 */
export function counterpartsOn(name: string, arch: ArchId): string[] | undefined {
  const c = BY_LEGACY.get(name);
  if (!c) return undefined;
  if (c.uses.length === 0) return [];
  const there = c.uses.filter((u) => syscallNumber(arch, u) !== undefined);
  return there.length > 0 ? there : undefined;
}

/**
 * Legacy syscalls that `arch` has and whose glibc wrapper may have produced `name` on `from` (which lacks the
 * legacy call): e.g. ppoll recorded on aarch64 → poll on x86_64, where glibc's poll() calls poll.
 */
export function legacyCallersOn(name: string, from: ArchId, arch: ArchId): SyscallCounterpart[] {
  return SYSCALL_COUNTERPARTS.filter((c) => c.legacyWhereAvailable && c.uses.includes(name) &&
    syscallNumber(from, c.legacy) === undefined && syscallNumber(arch, c.legacy) !== undefined);
}

/** A newer syscall that programs try first, falling back to an older one only when it fails with ENOSYS. */
export interface EnosysFallback {
  readonly name: string;
  /** Who tries it and what it falls back to. */
  readonly who: string;
}

/**
 * Syscalls whose callers fall back on ENOSYS (and give up on EPERM). A deny-by-default profile answers them with
 * ENOSYS (`errnoRet: 38` on an explicit rule, which SPO's CRD can hold) so the fallback runs.
 */
export const ENOSYS_FALLBACKS: readonly EnosysFallback[] = [
  { name: 'clone3', who: 'glibc >= 2.34 (pthread_create, posix_spawn) → clone' },
  { name: 'faccessat2', who: 'glibc >= 2.33 faccessat() → faccessat' },
  { name: 'openat2', who: 'runc (securejoin, cgroup files), systemd → openat' },
  { name: 'statx', who: 'glibc stat on 32-bit arches, coreutils, Rust std::fs::metadata → fstatat' },
  { name: 'close_range', who: 'glibc >= 2.34 closefrom(), Python subprocess, runc → close loop' },
  { name: 'pidfd_open', who: 'systemd, Python, Go os/exec → signals on pids' },
  { name: 'pidfd_send_signal', who: 'systemd, Go os → kill' },
  { name: 'pidfd_getfd', who: 'systemd → SCM_RIGHTS' },
  { name: 'fchmodat2', who: 'glibc >= 2.39 fchmodat(AT_SYMLINK_NOFOLLOW) → O_PATH + fchmodat' },
  { name: 'epoll_pwait2', who: 'libuv, glib → epoll_pwait' },
  { name: 'copy_file_range', who: 'coreutils cp, Go io.Copy → read/write' },
  { name: 'getrandom', who: 'OpenSSL, older glibc → /dev/urandom' },
  { name: 'io_uring_setup', who: 'libuv, tokio, liburing users → epoll' },
  { name: 'memfd_create', who: 'runc (cloned binary) → O_TMPFILE' },
  { name: 'mount_setattr', who: 'runc >= 1.2 (idmapped mounts) → mount' },
  { name: 'open_tree', who: 'runc >= 1.2, systemd → mount' },
  { name: 'move_mount', who: 'runc >= 1.2, systemd → mount' },
  { name: 'fsopen', who: 'runc >= 1.2, systemd → mount' },
  { name: 'fsconfig', who: 'runc >= 1.2, systemd → mount' },
  { name: 'fsmount', who: 'runc >= 1.2, systemd → mount' },
  { name: 'landlock_create_ruleset', who: 'programs that sandbox themselves with Landlock: ENOSYS means "not supported", EPERM is an error' },
  { name: 'preadv2', who: 'glibc preadv2(flags 0) → preadv' },
  { name: 'pwritev2', who: 'glibc pwritev2(flags 0) → pwritev' },
];
