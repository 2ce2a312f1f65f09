// SPDX-License-Identifier: Apache-2.0
// seccompctl-record-bpf: loads record.bpf.c (embedded through bpftool's skeleton) with libbpf, attaches it, prints
// SECCOMPCTL_READY, waits for SIGINT or SIGTERM, detaches and prints what it saw in the text form bpftrace prints its
// maps (so src/runtime/probe.ts parses both the same way):
//   @seen[PID, NR, COMPAT]: 1      @comm[PID]: NAME      @started[PID]: N      @execs[PID, COMM, COMPAT]: N
// and, when inserts into the seen/execs maps failed because a map was full (those calls are missing from the dump):
//   @map_full[KEYS]: N             (KEYS: the seen map's size; N: failed inserts; also said on stderr)
// when the comms map refused process names (no call is missing; those processes are unnamed):
//   @comm_full[KEYS]: N
// and when the kernel could not allocate a thread's task storage (that thread, or one call, is missing):
//   @storage_fail: N
// Usage: seccompctl-record-bpf --session S (--pid P [--exact] | --path /abs/program) [--no-compat] [--map-keys K]
//        --map-keys K: the seen and comms maps' size in keys (default 65536; tests use a tiny one to fill them)
//        seccompctl-record-bpf --empty   (benchmarks: an empty sys_enter program alone, the route's floor)
// Exit 2 with one line on stderr when an argument is wrong, 3 when the program cannot be loaded or attached.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "record.skel.h"

struct seen_key {
	unsigned int pid;
	unsigned int nr;
	unsigned int compat;
};

struct exec_val {
	unsigned long long count;
	char comm[16];
};

static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_WARN || getenv("SECCOMPCTL_BPF_DEBUG"))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static unsigned long parse_num(const char *flag, const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s ? s : "", &end, 10);
	if (!s || *s == 0 || *end != 0 || errno) {
		fprintf(stderr, "seccompctl-record-bpf: %s needs a decimal number (got '%s')\n", flag, s ? s : "");
		exit(2);
	}
	return v;
}

static void print_comm(const char *c)
{
	char buf[17];

	memcpy(buf, c, 16);
	buf[16] = 0;
	fputs(buf, stdout);
}

