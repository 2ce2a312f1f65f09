// SPDX-License-Identifier: GPL-2.0
// seccompctl's record program without bpftrace: BTF-enabled raw tracepoints (tp_btf) on sys_enter and on
// sched_process_exec/fork/exit, scoped to one audit session (task->sessionid, read through BTF/CO-RE).
//
// Per call (docs/runtime.md, "Recording near the floor"): one direct load of the current task's sessionid; inside the
// session, one task-local-storage lookup (no hashing: the task keeps a pointer to its storage) and one bit test in that
// thread's bitmap of syscalls already seen. Only the first call of a syscall per thread touches the shared hash map
// `seen` (key: tgid, number as the kernel saw it, compat), which the loader dumps when it stops.
//
// The same scoping as the bpftrace program (src/runtime/probe.ts):
// - exact (host mode, spawnInSession's wrapper under dash): everything in the session is the workload; a thread gets
//   its storage at its first call.
// - otherwise (a container, or host mode without dash): only the tasks marked live are the workload: the marker exec
//   (by pid, or by the absolute path of the program, bprm->filename) marks its task, fork marks the children of
//   marked tasks. A marked task is one that has task storage.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

#define TS_COMPAT 0x0002          /* arch/x86/include/asm/thread_info.h */
#define X32_SYSCALL_BIT 0x40000000
#define NR_BITS 1024              /* per ABI: native, x32, ia32 */
#define WORDS (NR_BITS / 64)
#define PATH_MAX_LEN 256

const volatile __u32 target_ses = 0;
const volatile __u32 exact = 0;
const volatile __u32 marker_pid = 0;          /* 0: match the exec by marker_path */
const volatile __u32 read_compat = 1;         /* x86_64 host: read TS_COMPAT */
const volatile char marker_path[PATH_MAX_LEN] = {};

struct seen_key {
	u32 pid;
	u32 nr;
	u32 compat;
};

struct exec_val {
	u64 count;
	char comm[16];
};

struct tstate {
	u64 bits[64];   /* 3 x 16 words used; 64 so that an index masked with 63 is in bounds */
};

/* 65536 keys by default; the loader resizes seen and comms before loading (--map-keys, SECCOMPCTL_RECORD_MAP_KEYS). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct seen_key);
	__type(value, u64);
} seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, u32);
	__type(value, char[16]);
} comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, struct seen_key);   /* nr unused (0) */
	__type(value, struct exec_val);
} execs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct tstate);
} tstore SEC(".maps");

__u64 started = 0;
/* Inserts that failed (the seen or execs map was full: -E2BIG): each is a (process, syscall) the dump lacks. The
 * loader prints it at stop (@map_full[...]) and record turns it into a certain loss (docs/runtime.md). */
__u64 overflow = 0;
/* Process names the full comms map refused (no call lost: those processes are unnamed; printed as @comm_full[...]). */
__u64 comm_overflow = 0;
/* Task storage the kernel could not allocate (out of memory): a thread not tracked, or (exact) a call not recorded.
 * Printed as @storage_fail; record reports it as a certain loss. */
__u64 storage_fail = 0;

static __always_inline void note_comm(u32 pid, const char *c)
{
	if (bpf_map_update_elem(&comms, &pid, c, BPF_ANY))
		__sync_fetch_and_add(&comm_overflow, 1);
}

