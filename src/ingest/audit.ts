// Kernel seccomp audit records (type 1326 / SECCOMP) in every rendering, plus the kernel's loss messages: the
// stateful per-file parser (renderings, serial and sequence gaps, the payload memo, the two-thread merge). Renderings:
// dmesg, /dev/kmsg, syslog (RFC 3164/5424), journald text, `journalctl -o json`, auditd raw, `ausearch -i`. Fields and
// their meaning: audit-fields.ts; one payload: audit-record.ts; byte-level shapes: audit-bytes.ts; loss: audit-loss.ts.
// Long because: one class holds the state that spans lines (serials, sequence numbers, memo, exec flag), and every
// path that reads a line (general, byte-level, WebAssembly hand-back, two-thread merge) must update it in one place.
import type { ArchId } from '../syscalls/index.js';
import type { Aggregator, LossEdits, Slot } from './aggregate.js';
import { decodeRawBytes, FIELDS } from './audit-fast.js';
import { bytesAt, hasAusearchSeparator, hasKernelMarker, lineShape, serialOfBytes, SHAPE } from './audit-bytes.js';
import { serialOf } from './audit-fields.js';
import { AUDIT_LOST, auditLostLoss, kernelLossMessage, serialGapLoss } from './audit-loss.js';
import { SerialGaps } from './serial-gaps.js';
import { decodePayload } from './audit-record.js';
import type { WasmScanner } from './scan.js';
import type { IngestResult, Observation, Rendering } from './types.js';

const KMSG = /^(\d+),(\d+),(\d+),[^;]*;/;
/**
 * What any step of line() reacts to besides a serial stamp: /dev/kmsg prefixes, journal JSON, a trailing CR, seccomp
 * records (type=1326, SECCOMP), the kernel's loss messages, auditd's own DAEMON_ records. A line with none of them
 * is only counted (and its serial tracked): the same outcome as the full path, much sooner.
 */
const NOT_PLAIN = /SECCOMP|1326|printk_skb|backlog|rate limit exceeded|hold queue overflow|audit_lost=|DAEMON_|^\d+,\d+,\d+,|^\{|\r$/;
const AUDIT_PAREN = Buffer.from('audit(');
const AUDIT_STAMP = /audit\(([^)]*)\)\s*:\s?/;
const JOURNALD_TEXT = /\baudit\[(\d+)\]: SECCOMP /;

/** The observation object AuditParser.decoded reuses when nothing keeps it (same shape as the literals). */
const SCRATCH: { -readonly [K in keyof Observation]-?: Observation[K] } = {
  arch: 'x86_64', nr: 0, name: undefined, action: 'unknown', count: 1, rendering: 'dmesg', file: '', line: 0,
  pid: undefined, comm: undefined, exe: undefined, compat: undefined, args: undefined,
};

/** What a decoded record payload gives, for its repeats: where its observation landed, and whether it is an exec. */
interface Memo {
  readonly slot: Slot;
  readonly exec: boolean;
}
/** Bounds of the payload memo: at most this many payloads per rendering (then it starts over), this long. */
const MAX_MEMO = 4096;
const MAX_MEMO_KEY = 1024;
/** The byte memo pauses for MEMO_PAUSE records when a window of MEMO_WINDOW misses saw fewer than 1 hit in 8. */
const MEMO_WINDOW = 4096;
const MEMO_PAUSE = 65536;

/**
 * The first uses of the cross-line state in a part of a file parsed by a fresh parser (the worker's part of a
 * two-thread parse): the parser of the part before it uses them to finish what a single pass would have done there.
 * `lossIndex`: how many loss signals the fresh parser had added before that point.
 */
export interface Boundary {
  /** The first serial check; `prev` is the fresh parser's serial state just before it (serials of other records). */
  serial?: { serial: number; rendering: Rendering; line: number; lossIndex: number; prev: number };
  /** The first `audit_lost=` report (the fresh parser added a signal without count for it, at lossIndex). */
  auditLost?: { n: number; line: number; lossIndex: number };
}

