// Kernel seccomp audit records (type 1326 / SECCOMP) in every rendering, plus the kernel's loss messages.
// Renderings: dmesg, /dev/kmsg, syslog (RFC 3164/5424), journald text, `journalctl -o json`, auditd raw, `ausearch -i`.
import { archFromAudit, resolveArch, syscallName, syscallNumber, X32_SYSCALL_BIT, type ArchId, type ArchInfo } from '../syscalls/index.js';
import type { Aggregator, LossEdits, Slot } from './aggregate.js';
import type { WasmScanner } from './scan.js';
import type { IngestResult, LossSignal, Rendering, SeenAction } from './types.js';

/** `code=` values (ret & SECCOMP_RET_ACTION_FULL) → action (include/uapi/linux/seccomp.h). */
const CODE_ACTIONS = new Map<number, SeenAction>([
  [0x80000000, 'kill_process'], [0x00000000, 'kill_thread'], [0x00030000, 'trap'], [0x00050000, 'errno'],
  [0x7fc00000, 'notify'], [0x7ff00000, 'trace'], [0x7ffc0000, 'log'], [0x7fff0000, 'allow'],
]);

/** `ausearch -i` spellings of code= (auparse's seccomp code table) → action. */
const CODE_NAMES = new Map<string, SeenAction>([
  // auparse prints `kill` for both KILL_THREAD (0x0) and KILL_PROCESS (0x80000000): it masks with
  // SECCOMP_RET_ACTION (0x7fff0000) and its table has only 0x0 (ChromiumOS debugd's audit_log_utils_test shows
  // `code=kill` for a record whose raw form says code=0x80000000).
  ['kill', 'kill'], ['kill-thread', 'kill_thread'], ['kill_thread', 'kill_thread'],
  ['kill-process', 'kill_process'], ['kill_process', 'kill_process'], ['trap', 'trap'], ['errno', 'errno'],
  ['trace', 'trace'], ['log', 'log'], ['allow', 'allow'], ['notify', 'notify'], ['user-notif', 'notify'],
  ['user_notif', 'notify'],
]);

/** The audit userspace's syscall tables spell a few names differently from the kernel's. */
const AUDIT_NAME_ALIASES: Readonly<Record<string, string>> = { pread: 'pread64', pwrite: 'pwrite64' };

/** The action a raw `code=0x…` value means; 'unknown' for garbage. */
export function actionOfCode(code: number): SeenAction {
  return CODE_ACTIONS.get((code & 0xffff0000) >>> 0) ?? 'unknown';
}

/**
 * The action of a `code=` field. The kernel prints `code=0x%x`: at most 8 lowercase hex digits. auditd's enrichment
 * sometimes follows with no separator (`code=0x80000000AUID="unset"`, `code=0x50001AUID=…`), so only lowercase
 * digits count, unless the whole value is hex (a hand-written `0x7FFC0000`). ausearch's names (`log`, `kill`, …)
 * are looked up.
 */
export function actionOfCodeField(text: string): SeenAction {
  if (text.startsWith('0x') || text.startsWith('0X')) {
    if (text.length <= 10 && WHOLE_HEX_CODE.test(text)) return actionOfCode(parseInt(text.slice(2), 16));
    let j = 2;
    while (j < text.length && j < 10 && isLowerHex(text.charCodeAt(j))) j++;
    return j === 2 ? 'unknown' : actionOfCode(parseInt(text.slice(2, j), 16));
  }
  return CODE_NAMES.get(text.toLowerCase()) ?? 'unknown';
}

const WHOLE_HEX_CODE = /^0x[0-9a-f]{1,8}$/i;

function isLowerHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
}

/** The fields of a record payload seccompctl uses. `*Quoted` marks values the kernel wrote in double quotes. */
export interface RecordFields {
  arch?: string;
  syscall?: string;
  compat?: string;
  code?: string;
  pid?: string;
  comm?: string;
  exe?: string;
  commQuoted?: boolean;
  exeQuoted?: boolean;
}

type FieldKey = 'arch' | 'syscall' | 'compat' | 'code' | 'pid' | 'comm' | 'exe';

