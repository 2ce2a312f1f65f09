// Binary-input detection and safe echoing: a file that is not text (a NUL byte, or bytes that are not UTF-8) is refused
// with one line naming the offset of the first offending byte; text quoted in messages never carries raw control bytes.
import { isUtf8 } from 'node:buffer';

/** Where input stops being text: the byte offset (from the start of the input) and why. */
export interface NotText {
  readonly offset: number;
  readonly reason: 'NUL byte' | 'invalid UTF-8';
  /** The offending byte's value (for invalid UTF-8: the first byte of the sequence that is not UTF-8). */
  readonly byte: number;
}

/** The one-line message for input that is not text (what, where, how to fix). */
export function notTextMessage(file: string, n: NotText): string {
  return `${file}: not a text file: ${n.reason} (0x${n.byte.toString(16).padStart(2, '0')}) at byte offset ${n.offset}; ` +
    'expected text (a log, strace output or a JSON/YAML profile), not binary data';
}

/** Length of the UTF-8 sequence a lead byte starts (0: not a lead byte). */
function seqLen(b: number): number {
  if (b < 0x80) return 1;
  if (b >= 0xc2 && b <= 0xdf) return 2;
  if (b >= 0xe0 && b <= 0xef) return 3;
  if (b >= 0xf0 && b <= 0xf4) return 4;
  return 0;
}

/**
 * The first byte of buf[start, end) that is a NUL or starts a sequence that is not UTF-8 (RFC 3629: no overlongs, no
 * surrogates, ≤ U+10FFFF; the offset Python's strict decoder reports as the error's start), offsets plus `base`. With `final` false, a sequence cut by `end` is not an error: `incomplete` tells where it starts.
 */
function scan(buf: Uint8Array, start: number, end: number, base: number, final: boolean): NotText | { incomplete: number } | undefined {
  let i = start;
  while (i < end) {
    const b = buf[i]!;
    if (b < 0x80) {
      if (b === 0) return { offset: base + i, reason: 'NUL byte', byte: 0 };
      i++;
      continue;
    }
    const n = seqLen(b);
    if (n === 0) return { offset: base + i, reason: 'invalid UTF-8', byte: b };
    for (let k = 1; k < n; k++) {
      if (i + k >= end) return final ? { offset: base + i, reason: 'invalid UTF-8', byte: b } : { incomplete: i };
      const c = buf[i + k]!;
      let lo = 0x80;
      let hi = 0xbf;
      if (k === 1) {
        if (b === 0xe0) lo = 0xa0; // overlong
        else if (b === 0xed) hi = 0x9f; // surrogates
        else if (b === 0xf0) lo = 0x90; // overlong
        else if (b === 0xf4) hi = 0x8f; // > U+10FFFF
      }
      if (c < lo || c > hi) return { offset: base + i, reason: 'invalid UTF-8', byte: b };
    }
    i += n;
  }
  return undefined;
}

/** The first offending byte of a whole input, or undefined when it is text. */
export function findNotText(buf: Uint8Array): NotText | undefined {
  if (isUtf8(buf) && buf.indexOf(0) < 0) return undefined;
  const r = scan(buf, 0, buf.length, 0, true);
  return r && 'reason' in r ? r : undefined;
}

/**
 * Checks input that arrives in chunks (any chunking; a UTF-8 sequence may span chunks). `push` returns the first
 * offending byte once there is one (and keeps returning it); `end` also reports a sequence cut by the end.
 */
export class TextChecker {
  /** Bytes pushed so far, plus the offset of the first chunk in its input. */
  private seen: number;
  private tail: Buffer | undefined;
  private bad: NotText | undefined;

  constructor(startOffset = 0) {
    this.seen = startOffset;
  }

  /** The first offending byte found so far. */
  get notText(): NotText | undefined {
    return this.bad;
  }

  push(chunk: Uint8Array): NotText | undefined {
    if (this.bad) return this.bad;
    let buf = chunk;
    let base = this.seen;
    if (this.tail) {
      buf = Buffer.concat([this.tail, chunk]);
      base -= this.tail.length;
      this.tail = undefined;
    }
    this.seen += chunk.length;
    // Fast path: the whole chunk is UTF-8 without NUL (the common case, checked natively).
    if (isUtf8(buf) && buf.indexOf(0) < 0) return undefined;
    const r = scan(buf, 0, buf.length, base, false);
    if (r === undefined) return undefined;
    if ('incomplete' in r) {
      this.tail = Buffer.from(buf.subarray(r.incomplete));
      return undefined;
    }
    this.bad = r;
    return r;
  }

  end(): NotText | undefined {
    if (this.bad || !this.tail) return this.bad;
    const r = scan(this.tail, 0, this.tail.length, this.seen - this.tail.length, true);
    this.tail = undefined;
    if (r && 'reason' in r) this.bad = r;
    return this.bad;
  }
}

/**
 * The first NUL or U+FFFD of a decoded text (U+FFFD is what decoding puts where the bytes were not UTF-8), as a
 * byte offset in the text's UTF-8 encoding; undefined when there is none.
 */
export function findNotTextInString(s: string): NotText | undefined {
  let i = s.indexOf('\0');
  const r = s.indexOf('\ufffd');
  if (i < 0 || (r >= 0 && r < i)) i = r;
  if (i < 0) return undefined;
  const offset = Buffer.byteLength(s.slice(0, i));
  return s.charCodeAt(i) === 0 ? { offset, reason: 'NUL byte', byte: 0 } : { offset, reason: 'invalid UTF-8', byte: 0xfffd };
}

/**
 * Text safe to print in a one-line message: C0 controls (but tab), DEL and C1 controls, and the line and paragraph
 * separators are written as `\xNN` / `\u{NNNN}`, so nothing in a message can move the cursor, change colours or
 * start a new line.
 */
export function escapeControls(s: string): string {
  return s.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}
