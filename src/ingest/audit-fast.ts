// The byte-level decode of a raw seccomp record payload (AuditParser.fastLine): the fields decodePayload reads, found
// and converted on the bytes of the read buffer, with numbers parsed in place and comm/exe interned by their bytes,
// so a record of the common shape creates no string. Same result as decodePayload(parseRawFields) on such payloads;
// anything else (no arch= or an odd one, a syscall name or unknown number, a code= that is not 0x…) is left to it.
import { archFromAudit, syscallName, X32_SYSCALL_BIT, type ArchId, type ArchInfo } from '../syscalls/index.js';
import { actionOfCode, untrusted } from './audit-fields.js';
import type { SeenAction } from './types.js';

/** What decodeRawBytes found (one shared object: no allocation per record). */
export const FIELDS: {
  arch: ArchId; nr: number; name: string; action: SeenAction;
  pid: number | undefined; comm: string | undefined; exe: string | undefined; compat: boolean | undefined;
} = { arch: 'x86_64', nr: 0, name: '', action: 'unknown', pid: undefined, comm: undefined, exe: undefined, compat: undefined };

/** Where each wanted key's value starts (-1: absent), in the order of the fields below. */
const K_ARCH = 0, K_SYSCALL = 1, K_COMPAT = 2, K_CODE = 3, K_PID = 4, K_COMM = 5, K_EXE = 6;
const at = new Int32Array(7);
const KEYS = ['arch=', 'syscall=', 'compat=', 'code=', 'pid=', 'comm=', 'exe='].map((k) => Buffer.from(k));

function keyAt(buf: Buffer, i: number, key: number): boolean {
  const k = KEYS[key]!;
  for (let j = 1; j < k.length; j++) if (buf[i + j] !== k[j]) return false;
  return true;
}

/** Which key starts at buf[i] (it is at a token start), or -1. */
function whichKey(buf: Buffer, i: number): number {
  switch (buf[i]) {
    case 97: return keyAt(buf, i, K_ARCH) ? K_ARCH : -1; // a
    case 115: return keyAt(buf, i, K_SYSCALL) ? K_SYSCALL : -1; // s
    case 99: // c
      if (buf[i + 1] === 111) { // co
        if (keyAt(buf, i, K_CODE)) return K_CODE;
        if (keyAt(buf, i, K_COMM)) return K_COMM;
        if (keyAt(buf, i, K_COMPAT)) return K_COMPAT;
      }
      return -1;
    case 112: return keyAt(buf, i, K_PID) ? K_PID : -1; // p
    case 101: return keyAt(buf, i, K_EXE) ? K_EXE : -1; // e
    default: return -1;
  }
}

/** The value's end: the closing quote (quoted) or the next space, bounded by `end` (parseRawFields' rules). */
function valueEnd(buf: Buffer, v: number, end: number, le: number): number {
  if (v < le && buf[v] === 34) {
    let q = v + 1;
    while (q < le && buf[q] !== 34) q++;
    return q >= le || q > end ? end : q;
  }
  let sp = v;
  while (sp < le && buf[sp] !== 32) sp++;
  return sp >= le || sp > end ? end : sp;
}