/** What a fresh parser found in the second part of a file (see Ingester.parseTail). */
export interface TailPart {
  result: IngestResult;
  lines: number;
  records: number;
  sawExec: boolean;
  boundary: Boundary;
}

/** Stateful parser for one input file of audit renderings. Feed lines in order with `line()`. */
export class AuditParser {
  private readonly agg: Aggregator;
  private readonly file: string;
  private readonly native: ArchId;
  /** The serial state (checkSerial); also read and written by the WebAssembly record loop (wasm-agg.ts). */
  prevSerial = -1;
  /** Serial gaps not yet known to be loss (serials can arrive out of order: serial-gaps.ts). */
  readonly pendingGaps = new SerialGaps<{ rendering: Rendering; line: number }>((g) =>
    this.agg.addLoss(serialGapLoss(g.from, g.to, g.tag.rendering, this.file, g.tag.line, g.late.size)));
  prevSerialRendering: Rendering | undefined;
  private prevKmsgSeq = -1;
  private prevAuditLost = -1;
  private sawKmsg = false;
  /** Decoded payloads per rendering (see record). */
  private readonly memo: Partial<Record<Rendering, Map<string, Memo>>> = {};
  /** The byte memo's recent hits and misses, and how many records it still sits out (see fastLine). */
  private memoHits = 0;
  private memoMisses = 0;
  private memoPause = 0;
  /** Decoded payloads of fastLine, by the hash of their bytes (a collision only costs a decode). */
  private readonly byteMemo = new Map<number, { rendering: Rendering; at: number; len: number; memo: Memo }>();
  /** Whether any execve/execveat was seen (a recording that has none probably starts mid-workload). */
  sawExec = false;
  records = 0;
  /** First uses of the cross-line state (for a two-thread parse). */
  readonly boundary: Boundary = {};

  constructor(agg: Aggregator, file: string, nativeArch: ArchId) {
    this.agg = agg;
    this.file = file;
    this.native = nativeArch;
  }

  /** True while every line can be prefiltered on the substring "audit" (false once /dev/kmsg lines appear). */
  get prefilterSafe(): boolean {
    return !this.sawKmsg;
  }

  /**
   * The byte-level path for the common raw shapes, with the same outcome as `line()` on the decoded line (tests
   * compare both on every fixture and on random input): journald text (`… audit[PID]: SECCOMP payload`), dmesg and
   * syslog (`… audit: type=1326 audit(T:S): payload`) and auditd raw (`type=SECCOMP msg=audit(T:S): payload`).
   * `buf[ls, le)` (the buffer of `sc`) is one ASCII line without its newline, `h` its first `audit`.
   * Nothing is decoded when the payload bytes were seen before; returns false, having done nothing, for any other
   * shape (the caller then decodes the line and calls `line()`).
   */
  fastLine(buf: Buffer, ls: number, le: number, h: number, lineNo: number, sc: WasmScanner): boolean {
    if (!lineShape(buf, ls, le, h)) return false;
    const { rendering, p } = SHAPE;
    const serial = SHAPE.serial;
    const len = le - p;
    if (len > MAX_MEMO_KEY) return false;
    // The memo pays off when payloads repeat (one process, one call site); on logs where they hardly do (many
    // processes, ip= per call site) its lookups and copies are pure cost: it pauses after a window of misses.
    const useMemo = this.memoPause === 0;
    let hv = 0;
    if (useMemo) {
      // The memo keeps the payload bytes in the scanner's arena; the scanner serves one file at a time.
      if (sc.arenaOwner !== this) {
        sc.arenaOwner = this;
        sc.resetArena();
        this.byteMemo.clear();
      }
      hv = sc.hash(p, le);
      const m = this.byteMemo.get(hv);
      if (m !== undefined && m.rendering === rendering && m.len === len && sc.same(m.at, p, le)) {
        this.memoHits++;
        this.repeat(m.memo, rendering, lineNo, serial);
        return true;
      }
    } else {
      this.memoPause--;
    }
    // (every kernel marker holds a `plain` triple: `326`, `CCO`)
    if (rendering === 'journald' && !sc.plain(p, le) && hasKernelMarker(buf, p, le)) return false;
    if (rendering === 'auditd' && hasAusearchSeparator(buf, p, le)) return false; // ausearch's spelling
    // The common payload is decoded on the bytes; anything else as a string (ASCII: latin1 = utf8).
    const o = decodeRawBytes(buf, p, le)
      ? this.decoded(rendering, lineNo, serial, useMemo)
      : this.decode(buf.toString('latin1', p, le), 0, rendering, lineNo, serial);
    if (o !== undefined && useMemo) {
      let at = this.byteMemo.size >= MAX_MEMO ? -1 : sc.remember(p, le);
      if (at < 0) { // full: start over
        this.byteMemo.clear();
        sc.resetArena();
        at = sc.remember(p, le);
      }
      this.byteMemo.set(hv, { rendering, at, len, memo: o });
      if (++this.memoMisses >= MEMO_WINDOW) { // fewer than 1 hit in 8 lookups: pause
        if (this.memoHits * 7 < this.memoMisses) this.memoPause = MEMO_PAUSE;
        this.memoHits = this.memoMisses = 0;
      }
    }
    return true;
  }

