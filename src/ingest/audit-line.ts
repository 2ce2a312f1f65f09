// One audit line on its own → its observation or loss signal, for callers that read records one at a time (the
// runtime's kernel-log reader), with the same rules as a whole-log ingest.
import type { Diagnostic } from '../common/index.js';
import { hostArch, type ArchId } from '../syscalls/index.js';
import { Aggregator } from './aggregate.js';
import { AuditParser } from './audit.js';
import type { LossSignal, Observation } from './types.js';

/** What one audit line is: a seccomp record (its observation), a loss message, or neither. */
export interface ParsedAuditLine {
  /** The record's observation (file `-`, line 1), when the line is a well-formed seccomp record. */
  readonly observation?: Observation;
  /** The certain or possible loss the line reports (printk suppression, backlog, audit_lost, …). */
  readonly loss?: LossSignal;
  /** The line looks like a seccomp record but could not be read. */
  readonly malformed: boolean;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses one line of any audit rendering (dmesg, `/dev/kmsg` with its `PRI,SEQ,TS,FLAGS;` prefix, syslog, journald,
 * auditd, ausearch -i, journal JSON) on its own, with the same rules as a whole-log ingest. For state across lines
 * (serial and sequence gaps, audit_lost increases), feed an `Ingester` instead.
 */
export function parseAuditLine(line: string, opts: { nativeArch?: ArchId; file?: string } = {}): ParsedAuditLine {
  const agg = new Aggregator({ keepObservations: 1 });
  const p = new AuditParser(agg, opts.file ?? '-', opts.nativeArch ?? hostArch().id);
  p.line(line, 1);
  const r = agg.result();
  return {
    ...(r.observations[0] ? { observation: r.observations[0] } : {}),
    ...(r.loss[0] ? { loss: r.loss[0] } : {}),
    malformed: r.counters.malformed > 0,
    diagnostics: r.diagnostics,
  };
}
