// Reading seccomp audit records live from the kernel log (/dev/kmsg), scoped to audit sessions, with loss detection.
//
// The reading is ours (a worker thread that keeps up with the ring buffer); the decoding is the ingest stage's: every
// message goes through one ingest `Ingester`, so a record, a loss message or a sequence gap means here exactly what it
// means to `seccompctl generate`. Only the session scope is decided here, from the record's `ses=` field.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { EnvironmentError } from '../common/index.js';
import { Ingester, parseAuditLine, parseRawFields, type LossKind, type LossSignal, type Observation } from '../ingest/index.js';
import { archInfo, hostArch, type ArchId } from '../syscalls/index.js';

/** One AUDIT_SECCOMP (type 1326) record, as decoded by the ingest stage. */
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

/** A record with the observation ingest made of it (arch resolved, name, action). */
export interface KernelLogRecord extends SeccompRecord {
  observation: Observation;
}

/** Evidence that records were lost while reading (ingest's certain loss signals). */
export interface KmsgLoss {
  kind: LossKind;
  count?: number;
  message: string;
}

const SES = /(?:^|\s)ses=(\d+)(?=\s|$)/;

/** The audit session a record belongs to (`ses=`), if it says. */
export function sessionOf(msg: string): number | undefined {
  const m = SES.exec(msg);
  return m ? Number(m[1]) : undefined;
}

function toRecord(o: Observation, msg: string, seq: number): KernelLogRecord {
  const f = parseRawFields(msg, Math.max(0, msg.indexOf('): ')));
  const arch = f.arch !== undefined && /^[0-9a-f]+$/i.test(f.arch) ? Number.parseInt(f.arch, 16) : undefined;
  const code = f.code !== undefined && /^(0x)?[0-9a-f]{1,8}/i.test(f.code) ? Number.parseInt(f.code.replace(/^0x/i, '').slice(0, 8), 16) : undefined;
  return {
    seq, ses: sessionOf(msg), pid: o.pid, comm: o.comm, exe: o.exe,
    arch: arch ?? archInfo(o.arch).auditArch, syscall: o.nr ?? -1, compat: o.compat === true, code, observation: o,
  };
}

/**
 * Decodes one kernel log message (the text after `PRI,SEQ,TS,FLAGS;`) if it is a seccomp record, with ingest's
 * audit parser. Kept for callers of the record stage's old API; live reading goes through KmsgReader.
 */
export function parseSeccompRecord(msg: string, seq = 0, nativeArch: ArchId = hostArch().id): SeccompRecord | undefined {
  const o = parseAuditLine(msg, { nativeArch, file: '/dev/kmsg' }).observation;
  if (!o) return undefined;
  const { observation: _o, ...r } = toRecord(o, msg, seq);
  return r;
}

/** Loss evidence in one kernel log message, if any (ingest's reading of it). */
export function lossIn(msg: string): KmsgLoss | undefined {
  const l = parseAuditLine(msg, { file: '/dev/kmsg' }).loss;
  return l?.certain ? lossOf(l) : undefined;
}

function lossOf(l: LossSignal): KmsgLoss {
  return { kind: l.kind, ...(l.count !== undefined ? { count: l.count } : {}), message: l.message };
}