/** Which wanted key s[i, j) is, without allocating. */
function fieldKey(s: string, i: number, j: number): FieldKey | undefined {
  switch (j - i) {
    case 3:
      if (s.startsWith('pid', i)) return 'pid';
      if (s.startsWith('exe', i)) return 'exe';
      return undefined;
    case 4:
      if (s.startsWith('arch', i)) return 'arch';
      if (s.startsWith('code', i)) return 'code';
      if (s.startsWith('comm', i)) return 'comm';
      return undefined;
    case 6:
      return s.startsWith('compat', i) ? 'compat' : undefined;
    case 7:
      return s.startsWith('syscall', i) ? 'syscall' : undefined;
    default:
      return undefined;
  }
}

/**
 * Reads `key=value key="quoted value" …` from `start`, keeping the fields seccompctl uses. A token without `=`
 * continues the previous value (journald's `subj==cri-containerd.apparmor.d (enforce)`). Stops at auditd's 0x1d
 * enrichment separator. The first occurrence of a key wins.
 */
export function parseFields(s: string, start = 0): RecordFields {
  const f: RecordFields = {};
  let end = s.indexOf('\x1d', start);
  if (end < 0) end = s.length;
  let i = start;
  let last: FieldKey | undefined;
  while (i < end) {
    while (i < end && s.charCodeAt(i) === 32) i++;
    if (i >= end) break;
    let j = i;
    let c = 0;
    while (j < end && (c = s.charCodeAt(j)) !== 61 && c !== 32) j++;
    if (j >= end || c === 32) {
      // A bare token continues the previous value.
      if (last !== undefined && !(last === 'comm' ? f.commQuoted : last === 'exe' ? f.exeQuoted : false)) f[last] = `${f[last] ?? ''} ${s.slice(i, j)}`;
      i = j;
      continue;
    }
    const key = fieldKey(s, i, j);
    i = j + 1;
    let v: string;
    let quoted = false;
    if (s.charCodeAt(i) === 34) {
      const close = s.indexOf('"', i + 1);
      const stop = close < 0 || close > end ? end : close;
      v = key !== undefined ? s.slice(i + 1, stop) : '';
      quoted = true;
      i = stop + 1;
    } else {
      let k = i;
      while (k < end && s.charCodeAt(k) !== 32) k++;
      v = key !== undefined ? s.slice(i, k) : '';
      i = k;
    }
    if (key !== undefined && f[key] === undefined) {
      f[key] = v;
      if (key === 'comm') f.commQuoted = quoted;
      else if (key === 'exe') f.exeQuoted = quoted;
      last = key;
    } else {
      last = undefined;
    }
  }
  return f;
}

const WANTED: readonly FieldKey[] = ['arch', 'syscall', 'compat', 'code', 'pid', 'comm', 'exe'];
const NEEDLES = WANTED.map((k) => `${k}=`);

/** Where `key=` starts as a whole key (at `start` or after a space) in s[start, end), or -1. */
function findKey(s: string, needle: string, start: number, end: number): number {
  // Needles start with a letter, which is rarer than the space a ` key=` needle would start with: faster search.
  let k = s.indexOf(needle, start);
  while (k >= 0 && k < end) {
    if (k === start || s.charCodeAt(k - 1) === 32) return k;
    k = s.indexOf(needle, k + 1);
  }
  return -1;
}

/**
 * parseFields for raw kernel records, where no value contains a space (the kernel hex-encodes comm/exe that
 * would): each wanted key is found with one native search. Same result as parseFields on such payloads.
 */
export function parseRawFields(s: string, start = 0): RecordFields {
  const f: RecordFields = {};
  let end = s.indexOf('\x1d', start);
  if (end < 0) end = s.length;
  for (let w = 0; w < WANTED.length; w++) {
    const key = WANTED[w]!;
    const k = findKey(s, NEEDLES[w]!, start, end);
    if (k < 0) continue;
    const at = k + key.length + 1;
    let v: string;
    if (s.charCodeAt(at) === 34) {
      const close = s.indexOf('"', at + 1);
      v = s.slice(at + 1, close < 0 || close > end ? end : close);
      if (key === 'comm') f.commQuoted = true;
      else if (key === 'exe') f.exeQuoted = true;
    } else {
      let sp = s.indexOf(' ', at);
      if (sp < 0 || sp > end) sp = end;
      v = s.slice(at, sp);
      if (key === 'comm') f.commQuoted = false;
      else if (key === 'exe') f.exeQuoted = false;
    }
    f[key] = v;
  }
  return f;
}

