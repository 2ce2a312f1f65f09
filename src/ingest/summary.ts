// One JSON shape for "what a recording saw": `generate --json`, `record --json` and the report's `--recording`
// input all use it (schema/recording.schema.json). Per architecture the syscall names, numbers without a name and
// call counts; per process its calls and syscalls; loss as an object (certain, at least how many, signals).
import { archInfo } from '../syscalls/index.js';
import type { IngestResult, LossKind, LossSignal } from './types.js';

/** The syscalls seen on one architecture. */
export interface ArchSyscallsJson {
  /** Syscall names, sorted. */
  names: string[];
  /** Numbers seen without a name on this architecture's table. */
  unnamed: number[];
  /** Name (or `#NR`) → how many calls the recording counted (for ebpf without --exact-counts: processes that made it). */
  calls: Record<string, number>;
}

/** One process of a recording. */
export interface ProcessJson {
  pid: number | null;
  comm: string | null;
  exe: string | null;
  /** Calls (records, strace lines, or eBPF counts) attributed to it. */
  calls: number;
  /** Architecture (SCMP token) → syscall → count. */
  syscalls: Record<string, Record<string, number>>;
}

/** What a recording saw, as printed by `--json`. */
export interface RecordingJson {
  /** Architecture (SCMP token) → its syscalls. */
  syscalls: Record<string, ArchSyscallsJson>;
  processes: ProcessJson[];
  /** Processes whose calls were counted but not listed (the process table was full). */
  processesNotListed: number;
  lost: {
    /** True when records were provably lost (generate refuses to write a profile then). */
    certain: boolean;
    /** At least this many records were lost (0 when unknown). */
    atLeast: number;
    totals: Partial<Record<LossKind, number>>;
    signals: LossSignal[];
  };
}

/** The recording part of every `--json` output that reads or makes a recording. */
export function recordingJson(r: IngestResult): RecordingJson {
  return {
    syscalls: Object.fromEntries([...r.syscalls].map(([arch, m]) => [archInfo(arch).scmp, {
      names: [...m.values()].map((s) => s.name).filter((n): n is string => n !== undefined).sort(),
      unnamed: [...m.values()].filter((s) => s.name === undefined).map((s) => s.nr).filter((n): n is number => n !== undefined),
      calls: Object.fromEntries([...m.values()].map((s) => [s.name ?? `#${s.nr}`, s.count])),
    }])),
    processes: r.processes.map((p) => ({
      pid: p.pid ?? null, comm: p.comm ?? null, exe: p.exe ?? null, calls: p.records,
      syscalls: Object.fromEntries([...p.syscalls].map(([arch, m]) => [archInfo(arch).scmp, Object.fromEntries(m)])),
    })),
    processesNotListed: r.processesOverflow,
    lost: {
      certain: r.loss.some((l) => l.certain),
      atLeast: r.counters.lostAtLeast,
      totals: r.lossTotals,
      signals: r.loss,
    },
  };
}