  /**
   * The byte-level path for audit lines that are not seccomp records (SYSCALL, PROCTITLE, AVC, … and lines that only
   * mention "audit"), with the same outcome as `line()`: a line without any marker line() reacts to (checked with the
   * SIMD `plain` on triples every marker contains, plus the /dev/kmsg, JSON and CR checks) is counted as skipped and
   * its `audit(…):` stamp's serial tracked. Returns false, having done nothing, for anything else (an odd serial too).
   */
  fastOther(buf: Buffer, ls: number, le: number, h: number, sc: WasmScanner): boolean {
    if (le <= ls) return false;
    const b0 = buf[ls]!;
    if ((b0 >= 48 && b0 <= 57) || b0 === 123 /* { */ || buf[le - 1] === 13 /* \r */) return false;
    if (!sc.plain(ls, le)) return false;
    // AUDIT_STAMP: the first `audit(` whose next `)` is followed by optional white space and `:`.
    let k = h;
    for (;;) {
      while (k + 6 <= le && !(buf[k] === 97 /* a */ && buf[k + 5] === 40 /* ( */ && bytesAt(buf, k, le, AUDIT_PAREN))) k++;
      if (k + 6 > le) break;
      let close = k + 6;
      while (close < le && buf[close] !== 41 /* ) */) close++;
      if (close >= le) break;
      let j = close + 1;
      while (j < le && (buf[j] === 32 || (buf[j]! >= 9 && buf[j]! <= 13))) j++;
      if (j < le && buf[j] === 58 /* : */) {
        const s = serialOfBytes(buf, k + 6, close);
        if (s === null) return false; // serialOf decides on the general path
        this.otherSerial(s);
        break;
      }
      k++;
    }
    this.agg.counters.skipped++;
    return true;
  }

