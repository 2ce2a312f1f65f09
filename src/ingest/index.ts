// Ingest: audit logs (every rendering) and strace output → aggregated observations, loss signals, counters.
import type { ArchId } from '../syscalls/index.js';
import type { IngestResult, LossSignal } from './types.js';

export type {
  SeenAction, InputFormat, Rendering, Observation, LossKind, LossSignal, IngestCounters, SyscallStat, ProcessStat,
  IngestResult, ProcessFilter, IngestOptions,
} from './types.js';
export { Aggregator, matchesFilter, syscallKey, MAX_PROCESSES, MAX_ARG_SAMPLES, MAX_LOSS_SIGNALS } from './aggregate.js';
export type { RecordFields } from './audit-fields.js';
export { parseFields, parseRawFields, actionOfCode } from './audit-fields.js';
export { AuditParser } from './audit.js';
export type { ParsedAuditLine } from './audit-line.js';
export { parseAuditLine } from './audit-line.js';
export { StraceParser, splitArgs } from './strace.js';
export { Ingester, detectFormat, MAX_LINE_BYTES } from './ingester.js';
export { ingestText, ingestStream, ingestFiles, pushStream } from './files.js';
export { TWO_THREAD_MIN_BYTES } from './twothreads.js';
export { REORDER_WINDOW, SerialGaps, type SerialGap, type SettledGap } from './serial-gaps.js';
export type { RecordingJson, ArchSyscallsJson, ProcessJson } from './summary.js';
export { recordingJson } from './summary.js';

/** Sorted syscall names seen on one arch (unnamed numbers excluded). */
export function syscallNames(r: IngestResult, arch: ArchId): string[] {
  return [...(r.syscalls.get(arch)?.values() ?? [])].map((s) => s.name).filter((n): n is string => n !== undefined).sort();
}

/** Every arch with at least one observation, in table order of first appearance. */
export function observedArches(r: IngestResult): ArchId[] {
  return [...r.syscalls.keys()];
}

/** Loss signals that prove records were lost (generate fails on them unless told to allow loss). */
export function certainLoss(r: IngestResult): LossSignal[] {
  return r.loss.filter((l) => l.certain);
}

/** How to record without loss, for the message generate prints when it finds loss. */
export const LOSS_ADVICE = [
  'set kernel.printk_ratelimit=0 while recording (sysctl -w kernel.printk_ratelimit=0; restore it afterwards),',
  'or run auditd so records go to /var/log/audit/audit.log instead of the kernel log,',
  'or record with strace or eBPF instead (seccompctl record --backend strace|ebpf -- CMD),',
  'and read the log soon after the run (the kernel ring buffer keeps only the most recent messages).',
].join('\n  ');

/** A one-paragraph explanation of what was lost. */
export function describeLoss(r: IngestResult): string {
  const certain = certainLoss(r);
  const parts: string[] = [];
  const byKind = new Map<string, LossSignal[]>();
  for (const l of certain) byKind.set(l.kind, [...(byKind.get(l.kind) ?? []), l]);
  for (const [kind, ls] of byKind) {
    const total = r.lossTotals[ls[0]!.kind] ?? ls.length;
    parts.push(`${ls[0]!.file}:${ls[0]!.line}: ${ls[0]!.message}` + (total > 1 ? ` (and ${total - 1} more ${kind} signal(s))` : ''));
  }
  const n = r.counters.lostAtLeast;
  return (n > 0 ? `at least ${n} record(s) were lost:\n  ` : 'records were lost:\n  ') + parts.join('\n  ');
}
