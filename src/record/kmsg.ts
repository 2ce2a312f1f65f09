// Reading seccomp audit records live from /dev/kmsg, scoped to one audit session, with loss detection.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { EnvironmentError } from '../common/index.js';

/** One AUDIT_SECCOMP (type 1326) record. */
export interface SeccompRecord {
  seq: number;
  ses: number | undefined;
  pid: number | undefined;
  comm: string | undefined;
  exe: string | undefined;
  /** Audit arch code, e.g. 0xc000003e. */
  arch: number | undefined;
  syscall: number;
  compat: boolean;
  /** The seccomp action code, e.g. 0x7ffc0000 (LOG), 0x50001 (ERRNO(1)). */
  code: number | undefined;
}

/** Evidence that records were lost while reading. */
export interface KmsgLoss {
  kind: 'kmsg-seq-gap' | 'printk-suppressed' | 'audit-lost' | 'backlog-exceeded';
  count?: number;
  message: string;
}

const KV = /(\w+)=("[^"]*"|\S+)/g;

/** Parses the text of a kmsg record if it is a seccomp audit record. */
export function parseSeccompRecord(msg: string, seq = 0): SeccompRecord | undefined {
  if (!/type=1326\b/.test(msg)) return undefined;
  const f = new Map<string, string>();
  for (const m of msg.matchAll(KV)) if (!f.has(m[1]!)) f.set(m[1]!, m[2]!.replace(/^"|"$/g, ''));
  const syscall = f.get('syscall');
  if (syscall === undefined || !/^\d+$/.test(syscall)) return undefined;
  const num = (k: string, radix = 10): number | undefined => {
    const v = f.get(k);
    if (v === undefined) return undefined;
    const n = Number.parseInt(v, radix);
    return Number.isFinite(n) ? n : undefined;
  };
  return {
    seq,
    ses: num('ses'),
    pid: num('pid'),
    comm: f.get('comm'),
    exe: f.get('exe'),
    arch: num('arch', 16),
    syscall: Number(syscall),
    compat: f.get('compat') === '1',
    code: f.has('code') ? Number.parseInt(f.get('code')!.replace(/^0x/, ''), 16) : undefined,
  };
}

/** Loss evidence in a kmsg message, if any. */
export function lossIn(msg: string): KmsgLoss | undefined {
  let m = /kauditd_printk_skb: (\d+) callbacks suppressed/.exec(msg);
  if (m) return { kind: 'printk-suppressed', count: Number(m[1]), message: msg.trim() };
  m = /audit: audit_lost=(\d+)/.exec(msg);
  if (m) return { kind: 'audit-lost', message: msg.trim() };
  if (/audit: (backlog limit exceeded|audit_backlog=\d+ > audit_backlog_limit)/.test(msg)) return { kind: 'backlog-exceeded', message: msg.trim() };
  return undefined;
}

/**
 * Reads /dev/kmsg without blocking. open() skips what is already in the ring; poll() returns the seccomp records of
 * the wanted sessions (all sessions when `sessions` is empty) and notes loss: sequence gaps (the ring wrapped before
 * we read), printk suppression and audit_lost messages.
 */
export class KmsgReader {
  private fd: number | undefined;
  private lastSeq: number | undefined;
  private readonly buf = Buffer.alloc(16384);
  readonly loss: KmsgLoss[] = [];
  readonly sessions = new Set<number>();

  open(): void {
    try {
      this.fd = openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (e) {
      throw new EnvironmentError(`cannot read the kernel log /dev/kmsg: ${(e as Error).message}`, 'run as root (CAP_SYSLOG), or use --backend ebpf or strace');
    }
    this.drain(() => undefined, false);
  }

  /** Reads every new record; calls `onRecord` for seccomp records of the wanted sessions. */
  poll(onRecord: (r: SeccompRecord) => void): void {
    this.drain(onRecord, true);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private drain(onRecord: (r: SeccompRecord) => void, live: boolean): void {
    if (this.fd === undefined) return;
    for (;;) {
      let n: number;
      try {
        n = readSync(this.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') return;
        if (code === 'EPIPE') continue; // overwritten before we read it: the sequence gap below reports it
        throw e;
      }
      if (n <= 0) return;
      const text = this.buf.toString('utf8', 0, n);
      const semi = text.indexOf(';');
      const head = text.slice(0, semi).split(',');
      const seq = Number(head[1]);
      const msg = text.slice(semi + 1).split('\n')[0] ?? '';
      if (live && this.lastSeq !== undefined && seq > this.lastSeq + 1) {
        this.loss.push({ kind: 'kmsg-seq-gap', count: seq - this.lastSeq - 1, message: `kernel log records ${this.lastSeq + 1}–${seq - 1} were overwritten before they could be read` });
      }
      this.lastSeq = seq;
      if (!live) continue;
      const l = lossIn(msg);
      if (l) this.loss.push(l);
      const r = parseSeccompRecord(msg, seq);
      if (r && (this.sessions.size === 0 || (r.ses !== undefined && this.sessions.has(r.ses)))) onRecord(r);
    }
  }
}
