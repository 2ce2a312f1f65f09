// The streaming driver: bytes or lines in, per-file format detection, a fast prefilter, aggregated result out.
import { closeSync, openSync, readSync } from 'node:fs';
import { notTextMessage, TextChecker, UserError } from '../common/index.js';
import { hostArch } from '../syscalls/index.js';
import { Aggregator } from './aggregate.js';
import { AuditParser, type TailPart } from './audit.js';
import { jsFindAudit, SCAN_BUFFER_BYTES, wasmScanner, type FindResult, type WasmScanner } from './scan.js';
import { StraceParser } from './strace.js';
import { splitPointOf, startTailWorker, waitForTail, type TailProgress, type TailWorker } from './twothreads.js';
import type { IngestOptions, IngestResult, InputFormat } from './types.js';
import { ST_END, ST_FLUSH, ST_NEED_REG, WasmAgg } from './wasm-agg.js';

/** Lines longer than this are skipped (counted) instead of buffered: constant memory on hostile input. */
export const MAX_LINE_BYTES = 1 << 20;
/** The read buffer of pushFileSync (larger than MAX_LINE_BYTES), the WebAssembly scanner's. */
const READ_BUFFER_BYTES = SCAN_BUFFER_BYTES;
/** How much of a file auto-detection looks at. */
const DETECT_BYTES = 64 * 1024;
const DETECT_LINES = 400;

const AUDIT_MARK = /type=1326|type=SECCOMP|audit\[\d+\]: SECCOMP|kauditd_printk_skb|audit_printk_skb|audit_lost=|"SECCOMP|_AUDIT_TYPE/;
const STRACE_CALL = /^(?:\[pid\s+\d+\]\s+|\d+\s+)?(?:\s*(?:\d\d:\d\d:\d\d(?:\.\d+)?|\d+\.\d+)\s+)?(?:[A-Za-z_][A-Za-z0-9_]*\(.*(?:\) += |<unfinished \.\.\.>)|<\.\.\. [A-Za-z_][A-Za-z0-9_]* resumed>|\+\+\+ (?:exited|killed)|% time +seconds)/;

/**
 * Guesses a text's format from its first lines: audit as soon as one line has audit markers; strace when strace
 * lines make up at least half of the non-empty lines (or the first one is); undefined when neither shows.
 */
export function detectFormat(sample: string): InputFormat | undefined {
  let audit = 0;
  let strace = 0;
  let nonEmpty = 0;
  let firstIsStrace: boolean | undefined;
  for (const line of sample.split('\n').slice(0, DETECT_LINES)) {
    if (line.trim() === '') continue;
    nonEmpty++;
    const isStrace = !AUDIT_MARK.test(line) && STRACE_CALL.test(line);
    firstIsStrace ??= isStrace;
    if (AUDIT_MARK.test(line)) audit++;
    else if (isStrace) strace++;
  }
  if (audit > 0) return 'audit';
  if (strace > 0 && (firstIsStrace || strace * 2 >= nonEmpty)) return 'strace';
  return undefined;
}

/** Scanners (read buffers with their SIMD search) not in use by a pushFileSync. */
const idleScanners: WasmScanner[] = [];

/**
 * Incremental ingest: `beginFile`, then `pushChunk` (bytes) or `pushLine` (text lines) any number of times, then
 * `endFile`; repeat per file of one recording; `result()` at any time. Memory stays bounded whatever the input.
 */
export class Ingester {
  private readonly agg: Aggregator;
  private readonly opts: IngestOptions;
  private file = '-';
  private format: InputFormat | undefined;
  private filePid: number | undefined;
  private parser: AuditParser | StraceParser | undefined;
  private lineNo = 0;
  private carry: Buffer | undefined;
  private discarding = false;
  private pending: string[] = [];
  private pendingBytes = 0;
  private open = false;
  private progressAt = 0;
  /** Refuses input that is not text (a NUL byte, invalid UTF-8), with the offset of the first such byte. */
  private text = new TextChecker();
  /** The scanner of the pushFileSync in progress. */
  private scanner: WasmScanner | undefined;
  /** The WebAssembly record loop's session on that scanner (none when observations are kept or handed out). */
  private wagg: WasmAgg | undefined;
  private readonly found: FindResult = { hit: -1, newlines: 0, lastNewline: -1 };
  /** In the worker of a two-thread parse: tells the waiting thread that the parse advances. */
  private progress: TailProgress | undefined;
  /** Where the last pushFileSync split its file for a two-thread parse (undefined: it used one thread). */
  twoThreadSplit: number | undefined;

