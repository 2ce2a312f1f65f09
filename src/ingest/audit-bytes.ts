// Byte-level helpers of the audit fast path (AuditParser.fastLine): fixed markers and checks on a line's bytes that
// give the same answers as the regular expressions of the general path.
import type { Rendering } from './types.js';

export const JOURNALD_TAIL = Buffer.from(']: SECCOMP ');
export const DMESG_HEAD = Buffer.from('audit: type=1326 audit(');
export const AUDITD_HEAD = Buffer.from('type=SECCOMP msg=');
export const TYPE_EQ = Buffer.from('type=');
export const KERNEL_MARKERS = [Buffer.from('type=1326 '), Buffer.from('type=SECCOMP ')];

/** Whether buf[i, end) starts with `needle`. */
export function bytesAt(buf: Buffer, i: number, end: number, needle: Buffer): boolean {
  if (i + needle.length > end) return false;
  for (let k = 0; k < needle.length; k++) if (buf[i + k] !== needle[k]) return false;
  return true;
}

/** A character `\b` counts as a word character: [A-Za-z0-9_]. */
export function isWordByte(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Whether buf[from, to) holds `type=1326 ` or `type=SECCOMP ` (what makes line() read a kernel-form record). */
export function hasKernelMarker(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    if (buf[i] !== 116 /* t */) continue;
    for (const m of KERNEL_MARKERS) if (bytesAt(buf, i, to, m)) return true;
  }
  return false;
}

/** Whether buf[from, to) holds `) : ` (ausearch's spelling, which line() reads as ausearch). */
export function hasAusearchSeparator(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i + 3 < to; i++) {
    if (buf[i] === 41 /* ) */ && buf[i + 1] === 32 && buf[i + 2] === 58 /* : */ && buf[i + 3] === 32) return true;
  }
  return false;
}

/**
 * serialOf on the bytes of a stamp, for the plain case (1 to 15 digits after the last colon); null for anything
 * else (the caller takes the general path, where serialOf decides).
 */
export function serialOfBytes(buf: Buffer, from: number, to: number): number | null {
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

/** What lineShape found: the rendering, where the payload starts, the stamp's serial (journald has none). */
export const SHAPE: { rendering: Rendering; p: number; serial: number | undefined } = { rendering: 'dmesg', p: 0, serial: undefined };

/**
 * Recognises the common raw shapes on a line's bytes, with the same rules as AuditParser.line(): journald text
 * (`… audit[PID]: SECCOMP payload`), dmesg and syslog (`… audit: type=1326 audit(T:S): payload`) and auditd raw
 * (`type=SECCOMP msg=audit(T:S): payload`). `buf[ls, le)` is one ASCII line without its newline, `h` its first
 * `audit`. On true, SHAPE holds the result (one shared object: no allocation per line); false for any other shape.
 */
export function lineShape(buf: Buffer, ls: number, le: number, h: number): boolean {
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
  SHAPE.rendering = rendering;
  SHAPE.p = p;
  SHAPE.serial = serial;
  return true;
}