  /** Handles one line (without its newline). */
  line(raw: string, lineNo: number): void {
    // Most lines that mention "audit" are other record types (SYSCALL, PROCTITLE, AVC, …) or none at all: without
    // any of the markers the steps below look for, all that matters is the serial they take.
    if (!NOT_PLAIN.test(raw)) {
      this.trackOtherSerial(raw);
      this.agg.counters.skipped++;
      return;
    }
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let rendering: Rendering | undefined;
    let body = text;
    const km = KMSG.exec(text);
    if (km) {
      this.sawKmsg = true;
      rendering = 'kmsg';
      const seq = Number(km[2]);
      if (this.prevKmsgSeq >= 0 && seq > this.prevKmsgSeq + 1) {
        const n = seq - this.prevKmsgSeq - 1;
        this.agg.addLoss({
          kind: 'kmsg-seq-gap', certain: true, count: n, file: this.file, line: lineNo,
          message: `/dev/kmsg sequence jumped from ${this.prevKmsgSeq} to ${seq}: ${n} kernel message(s) were overwritten before they were read`,
        });
      }
      this.prevKmsgSeq = seq;
      body = text.slice(km[0].length);
    }
    if (!body.includes('audit')) {
      this.agg.counters.skipped++;
      return;
    }
    const c = body.charCodeAt(0);
    if (c === 123 /* { */ && rendering === undefined) {
      this.jsonLine(body, lineNo);
      return;
    }
    // Records first (the common case), then the kernel's loss messages, then anything else.
    const isKernelForm = body.includes('type=1326 ') || body.includes('type=SECCOMP ');
    const jm = isKernelForm ? null : JOURNALD_TEXT.exec(body);
    if (!isKernelForm && !jm) {
      if (this.lossLine(body, lineNo)) return;
      if (body.includes('SECCOMP') || body.includes('type=1326')) {
        this.agg.malformed(this.file, lineNo);
        return;
      }
    } else if (rendering === undefined) {
      if (c === 91 /* [ */) rendering = 'dmesg';
      else if (c === 116 /* t */ && body.startsWith('type=')) rendering = body.includes(') : ') ? 'ausearch' : 'auditd';
      else if (body.startsWith('node=')) rendering = body.includes(') : ') ? 'ausearch' : 'auditd';
      else if (jm) rendering = 'journald';
      else rendering = 'syslog';
    }
    if (isKernelForm) {
      const st = AUDIT_STAMP.exec(body);
      if (!st) {
        this.agg.malformed(this.file, lineNo);
        return;
      }
      this.record(body, st.index + st[0].length, rendering!, lineNo, serialOf(st[1]!));
      return;
    }
    if (jm) {
      this.record(body, jm.index + jm[0].length, rendering === 'kmsg' ? 'kmsg' : 'journald', lineNo, undefined);
      return;
    }
    this.trackOtherSerial(body);
    this.agg.counters.skipped++;
  }

  /** Non-seccomp audit records still advance the global serial; track them so they do not look like gaps. */
  private trackOtherSerial(body: string): void {
    const st = AUDIT_STAMP.exec(body);
    // auditd's own DAEMON_* records carry the daemon's serials, not the kernel's.
    if (st && !body.includes('type=DAEMON_')) {
      const s = serialOf(st[1]!);
      if (s !== undefined) this.otherSerial(s);
    }
  }

  /** The kernel's own loss messages. Returns true when the line was one. */
  private lossLine(body: string, lineNo: number): boolean {
    const loss = kernelLossMessage(body, this.file, lineNo);
    if (loss) {
      this.agg.addLoss(loss);
      return true;
    }
    const lost = AUDIT_LOST.exec(body);
    if (lost && !body.includes('type=1326')) {
      const n = Number(lost[1]);
      const delta = this.prevAuditLost >= 0 ? n - this.prevAuditLost : undefined;
      if (this.prevAuditLost < 0) this.boundary.auditLost ??= { n, line: lineNo, lossIndex: this.agg.lossCount };
      this.prevAuditLost = n;
      if (delta === 0) return true;
      this.agg.addLoss(auditLostLoss(n, delta, this.file, lineNo));
      return true;
    }
    return false;
  }

  /** One `journalctl -o json` entry. */
  private jsonLine(body: string, lineNo: number): void {
    let o: unknown;
    try {
      o = JSON.parse(body);
    } catch {
      if (body.includes('SECCOMP') || body.includes('1326')) this.agg.malformed(this.file, lineNo);
      else this.agg.counters.skipped++;
      return;
    }
    if (typeof o !== 'object' || o === null) {
      this.agg.counters.skipped++;
      return;
    }
    const e = o as Record<string, unknown>;
    let msg = e.MESSAGE;
    if (Array.isArray(msg)) msg = Buffer.from(msg.filter((x): x is number => typeof x === 'number')).toString('utf8');
    if (typeof msg !== 'string') {
      this.agg.counters.skipped++;
      return;
    }
    const auditId = typeof e._AUDIT_ID === 'string' ? Number(e._AUDIT_ID) : undefined;
    if (this.lossLine(msg, lineNo)) return;
    const typeName = e._AUDIT_TYPE_NAME ?? e._AUDIT_TYPE;
    if (msg.startsWith('SECCOMP ') || typeName === 'SECCOMP' || typeName === '1326') {
      const start = msg.startsWith('SECCOMP ') ? 8 : 0;
      this.record(msg, start, 'journald-json', lineNo, Number.isFinite(auditId) ? auditId : undefined);
      return;
    }
    const st = AUDIT_STAMP.exec(msg);
    if (st && msg.includes('type=1326')) {
      this.record(msg, st.index + st[0].length, 'journald-json', lineNo, serialOf(st[1]!));
      return;
    }
    if (auditId !== undefined && Number.isFinite(auditId)) this.otherSerial(auditId);
    this.agg.counters.skipped++;
  }