  constructor(opts: IngestOptions = {}) {
    this.opts = opts;
    this.agg = new Aggregator(opts);
  }

  /** Starts a file. `format` overrides the options' format; `filePid` is the pid of a strace -ff file. */
  beginFile(name: string, filePid?: number): void {
    if (this.open) this.endFile();
    this.open = true;
    this.file = name;
    this.filePid = filePid;
    this.lineNo = 0;
    this.carry = undefined;
    this.discarding = false;
    this.pending = [];
    this.pendingBytes = 0;
    this.parser = undefined;
    this.text = new TextChecker();
    const f = this.opts.format ?? 'auto';
    this.format = f === 'auto' ? undefined : f;
    if (this.format) this.startParser(this.format);
    this.agg.counters.files++;
  }

  private startParser(format: InputFormat): void {
    const native = this.opts.nativeArch ?? hostArch().id;
    this.format = format;
    this.parser = format === 'audit'
      ? new AuditParser(this.agg, this.file, native)
      : new StraceParser(this.agg, this.file, native, this.filePid);
  }

  /** Feeds one text line (no trailing newline). */
  pushLine(line: string): void {
    if (!this.open) this.beginFile('-');
    this.agg.counters.lines++;
    this.lineNo++;
    if (!this.parser) {
      this.pending.push(line);
      this.pendingBytes += line.length + 1;
      if (this.pending.length >= DETECT_LINES || this.pendingBytes >= DETECT_BYTES) this.flushDetection();
      return;
    }
    this.parser.line(line, this.lineNo);
  }

  private flushDetection(): void {
    if (this.parser) return;
    this.startParser(detectFormat(this.pending.join('\n')) ?? 'audit');
    const lines = this.pending;
    this.pending = [];
    const first = this.lineNo - lines.length;
    lines.forEach((l, i) => this.parser!.line(l, first + i + 1));
  }

  /** Feeds raw bytes (any chunking; lines may span chunks). */
  pushChunk(chunk: Buffer | string): void {
    if (!this.open) this.beginFile('-');
    const c = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.checkText(c);
    this.countBytes(c.length);
    let buf = c;
    if (this.carry) {
      buf = Buffer.concat([this.carry, c]);
      this.carry = undefined;
    }
    const pos = this.scan(buf, buf.length);
    if (pos < buf.length) {
      if (buf.length - pos > MAX_LINE_BYTES) {
        this.overlong();
        this.discarding = true;
      } else {
        this.carry = Buffer.from(buf.subarray(pos));
      }
    }
  }

  /** Throws a UserError (exit 2, one line) at the first byte that is not text. */
  private checkText(bytes: Uint8Array, end = false): void {
    const bad = end ? this.text.end() : this.text.push(bytes);
    if (bad) throw new UserError(notTextMessage(this.file, bad));
  }

  private countBytes(n: number): void {
    this.agg.counters.bytes += n;
    if (this.opts.onProgress && this.agg.counters.bytes - this.progressAt >= 16 << 20) {
      this.progressAt = this.agg.counters.bytes;
      this.opts.onProgress(this.agg.counters.bytes, this.agg.counters.matched);
    }
  }