// The reader runs in a worker thread that polls a non-blocking /dev/kmsg fd every millisecond, independent of the
// main event loop: the kernel ring (128 KiB here) holds only a few hundred audit records, and a workload under a LOG
// profile produces thousands per second. It forwards every message's first line (`PRI,SEQ,TS,FLAGS;text`), so the
// ingest parser sees each sequence number and reports gaps (records overwritten before they were read). On a busy
// machine a reader that is not scheduled in time loses records: as root the thread raises its own scheduling
// priority (setpriority on the calling thread), which keeps it ahead of CPU hogs at the default nice level.
// With `file`, it tails a log file instead (auditd's), from its size at open, line by line.
const WORKER = String.raw`
(function main() {
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const os = require('node:os');
const stop = new Int32Array(workerData.stop);
const nap = new Int32Array(new SharedArrayBuffer(4));
try { os.setPriority(-15); } catch { /* not root: keep the default */ }
const file = workerData.file;
let fd;
try { fd = file ? fs.openSync(file, 'r') : fs.openSync('/dev/kmsg', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK); }
catch (e) { parentPort.postMessage({ error: e.message }); return; }
const buf = Buffer.alloc(file ? 1 << 20 : 16384);
let pos = file ? fs.fstatSync(fd).size : 0;
let carry = '';
let stopAt;
let ready = false;
let batch = [];
const flush = () => { if (batch.length) { parentPort.postMessage({ lines: batch }); batch = []; } };
for (;;) {
  let n;
  try {
    n = file ? fs.readSync(fd, buf, 0, buf.length, pos) : fs.readSync(fd, buf, 0, buf.length, null);
    if (file && n === 0) { const e = new Error('eof'); e.code = 'EAGAIN'; throw e; }
  } catch (e) {
    if (e.code === 'EAGAIN' || e.code === 'EWOULDBLOCK') {
      if (!ready) { ready = true; parentPort.postMessage({ ready: true }); }
      flush();
      if (Atomics.load(stop, 0) === 1) break;
      Atomics.wait(nap, 0, 0, file ? 5 : 1);
      continue;
    }
    if (e.code === 'EPIPE') continue;
    parentPort.postMessage({ error: e.message });
    break;
  }
  // Under a constant flood EAGAIN may never come: stop 200 ms after being asked anyway.
  if (Atomics.load(stop, 0) === 1) {
    if (stopAt === undefined) stopAt = Date.now();
    else if (Date.now() - stopAt > 200) break;
  }
  if (file) {
    pos += n;
    const text = carry + buf.toString('utf8', 0, n);
    const lines = text.split('\n');
    carry = lines.pop();
    for (const l of lines) batch.push(l);
  } else {
    if (!ready) continue;
    const text = buf.toString('utf8', 0, n);
    const nl = text.indexOf('\n');
    batch.push(nl < 0 ? text : text.slice(0, nl));
  }
  if (batch.length >= 512) flush();
}
fs.closeSync(fd);
flush();
})();
`;

/** Where seccomp records go on this machine: auditd's log when an audit daemon is registered, else the kernel log. */
export type KernelLogSource = { kind: 'kmsg' } | { kind: 'auditd'; file: string };

/**
 * The audit daemon's log when one is registered with the kernel (then records go to it, not to /dev/kmsg):
 * `auditctl -s` names its pid, /etc/audit/auditd.conf its `log_file` (default /var/log/audit/audit.log).
 */
export function detectKernelLogSource(): KernelLogSource {
  const r = spawnSync('auditctl', ['-s'], { encoding: 'utf8', timeout: 5000 });
  const pid = Number(/^pid (\d+)$/m.exec(r.stdout ?? '')?.[1] ?? 0);
  if (r.status !== 0 || pid <= 0) return { kind: 'kmsg' };
  let file = '/var/log/audit/audit.log';
  try {
    const m = /^\s*log_file\s*=\s*(\S+)/m.exec(readFileSync('/etc/audit/auditd.conf', 'utf8'));
    if (m) file = m[1]!;
  } catch {
    // default location
  }
  return existsSync(file) ? { kind: 'auditd', file } : { kind: 'kmsg' };
}

/**
 * How many audit records the kernel holds for kauditd right now (`auditctl -s`: backlog); 0 when it cannot be read
 * (no auditctl: the caller's quiet-period wait is all there is).
 */
export function auditBacklog(): number {
  const r = spawnSync('auditctl', ['-s'], { encoding: 'utf8', timeout: 5000 });
  const m = /^backlog (\d+)$/m.exec(r.stdout ?? '');
  return r.status === 0 && m ? Number(m[1]) : 0;
}

/** The kernel's count of audit records it could not deliver (`auditctl -s`: lost), when it can be read. */
export function auditLostCount(): number | undefined {
  const r = spawnSync('auditctl', ['-s'], { encoding: 'utf8', timeout: 5000 });
  const m = /^lost (\d+)$/m.exec(r.stdout ?? '');
  return r.status === 0 && m ? Number(m[1]) : undefined;
}

/**
 * Reads /dev/kmsg (or, with `source: auditd`, the audit daemon's log) from the moment `open()` resolves (what is
 * already there is skipped). `poll()` returns the
 * seccomp records of the wanted sessions (all when `sessions` is empty); `loss` holds the certain loss the ingest
 * parser found: sequence gaps (the ring wrapped before we read), printk suppression, audit_lost and backlog messages.
 */
export class KmsgReader {
  private worker: Worker | undefined;
  private readonly stop = new Int32Array(new SharedArrayBuffer(4));
  private queue: string[] = [];
  private error: string | undefined;
  private readonly ingester: Ingester;
  private current: { msg: string; seq: number; wanted: boolean } | undefined;
  private out: ((r: KernelLogRecord) => void) | undefined;
  private ended = false;
  private closed: Promise<void> | undefined;
  readonly loss: KmsgLoss[] = [];
  readonly sessions = new Set<number>();

