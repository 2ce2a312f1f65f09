// The agent's options: what a caller may set, their defaults, and the checks on them.
import { hostname } from 'node:os';
import { UserError } from '../common/index.js';
import { DEFAULT_RUNTIME_PATHS, type RuntimePaths } from './runtimes.js';

export type AgentSource = 'auto' | 'ebpf' | 'audit';

export interface AgentOptions {
  source?: AgentSource;
  /** Default /var/lib/seccompctl. */
  stateDir?: string;
  /** Record every container, not only opted-in pods. */
  all?: boolean;
  /** Default 5000 ms. */
  flushIntervalMs?: number;
  /** Default /sys/fs/cgroup. */
  cgroupRoot?: string;
  /** Force a cgroup version (1 = a v1 controller's ids even on a hybrid host). */
  cgroupVersion?: 1 | 2;
  /** Kubelet cgroup prefixes; default ['/kubepods'] (matches `/kubepods.slice` too). */
  cgroupPrefixes?: readonly string[];
  runtimePaths?: RuntimePaths;
  /** Node name written into replicas; default the host name (NODE_NAME in the DaemonSet). */
  node?: string;
  /** Profiles assume no-new-privileges (smaller runc base set). */
  noNewPrivileges?: boolean;
  /** Containers tracked at once (memory bound); default 10000. */
  maxContainers?: number;
  /** eBPF: keys per kernel map; default 131072. */
  mapKeys?: number;
  /** eBPF: count every call (events metric); default true. */
  counts?: boolean;
  /** eBPF: pages per CPU of bpftrace's output buffer; default bpftrace's 64 (tests shrink it to force loss). */
  perfPages?: number;
  /** Seconds an unresolved container is retried before its events count as unattributed; default 10. */
  resolveTimeoutSec?: number;
  /**
   * Audit source: `auto` (default) reads auditd's log when an audit daemon is registered (records then go there, not
   * to the kernel log), else /dev/kmsg; a path reads that auditd log; `kmsg` the kernel log.
   */
  auditLog?: string;
  /** Progress and warnings. */
  log?: (msg: string) => void;
}

/** Options with their defaults filled in. */
export type ResolvedAgentOptions = Required<Omit<AgentOptions, 'log' | 'cgroupVersion' | 'perfPages'>> & { log: AgentOptions['log'] | undefined; cgroupVersion: 1 | 2 | undefined; perfPages: number | undefined };

/** Fills in the defaults; bad values → UserError. */
export function resolveAgentOptions(opts: AgentOptions = {}): ResolvedAgentOptions {
  const o: ResolvedAgentOptions = {
    source: opts.source ?? 'auto',
    stateDir: opts.stateDir ?? '/var/lib/seccompctl',
    all: opts.all ?? false,
    flushIntervalMs: opts.flushIntervalMs ?? 5000,
    cgroupRoot: opts.cgroupRoot ?? '/sys/fs/cgroup',
    cgroupVersion: opts.cgroupVersion,
    cgroupPrefixes: opts.cgroupPrefixes ?? ['/kubepods'],
    runtimePaths: opts.runtimePaths ?? DEFAULT_RUNTIME_PATHS,
    node: opts.node ?? hostname(),
    noNewPrivileges: opts.noNewPrivileges ?? false,
    maxContainers: opts.maxContainers ?? 10000,
    mapKeys: opts.mapKeys ?? 131072,
    counts: opts.counts ?? true,
    perfPages: opts.perfPages,
    resolveTimeoutSec: opts.resolveTimeoutSec ?? 10,
    auditLog: opts.auditLog ?? 'auto',
    log: opts.log,
  };
  if (o.flushIntervalMs < 100) throw new UserError(`--flush-interval ${o.flushIntervalMs} ms is too short (at least 100 ms)`);
  for (const p of o.cgroupPrefixes) if (!p.startsWith('/')) throw new UserError(`--cgroup-prefix "${p}" must start with "/"`);
  return o;
}