static __always_inline u32 compat_of(struct task_struct *t)
{
	if (!read_compat)
		return 0;
	return (BPF_CORE_READ(t, thread_info.status) & TS_COMPAT) ? 1 : 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(on_enter, struct pt_regs *regs, long id)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct tstate *s;
	u32 compat, set;
	u64 nr = (u64)id, bit, *w;

	if (t->sessionid != target_ses)
		return 0;
	s = bpf_task_storage_get(&tstore, t, 0, exact ? BPF_LOCAL_STORAGE_GET_F_CREATE : 0);
	if (!s) {
		/* Not exact: a task without storage is not the workload. Exact: the allocation failed, this call is lost. */
		if (exact)
			__sync_fetch_and_add(&storage_fail, 1);
		return 0;
	}
	compat = read_compat ? ((t->thread_info.status & TS_COMPAT) ? 1 : 0) : 0;
	set = compat ? 2 : 0;
	if (!compat && (nr & X32_SYSCALL_BIT)) {
		set = 1;
		nr &= ~(u64)X32_SYSCALL_BIT;
	}
	if (nr < NR_BITS) {
		bit = 1ULL << (nr & 63);
		w = &s->bits[(set * WORDS + (nr >> 6)) & 63];
		if (*w & bit)
			return 0;
		*w |= bit;
	}
	struct seen_key k = { .pid = t->tgid, .nr = (u32)id, .compat = compat };
	u64 one = 1;
	if (bpf_map_update_elem(&seen, &k, &one, BPF_ANY))
		__sync_fetch_and_add(&overflow, 1);
	return 0;
}

/* The floor for this route (loader --empty): attached alone, does nothing. What the kernel's raw tracepoint and BPF
 * dispatch cost on every syscall, which no program attached this way can go below. */
SEC("tp_btf/sys_enter")
int BPF_PROG(on_enter_empty, struct pt_regs *regs, long id)
{
	return 0;
}

static __always_inline int is_marker(struct task_struct *p, struct linux_binprm *bprm)
{
	char buf[PATH_MAX_LEN];
	int i;

	if (marker_pid)
		return (u32)p->tgid == marker_pid;
	if (bpf_probe_read_kernel_str(buf, sizeof(buf), BPF_CORE_READ(bprm, filename)) < 0)
		return 0;
	for (i = 0; i < PATH_MAX_LEN; i++) {
		if (buf[i] != marker_path[i])
			return 0;
		if (buf[i] == 0)
			return 1;
	}
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	u32 pid;
	int live;

	if (p->sessionid != target_ses)
		return 0;
	pid = p->tgid;
	if (is_marker(p, bprm)) {
		if (exact) {
			__sync_fetch_and_add(&started, 1);
		} else {
			/* The marker's execve entry happened before the task was marked: counted here (execs). */
			struct seen_key k = { .pid = pid, .nr = 0, .compat = compat_of(p) };
			struct exec_val *v = bpf_map_lookup_elem(&execs, &k);
			if (v) {
				__sync_fetch_and_add(&v->count, 1);
			} else {
				struct exec_val nv = { .count = 1 };
				bpf_probe_read_kernel_str(nv.comm, sizeof(nv.comm), p->comm);
				if (bpf_map_update_elem(&execs, &k, &nv, BPF_ANY))
					__sync_fetch_and_add(&overflow, 1);
			}
			if (!bpf_task_storage_get(&tstore, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE))
				__sync_fetch_and_add(&storage_fail, 1);
		}
	}
	live = exact || bpf_task_storage_get(&tstore, p, 0, 0) != NULL;
	if (live) {
		char c[16];
		bpf_probe_read_kernel_str(c, sizeof(c), p->comm);
		note_comm(pid, c);
	}
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_fork, struct task_struct *parent, struct task_struct *child)
{
	u32 cpid;
	char c[16];

	if (parent->sessionid != target_ses)
		return 0;
	if (!exact) {
		if (!bpf_task_storage_get(&tstore, parent, 0, 0))
			return 0;
		if (!bpf_task_storage_get(&tstore, child, 0, BPF_LOCAL_STORAGE_GET_F_CREATE))
			__sync_fetch_and_add(&storage_fail, 1);
	}
	cpid = child->pid;
	bpf_probe_read_kernel_str(c, sizeof(c), parent->comm);
	note_comm(cpid, c);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_exit, struct task_struct *p)
{
	u32 tid;

	if (p->sessionid != target_ses)
		return 0;
	if (p->pid == p->tgid)
		return 0;
	tid = p->pid;
	bpf_map_delete_elem(&comms, &tid);
	return 0;
}
