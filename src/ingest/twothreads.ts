// The two-thread parse of a large regular audit log (Ingester.pushFileSync): where to split the file, the worker that
// parses the second part (range-worker.ts), and the bounded wait for it. The merge is AuditParser.absorb.
import { fstatSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { TailPart } from './audit.js';
import type { IngestOptions } from './types.js';

/** Regular files at least this large are parsed on two threads (IngestOptions.twoThreads). */
export const TWO_THREAD_MIN_BYTES = 64 << 20;
/** Where a large file is split by default: a little past the middle, as the worker starts later (its start-up). */
const SPLIT_FRACTION = 0.55;
/** How long the worker may take to start, and to go without reading a buffer, before this thread gives up on it. */
const START_MS = 20_000;
export const STALL_MS = 10_000;

/** A failure the worker can be told to have, to test the fallback (IngestOptions.twoThreads.fault). */
export type TailFault = 'throw' | 'exit' | 'stall';

/**
 * A worker parsing the second part of a file. `state[0]`: 1 once it runs, 2 once its message is posted;
 * `state[1]`: how many buffers it has read (its progress, which bounds the wait).
 */
export interface TailWorker {
  worker: Worker;
  state: Int32Array;
  port: MessagePort;
}

/** What the worker posts. */
export type TailMessage = { part: TailPart; bytes: number } | { error: string };

/** The error of the `exit` fault: range-worker.ts lets it escape, so the thread dies without posting anything. */
export class TailCrash extends Error {}

/** The worker's side of the progress counter. */
export class TailProgress {
  private readonly state: Int32Array;
  private readonly fault: TailFault | undefined;
  constructor(state: Int32Array, fault: TailFault | undefined) {
    this.state = state;
    this.fault = fault;
  }
  /** Called after each buffer read; carries out a test fault at the second buffer. */
  step(): void {
    const n = Atomics.add(this.state, 1, 1);
    if (n === 1 && this.fault !== undefined) {
      if (this.fault === 'throw') throw new Error('deliberate worker failure (twoThreads.fault "throw")');
      if (this.fault === 'exit') throw new TailCrash('deliberate worker crash (twoThreads.fault "exit")');
      Atomics.wait(this.state, 1, n + 1); // 'stall': blocks for good (nothing else writes state[1])
    }
  }
}

/** Where to split the open file fd: the first line start at or after the split offset, if the file is large enough. */
export function splitPointOf(fd: number, t: IngestOptions['twoThreads'], maxScan: number): number | undefined {
  if (t === false) return undefined;
  const st = fstatSync(fd);
  if (!st.isFile() || st.size < (t?.minBytes ?? TWO_THREAD_MIN_BYTES)) return undefined;
  const at = Math.min(Math.max(1, t?.splitAt ?? Math.floor(st.size * SPLIT_FRACTION)), st.size);
  const b = Buffer.allocUnsafe(64 << 10);
  for (let pos = at - 1; pos < st.size && pos < at + maxScan;) {
    const n = readSync(fd, b, 0, b.length, pos);
    if (n === 0) break;
    const nl = b.subarray(0, n).indexOf(10);
    if (nl >= 0) return pos + nl + 1 < st.size ? pos + nl + 1 : undefined;
    pos += n;
  }
  return undefined;
}

/** Starts a worker that parses `path` from byte `start` to its end with a fresh audit parser (range-worker.ts). */
export function startTailWorker(path: string, start: number, opts: IngestOptions, fault?: TailFault): TailWorker {
  const state = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  // A small young generation: the worker's records are counted in WebAssembly memory (wasm-agg.ts), so it allocates
  // little, and V8's default (up to 16 MiB semi-spaces) only adds to the peak RSS of a two-thread parse.
  const options = { workerData: { path, start, state, port: port2, opts, fault }, transferList: [port2], resourceLimits: { maxYoungGenerationSizeMb: 4 } };
  // Run from the TypeScript sources (tests, tsx), the worker loads them through tsx's in-thread CommonJS hooks (its
  // ESM hooks run on a thread of their own that waits for this one, which blocks until the worker is done).
  const worker = import.meta.url.endsWith('.ts')
    ? new Worker(`const tsx = require(${JSON.stringify(createRequire(import.meta.url).resolve('tsx/cjs/api'))}); tsx.register(); ` +
      `require(${JSON.stringify(fileURLToPath(new URL('./range-worker.ts', import.meta.url)))});`, { ...options, eval: true })
    : new Worker(new URL('./range-worker.js', import.meta.url), options);
  worker.on('error', () => { /* reported through the message, or the wait below gives up */ });
  worker.unref();
  return { worker, state, port: port1 };
}

/**
 * Blocks until the worker has posted its part, and returns it; undefined when it did not start within START_MS or
 * read nothing for `stallMs` (it died, hung, or the machine starved it): the caller then parses the part itself.
 * Every wait is bounded; a worker that keeps reading is waited for.
 */
export function waitForTail(t: TailWorker, stallMs = STALL_MS): TailMessage | undefined {
  if (Atomics.wait(t.state, 0, 0, START_MS) === 'timed-out' && Atomics.load(t.state, 0) === 0) return undefined;
  let seen = Atomics.load(t.state, 1);
  while (Atomics.load(t.state, 0) !== 2) {
    if (Atomics.wait(t.state, 0, 1, stallMs) === 'timed-out') {
      const now = Atomics.load(t.state, 1);
      if (now === seen && Atomics.load(t.state, 0) !== 2) return undefined;
      seen = now;
    }
  }
  return receiveMessageOnPort(t.port)?.message as TailMessage | undefined;
}
