// Reading seccomp audit records live from /dev/kmsg, scoped to one audit session, with loss detection.
import { Worker } from 'node:worker_threads';
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

// The reader runs in a worker thread that polls a non-blocking /dev/kmsg fd every millisecond, independent of the
// main event loop: the kernel ring (128 KiB here) holds only a few hundred audit records, and a workload under a LOG
// profile produces thousands per second. It forwards seccomp records and loss messages and counts sequence gaps.
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
let last;
let stopAt;
let ready = false;
let batch = [];
const flush = () => { if (batch.length) { parentPort.postMessage({ items: batch }); batch = []; } };
for (;;) {
  let n;
  try { n = fs.readSync(fd, buf, 0, buf.length, null); }
  catch (e) {
    if (e.code === 'EAGAIN' || e.code === 'EWOULDBLOCK') {
      if (!ready) { ready = true; parentPort.postMessage({ ready: true }); }
      flush();
      if (Atomics.load(stop, 0) === 1) break;
      Atomics.wait(nap, 0, 0, 1);
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

type WorkerItem = { seq: number; msg: string } | { gap: [number, number] };

/**
 * Reads /dev/kmsg from the moment `open()` resolves (what is already in the ring is skipped). `poll()` returns the
 * seccomp records of the wanted sessions (all when `sessions` is empty) and notes loss: sequence gaps (the ring
 * wrapped before we read), printk suppression and audit_lost messages.
 */
export class KmsgReader {
  private worker: Worker | undefined;
  private readonly stop = new Int32Array(new SharedArrayBuffer(4));
  private queue: WorkerItem[] = [];
  private error: string | undefined;
  readonly loss: KmsgLoss[] = [];
  readonly sessions = new Set<number>();

  async open(): Promise<void> {
    const w = new Worker(WORKER, { eval: true, workerData: { stop: this.stop.buffer } });
    this.worker = w;
    await new Promise<void>((resolve, reject) => {
      w.on('message', (m: { ready?: boolean; error?: string; items?: WorkerItem[] }) => {
        if (m.ready) resolve();
        if (m.error) {
          this.error = m.error;
          reject(new EnvironmentError(`cannot read the kernel log /dev/kmsg: ${m.error}`, 'run as root (CAP_SYSLOG), or use --backend ebpf or strace'));
        }
        if (m.items) for (const i of m.items) this.queue.push(i);
      });
      w.on('error', reject);
      w.on('exit', () => reject(new EnvironmentError(`cannot read the kernel log /dev/kmsg${this.error ? `: ${this.error}` : ''}`, 'run as root')));
    });
  }

  /** Hands over every record received so far. */
  poll(onRecord: (r: SeccompRecord) => void): void {
    const items = this.queue;
    this.queue = [];
    for (const it of items) {
      if ('gap' in it) {
        const [a, b] = it.gap;
        this.loss.push({ kind: 'kmsg-seq-gap', count: b - a + 1, message: `kernel log records ${a}–${b} were overwritten before they could be read` });
        continue;
      }
      const l = lossIn(it.msg);
      if (l) this.loss.push(l);
      const r = parseSeccompRecord(it.msg, it.seq);
      if (r && (this.sessions.size === 0 || (r.ses !== undefined && this.sessions.has(r.ses)))) onRecord(r);
    }
  }

  /** Stops the reader after it has drained what the kernel holds now. */
  async close(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    Atomics.store(this.stop, 0, 1);
    await new Promise<void>((resolve) => {
      w.once('exit', () => resolve());
    });
  }
}