const HEX = /^(?:[0-9A-Fa-f]{2})+$/;

/** Decodes the kernel's untrusted-string encoding: quoted as is, unquoted uppercase hex, `(null)`. */
function untrusted(v: string | undefined, quoted: boolean | undefined, interpreted: boolean): string | undefined {
  if (v === undefined || v === '(null)' || v === '?') return undefined;
  if (quoted || interpreted) return v;
  if (HEX.test(v)) return Buffer.from(v, 'hex').toString('utf8');
  return v;
}

const KMSG = /^(\d+),(\d+),(\d+),[^;]*;/;
const AUDIT_STAMP = /audit\(([^)]*)\)\s*:\s?/;
const JOURNALD_TEXT = /\baudit\[(\d+)\]: SECCOMP /;
const SUPPRESSED = /\b(?:kauditd_printk_skb|audit_printk_skb): (\d+) callbacks suppressed/;
const AUDIT_LOST = /\baudit_lost=(\d+)/;

/** What a decoded record payload gives, for its repeats: where its observation landed, and whether it is an exec. */
interface Memo {
  readonly slot: Slot;
  readonly exec: boolean;
}
/** Bounds of the payload memo: at most this many payloads per rendering (then it starts over), this long. */
const MAX_MEMO = 4096;
const MAX_MEMO_KEY = 1024;

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

function serialGapLoss(prev: number, serial: number, rendering: Rendering, file: string, line: number): LossSignal {
  const n = serial - prev - 1;
  // In renderings that hold every audit record the gap is loss; in commonly filtered ones (ausearch -m,
  // journal greps) other record types explain gaps, so it is only a hint.
  const certain = rendering === 'dmesg' || rendering === 'kmsg' || rendering === 'auditd';
  return {
    kind: 'serial-gap', certain, count: n, file, line,
    message: `audit serial jumped from ${prev} to ${serial}: ${n} audit record(s) missing` +
      (certain ? '' : ' (or filtered out of this log by record type)'),
  };
}

function auditLostLoss(n: number, delta: number | undefined, file: string, line: number): LossSignal {
  return {
    kind: 'audit-lost', certain: true, ...(delta !== undefined ? { count: delta } : {}), file, line,
    message: `the kernel reports audit_lost=${n}${delta !== undefined ? ` (${delta} more since the previous report)` : ''}: audit records were dropped`,
  };
}