  /** Handles the complete lines in buf[0, len); returns where the unfinished last line starts. */
  private scan(buf: Buffer, len: number): number {
    let pos = 0;
    if (this.discarding) {
      const nl = buf.indexOf(10);
      if (nl < 0 || nl >= len) return len;
      this.discarding = false;
      pos = nl + 1;
    }
    while (pos < len) {
      const p = this.parser;
      if (p instanceof AuditParser && p.prefilterSafe) {
        const wasm = this.scanner !== undefined && buf === this.scanner.buffer ? this.scanner : undefined;
        const w = this.wagg;
        if (wasm && w?.live) {
          // The WebAssembly record loop settles what it can (wasm-agg.ts); the line it stops at goes to the JS
          // path below, exactly as it would without it.
          const r = w.run(p, pos, len);
          this.lineNo += r.lines;
          pos = r.pos;
          if (w.status === ST_END) break;
          if (w.status === ST_FLUSH) continue;
          const nl = w.le;
          wasm.eol(pos, len); // its `ascii`
          this.agg.counters.lines++;
          this.lineNo++;
          if (!(wasm.ascii && (p.fastLine(buf, pos, nl, w.hit, this.lineNo, wasm) || p.fastOther(buf, pos, nl, w.hit, wasm)))) {
            p.line(buf.toString('utf8', pos, nl), this.lineNo);
          }
          if (w.status === ST_NEED_REG) w.register();
          pos = nl + 1;
          continue;
        }
        // Fast path: jump to the next line that mentions "audit", counting the lines in between; only that line
        // is decoded. In the read buffer of pushFileSync the search runs in WebAssembly SIMD (see scan.ts).
        const found = this.found;
        if (wasm) wasm.find(pos, len, found);
        else jsFindAudit(buf, pos, len, found);
        const hit = found.hit;
        let lineStart = pos;
        if (found.newlines > 0) {
          lineStart = found.lastNewline + 1;
          this.agg.counters.lines += found.newlines;
          this.agg.counters.skipped += found.newlines;
          this.lineNo += found.newlines;
        }
        pos = lineStart;
        if (hit < 0) break;
        let nl: number;
        if (wasm) {
          nl = wasm.eol(pos, len); // also tells whether the line is ASCII
        } else {
          nl = buf.indexOf(10, hit);
          if (nl >= len) nl = -1;
        }
        if (nl < 0) break; // the line with the hit is incomplete
        this.agg.counters.lines++;
        this.lineNo++;
        // ASCII lines of the common shapes are handled on the bytes; anything else is decoded.
        if (!(wasm && wasm.ascii && (p.fastLine(buf, pos, nl, hit, this.lineNo, wasm) || p.fastOther(buf, pos, nl, hit, wasm)))) {
          p.line(buf.toString('utf8', pos, nl), this.lineNo);
        }
        pos = nl + 1;
        continue;
      }
      const nl = buf.indexOf(10, pos);
      if (nl < 0 || nl >= len) break;
      this.pushLine(buf.toString('utf8', pos, nl));
      pos = nl + 1;
    }
    return pos;
  }

  /**
   * Reads a regular file synchronously through one reused buffer (the fast path for large logs). A large audit log
   * is split in two at a line start; a worker thread parses the second part while this thread parses the first,
   * and the two aggregates are merged into exactly what one pass gives (else this thread parses the rest too).
   */
  pushFileSync(path: string, filePid?: number): void {
    this.beginFile(path, filePid);
    const fd = openSync(path, 'r');
    try {
      // The WebAssembly scanner's memory is the read buffer (no copy). Scanners are reused from file to file; a
      // pushFileSync nested in a callback (onObservation) gets its own.
      this.scanner = idleScanners.pop() ?? wasmScanner();
      this.startWasmAgg();
      const split = this.splitPoint(fd);
      this.twoThreadSplit = undefined;
      const t = this.opts.twoThreads;
      const tail = split !== undefined
        ? startTailWorker(path, split, { nativeArch: this.opts.nativeArch ?? hostArch().id, ...(this.opts.filter ? { filter: this.opts.filter } : {}) }, t === false ? undefined : t?.fault)
        : undefined;
      this.readRange(fd, 0, split);
      if (tail && split !== undefined) {
        if (this.joinTail(tail)) this.twoThreadSplit = split;
        else this.readRange(fd, split, undefined);
      }
    } finally {
      closeSync(fd);
      if (this.scanner) idleScanners.push(this.scanner);
      this.scanner = undefined;
      this.wagg = undefined;
    }
    this.endFile();
  }

  /** Where a two-thread parse splits the open file (the first line start at or after the split offset), if it does. */
  private splitPoint(fd: number): number | undefined {
    const t = this.opts.twoThreads;
    if (t === false || this.format === 'strace' || (this.opts.keepObservations ?? 0) > 0 || this.opts.onObservation) return undefined;
    return splitPointOf(fd, t, READ_BUFFER_BYTES);
  }