  private readonly source: KernelLogSource;
  private lostAtOpen: number | undefined;
  private lineNo = 0;

  /** Keep only records of the sessions in `sessions` (none while it is empty); otherwise empty means all. */
  private readonly onlySessions: boolean;

  constructor(opts: { nativeArch?: ArchId; source?: KernelLogSource; onlySessions?: boolean } = {}) {
    this.source = opts.source ?? { kind: 'kmsg' };
    this.onlySessions = opts.onlySessions === true;
    this.ingester = new Ingester({
      format: 'audit', nativeArch: opts.nativeArch ?? hostArch().id,
      onObservation: (o) => {
        const c = this.current;
        if (c?.wanted && this.out) this.out(toRecord(o, c.msg, c.seq));
      },
    });
    this.ingester.beginFile(this.source.kind === 'auditd' ? this.source.file : '/dev/kmsg');
  }

  /** What is read: /dev/kmsg or an audit daemon's log. */
  get reading(): string {
    return this.source.kind === 'auditd' ? this.source.file : '/dev/kmsg';
  }

  async open(): Promise<void> {
    const file = this.source.kind === 'auditd' ? this.source.file : undefined;
    if (file) this.lostAtOpen = auditLostCount();
    const w = new Worker(WORKER, { eval: true, workerData: { stop: this.stop.buffer, file } });
    this.worker = w;
    this.closed = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      w.on('message', (m: { ready?: boolean; error?: string; lines?: string[] }) => {
        if (m.ready) resolve();
        if (m.error) {
          this.error = m.error;
          reject(new EnvironmentError(`cannot read the kernel log ${this.reading}: ${m.error}`, 'run as root (CAP_SYSLOG), or use --backend ebpf or strace'));
        }
        if (m.lines) for (const l of m.lines) this.queue.push(l);
      });
      w.on('error', reject);
      w.on('exit', () => reject(new EnvironmentError(`cannot read the kernel log ${this.reading}${this.error ? `: ${this.error}` : ''}`, 'run as root')));
    });
  }

  /** Hands over every record of the wanted sessions received so far. */
  poll(onRecord: (r: KernelLogRecord) => void): void {
    const lines = this.queue;
    this.queue = [];
    this.out = onRecord;
    try {
      for (const line of lines) {
        let seq: number;
        let msg: string;
        if (this.source.kind === 'kmsg') {
          const semi = line.indexOf(';');
          seq = Number(line.slice(0, semi).split(',')[1]);
          msg = line.slice(semi + 1);
        } else {
          seq = ++this.lineNo;
          msg = line;
        }
        let wanted = this.sessions.size === 0 && !this.onlySessions;
        if (!wanted) {
          const s = sessionOf(msg);
          wanted = s !== undefined && this.sessions.has(s);
        }
        this.current = { msg, seq, wanted };
        this.ingester.pushLine(line);
      }
    } finally {
      this.current = undefined;
      this.out = undefined;
    }
  }

  /**
   * Stops the reader after it has drained what the kernel holds now, hands the last records to `onRecord`, and fills
   * `loss` (only certain loss counts: ingest's hints, such as a recording that starts mid-workload, do not apply).
   * Bounded: the worker is terminated when it has not stopped after 5 s.
   */
  async close(onRecord: (r: KernelLogRecord) => void = () => undefined): Promise<void> {
    const w = this.worker;
    if (!w || this.ended) return;
    this.ended = true;
    Atomics.store(this.stop, 0, 1);
    const t = setTimeout(() => void w.terminate(), 5000);
    t.unref();
    await this.closed;
    clearTimeout(t);
    this.poll(onRecord);
    for (const l of this.ingester.result().loss) if (l.certain) this.loss.push(lossOf(l));
    // An audit daemon's backlog that overflowed drops records before they reach the log: the kernel counts them.
    if (this.lostAtOpen !== undefined) {
      const now = auditLostCount();
      if (now !== undefined && now > this.lostAtOpen) {
        this.loss.push({ kind: 'audit-lost', count: now - this.lostAtOpen, message: `the kernel dropped ${now - this.lostAtOpen} audit record(s) while reading (auditctl -s: lost ${this.lostAtOpen} → ${now})` });
      }
    }
  }
}