/** Stateful parser for one input file of audit renderings. Feed lines in order with `line()`. */
export class AuditParser {
  private readonly agg: Aggregator;
  private readonly file: string;
  private readonly native: ArchId;
  private prevSerial = -1;
  private prevSerialRendering: Rendering | undefined;
  private prevKmsgSeq = -1;
  private prevAuditLost = -1;
  private sawKmsg = false;
  /** Decoded payloads per rendering (see record). */
  private readonly memo: Partial<Record<Rendering, Map<string, Memo>>> = {};
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
    if (le <= ls || buf[le - 1] === 13 /* \r */) return false;
    const b0 = buf[ls]!;
    // /dev/kmsg (`PRI,SEQ,…;`), journal JSON and `node=` prefixes take the general path.
    if ((b0 >= 48 && b0 <= 57) || b0 === 123 /* { */ || b0 === 110 /* n */) return false;
    let rendering: Rendering;
    let p: number;
    let serial: number | undefined;
    if (buf[h + 5] === 91 /* [ */) {
      // journald: `audit[` digits `]: SECCOMP ` at the first "audit", which starts a word (JOURNALD_TEXT).
      if (h > ls && isWordByte(buf[h - 1]!)) return false;
      let i = h + 6;
      while (i < le && buf[i]! >= 48 && buf[i]! <= 57) i++;
      if (i === h + 6 || !bytesAt(buf, i, le, JOURNALD_TAIL)) return false;
      // A kernel-form marker anywhere would make line() read the line as a kernel record: the prefix is checked
      // here, the payload when it is first decoded (the fixed middle cannot hold or complete one).
      if (hasKernelMarker(buf, ls, h)) return false;
      rendering = 'journald';
      p = i + JOURNALD_TAIL.length;
    } else {
      let st: number; // where `audit(` starts
      if (bytesAt(buf, h, le, DMESG_HEAD)) {
        if (b0 === 91 /* [ */) rendering = 'dmesg';
        else if (bytesAt(buf, ls, le, TYPE_EQ)) return false;
        else rendering = 'syslog';
        st = h + DMESG_HEAD.length - 6;
      } else if (h === ls + AUDITD_HEAD.length && bytesAt(buf, ls, le, AUDITD_HEAD) && buf[h + 5] === 40 /* ( */) {
        rendering = 'auditd';
        st = h;
      } else {
        return false;
      }
      // AUDIT_STAMP at st: `audit(` [^)]* `)` then `:` (exactly: other spacing takes the general path), one space.
      const close = buf.indexOf(41 /* ) */, st + 6);
      if (close < 0 || close >= le || buf[close + 1] !== 58 /* : */) return false;
      const sn = serialOfBytes(buf, st + 6, close);
      if (sn === null) return false;
      serial = sn;
      p = close + 2;
      const sp = buf[p]!;
      if (p < le && (sp === 32 || (sp >= 9 && sp <= 13))) p++;
    }
    const len = le - p;
    if (len > MAX_MEMO_KEY) return false;
    // The memo keeps the payload bytes in the scanner's arena; the scanner serves one file at a time.
    if (sc.arenaOwner !== this) {
      sc.arenaOwner = this;
      sc.resetArena();
      this.byteMemo.clear();
    }
    const hv = sc.hash(p, le);
    const m = this.byteMemo.get(hv);
    if (m !== undefined && m.rendering === rendering && m.len === len && sc.same(m.at, p, le)) {
      this.repeat(m.memo, rendering, lineNo, serial);
      return true;
    }
    const payload = buf.toString('latin1', p, le); // ASCII: the same string as utf8
    if (rendering === 'journald' && (payload.includes('type=1326 ') || payload.includes('type=SECCOMP '))) return false;
    if (rendering === 'auditd' && payload.includes(') : ')) return false; // ausearch's spelling
    const o = this.decode(payload, 0, rendering, lineNo, serial);
    if (o !== undefined) {
      let at = this.byteMemo.size >= MAX_MEMO ? -1 : sc.remember(p, le);
      if (at < 0) { // full: start over
        this.byteMemo.clear();
        sc.resetArena();
        at = sc.remember(p, le);
      }
      this.byteMemo.set(hv, { rendering, at, len, memo: o });
    }
    return true;
  }

  /** Handles one line (without its newline). */
  line(raw: string, lineNo: number): void {
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
      if (s !== undefined) this.prevSerial = Math.max(this.prevSerial, s);
    }
  }

  /** The kernel's own loss messages. Returns true when the line was one. */
  private lossLine(body: string, lineNo: number): boolean {
    const sup = SUPPRESSED.exec(body);
    if (sup) {
      const n = Number(sup[1]);
      this.agg.addLoss({
        kind: 'printk-suppressed', certain: true, count: n, file: this.file, line: lineNo,
        message: `the kernel's printk rate limit dropped ${n} audit message(s) ("${sup[0]}")`,
      });
      return true;
    }
    if (body.includes('backlog limit exceeded') || /audit_backlog=\d+ > audit_backlog_limit=/.test(body)) {
      this.agg.addLoss({
        kind: 'backlog-exceeded', certain: true, file: this.file, line: lineNo,
        message: 'the audit backlog overflowed ("backlog limit exceeded"): records were dropped',
      });
      return true;
    }
    if (body.includes('audit: rate limit exceeded')) {
      this.agg.addLoss({ kind: 'rate-limit-exceeded', certain: true, file: this.file, line: lineNo, message: 'the audit rate limit (audit_rate_limit) dropped records' });
      return true;
    }
    if (body.includes('hold queue overflow')) {
      this.agg.addLoss({ kind: 'hold-queue-overflow', certain: true, file: this.file, line: lineNo, message: 'the kauditd hold queue overflowed: records were dropped' });
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
    if (auditId !== undefined && Number.isFinite(auditId)) this.prevSerial = Math.max(this.prevSerial, auditId);
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
    const interpreted = rendering === 'ausearch';
    const f = interpreted ? parseFields(s, start) : parseRawFields(s, start);
    const sys = f.syscall;
    if (sys === undefined || sys === '') {
      this.agg.malformed(this.file, lineNo);
      return undefined;
    }
    this.checkSerial(serial, rendering, lineNo);
    // Architecture.
    let nr: number | undefined;
    if (isDigits(sys)) nr = Number(sys);
    const archText = f.arch;
    let arch: ArchId;
    if (archText === undefined) {
      arch = this.native;
      this.agg.warn({
        code: 'NO_ARCH_FIELD', severity: 'warning', file: this.file, line: lineNo,
        message: `records without arch= (older kernels) are taken as the native architecture (${arch})`,
        fix: 'pass --arch if the records came from a machine of another architecture',
      });
    } else {
      const a = archOf(archText, nr);
      if (!a) {
        this.agg.malformed(this.file, lineNo);
        this.agg.warn({ code: 'UNKNOWN_ARCH', severity: 'warning', file: this.file, line: lineNo, message: `unknown arch=${archText}; record skipped` });
        return undefined;
      }
      arch = a.id;
      // x32: the interpreted form gives a name, not the number with the x32 bit.
    }
    let name: string | undefined;
    if (nr !== undefined) {
      name = syscallName(arch, nr);
      if (name === undefined) {
        this.agg.warn({
          code: 'UNKNOWN_SYSCALL_NUMBER', severity: 'warning', file: this.file, line: lineNo,
          message: `syscall ${nr} has no name on ${arch} in the Linux 6.12 tables; it cannot be allowed by name`,
        });
      }
    } else {
      const um = /^unknown-syscall\((-?\d+)\)$/.exec(sys);
      if (um) {
        nr = Number(um[1]);
        name = syscallName(arch, nr);
      } else {
        const n = syscallNumber(arch, sys) !== undefined ? sys : AUDIT_NAME_ALIASES[sys] ?? sys;
        name = n;
        nr = syscallNumber(arch, n);
        if (nr === undefined) {
          this.agg.warn({ code: 'UNKNOWN_SYSCALL_NAME', severity: 'warning', file: this.file, line: lineNo, message: `syscall=${sys} is not a syscall on ${arch}` });
        }
      }
    }
    // Action.
    const action: SeenAction = f.code !== undefined ? actionOfCodeField(f.code) : 'unknown';
    const pidText = f.pid;
    const pid = pidText !== undefined && isDigits(pidText) ? Number(pidText) : undefined;
    const comm = untrusted(f.comm, f.commQuoted, interpreted);
    const exe = untrusted(f.exe, f.exeQuoted, interpreted);
    const compatText = f.compat;
    const compat = compatText === undefined ? undefined : compatText === '1';
    const exec = name === 'execve' || name === 'execveat';
    if (exec) this.sawExec = true;
    this.records++;
    const slot = this.agg.addSlot({
      arch, nr, name, action, count: 1, rendering, file: this.file, line: lineNo,
      pid, comm, exe, compat, args: undefined,
    });
    return { slot, exec };
  }

  /** Audit serials are global and consecutive: a jump means records went missing in between. */
  private checkSerial(serial: number | undefined, rendering: Rendering, lineNo: number): void {
    if (serial === undefined) return;
    if (this.prevSerialRendering === undefined) {
      this.boundary.serial ??= { serial, rendering, line: lineNo, lossIndex: this.agg.lossCount, prev: this.prevSerial };
    }
    if (this.prevSerial >= 0 && serial > this.prevSerial + 1 && this.prevSerialRendering === rendering) {
      this.agg.addLoss(serialGapLoss(this.prevSerial, serial, rendering, this.file, lineNo));
    }
    if (serial >= this.prevSerial || this.prevSerialRendering !== rendering) {
      this.prevSerial = serial;
    } else if (this.prevSerial - serial > 1000) {
      this.prevSerial = serial; // a new boot or another log file: start over
    }
    this.prevSerialRendering = rendering;
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
    const b = part.boundary;
    const edits: LossEdits = { inserts: [], replace: undefined };
    if (b.serial) {
      const { serial, rendering, line } = b.serial;
      const prev = Math.max(this.prevSerial, b.serial.prev);
      if (prev >= 0 && serial > prev + 1 && this.prevSerialRendering === rendering) {
        edits.inserts.push({ at: b.serial.lossIndex, signal: serialGapLoss(prev, serial, rendering, this.file, line + lineOffset) });
      }
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
    if (this.records > 0 && !this.sawExec) {
      this.agg.addLoss({
        kind: 'mid-workload', certain: false, file: this.file, line: lineNo,
        message: 'no execve was recorded: the log probably starts after the workload started, so syscalls made before it (startup, runtime) are missing',
      });
    }
  }
}

const JOURNALD_TAIL = Buffer.from(']: SECCOMP ');
const DMESG_HEAD = Buffer.from('audit: type=1326 audit(');
const AUDITD_HEAD = Buffer.from('type=SECCOMP msg=');
const TYPE_EQ = Buffer.from('type=');
const KERNEL_MARKERS = [Buffer.from('type=1326 '), Buffer.from('type=SECCOMP ')];

/** Whether buf[i, end) starts with `needle`. */
function bytesAt(buf: Buffer, i: number, end: number, needle: Buffer): boolean {
  if (i + needle.length > end) return false;
  for (let k = 0; k < needle.length; k++) if (buf[i + k] !== needle[k]) return false;
  return true;
}

/** A character `\b` counts as a word character: [A-Za-z0-9_]. */
function isWordByte(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Whether buf[from, to) holds `type=1326 ` or `type=SECCOMP ` (what makes line() read a kernel-form record). */
function hasKernelMarker(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (buf[i] !== 116 /* t */) continue;
    for (const m of KERNEL_MARKERS) if (bytesAt(buf, i, to, m)) return true;
  }
  return false;
}

/**
 * serialOf on the bytes of a stamp, for the plain case (1 to 15 digits after the last colon); null for anything
 * else (the caller takes the general path, where serialOf decides).
 */
function serialOfBytes(buf: Buffer, from: number, to: number): number | null {
  let i = to;
  while (i > from && buf[i - 1] !== 58 /* : */) i--;
  if (to - i < 1 || to - i > 15) return null;
  let n = 0;
  for (let k = i; k < to; k++) {
    const c = buf[k]!;
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
  }
  return n;
}

function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 15) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

const archCache = new Map<string, ArchInfo | undefined>();

/** The kernel prints `arch=%x`: unpadded hex (s390 `16`, ppc `14`, mips `8`, x86_64 `c000003e`). */
const AUDIT_ARCH_HEX = /^[0-9a-f]{1,8}$/i;

/** arch= as hex audit code (raw) or name (ausearch -i); x32 is told from x86_64 by the number. */
function archOf(text: string, nr: number | undefined): ArchInfo | undefined {
  if (nr !== undefined && nr >= X32_SYSCALL_BIT) return AUDIT_ARCH_HEX.test(text) ? archFromAudit(parseInt(text, 16), nr) : resolveArch(text);
  let a = archCache.get(text);
  if (a === undefined && !archCache.has(text)) {
    a = AUDIT_ARCH_HEX.test(text) ? archFromAudit(parseInt(text, 16)) : resolveArch(text);
    if (archCache.size < 256) archCache.set(text, a);
  }
  return a;
}

/** The serial of an `audit(…)` stamp: the number after the last colon (`1795818969.767:462`, `11/27/26 22:59:00.123:1656`). */
function serialOf(stamp: string): number | undefined {
  const i = stamp.lastIndexOf(':');
  const n = Number(stamp.slice(i + 1));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}
