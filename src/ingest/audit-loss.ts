// The loss signals of audit input: the kernel's own loss messages, serial gaps and audit_lost reports.
import type { LossSignal, Rendering } from './types.js';

const SUPPRESSED = /\b(?:kauditd_printk_skb|audit_printk_skb): (\d+) callbacks suppressed/;
export const AUDIT_LOST = /\baudit_lost=(\d+)/;

/** A gap in the audit serials between two records of one rendering. */
export function serialGapLoss(prev: number, serial: number, rendering: Rendering, file: string, line: number, arrivedLate = 0): LossSignal {
  const n = serial - prev - 1 - arrivedLate;
  // In renderings that hold every audit record the gap is loss; in commonly filtered ones (ausearch -m,
  // journal greps) other record types explain gaps, so it is only a hint.
  const certain = rendering === 'dmesg' || rendering === 'kmsg' || rendering === 'auditd';
  return {
    kind: 'serial-gap', certain, count: n, file, line,
    message: `audit serial jumped from ${prev} to ${serial}: ${n} audit record(s) missing` +
      (arrivedLate > 0 ? ` (${arrivedLate} more arrived later, out of order)` : '') +
      (certain ? '' : ' (or filtered out of this log by record type)'),
  };
}

/** An `audit_lost=N` report (delta: the increase since the previous report, when there was one). */
export function auditLostLoss(n: number, delta: number | undefined, file: string, line: number): LossSignal {
  return {
    kind: 'audit-lost', certain: true, ...(delta !== undefined ? { count: delta } : {}), file, line,
    message: `the kernel reports audit_lost=${n}${delta !== undefined ? ` (${delta} more since the previous report)` : ''}: audit records were dropped`,
  };
}

/**
 * The kernel's loss messages that need no state: printk suppression, backlog overflow, the audit rate limit, the
 * hold queue. Undefined when `body` is none of them (`audit_lost=` reports are the parser's: they need the previous).
 */
export function kernelLossMessage(body: string, file: string, line: number): LossSignal | undefined {
  const sup = SUPPRESSED.exec(body);
  if (sup) {
    const n = Number(sup[1]);
    return {
      kind: 'printk-suppressed', certain: true, count: n, file, line,
      message: `the kernel's printk rate limit dropped ${n} audit message(s) ("${sup[0]}")`,
    };
  }
  if (body.includes('backlog limit exceeded') || /audit_backlog=\d+ > audit_backlog_limit=/.test(body)) {
    return { kind: 'backlog-exceeded', certain: true, file, line, message: 'the audit backlog overflowed ("backlog limit exceeded"): records were dropped' };
  }
  if (body.includes('audit: rate limit exceeded')) {
    return { kind: 'rate-limit-exceeded', certain: true, file, line, message: 'the audit rate limit (audit_rate_limit) dropped records' };
  }
  if (body.includes('hold queue overflow')) {
    return { kind: 'hold-queue-overflow', certain: true, file, line, message: 'the kauditd hold queue overflowed: records were dropped' };
  }
  return undefined;
}
