// What each syscall is for (the report's category picture) and which ones are known to be dangerous (its risk view).

/** The categories of the report's "allowed by category" picture, in display order. */
export const CATEGORIES = ['files', 'network', 'processes', 'memory', 'ipc', 'time', 'privileged', 'other'] as const;
export type Category = (typeof CATEGORIES)[number];

/** How each category is titled in the report. */
export const CATEGORY_TITLES: Readonly<Record<Category, string>> = {
  files: 'Files and I/O',
  network: 'Network',
  processes: 'Processes, signals, credentials',
  memory: 'Memory',
  ipc: 'IPC and synchronisation',
  time: 'Time and timers',
  privileged: 'Privileged / kernel',
  other: 'Other and architecture-specific',
};

const words = (s: string): string[] => s.trim().split(/\s+/);

const EXPLICIT: Readonly<Record<Exclude<Category, 'files' | 'other'>, readonly string[]>> = {
  network: words(`socket socketpair bind listen accept accept4 connect getsockname getpeername getsockopt setsockopt
    send sendto sendmsg sendmmsg recv recvfrom recvmsg recvmmsg recvmmsg_time64 shutdown socketcall`),
  processes: words(`clone clone3 fork vfork execve execveat exit exit_group wait4 waitid waitpid kill tkill tgkill pause
    rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait
    rt_sigtimedwait_time64 rt_tgsigqueueinfo sigaction sigaltstack signal signalfd signalfd4 sigpending sigprocmask
    sigreturn sigsuspend sgetmask ssetmask getpid getppid gettid getuid getuid32 geteuid geteuid32 getgid getgid32
    getegid getegid32 getresuid getresuid32 getresgid getresgid32 getgroups getgroups32 setuid setuid32 setgid
    setgid32 setreuid setreuid32 setregid setregid32 setresuid setresuid32 setresgid setresgid32 setgroups
    setgroups32 setfsuid setfsuid32 setfsgid setfsgid32 capget capset prctl arch_prctl personality sched_yield
    sched_getaffinity sched_setaffinity sched_getattr sched_setattr sched_getparam sched_setparam sched_getscheduler
    sched_setscheduler sched_get_priority_max sched_get_priority_min sched_rr_get_interval
    sched_rr_get_interval_time64 getpriority setpriority nice getrlimit setrlimit prlimit64 ugetrlimit ulimit
    getrusage setsid getsid setpgid getpgid getpgrp set_tid_address set_robust_list get_robust_list rseq
    restart_syscall pidfd_open pidfd_getfd pidfd_send_signal seccomp kcmp get_thread_area set_thread_area
    modify_ldt uname olduname oldolduname sysinfo getcpu ioprio_get ioprio_set umask landlock_add_rule
    landlock_create_ruleset landlock_restrict_self lsm_get_self_attr lsm_set_self_attr lsm_list_modules getrandom
    set_tls get_tls`),
  memory: words(`brk mmap mmap2 munmap mprotect mremap madvise mincore mlock mlock2 mlockall munlock munlockall msync
    remap_file_pages mbind get_mempolicy set_mempolicy set_mempolicy_home_node migrate_pages move_pages membarrier
    memfd_create memfd_secret pkey_alloc pkey_free pkey_mprotect mseal map_shadow_stack process_madvise
    process_mrelease`),
  ipc: words(`pipe pipe2 splice tee vmsplice ipc msgctl msgget msgrcv msgsnd semctl semget semop semtimedop
    semtimedop_time64 shmat shmctl shmdt shmget mq_getsetattr mq_notify mq_open mq_timedreceive
    mq_timedreceive_time64 mq_timedsend mq_timedsend_time64 mq_unlink eventfd eventfd2 futex futex_requeue
    futex_time64 futex_wait futex_waitv futex_wake`),
  time: words(`time stime gettimeofday settimeofday clock_adjtime clock_adjtime64 clock_getres clock_getres_time64
    clock_gettime clock_gettime64 clock_nanosleep clock_nanosleep_time64 clock_settime clock_settime64 nanosleep
    alarm getitimer setitimer timer_create timer_delete timer_getoverrun timer_gettime timer_gettime64 timer_settime
    timer_settime64 timerfd timerfd_create timerfd_gettime timerfd_gettime64 timerfd_settime timerfd_settime64 times
    adjtimex`),
  privileged: words(`acct add_key keyctl request_key bpf create_module delete_module finit_module init_module
    get_kernel_syms query_module kexec_file_load kexec_load ioperm iopl lookup_dcookie mount umount umount2
    mount_setattr move_mount open_tree fsopen fsconfig fsmount fspick pivot_root chroot nfsservctl perf_event_open
    ptrace process_vm_readv process_vm_writev quotactl quotactl_fd reboot setdomainname sethostname swapon swapoff
    syslog sysfs _sysctl unshare setns vhangup vm86 vm86old uselib userfaultfd bdflush pciconfig_iobase
    pciconfig_read pciconfig_write uretprobe`),
};