  /**
   * Decodes one record's payload (from `start`) into an observation. Real logs repeat the same payloads (one process,
   * one call site) over and over: a payload decoded once is remembered with its outcome, and a repeat only runs the
   * per-line parts (serial check, aggregation). Only records that decoded cleanly are remembered, so malformed
   * ones are counted at every line; the warnings a first decode may add are kept once per code anyway.
   */
  private record(s: string, start: number, rendering: Rendering, lineNo: number, serial: number | undefined): void {
    const key = s.length - start <= MAX_MEMO_KEY ? s.slice(start) : undefined;
    const memo = key !== undefined ? this.memo[rendering]?.get(key) : undefined;
    if (memo !== undefined) {
      this.repeat(memo, rendering, lineNo, serial);
      return;
    }
    const o = this.decode(s, start, rendering, lineNo, serial);
    if (o === undefined || key === undefined) return;
    let m = this.memo[rendering];
    if (m === undefined) this.memo[rendering] = m = new Map();
    else if (m.size >= MAX_MEMO) m.clear();
    m.set(key, o);
  }

  /** A payload decoded before, seen again: what record() does after decoding it. */
  private repeat(memo: Memo, rendering: Rendering, lineNo: number, serial: number | undefined): void {
    this.checkSerial(serial, rendering, lineNo);
    if (memo.exec) this.sawExec = true;
    this.records++;
    this.agg.repeat(memo.slot, lineNo);
  }

  /** The full decode of a payload; returns what a repeat of it needs (undefined: malformed, nothing added). */
  private decode(s: string, start: number, rendering: Rendering, lineNo: number, serial: number | undefined): Memo | undefined {
    const d = decodePayload(s, start, rendering === 'ausearch', this.native);
    for (const w of d.warnings) this.agg.warn({ ...w, file: this.file, line: lineNo });
    if (!d.ok) {
      this.agg.malformed(this.file, lineNo);
      return undefined;
    }
    this.checkSerial(serial, rendering, lineNo);
    const exec = d.name === 'execve' || d.name === 'execveat';
    if (exec) this.sawExec = true;
    this.records++;
    const slot = this.agg.addSlot({
      arch: d.arch, nr: d.nr, name: d.name, action: d.action, count: 1, rendering, file: this.file, line: lineNo,
      pid: d.pid, comm: d.comm, exe: d.exe, compat: d.compat, args: undefined,
    });
    return { slot, exec };
  }

  /** What decode() does after decodePayload, for a payload decodeRawBytes read into FIELDS (no warnings). */
  private decoded(rendering: Rendering, lineNo: number, serial: number | undefined, memo: boolean): Memo | undefined {
    const d = FIELDS;
    this.checkSerial(serial, rendering, lineNo);
    const exec = d.name === 'execve' || d.name === 'execveat';
    if (exec) this.sawExec = true;
    this.records++;
    if (!memo && !this.agg.retainsObservations) {
      // Nothing keeps this observation (no memo slot, no kept or handed-out observations): one reused object, so a
      // record allocates nothing here (less garbage: a smaller young generation, a lower peak RSS).
      const o = SCRATCH;
      o.arch = d.arch; o.nr = d.nr; o.name = d.name; o.action = d.action; o.rendering = rendering; o.file = this.file;
      o.line = lineNo; o.pid = d.pid; o.comm = d.comm; o.exe = d.exe; o.compat = d.compat;
      this.agg.add(o);
      return undefined;
    }
    const o: Observation = {
      arch: d.arch, nr: d.nr, name: d.name, action: d.action, count: 1, rendering, file: this.file, line: lineNo,
      pid: d.pid, comm: d.comm, exe: d.exe, compat: d.compat, args: undefined,
    };
    if (!memo) {
      this.agg.add(o);
      return undefined;
    }
    return { slot: this.agg.addSlot(o), exec };
  }

