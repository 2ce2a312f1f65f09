// The data ingest produces: observations (one syscall seen once), loss signals, counters, and the aggregate.
import type { Diagnostic } from '../common/index.js';
import type { ArchId } from '../syscalls/index.js';

/** What the kernel (or tracer) did with the call: taken from an audit record's `code=`; strace calls are `allow`. */
export type SeenAction =
  | 'allow' | 'log' | 'errno' | 'trap' | 'kill_thread' | 'kill_process' | 'trace' | 'notify' | 'unknown'
  /** A kill whose kind the log does not say: ausearch's `code=kill` (auparse prints it for both kinds). */
  | 'kill';

/** Input formats ingest understands. `audit` covers every rendering of kernel seccomp audit records. */
export type InputFormat = 'audit' | 'strace';

/** The concrete rendering a line came in (for reports and format-specific loss rules). */
export type Rendering =
  | 'dmesg' | 'kmsg' | 'syslog' | 'journald' | 'journald-json' | 'auditd' | 'ausearch'
  | 'strace' | 'strace-summary';

/** One syscall seen once (for strace `-c` tables: seen `count` times). */
export interface Observation {
  readonly arch: ArchId;
  /** The syscall number as filtered (x32 includes the x32 bit); undefined when only a name was given and it is absent on `arch`. */
  readonly nr: number | undefined;
  /** The name on `arch`, or undefined when the number has no name in the tables. */
  readonly name: string | undefined;
  readonly pid?: number | undefined;
  readonly comm?: string | undefined;
  readonly exe?: string | undefined;
  readonly action: SeenAction;
  /** Whether the kernel said `compat=1` (a 32-bit process on a 64-bit kernel). */
  readonly compat?: boolean | undefined;
  /** Raw argument texts (strace), split at top-level commas; absent when the source has none. */
  readonly args?: readonly string[] | undefined;
  /** How many calls this observation stands for (1 except for strace summary rows). */
  readonly count: number;
  readonly rendering: Rendering;
  readonly file: string;
  readonly line: number;
}

/** Kinds of evidence that records were lost or the recording is incomplete. */
export type LossKind =
  | 'printk-suppressed'   // kauditd_printk_skb: N callbacks suppressed
  | 'serial-gap'          // audit(T:SERIAL) jumped
  | 'kmsg-seq-gap'        // /dev/kmsg sequence jumped
  | 'backlog-exceeded'    // audit: backlog limit exceeded / audit_backlog=N > audit_backlog_limit=M
  | 'rate-limit-exceeded' // audit: rate limit exceeded
  | 'hold-queue-overflow' // audit: kauditd hold queue overflow
  | 'audit-lost'          // audit: audit_lost=N ...
  | 'mid-workload'        // the recording starts after the workload did
  | 'truncated'           // the input ends in the middle of a record/call
  | 'probe-map-full';     // record --backend ebpf: a BPF map was full, calls the workload made were not stored

/** One piece of evidence of loss. `certain` signals make generate fail unless --allow-loss. */
export interface LossSignal {
  readonly kind: LossKind;
  readonly certain: boolean;
  /** How many records are known lost, when the evidence says (e.g. callbacks suppressed, gap size). */
  readonly count?: number;
  readonly message: string;
  readonly file: string;
  readonly line: number;
}

/** Line and record counters of an ingest run. */
export interface IngestCounters {
  files: number;
  bytes: number;
  lines: number;
  /** Seccomp records / strace calls that became observations (before filters). */
  matched: number;
  /** Matched, but excluded by --comm/--exe/--pid. */
  filtered: number;
  /** Lines that are not seccomp records / syscall lines. */
  skipped: number;
  /** Lines that look like a record but could not be decoded. */
  malformed: number;
  /** Line numbers of the first malformed lines (at most 100), as `file:line`. */
  malformedAt: string[];
  /** Records lost according to loss signals that carry a count (lower bound). */
  lostAtLeast: number;
}

/** Per-syscall aggregate on one arch. */
export interface SyscallStat {
  readonly arch: ArchId;
  readonly name: string | undefined;
  readonly nr: number | undefined;
  count: number;
  /** Count per action seen. */
  readonly actions: Partial<Record<SeenAction, number>>;
  /** Distinct argument lists seen (at most MAX_ARG_SAMPLES). */
  readonly argSamples: string[][];
}

/** One process seen: key (pid, comm, exe) and its own syscall counts per arch. */
export interface ProcessStat {
  readonly pid: number | undefined;
  readonly comm: string | undefined;
  readonly exe: string | undefined;
  records: number;
  /** arch → (syscall key → count); key is the name, or `#NR` when unnamed. */
  readonly syscalls: Map<ArchId, Map<string, number>>;
}

/** The aggregated result of an ingest run: memory stays bounded whatever the input size. */
export interface IngestResult {
  readonly formats: Rendering[];
  readonly counters: IngestCounters;
  /** arch → syscall key (name or `#NR`) → stat. */
  readonly syscalls: Map<ArchId, Map<string, SyscallStat>>;
  /** Per arch: how many observations said compat=1, compat=0, or nothing (strace, old kernels). */
  readonly archCompat: Map<ArchId, { compat: number; native: number; unknown: number }>;
  /** Processes in first-seen order (at most MAX_PROCESSES; see processesOverflow). */
  readonly processes: ProcessStat[];
  /** Records of processes not tracked individually because the process table (MAX_PROCESSES) was full. */
  processesOverflow: number;
  /** Loss signals in order (at most MAX_LOSS_SIGNALS kept; lossTotals counts all). */
  readonly loss: LossSignal[];
  readonly lossTotals: Partial<Record<LossKind, number>>;
  /** Warnings and notes (e.g. records without arch=), deduplicated by code. */
  readonly diagnostics: Diagnostic[];
  /** The first observations, when IngestOptions.keepObservations asks for them. */
  readonly observations: Observation[];
}

/** Process filters: an observation is kept when it matches every given filter (any value of each). */
export interface ProcessFilter {
  readonly comm?: readonly string[];
  readonly exe?: readonly string[];
  readonly pid?: readonly number[];
}

/** Options for an ingest run. */
export interface IngestOptions {
  /** Force the input format (default: detected per file from its first lines). */
  format?: InputFormat | 'auto';
  /** The arch of records without `arch=` and of strace output (default: this machine's). */
  nativeArch?: ArchId;
  /** Keep only matching observations (exact: applied as records are read). */
  filter?: ProcessFilter;
  /** Keep up to this many observations in `result.observations` (default 0; `--verbose` uses it). */
  keepObservations?: number;
  /** Called for every observation kept by the filter (e.g. a live recorder). Must not throw. */
  onObservation?: (o: Observation) => void;
  /** Called with bytes read and records matched so far, every 16 MiB of input (progress displays). */
  onProgress?: (bytes: number, records: number) => void;
  /**
   * Two-thread parsing of a large regular audit log by `pushFileSync` (same result as one pass): files of at least
   * `minBytes` (default 64 MiB) are split at the first line start at or after `splitAt` (default: the middle) and
   * the second part is parsed in a worker thread. `false` turns it off. Not used with `keepObservations`,
   * `onObservation` or strace input. The wait for the worker is bounded: when it has not started within 20 s, or
   * has read nothing for `stallMs` (default 10 s), this thread parses the second part itself (same result).
   * `fault` makes the worker fail on purpose at its second buffer (tests of that fallback): `throw` (an error it
   * reports), `exit` (the thread ends without a word), `stall` (it blocks for good).
   */
  twoThreads?: false | { minBytes?: number; splitAt?: number; stallMs?: number; fault?: 'throw' | 'exit' | 'stall' };
}
