// The agent's eBPF program: containers scoped by cgroup id in the kernel, not by session. One bpftrace process:
//  - cgroup_mkdir under the kubelet's prefixes adds the new cgroup's id to @w (watched) before anything runs in it;
//  - the first exec in a watched cgroup (runc's init exec'ing the payload) makes it live (@l) and reports the id with
//    the names of the cgroup and its two parents read from the kernel, so a container that lives 100 ms is named
//    even though its directory is gone before user space could look;
//  - sys_enter in a live cgroup notes (cgroup, syscall, compat) once and reports it the first time; @n counts calls;
//  - cgroup_rmdir reports the end.
// The per-event lines are a fast path, not the record: the seen-set `@s` stays in the kernel and is dumped whole when
// bpftrace exits (and on demand after the perf buffer dropped lines), so a line lost or dropped on the way is
// recovered from the map (see stop() for the way bpftrace 0.17 drops lines at exit).
// runc's own calls before the payload's exec (mounts, pivot_root…) are not recorded: the runtime base set covers
// the calls it makes under the filter.
// A map that refuses an insert (full) is counted, not silent: bpftrace 0.17 ignores a failed update, but a key read back
// right after storing it reads 0 when the map refused it; the counts (@fw @fl @fa @fs) are printed every second while
// any is non-zero (`F w l a s`) and in the exit dump, and the agent reports them as loss (agent.ts).
import { spawn, spawnSync } from 'node:child_process';
import { EnvironmentError } from '../common/index.js';
import { stopBpftrace } from '../runtime/index.js';
import type { CgroupMode } from './cgroups.js';

/** What the probe reports, line by line. */
export type ProbeEvent =
  | { kind: 'exec'; cgroup: number; pid: number; names: [string, string, string] }
  /** `dump`: from a dump of the seen-set map (at exit, or a resync after lost lines), not a first-sighting line. */
  | { kind: 'syscall'; cgroup: number; nr: number; compat: boolean; dump?: boolean }
  | { kind: 'rmdir'; cgroup: number }
  | { kind: 'calls'; cgroup: number; total: number }
  | { kind: 'lost'; count: number }
  /** Inserts a full map refused so far (this probe), per map: from an `F` line (all four) or a dump row (one). */
  | { kind: 'mapfull'; failed: Partial<Record<AgentMap, number>> };

/**
 * The agent program's maps that can refuse inserts: `watched` (@w, container cgroups), `live` (@l, cgroups running
 * their payload), `armed` (@arm, execs in flight), `seen` (@s, the seen-set). (@n, the call counts, holds one key per
 * live cgroup of this probe, each also in @s: it cannot fill before @s does.)
 */
export type AgentMap = 'watched' | 'live' | 'armed' | 'seen';
const MAP_OF: Record<string, AgentMap> = { w: 'watched', l: 'live', a: 'armed', s: 'seen' };

export interface AgentProbeOptions {
  mode: CgroupMode;
  /** Cgroup path prefixes of pods (kubelet's cgroup root), e.g. `/kubepods` (also matches `/kubepods.slice`). */
  prefixes: readonly string[];
  /** Cgroups already there at start: watched, and live when they already run something. */
  existing: readonly { id: number; live: boolean }[];
  /** Count every call per cgroup (events metric); default true. */
  counts?: boolean;
  /** Seconds between call-count reports; default 1. */
  countInterval?: number;
  /** Pages per CPU of bpftrace's perf buffer (`BPFTRACE_PERF_RB_PAGES`); default bpftrace's (64). Tests make it small. */
  perfPages?: number;
  /** The kernel's `struct kernfs_node` parent field (`__parent` since 6.15, `parent` before); default detected. */
  parentField?: string;
}

const TS_COMPAT = 0x0002;

/** `__parent` (Linux ≥ 6.15) or `parent`, read from the kernel's BTF through bpftrace. */
export function kernfsParentField(): string {
  const r = spawnSync('bpftrace', ['-lv', 'struct kernfs_node'], { encoding: 'utf8' });
  return /\*__parent;/.test(r.stdout ?? '') ? '__parent' : 'parent';
}