// The rest: names that act on files, file descriptors and I/O readiness.
const FILES = /^(open|openat2?|creat|close(_range)?|readv?|pread64|preadv2?|writev?|pwrite64|pwritev2?|_?l?lseek|dup[23]?|fcntl(64)?|flock|f?(data)?sync|syncfs|sync_file_range2?|(new)?f?l?stat(64|at|at64|x|fs|fs64)?|fstatat64|old[lf]?stat|ustat|(f)?access(at2?)?|faccessat2?|f?chmod(at2?)?|[fl]?chown(32|at)?|link(at)?|unlink(at)?|symlink(at)?|rename(at2?)?|mkdir(at)?|rmdir|mknod(at)?|f?chdir|getcwd|getdents(64)?|readdir|readlink(at)?|f?truncate(64)?|fallocate|fadvise64(_64)?|arm_fadvise64_64|arm_sync_file_range|readahead|sendfile(64)?|copy_file_range|utime[s]?|utimensat(_time64)?|futimesat|[fl]?(get|set|list|remove)xattr|inotify_\w+|fanotify_\w+|epoll_\w+|e?poll|ppoll(_time64)?|_?(new)?select|pselect6(_time64)?|ioctl|io_\w+|name_to_handle_at|open_by_handle_at|cachestat|listmount|statmount)$/;

const BY_NAME = new Map<string, Category>();
for (const [c, names] of Object.entries(EXPLICIT) as [Category, readonly string[]][]) for (const n of names) BY_NAME.set(n, c);

/** The category of a syscall name (unknown names and architecture-specific ones are `other`). */
export function categoryOf(name: string): Category {
  return BY_NAME.get(name) ?? (FILES.test(name) ? 'files' : 'other');
}

/** A class of syscalls that widens the kernel attack surface or escapes the container when allowed. */
export interface RiskClass {
  readonly id: string;
  readonly title: string;
  readonly syscalls: readonly string[];
  /** One line: why allowing it matters. */
  readonly why: string;
}

/** The risk view's classes, most severe first. */
export const RISK_CLASSES: readonly RiskClass[] = [
  { id: 'namespaces', title: 'Namespaces (incl. user namespaces)', syscalls: ['unshare', 'setns', 'clone', 'clone3'],
    why: 'unshare/clone with CLONE_NEWUSER give an unprivileged process root in a new user namespace, which opens kernel code (netfilter, mount, BPF) otherwise reachable only with CAP_SYS_ADMIN; a flags rule on clone closes it.' },
  { id: 'io_uring', title: 'io_uring', syscalls: ['io_uring_setup', 'io_uring_enter', 'io_uring_register'],
    why: 'operations submitted through the ring are not seen by seccomp at all, and io_uring has been a steady source of kernel privilege escalations.' },
  { id: 'bpf', title: 'eBPF', syscalls: ['bpf'],
    why: 'loads programs into the kernel; verifier bugs have repeatedly given root.' },
  { id: 'ptrace', title: 'ptrace and cross-process memory', syscalls: ['ptrace', 'process_vm_readv', 'process_vm_writev', 'pidfd_getfd', 'kcmp'],
    why: 'reads and writes other processes\' memory and file descriptors; before Linux 4.8 ptrace could bypass seccomp.' },
  { id: 'keyctl', title: 'Kernel keyrings', syscalls: ['keyctl', 'add_key', 'request_key'],
    why: 'the kernel keyring is not namespaced: keys of other containers can be reached, and the code has had exploitable bugs.' },
  { id: 'modules', title: 'Kernel module loading', syscalls: ['init_module', 'finit_module', 'delete_module', 'create_module'],
    why: 'loads or removes code in the kernel itself.' },
  { id: 'kexec', title: 'kexec and reboot', syscalls: ['kexec_load', 'kexec_file_load', 'reboot'],
    why: 'replaces or restarts the running kernel.' },
  { id: 'mount', title: 'Mounts and the filesystem view', syscalls: ['mount', 'umount', 'umount2', 'pivot_root', 'chroot', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'move_mount', 'open_tree', 'mount_setattr'],
    why: 'changes what the container sees of the host\'s filesystems; the new mount API reaches filesystem parsers.' },
  { id: 'handles', title: 'Open by file handle', syscalls: ['open_by_handle_at', 'name_to_handle_at'],
    why: 'open_by_handle_at opens files by inode number, outside the container\'s mount (the "shocker" escape).' },
  { id: 'perf', title: 'perf events', syscalls: ['perf_event_open'],
    why: 'exposes kernel addresses and hardware counters (side channels), and has had privilege escalations.' },
  { id: 'userfaultfd', title: 'userfaultfd', syscalls: ['userfaultfd'],
    why: 'lets a process pause the kernel at a chosen page fault, widening race windows in kernel exploits.' },
  { id: 'time', title: 'Setting the clock', syscalls: ['settimeofday', 'clock_settime', 'clock_settime64', 'clock_adjtime', 'clock_adjtime64', 'adjtimex', 'stime'],
    why: 'time is not namespaced: it changes the clock of the whole node.' },
  { id: 'kernel-info', title: 'Kernel log and internals', syscalls: ['syslog', 'lookup_dcookie', '_sysctl', 'sysfs', 'uselib', 'nfsservctl', 'iopl', 'ioperm', 'vm86', 'vm86old', 'pciconfig_read', 'pciconfig_write', 'pciconfig_iobase'],
    why: 'reads the kernel log (addresses), uses obsolete interfaces or touches hardware I/O ports directly.' },
  { id: 'host-admin', title: 'Node administration', syscalls: ['acct', 'swapon', 'swapoff', 'quotactl', 'quotactl_fd', 'sethostname', 'setdomainname', 'vhangup'],
    why: 'administers the node (accounting, swap, quotas, names) rather than the workload.' },
  { id: 'personality', title: 'Execution domain', syscalls: ['personality'],
    why: 'personality flags such as READ_IMPLIES_EXEC or ADDR_NO_RANDOMIZE weaken memory protections; a rule on the flags argument limits it.' },
];
