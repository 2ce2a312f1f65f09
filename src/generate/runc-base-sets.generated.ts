// PROVISIONAL runc base sets — the syscalls runc's init process makes AFTER it loaded the container's seccomp
// filter, per no-new-privileges setting. Not measured yet (measured: false): the runtime stage overwrites this file
// with sets measured on real runc by a script. Keep the exported shape stable.
//
// Provenance of this provisional list:
// - nnp (no-new-privileges on: the filter is loaded just before exec): the syscalls runc 1.1.5's `runc:[2:INIT]`
//   made under a LOG profile in ../shared/fixtures/audit/dmesg-nginx-in-runc-complete.log (close, epoll_ctl, execve,
//   fstatfs, getdents64, getpid, openat, write), plus what newer runc needs at the same point according to
//   research/runtimes.md §5 (close_range, openat2, statx, newfstatat, faccessat2, fcntl: runc 1.2.8/1.3.3/1.4 fifo
//   reopen and UnsafeCloseFrom; runc #4984, #5007, #5059) and Go runtime calls that can happen at any moment
//   (futex, nanosleep, sched_yield, rt_sigreturn, rt_sigprocmask, sigaltstack, tgkill, getppid, mmap, munmap,
//   epoll_pwait, read, exit_group).
// - noNnp (no-new-privileges off, the Kubernetes default: the filter is loaded before finalizeNamespace): the nnp
//   set plus capability/credential changes and chdir (research/runtimes.md §5, libcontainer/init_linux.go
//   finalizeNamespace): capget, capset, prctl, setgroups, setresgid, setresuid, setgid, setuid, chdir, fchdir,
//   getuid, getgid.
// Names are x86_64 names; generate maps them per arch and skips names absent on an arch.
export const RUNC_BASE_SETS: {
  runcVersion: string | null;
  measured: boolean;
  source: string;
  nnp: readonly string[];
  noNnp: readonly string[];
} = {
  runcVersion: null,
  measured: false,
  source: 'provisional: runc 1.1.5 LOG-profile fixture (runc:[2:INIT] records) + research/runtimes.md §5; not measured',
  nnp: [
    'close', 'close_range', 'epoll_ctl', 'epoll_pwait', 'execve', 'exit_group', 'faccessat2', 'fcntl', 'fstatfs',
    'futex', 'getdents64', 'getpid', 'getppid', 'mmap', 'munmap', 'nanosleep', 'newfstatat', 'openat', 'openat2',
    'read', 'rt_sigprocmask', 'rt_sigreturn', 'sched_yield', 'sigaltstack', 'statx', 'tgkill', 'write',
  ],
  noNnp: [
    'capget', 'capset', 'chdir', 'close', 'close_range', 'epoll_ctl', 'epoll_pwait', 'execve', 'exit_group',
    'faccessat2', 'fchdir', 'fcntl', 'fstatfs', 'futex', 'getdents64', 'getgid', 'getpid', 'getppid', 'getuid',
    'mmap', 'munmap', 'nanosleep', 'newfstatat', 'openat', 'openat2', 'prctl', 'read', 'rt_sigprocmask',
    'rt_sigreturn', 'sched_yield', 'setgid', 'setgroups', 'setresgid', 'setresuid', 'setuid', 'sigaltstack',
    'statx', 'tgkill', 'write',
  ],
};