/** The bpftrace program text. */
export function agentProgram(o: AgentProbeOptions): string {
  const cg = o.mode.version === 2 ? 'cgroup' : `((struct kernfs_node *)curtask->cgroups->subsys[${o.mode.subsysIndex ?? 0}]->cgroup->kn)->id`;
  const kn = o.mode.version === 2 ? '(struct kernfs_node *)curtask->cgroups->dfl_cgrp->kn' : `(struct kernfs_node *)curtask->cgroups->subsys[${o.mode.subsysIndex ?? 0}]->cgroup->kn`;
  const parent = o.parentField ?? 'parent';
  const compat = process.arch === 'x64' ? `(curtask->thread_info.status & ${TS_COMPAT} ? 1 : 0)` : '0';
  const prefixCond = o.prefixes.map((p) => `strncmp(str(args->path), ${JSON.stringify(p)}, ${Buffer.byteLength(p)}) == 0`).join(' || ');
  // Stores a key and counts a refusal (the key reads back 0) in @f<c>.
  const put = (map: string, key: string, c: string): string => `@${map}[${key}] = 1; if (@${map}[${key}] == 0) { @f${c} = @f${c} + 1; }`;
  const begin = o.existing.map((e) => `${put('w', String(e.id), 'w')}${e.live ? ` ${put('l', String(e.id), 'l')}` : ''}`);
  const counts = o.counts !== false;
  const lines = [
    // BEGIN runs once every probe is attached: READY means no container start can be missed from here on.
    `BEGIN { @fw = 0; @fl = 0; @fa = 0; @fs = 0; ${begin.join(' ')} printf("READY\\n"); }`,
    `tracepoint:cgroup:cgroup_mkdir /args->root == ${o.mode.hierarchy} && (${prefixCond})/ { ${put('w', 'args->id', 'w')} }`,
    `tracepoint:cgroup:cgroup_rmdir /args->root == ${o.mode.hierarchy} && @w[args->id]/ { printf("R %llu\\n", args->id); delete(@w[args->id]); delete(@l[args->id]); }`,
    // The exec that starts the workload is runc's init (comm runc:[2:INIT]) or crun's child exec'ing the payload;
    // runc's earlier execs in the cgroup (its cloned-binary re-exec) must not make the cgroup live.
    `tracepoint:syscalls:sys_enter_execve,tracepoint:syscalls:sys_enter_execveat /@w[${cg}] && @l[${cg}] == 0 && (comm == "runc:[2:INIT]" || comm == "crun")/ { ${put('arm', 'tid', 'a')} }`,
    `tracepoint:sched:sched_process_exec /@arm[tid]/ { delete(@arm[tid]); $k = ${kn}; $p = $k->${parent}; ${put('l', '$k->id', 'l')} printf("E %llu %d %s|%s|%s\\n", $k->id, pid, str($k->name), str($p->name), str($p->${parent}->name)); }`,
    // Every syscall of the node runs this: the cgroup id is read once, one lookup for tasks outside containers.
    `tracepoint:raw_syscalls:sys_enter { $g = ${cg}; if (@l[$g]) { $c = ${compat}; if (@s[$g, args->id, $c] == 0) { ${put('s', '$g, args->id, $c', 's')} printf("S %llu %d %d\\n", $g, args->id, $c); }${counts ? ' @n[$g] = count();' : ''} } }`,
    counts ? `interval:s:${o.countInterval ?? 1} { print(@n); }` : '',
    'interval:s:1 { if (@fw + @fl + @fa + @fs > 0) { printf("F %d %d %d %d\\n", @fw, @fl, @fa, @fs); } }',
    // @s and @n are left for bpftrace's own dump after the probes are detached (the seen-set in full, whatever
    // lines were dropped); the other maps are cleared so the dump does not list them.
    'END { clear(@w); clear(@l); clear(@arm); }',
  ];
  return lines.filter(Boolean).join('\n') + '\n';
}