  /** Waits for the worker and merges its part; false (nothing merged) when that cannot be exact or it failed. */
  private joinTail(t: TailWorker): boolean {
    try {
      const p = this.parser;
      if (!(p instanceof AuditParser) || !p.prefilterSafe) return false;
      const m = waitForTail(t, this.opts.twoThreads === false ? undefined : this.opts.twoThreads?.stallMs);
      if (m === undefined || 'error' in m || !p.absorb(m.part, this.lineNo)) return false;
      this.lineNo += m.part.lines;
      this.countBytes(m.bytes);
      return true;
    } finally {
      t.port.close();
      void t.worker.terminate();
    }
  }

  /**
   * The worker's side of a two-thread parse: parses `path` from byte `start` on as the rest of one audit file, with
   * line numbers from 1, without the end-of-file checks (the first thread runs them on the merged state).
   */
  parseTail(path: string, start: number, progress?: TailProgress): { part: TailPart; bytes: number } {
    this.progress = progress;
    this.beginFile(path);
    this.text = new TextChecker(start);
    this.startParser('audit');
    const fd = openSync(path, 'r');
    this.scanner = idleScanners.pop() ?? wasmScanner();
    this.startWasmAgg();
    try {
      this.readRange(fd, start, undefined);
      this.checkText(new Uint8Array(0), true);
    } finally {
      closeSync(fd);
      this.scanner = undefined;
      this.wagg = undefined;
    }
    if (this.carry && this.carry.length > 0) {
      const last = this.carry.toString('utf8');
      this.carry = undefined;
      this.pushLine(last);
    }
    this.open = false;
    const p = this.parser as AuditParser;
    p.pendingGaps.settle(); // as end() would: nothing after the part can fill them
    const result = this.agg.result();
    return {
      part: { result, lines: result.counters.lines, records: p.records, sawExec: p.sawExec, boundary: p.boundary },
      bytes: result.counters.bytes,
    };
  }

  /** Parses the open file's bytes [start, end) (end undefined: to its end); `start` is a line start. */
  private readRange(fd: number, start: number, end: number | undefined): void {
    const buf = this.scanner?.buffer ?? Buffer.allocUnsafe(READ_BUFFER_BYTES);
    let have = 0;
    let at = start;
    for (;;) {
      const want = end === undefined ? buf.length - have : Math.min(buf.length - have, end - at);
      if (want <= 0) break;
      const n = readSync(fd, buf, have, want, at);
      if (n === 0) break;
      at += n;
      this.checkText(buf.subarray(have, have + n));
      this.countBytes(n);
      this.progress?.step();
      const filled = have + n;
      const pos = this.scan(buf, filled);
      if (pos === 0 && filled === buf.length) {
        // One line fills the whole buffer: skip it.
        this.overlong();
        this.discarding = true;
        have = 0;
        continue;
      }
      buf.copyWithin(0, pos, filled);
      have = filled - pos;
    }
    if (have > 0 && !this.discarding) this.carry = Buffer.from(buf.subarray(0, have));
    if (this.wagg?.live) this.wagg.flush();
  }

  /** Starts the WebAssembly record loop's session on this.scanner (not when observations are kept or handed out). */
  private startWasmAgg(): void {
    this.wagg = this.scanner && !this.agg.retainsObservations ? new WasmAgg(this.scanner, this.agg) : undefined;
  }


  private overlong(): void {
    this.agg.counters.lines++;
    this.agg.counters.skipped++;
    this.lineNo++;
    this.agg.warn({
      code: 'LINE_TOO_LONG', severity: 'warning', file: this.file, line: this.lineNo,
      message: `a line longer than ${MAX_LINE_BYTES} bytes was skipped (not a log line)`,
    });
  }

  /** Ends the current file: flushes a last line without newline and runs end-of-input checks. */
  endFile(): void {
    if (!this.open) return;
    this.checkText(new Uint8Array(0), true);
    if (this.carry && this.carry.length > 0) {
      const last = this.carry.toString('utf8');
      this.carry = undefined;
      this.pushLine(last);
    }
    this.flushDetection();
    if (this.parser instanceof AuditParser) this.parser.end(this.lineNo);
    else this.parser?.end();
    this.open = false;
  }

  /** The aggregated result (call after the last endFile). */
  result(): IngestResult {
    if (this.open) this.endFile();
    return this.agg.result();
  }
}