  /** Audit serials are global and consecutive: a jump means records went missing in between. */
  private checkSerial(serial: number | undefined, rendering: Rendering, lineNo: number): void {
    if (serial === undefined) return;
    if (this.prevSerialRendering === undefined) {
      this.boundary.serial ??= { serial, rendering, line: lineNo, lossIndex: this.agg.lossCount, prev: this.prevSerial };
    }
    this.pendingGaps.seen(serial);
    if (this.prevSerial >= 0 && serial > this.prevSerial + 1 && this.prevSerialRendering === rendering) {
      this.pendingGaps.open(this.prevSerial, serial, { rendering, line: lineNo });
    }
    if (serial >= this.prevSerial || this.prevSerialRendering !== rendering) {
      this.prevSerial = serial;
    } else if (this.prevSerial - serial > 1000) {
      this.prevSerial = serial; // a new boot or another log file: start over
    }
    this.prevSerialRendering = rendering;
  }

  /** An other record's serial (it only raises the serial state, and may fill or settle a pending gap). */
  private otherSerial(s: number): void {
    this.pendingGaps.seen(s);
    if (s > this.prevSerial) this.prevSerial = s;
  }

  /**
   * Takes in the second part of this file, parsed by a fresh parser (line numbers from 1): adds what a single pass
   * would have found at the boundary (a serial gap, the `audit_lost` increase) and the part's
   * aggregate, with line numbers after this part's `lineOffset` lines. Returns false, having changed nothing, when
   * the state cannot be merged exactly (the caller then parses the part itself).
   */
  absorb(part: TailPart, lineOffset: number): boolean {
    // After /dev/kmsg lines a single pass reads every line (sequence numbers), where the part was prefiltered until
    // its own first kmsg line. Without them here, the part's first sequence number starts the check in both.
    if (this.sawKmsg) return false;
    // A gap still pending here could be filled by the part's first records, which its fresh parser took as new.
    if (this.pendingGaps.size > 0) return false;
    const b = part.boundary;
    const edits: LossEdits = { inserts: [], replace: undefined };
    if (b.serial) {
      const { serial, rendering } = b.serial;
      const prev = Math.max(this.prevSerial, b.serial.prev);
      // A gap at the boundary would be pending in one pass, and the part's next records might fill it: one pass decides.
      if (prev >= 0 && serial > prev + 1 && this.prevSerialRendering === rendering) return false;
      // The fresh parser's state is now (serial, rendering); a single pass's is the same unless it kept `prev`.
      if (!(serial >= prev || this.prevSerialRendering !== rendering || prev - serial > 1000)) return false;
    }
    if (b.auditLost && this.prevAuditLost >= 0) {
      const delta = b.auditLost.n - this.prevAuditLost;
      edits.replace = { at: b.auditLost.lossIndex, signal: delta === 0 ? undefined : auditLostLoss(b.auditLost.n, delta, this.file, b.auditLost.line + lineOffset) };
    }
    if (!this.agg.absorb(part.result, this.file, lineOffset, edits)) return false;
    this.records += part.records;
    this.sawExec ||= part.sawExec;
    return true;
  }

  /** Called at end of input: reports a recording that shows no process start. */
  end(lineNo: number): void {
    this.pendingGaps.settle();
    if (this.records > 0 && !this.sawExec) {
      this.agg.addLoss({
        kind: 'mid-workload', certain: false, file: this.file, line: lineNo,
        message: 'no execve was recorded: the log probably starts after the workload started, so syscalls made before it (startup, runtime) are missing',
      });
    }
  }
}