/** Parses one line of the program's output. */
export function parseProbeLine(line: string): ProbeEvent | undefined {
  let m = /^S (\d+) (-?\d+) ([01])$/.exec(line);
  if (m) return { kind: 'syscall', cgroup: Number(m[1]), nr: Number(m[2]), compat: m[3] === '1' };
  m = /^@s\[(\d+), (-?\d+), ([01])\]: \d+$/.exec(line);
  if (m) return { kind: 'syscall', cgroup: Number(m[1]), nr: Number(m[2]), compat: m[3] === '1', dump: true };
  m = /^@n\[(\d+)\]: (\d+)$/.exec(line);
  if (m) return { kind: 'calls', cgroup: Number(m[1]), total: Number(m[2]) };
  m = /^E (\d+) (\d+) (.*)$/.exec(line);
  if (m) {
    const parts = m[3]!.split('|');
    return { kind: 'exec', cgroup: Number(m[1]), pid: Number(m[2]), names: [parts[0] ?? '', parts[1] ?? '', parts.slice(2).join('|')] };
  }
  m = /^F (\d+) (\d+) (\d+) (\d+)$/.exec(line);
  if (m) return { kind: 'mapfull', failed: { watched: Number(m[1]), live: Number(m[2]), armed: Number(m[3]), seen: Number(m[4]) } };
  m = /^@f([wlas]): (\d+)$/.exec(line);
  if (m) return { kind: 'mapfull', failed: { [MAP_OF[m[1]!]!]: Number(m[2]) } };
  m = /^R (\d+)$/.exec(line);
  if (m) return { kind: 'rmdir', cgroup: Number(m[1]) };
  m = /Lost (\d+) events/.exec(line);
  if (m) return { kind: 'lost', count: Number(m[1]) };
  return undefined;
}

/** A running agent probe. */
export interface AgentProbe {
  ready: Promise<void>;
  /** Resolves when bpftrace has exited (after stop(), or on its own: `error` then says why). */
  closed: Promise<{ error?: string }>;
  stop(): Promise<void>;
  pid: number | undefined;
}

/**
 * Starts the program. bpftrace runs under `setpriv --pdeathsig KILL`, so it dies with the agent even on kill -9
 * (an orphaned probe would keep costing every syscall of the node).
 */
export function startAgentProbe(o: AgentProbeOptions, onEvent: (e: ProbeEvent) => void, mapKeys = 131072): AgentProbe {
  const program = agentProgram(o);
  const useSetpriv = spawnSync('setpriv', ['--help'], { encoding: 'utf8' }).status === 0;
  const argv = useSetpriv ? ['setpriv', '--pdeathsig', 'KILL', '--', 'bpftrace', '-e', program] : ['bpftrace', '-e', program];
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, BPFTRACE_MAP_KEYS_MAX: String(mapKeys), BPFTRACE_STRLEN: '96', ...(o.perfPages ? { BPFTRACE_PERF_RB_PAGES: String(o.perfPages) } : {}) },
  });
  let buf = '';
  let err = '';
  let onReady: () => void = () => undefined;
  let onFail: (e: Error) => void = () => undefined;
  const ready = new Promise<void>((res, rej) => { onReady = res; onFail = rej; });
  let exited = false;
  let stopping = false;
  let lastResync = 0;
  const handle = (line: string): void => {
    if (line === 'READY') {
      onReady();
      return;
    }
    const e = parseProbeLine(line);
    if (!e) return;
    onEvent(e);
    // The perf buffer overflowed: first sightings were dropped, but they are in @s. SIGUSR1 makes bpftrace dump its
    // maps (at its next batch of lines; at the latest when it exits). At most one request a second.
    if (e.kind === 'lost' && !stopping && !exited && Date.now() - lastResync > 1000) {
      lastResync = Date.now();
      child.kill('SIGUSR1');
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (c: string) => {
    buf += c;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      handle(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (c: string) => {
    err += c;
    for (const l of c.split('\n')) if (/Lost \d+ events/.test(l)) handle(l);
    if (err.length > 65536) err = err.slice(-32768);
  });
  const closed = new Promise<{ error?: string }>((res) => {
    child.on('close', (code, signal) => {
      exited = true;
      if (buf !== '') handle(buf);
      buf = '';
      const msg = err.split('\n').filter((l) => l.trim() !== '' && !/RLIMIT_MEMLOCK/.test(l)).slice(-3).join(' | ');
      const how = signal ? `killed by ${signal}` : `exited with ${code}`;
      onFail(new EnvironmentError(`bpftrace failed: ${msg || how}`, 'run as root with BTF and tracefs (see docs/agent.md), or use --source audit'));
      res(code === 0 ? {} : { error: msg ? `${how}: ${msg}` : how });
    });
    child.on('error', (e) => {
      exited = true;
      onFail(new EnvironmentError(`cannot run bpftrace: ${e.message}`, 'apt-get install bpftrace, or use --source audit'));
      res({ error: e.message });
    });
  });
  return {
    ready,
    closed,
    pid: child.pid,
    async stop() {
      stopping = true;
      await stopBpftrace(child, () => exited, closed);
      await closed;
    },
  };
}
