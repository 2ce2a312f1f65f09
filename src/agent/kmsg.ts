// Long-running readers for the audit source: /dev/kmsg, and auditd's log file (LiveAuditLog below). The kmsg reader: seccomp records and loss evidence as they arrive (record's
// reader reports loss when it closes; the agent never closes). A worker thread polls a non-blocking fd every
// millisecond so the kernel ring (a few hundred audit records) is drained even while the main loop is busy.
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { EnvironmentError } from '../common/index.js';
import { SerialGaps } from '../ingest/index.js';
import { lossIn, parseSeccompRecord, type SeccompRecord } from '../runtime/index.js';

const WORKER = String.raw`
(function main() {
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const stop = new Int32Array(workerData.stop);
const nap = new Int32Array(new SharedArrayBuffer(4));
let fd;
try { fd = fs.openSync('/dev/kmsg', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK); }
catch (e) { parentPort.postMessage({ error: e.message }); return; }
const buf = Buffer.alloc(16384);
let last; let ready = false; let batch = [];
const flush = () => { if (batch.length) { parentPort.postMessage({ items: batch }); batch = []; } };
for (;;) {
  if (Atomics.load(stop, 0) === 1) break;
  let n;
  try { n = fs.readSync(fd, buf, 0, buf.length, null); }
  catch (e) {
    if (e.code === 'EAGAIN' || e.code === 'EWOULDBLOCK') {
      if (!ready) { ready = true; parentPort.postMessage({ ready: true }); }
      flush();
      Atomics.wait(nap, 0, 0, 1);
      continue;
    }
    if (e.code === 'EPIPE') continue; // overwritten while we read: the next record shows the gap
    parentPort.postMessage({ error: e.message });
    break;
  }
  const text = buf.toString('utf8', 0, n);
  const semi = text.indexOf(';');
  const seq = Number(text.slice(0, semi).split(',')[1]);
  if (ready && last !== undefined && seq > last + 1) batch.push({ gap: [last + 1, seq - 1] });
  last = seq;
  if (!ready) continue;
  const msg = text.slice(semi + 1).split('\n')[0];
  if (msg.includes('type=1326') || msg.includes('audit') || msg.includes('kauditd')) batch.push({ seq, msg });
  if (batch.length >= 512) flush();
}
fs.closeSync(fd);
flush();
})();
`;

type Item = { seq: number; msg: string } | { gap: [number, number] };

/** Loss evidence with the kernel log sequence where it was seen. */
export interface LiveLoss {
  message: string;
  count: number;
}

export class LiveKmsg {
  private worker: Worker | undefined;
  private readonly stopFlag = new Int32Array(new SharedArrayBuffer(4));
  private queue: Item[] = [];

  async open(): Promise<void> {
    const w = new Worker(WORKER, { eval: true, workerData: { stop: this.stopFlag.buffer } });
    this.worker = w;
    await new Promise<void>((resolve, reject) => {
      w.on('message', (m: { ready?: boolean; error?: string; items?: Item[] }) => {
        if (m.ready) resolve();
        if (m.error) reject(new EnvironmentError(`cannot read the kernel log /dev/kmsg: ${m.error}`, 'run as root (CAP_SYSLOG), or use --source ebpf'));
        if (m.items) for (const i of m.items) this.queue.push(i);
      });
      w.on('error', reject);
    });
  }

  /** Hands over the records and the loss evidence received since the last call. */
  poll(onRecord: (r: SeccompRecord) => void, onLoss: (l: LiveLoss) => void): void {
    const items = this.queue;
    this.queue = [];
    for (const it of items) {
      if ('gap' in it) {
        onLoss({ message: `kernel log records ${it.gap[0]}-${it.gap[1]} were overwritten before they could be read`, count: it.gap[1] - it.gap[0] + 1 });
        continue;
      }
      const r = parseSeccompRecord(it.msg, it.seq);
      if (r) {
        onRecord(r);
        continue;
      }
      const l = lossIn(it.msg);
      if (l) onLoss({ message: l.message, count: l.count ?? 1 });
    }
  }

  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    Atomics.store(this.stopFlag, 0, 1);
    const done = new Promise<void>((r) => w.once('exit', () => r()));
    const t = setTimeout(() => void w.terminate(), 3000);
    await done;
    clearTimeout(t);
  }
}