/** Decimal digits buf[a, b) as a number (1 to 15 digits, isDigits' rule), else -1. */
function digits(buf: Buffer, a: number, b: number): number {
  if (b - a < 1 || b - a > 15) return -1;
  let n = 0;
  for (let i = a; i < b; i++) {
    const c = buf[i]!;
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Hex digits buf[a, b) (1 to 8, either case) as a number, else -1. */
function hex(buf: Buffer, a: number, b: number): number {
  if (b - a < 1 || b - a > 8) return -1;
  let n = 0;
  for (let i = a; i < b; i++) {
    const d = hexDigit(buf[i]!);
    if (d < 0) return -1;
    n = n * 16 + d;
  }
  return n;
}

/** actionOfCodeField on `0x…` values; undefined for anything else (names: the string path decides). */
function codeAction(buf: Buffer, a: number, b: number): SeenAction | undefined {
  if (b - a < 2 || buf[a] !== 48 || (buf[a + 1] !== 120 && buf[a + 1] !== 88)) return undefined;
  if (b - a <= 10) {
    const whole = hex(buf, a + 2, b);
    if (whole >= 0) return actionOfCode(whole);
  }
  // Lowercase hex digits only (auditd's enrichment may follow with no separator), at most 8.
  let n = 0;
  let j = a + 2;
  for (; j < b && j < a + 10; j++) {
    const c = buf[j]!;
    if (c >= 48 && c <= 57) n = n * 16 + (c - 48);
    else if (c >= 97 && c <= 102) n = n * 16 + (c - 87);
    else break;
  }
  return j === a + 2 ? 'unknown' : actionOfCode(n);
}

const archByCode = new Map<number, ArchInfo | undefined>();

/**
 * comm/exe values by their bytes (and whether quoted): the decoded string of untrusted(), made once per distinct
 * value. Bounded: starts over when full.
 */
class Interner {
  private readonly table = new Map<number, { raw: Buffer; quoted: boolean; value: string | undefined }[]>();
  private size = 0;

  get(buf: Buffer, a: number, b: number, quoted: boolean): string | undefined {
    let h = (b - a) | (quoted ? 0x40000000 : 0);
    for (let i = a; i < b; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
    const list = this.table.get(h);
    if (list !== undefined) {
      outer: for (let k = 0; k < list.length; k++) {
        const e = list[k]!;
        if (e.quoted !== quoted || e.raw.length !== b - a) continue;
        for (let i = 0; i < e.raw.length; i++) if (e.raw[i] !== buf[a + i]) continue outer;
        return e.value;
      }
    }
    if (this.size >= 16384) {
      this.table.clear();
      this.size = 0;
    }
    const raw = Buffer.from(buf.subarray(a, b));
    const value = untrusted(raw.toString('latin1'), quoted, false);
    const e = { raw, quoted, value };
    if (list !== undefined && this.table.has(h)) list.push(e);
    else this.table.set(h, [e]);
    this.size++;
    return value;
  }
}
const interner = new Interner();

/**
 * Decodes the raw payload buf[p, le) (an ASCII line's) into FIELDS, as decodePayload(…, interpreted = false) would;
 * false, having changed nothing that matters, when the payload is not of the common shape (the caller then takes the
 * string path, which decides: malformed, warnings, names).
 */
export function decodeRawBytes(buf: Buffer, p: number, le: number): boolean {
  at.fill(-1);
  let end = le;
  // The first occurrence of each `key=` at the payload's start or after a space, before any 0x1d.
  let i = p;
  while (i < end) { // i: a token start (the payload's start or just after a space)
    const c = buf[i]!;
    if (c === 0x1d) {
      end = i;
      break;
    }
    if (c === 97 || c === 115 || c === 99 || c === 112 || c === 101) { // a s c p e
      const k = whichKey(buf, i);
      if (k >= 0 && at[k] === -1) at[k] = i + KEYS[k]!.length;
    }
    // to the next token start
    let x = buf[i]!;
    while (x !== 32 && x !== 0x1d && ++i < end) x = buf[i]!;
    if (i >= end) break;
    if (x === 0x1d) {
      end = i;
      break;
    }
    i++;
  }
  const sa = at[K_SYSCALL]!;
  const aa = at[K_ARCH]!;
  if (sa < 0 || aa < 0) return false;
  const nr = digits(buf, sa, valueEnd(buf, sa, end, le));
  if (nr < 0) return false;
  if (buf[aa] === 34) return false;
  const code = hex(buf, aa, valueEnd(buf, aa, end, le));
  if (code < 0) return false;
  let a: ArchInfo | undefined;
  if (nr >= X32_SYSCALL_BIT) {
    a = archFromAudit(code, nr);
  } else {
    a = archByCode.get(code);
    if (a === undefined && !archByCode.has(code)) {
      a = archFromAudit(code);
      archByCode.set(code, a);
    }
  }
  if (a === undefined) return false;
  const name = syscallName(a.id, nr);
  if (name === undefined) return false;
  let action: SeenAction = 'unknown';
  const ca = at[K_CODE]!;
  if (ca >= 0) {
    const x = codeAction(buf, ca, valueEnd(buf, ca, end, le));
    if (x === undefined) return false;
    action = x;
  }
  const pa = at[K_PID]!;
  const cpa = at[K_COMPAT]!;
  // Quoted numbers are read from inside the quotes: the string path.
  if ((pa >= 0 && pa < le && buf[pa] === 34) || (cpa >= 0 && cpa < le && buf[cpa] === 34)) return false;
  let pid: number | undefined;
  if (pa >= 0) {
    const n = digits(buf, pa, valueEnd(buf, pa, end, le));
    pid = n < 0 ? undefined : n;
  }
  let compat: boolean | undefined;
  if (cpa >= 0) {
    const e = valueEnd(buf, cpa, end, le);
    compat = e - cpa === 1 && buf[cpa] === 49;
  }
  FIELDS.arch = a.id;
  FIELDS.nr = nr;
  FIELDS.name = name;
  FIELDS.action = action;
  FIELDS.pid = pid;
  FIELDS.compat = compat;
  FIELDS.comm = untrustedAt(buf, at[K_COMM]!, end, le);
  FIELDS.exe = untrustedAt(buf, at[K_EXE]!, end, le);
  return true;
}

/** untrusted() of the value at `v` (-1: absent). */
function untrustedAt(buf: Buffer, v: number, end: number, le: number): string | undefined {
  if (v < 0) return undefined;
  const e = valueEnd(buf, v, end, le);
  const quoted = v < le && buf[v] === 34;
  return quoted ? interner.get(buf, v + 1, e, true) : interner.get(buf, v, e, false);
}