int main(int argc, char **argv)
{
	unsigned long session = 0, pid = 0, map_keys = 65536;
	int have_session = 0, is_exact = 0, compat = 1, empty = 0, i, err;
	const char *path = NULL;
	struct record_bpf *skel;
	sigset_t set;
	int sig;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--session") && i + 1 < argc) {
			session = parse_num("--session", argv[++i]);
			have_session = 1;
		} else if (!strcmp(argv[i], "--pid") && i + 1 < argc) {
			pid = parse_num("--pid", argv[++i]);
		} else if (!strcmp(argv[i], "--path") && i + 1 < argc) {
			path = argv[++i];
		} else if (!strcmp(argv[i], "--map-keys") && i + 1 < argc) {
			map_keys = parse_num("--map-keys", argv[++i]);
			if (map_keys == 0 || map_keys > (1UL << 24)) {
				fprintf(stderr, "seccompctl-record-bpf: --map-keys must be between 1 and 16777216 (got %lu)\n", map_keys);
				return 2;
			}
		} else if (!strcmp(argv[i], "--exact")) {
			is_exact = 1;
		} else if (!strcmp(argv[i], "--empty")) {
			empty = 1;
		} else if (!strcmp(argv[i], "--no-compat")) {
			compat = 0;
		} else {
			fprintf(stderr, "seccompctl-record-bpf: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (!empty && (!have_session || (pid == 0) == (path == NULL) || (path && (path[0] != '/' || strlen(path) >= 256)))) {
		fprintf(stderr, "seccompctl-record-bpf: usage: --session S (--pid P [--exact] | --path /abs/program)\n");
		return 2;
	}

	/* Block the stop signals before anything is attached, so none is lost between READY and sigwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, NULL);

	libbpf_set_print(quiet_print);
	skel = record_bpf__open();
	if (!skel) {
		fprintf(stderr, "seccompctl-record-bpf: cannot open the BPF object: %s\n", strerror(errno));
		return 3;
	}
	skel->rodata->target_ses = (unsigned int)session;
	skel->rodata->exact = pid && is_exact;
	skel->rodata->marker_pid = (unsigned int)pid;
	skel->rodata->read_compat = compat;
	if (empty) {
		bpf_program__set_autoload(skel->progs.on_enter, false);
		bpf_program__set_autoload(skel->progs.on_exec, false);
		bpf_program__set_autoload(skel->progs.on_fork, false);
		bpf_program__set_autoload(skel->progs.on_exit, false);
	} else {
		bpf_program__set_autoload(skel->progs.on_enter_empty, false);
	}
	if (path)
		memcpy((char *)skel->rodata->marker_path, path, strlen(path) + 1);
	err = bpf_map__set_max_entries(skel->maps.seen, (__u32)map_keys);
	if (!err)
		err = bpf_map__set_max_entries(skel->maps.comms, (__u32)map_keys);
	if (err) {
		fprintf(stderr, "seccompctl-record-bpf: cannot size the seen and comms maps: %s\n", strerror(-err));
		record_bpf__destroy(skel);
		return 3;
	}
	err = record_bpf__load(skel);
	if (err) {
		fprintf(stderr, "seccompctl-record-bpf: the kernel refused the program: %s\n", strerror(-err));
		record_bpf__destroy(skel);
		return 3;
	}
	err = record_bpf__attach(skel);
	if (err) {
		fprintf(stderr, "seccompctl-record-bpf: cannot attach to the tracepoints: %s\n", strerror(-err));
		record_bpf__destroy(skel);
		return 3;
	}
	printf("SECCOMPCTL_READY\n");
	fflush(stdout);

	do {
		err = sigwait(&set, &sig);
	} while (err == EINTR);
	record_bpf__detach(skel);

	{
		struct seen_key k, next, *prev = NULL;
		unsigned long long v;
		int fd = bpf_map__fd(skel->maps.seen);

		while (bpf_map_get_next_key(fd, prev, &next) == 0) {
			if (bpf_map_lookup_elem(fd, &next, &v) == 0)
				printf("@seen[%u, %d, %u]: %llu\n", next.pid, (int)next.nr, next.compat, v);
			k = next;
			prev = &k;
		}
	}
	{
		unsigned int k, next, *prev = NULL;
		char c[16];
		int fd = bpf_map__fd(skel->maps.comms);

		while (bpf_map_get_next_key(fd, prev, &next) == 0) {
			if (bpf_map_lookup_elem(fd, &next, c) == 0) {
				printf("@comm[%u]: ", next);
				print_comm(c);
				putchar('\n');
			}
			k = next;
			prev = &k;
		}
	}
	{
		struct seen_key k, next, *prev = NULL;
		struct exec_val v;
		int fd = bpf_map__fd(skel->maps.execs);

		while (bpf_map_get_next_key(fd, prev, &next) == 0) {
			if (bpf_map_lookup_elem(fd, &next, &v) == 0) {
				printf("@execs[%u, ", next.pid);
				print_comm(v.comm);
				printf(", %u]: %llu\n", next.compat, v.count);
			}
			k = next;
			prev = &k;
		}
	}
	if (skel->bss->started)
		printf("@started[%lu]: %llu\n", pid, (unsigned long long)skel->bss->started);
	if (skel->bss->overflow) {
		printf("@map_full[%lu]: %llu\n", map_keys, (unsigned long long)skel->bss->overflow);
		fprintf(stderr, "seccompctl-record-bpf: map full, %llu updates failed (the seen map holds %lu keys): those calls are not in the dump\n",
			(unsigned long long)skel->bss->overflow, map_keys);
	}
	if (skel->bss->comm_overflow) {
		printf("@comm_full[%lu]: %llu\n", map_keys, (unsigned long long)skel->bss->comm_overflow);
		fprintf(stderr, "seccompctl-record-bpf: comms map full, %llu process names not kept (it holds %lu keys)\n",
			(unsigned long long)skel->bss->comm_overflow, map_keys);
	}
	if (skel->bss->storage_fail) {
		printf("@storage_fail: %llu\n", (unsigned long long)skel->bss->storage_fail);
		fprintf(stderr, "seccompctl-record-bpf: task storage could not be allocated %llu time(s): those threads' calls are not in the dump\n",
			(unsigned long long)skel->bss->storage_fail);
	}
	fflush(stdout);
	record_bpf__destroy(skel);
	return 0;
}