/**
 * The audit daemon's log, tailed from its size at open (auditd writes seccomp records there instead of the kernel
 * log once it is registered). Lines are read as they are appended; a rotation (inode change or truncation) starts the
 * new file from its beginning. Loss: a jump in the audit serial (`msg=audit(T:SERIAL)`: records the kernel numbered
 * but auditd never logged) and a rise of the kernel's `lost` counter (`auditctl -s`, read every 5 s).
 */
/** How long a serial jump may wait for its swapped records before it is loss (real swaps close within milliseconds). */
const GAP_WAIT_MS = 2000;

export class LiveAuditLog {
  private fd: number | undefined;
  private ino = 0;
  private offset = 0;
  private partial = '';
  private lastSerial: number | undefined;
  /**
   * Serial jumps not yet known to be loss: auditd logs records in the kernel's queue order, which can swap serials of
   * two threads (ingest's serial-gaps.ts); a jump is loss once a serial REORDER_WINDOW past it arrives, or
   * GAP_WAIT_MS after it was seen (an idle node sends nothing more).
   */
  private readonly gaps = new SerialGaps<number>((g) => this.onLoss?.({
    message: `audit serials ${g.from + 1}-${g.to - 1} are missing from ${this.file} (records auditd never logged${g.late.size ? `; ${g.late.size} of them arrived later, out of order` : ''})`,
    count: g.missing,
  }));
  private onLoss: ((l: LiveLoss) => void) | undefined;
  private lost: number | undefined;
  private lostCheckedAt = 0;
  readonly file: string;
  private readonly lostCount: () => number | undefined;
  constructor(file: string, lostCount: () => number | undefined = () => undefined) {
    this.file = file;
    this.lostCount = lostCount;
  }

  async open(): Promise<void> {
    try {
      this.fd = openSync(this.file, 'r');
      const st = fstatSync(this.fd);
      this.ino = st.ino;
      this.offset = st.size;
    } catch (e) {
      throw new EnvironmentError(`cannot read the audit log ${this.file}: ${(e as Error).message}`, 'pass --audit-log with auditd\'s log_file, run as root, or use --source ebpf');
    }
    this.lost = this.lostCount();
    this.lostCheckedAt = Date.now();
    await Promise.resolve();
  }

  poll(onRecord: (r: SeccompRecord) => void, onLoss: (l: LiveLoss) => void): void {
    if (this.fd === undefined) return;
    try {
      const st = statSync(this.file);
      if (st.ino !== this.ino || st.size < this.offset) {
        closeSync(this.fd);
        this.fd = openSync(this.file, 'r');
        this.ino = fstatSync(this.fd).ino;
        this.offset = 0;
        this.partial = '';
      }
    } catch {
      // rotated away and not yet recreated: try again next time
    }
    const buf = Buffer.alloc(1 << 20);
    for (;;) {
      const n = readSync(this.fd, buf, 0, buf.length, this.offset);
      if (n <= 0) break;
      this.offset += n;
      const text = this.partial + buf.toString('utf8', 0, n);
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) this.line(line, onRecord, onLoss);
      if (n < buf.length) break;
    }
    this.onLoss = onLoss;
    const now0 = Date.now();
    this.gaps.settleUnless((seenAt) => now0 - seenAt.tag < GAP_WAIT_MS);
    if (Date.now() - this.lostCheckedAt > 5000) {
      this.lostCheckedAt = Date.now();
      const now = this.lostCount();
      if (now !== undefined && this.lost !== undefined && now > this.lost) {
        onLoss({ message: `the kernel dropped ${now - this.lost} audit record(s) (auditctl -s: lost ${this.lost} → ${now})`, count: now - this.lost });
      }
      if (now !== undefined) this.lost = now;
    }
  }

  private line(line: string, onRecord: (r: SeccompRecord) => void, onLoss: (l: LiveLoss) => void): void {
    const m = /msg=audit\(\d+(?:\.\d+)?:(\d+)\)/.exec(line);
    if (m) {
      const serial = Number(m[1]);
      this.onLoss = onLoss;
      this.gaps.seen(serial);
      if (this.lastSerial !== undefined && serial > this.lastSerial + 1) this.gaps.open(this.lastSerial, serial, Date.now());
      if (this.lastSerial === undefined || serial > this.lastSerial) this.lastSerial = serial;
    }
    if (!/^type=SECCOMP\b/.test(line)) return;
    const r = parseSeccompRecord(line.replace(/^type=SECCOMP\b/, 'type=1326'), Number(m?.[1] ?? 0));
    if (r) onRecord(r);
  }

  async close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    await Promise.resolve();
  }
}
