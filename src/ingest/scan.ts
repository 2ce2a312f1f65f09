// The byte-level prefilter of audit files: find the next line that mentions `audit`, counting the lines skipped on
// the way, without decoding anything. Two implementations with the same contract:
// - `WasmScanner`: a tiny WebAssembly SIMD module (16 bytes per step: newline count and candidate search in one
//   pass over the bytes, like grep's memchr); the read buffer lives inside its memory, so nothing is copied. It
//   also finds a line's end (telling whether the line is ASCII) and hashes byte ranges, for AuditParser.fastLine;
// - `jsFindAudit`: Buffer.indexOf per line (any Buffer; used for pushChunk input and when WebAssembly SIMD is
//   unavailable).
// The Ingester uses them only where every line without `audit` is skipped anyway (AuditParser.prefilterSafe).

/** Result of one search: the offset of the first `audit` (or -1), the newlines before it and where the last was. */
export interface FindResult {
  hit: number;
  newlines: number;
  /** The offset of the last newline before the hit (or before the end, without a hit); -1 when there is none. */
  lastNewline: number;
}

const AUDIT = Buffer.from('audit');

/**
 * Finds the first `audit` in buf[from, to) and counts the newlines in buf[from, hit) (or in buf[from, to) when
 * there is none). The reference implementation.
 */
export function jsFindAudit(buf: Buffer, from: number, to: number, out: FindResult): void {
  let hit = buf.indexOf(AUDIT, from);
  if (hit >= to || hit + AUDIT.length > to) hit = -1;
  const stop = hit < 0 ? to : hit;
  let n = 0;
  let last = -1;
  let nl = buf.indexOf(10, from);
  while (nl >= 0 && nl < stop) {
    n++;
    last = nl;
    nl = buf.indexOf(10, nl + 1);
  }
  out.hit = hit;
  out.newlines = n;
  out.lastNewline = last;
}

// ---- The WebAssembly module, assembled here from its instructions (no toolchain, no binary blob) ----------------
// Exports: memory `mem` (the read buffer, then the results), functions `find`, `eol`, `hash` (below).

/** The opcodes used (WebAssembly core spec + SIMD proposal, prefix 0xfd). */
const OP = {
  block: 0x02, select: 0x1b, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f,
  localGet: 0x20, localSet: 0x21, localTee: 0x22, globalGet: 0x23, globalSet: 0x24, store32: 0x36,
  load8u: 0x2d, i32const: 0x41, eqz: 0x45, eq: 0x46, ne: 0x47, ltU: 0x49, gtU: 0x4b, geU: 0x4f,
  load32: 0x28, clz: 0x67, ctz: 0x68, popcnt: 0x69, add: 0x6a, sub: 0x6b, mul: 0x6c, and: 0x71, or: 0x72, xor: 0x73,
  shl: 0x74, shrU: 0x76, rotl: 0x77,
  void: 0x40, i32: 0x7f, i64: 0x7e, v128: 0x7b,
  i64const: 0x42, i64eqz: 0x50, i64clz: 0x79, i64popcnt: 0x7b, i64or: 0x84, i64shl: 0x86, i32wrap: 0xa7, i64extendU: 0xad,
  simd: 0xfd, v128load: 0x00, splat8: 0x0f, eq8: 0x23, v128and: 0x4e, v128or: 0x50, anyTrue: 0x53, bitmask8: 0x64, splat32: 0x11, extractLane32: 0x1b,
  add32x4: [0xae, 0x01], mul32x4: [0xb5, 0x01],
} as const;

/** Unsigned LEB128. */
function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (for i32.const). */
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Buffer.from(s)];
}

/**
 * The buffer is the first SCAN_BUFFER_BYTES of memory; the functions leave their extra results as i32s right after
 * it (JS reads them through an Int32Array: much cheaper than WebAssembly.Global accessors, once per record).
 */
export const SCAN_BUFFER_BYTES = 4 << 20;
const RES_NEWLINES = SCAN_BUFFER_BYTES;
const RES_LAST = SCAN_BUFFER_BYTES + 4;
const RES_HIGH = SCAN_BUFFER_BYTES + 8;
/** The arena: copies of byte ranges to compare later (AuditParser's payload memo), after the results. */
const ARENA = SCAN_BUFFER_BYTES + 64;
export const ARENA_BYTES = 1 << 20;
const PAGES = (ARENA + ARENA_BYTES) / 65536 + 1;

/** Small helpers shared by the function bodies below. */
const get = (l: number) => [OP.localGet, l];
const set = (l: number) => [OP.localSet, l];
const c = (n: number) => [OP.i32const, ...sleb(n)];
const byteAt = (local: number, off: number) => [...get(local), OP.load8u, 0, ...uleb(off)];
const splatEq = (ch: number) => [...c(ch), OP.simd, OP.splat8, OP.simd, OP.eq8];
const v128At = (local: number, off: number) => [...get(local), OP.simd, OP.v128load, 0, ...uleb(off)];
/** `(1 << b) - 1`: the mask of the bits below bit b. */
const below = (b: number) => [...c(1), ...get(b), OP.shl, ...c(1), OP.sub];
/** The position of the highest set bit of `mask` in the 16-byte block at `i`: `i + 31 - clz(mask)`. */
const highest = (i: number, mask: number[]) => [...get(i), ...c(31), OP.add, ...mask, OP.clz, OP.sub];

/** Stores an i32 at a fixed address. */
const store = (addr: number, value: number[]) => [...c(addr), ...value, OP.store32, 2, 0];

/** A function body: its extra locals (count and type per group, or a number of i32s) and its code. */
function funcBody(locals: number | [number, number][], code: number[]): number[] {
  const groups = typeof locals === 'number' ? (locals > 0 ? [[locals, OP.i32] as [number, number]] : []) : locals;
  const body = [...vec(groups.map(([n, t]) => [...uleb(n), t])), ...code, OP.end];
  return [...uleb(body.length), ...body];
}

/**
 * `find(i, end)`: the first `audit` in [i, end) or -1; RES_NEWLINES ← newlines before it, RES_LAST ← the last newline
 * before it (-1: none). Locals: 0 $i, 1 $end, 2 $m, 3 $nlm, 4 $b, 5 $n, 6 $last.
 */
function findBody(): number[] {
  const o = OP;
  const I = 0, END = 1, M = 2, NLM = 3, B = 4, N = 5, LAST = 6, STOP = 7, X = 8;
  const ret = (value: number[]) => [...store(RES_NEWLINES, get(N)), ...store(RES_LAST, get(LAST)), ...value, o.return];
  /** The candidate lanes of the 16 bytes at i+off: 'a' there, 'd' two further, 't' four further. */
  const cand = (off: number) => [
    ...v128At(I, off), ...splatEq(0x61), ...v128At(I, off + 2), ...splatEq(0x64), o.simd, o.v128and,
    ...v128At(I, off + 4), ...splatEq(0x74), o.simd, o.v128and,
  ];
  /** The newline bits of the 16 bytes at i+off, as an i64 shifted to bit `off`. */
  const nl64 = (off: number) => [
    ...v128At(I, off), ...splatEq(10), o.simd, o.bitmask8, o.i64extendU,
    ...(off > 0 ? [o.i64const, ...sleb(off), o.i64shl] : []),
  ];
  return funcBody([[6, o.i32], [1, o.i64]], [
    ...c(-1), ...set(LAST),
    // block $done { loop $outer { block $slow { loop $fast { … } } loop $step { … } } }
    o.block, o.void,
    o.loop, o.void,
    // Fast loop, 64 bytes a step while 68 remain and no candidate: newline count and last newline only.
    o.block, o.void,
    o.loop, o.void,
    ...get(I), ...c(68), o.add, ...get(END), o.gtU, o.brIf, 1,
    ...cand(0), ...cand(16), o.simd, o.v128or, ...cand(32), o.simd, o.v128or, ...cand(48), o.simd, o.v128or,
    o.simd, o.anyTrue, o.brIf, 1,
    ...nl64(0), ...nl64(16), o.i64or, ...nl64(32), o.i64or, ...nl64(48), o.i64or, ...set(X),
    ...get(N), ...get(X), o.i64popcnt, o.i32wrap, o.add, ...set(N),
    // last = x ? i + 63 - clz(x) : last (branch-free)
    ...get(I), ...c(63), o.add, ...get(X), o.i64clz, o.i32wrap, o.sub, ...get(LAST), ...get(X), o.i64eqz, o.eqz, o.select, ...set(LAST),
    ...get(I), ...c(64), o.add, ...set(I),
    o.br, 0,
    o.end, o.end,
    // Slow loop over the next 64 bytes (a candidate is there), 16 bytes a step while 20 remain.
    ...get(I), ...c(64), o.add, ...set(STOP),
    o.loop, o.void,
    ...get(I), ...c(20), o.add, ...get(END), o.gtU, o.brIf, 2, // to the scalar tail
    ...get(I), ...get(STOP), o.geU, o.brIf, 1, // back to the fast loop
    // nlm = bitmask(v == '\n'); m = bitmask(v == 'a' & v[+2] == 'd' & v[+4] == 't')
    ...v128At(I, 0), ...splatEq(10), o.simd, o.bitmask8, ...set(NLM),
    ...cand(0), o.simd, o.bitmask8, ...set(M),
    // For each candidate bit b (lowest first): block $noHit { loop $bits { ... } }
    o.block, o.void,
    o.loop, o.void,
    ...get(M), o.eqz, o.brIf, 1,
    ...get(M), o.ctz, ...set(B),
    // bytes +1 and +3 are 'u' and 'i': a hit. Count the newlines below it, note the last one, return.
    ...get(I), ...get(B), o.add, o.load8u, 0, 1, ...c(0x75), o.eq,
    ...get(I), ...get(B), o.add, o.load8u, 0, 3, ...c(0x69), o.eq, o.and,
    o.if, o.void,
    ...get(NLM), ...below(B), o.and, ...set(NLM),
    ...get(N), ...get(NLM), o.popcnt, o.add, ...set(N),
    ...get(NLM), o.if, o.void, ...highest(I, get(NLM)), ...set(LAST), o.end,
    ...ret([...get(I), ...get(B), o.add]),
    o.end,
    ...get(M), ...get(M), ...c(1), o.sub, o.and, ...set(M),
    o.br, 0,
    o.end, o.end,
    // No hit in this block: count its newlines, note the last one (branch-free: `select`), next block.
    ...get(N), ...get(NLM), o.popcnt, o.add, ...set(N),
    ...highest(I, get(NLM)), ...get(LAST), ...get(NLM), o.select, ...set(LAST),
    ...get(I), ...c(16), o.add, ...set(I),
    o.br, 0,
    o.end, o.end, o.end, // loop $step, loop $outer, block $done
    // Scalar tail, byte by byte: block $out { loop $byte { ... } }
    o.block, o.void,
    o.loop, o.void,
    ...get(I), ...get(END), o.geU, o.brIf, 1,
    ...byteAt(I, 0), ...c(10), o.eq,
    o.if, o.void,
    ...get(N), ...c(1), o.add, ...set(N), ...get(I), ...set(LAST),
    o.end,
    // if (i + 5 <= end && bytes i..i+4 are "audit") return i
    ...get(I), ...c(5), o.add, ...get(END), o.gtU, o.eqz,
    o.if, o.void,
    ...byteAt(I, 0), ...c(0x61), o.eq,
    ...byteAt(I, 1), ...c(0x75), o.eq, o.and,
    ...byteAt(I, 2), ...c(0x64), o.eq, o.and,
    ...byteAt(I, 3), ...c(0x69), o.eq, o.and,
    ...byteAt(I, 4), ...c(0x74), o.eq, o.and,
    o.if, o.void,
    ...ret(get(I)),
    o.end,
    o.end,
    ...get(I), ...c(1), o.add, ...set(I),
    o.br, 0,
    o.end, o.end,
    ...ret(c(-1)),
  ]);
}

/**
 * `eol(i, end)`: the first newline in [i, end) or -1; RES_HIGH ← non-zero when a byte before it is ≥ 0x80 (the line is
 * not ASCII), else 0. Locals: 0 $i, 1 $end, 2 $nlm, 3 $hi, 4 $b.
 */
function eolBody(): number[] {
  const o = OP;
  const I = 0, END = 1, NLM = 2, HI = 3, B = 4;
  const ret = (value: number[]) => [...store(RES_HIGH, get(HI)), ...value, o.return];
  return funcBody(3, [
    o.block, o.void,
    o.loop, o.void,
    ...get(I), ...c(16), o.add, ...get(END), o.gtU, o.brIf, 1,
    ...v128At(I, 0), ...splatEq(10), o.simd, o.bitmask8, ...set(NLM),
    ...get(NLM), o.if, o.void,
    // hi |= the high bits of the bytes below the newline; return its position
    ...get(NLM), o.ctz, ...set(B),
    ...get(HI), ...v128At(I, 0), o.simd, o.bitmask8, ...below(B), o.and, o.or, ...set(HI),
    ...ret([...get(I), ...get(B), o.add]),
    o.end,
    ...get(HI), ...v128At(I, 0), o.simd, o.bitmask8, o.or, ...set(HI),
    ...get(I), ...c(16), o.add, ...set(I),
    o.br, 0,
    o.end, o.end,
    o.block, o.void,
    o.loop, o.void,
    ...get(I), ...get(END), o.geU, o.brIf, 1,
    ...byteAt(I, 0), ...c(10), o.eq,
    o.if, o.void, ...ret(get(I)), o.end,
    ...get(HI), ...byteAt(I, 0), ...c(0x80), o.and, o.or, ...set(HI),
    ...get(I), ...c(1), o.add, ...set(I),
    o.br, 0,
    o.end, o.end,
    ...ret(c(-1)),
  ]);
}

/**
 * `hash(i, end)`: a 32-bit hash of the bytes [i, end): 16 bytes a step into four polynomial lanes (acc = acc * K +
 * v, K odd, so any changed word changes its lane), the lanes folded together, then the tail byte by byte.
 * Locals: 0 $i, 1 $end, 2 $h, 3 $acc (v128).
 */
function hashBody(): number[] {
  const o = OP;
  const I = 0, END = 1, H = 2, ACC = 3;
  const K = 0x27220a95;
  const mix = (word: number[]) => [...get(H), ...c(5), o.rotl, ...word, o.xor, ...c(K), o.mul, ...set(H)];
  const lane = (n: number) => [...get(ACC), o.simd, o.extractLane32, n];
  return funcBody([[1, o.i32], [1, o.v128]], [
    o.block, o.void,
    o.loop, o.void,
    ...get(I), ...c(16), o.add, ...get(END), o.gtU, o.brIf, 1,
    ...get(ACC), ...c(K), o.simd, o.splat32, o.simd, ...o.mul32x4, ...v128At(I, 0), o.simd, ...o.add32x4, ...set(ACC),
    ...get(I), ...c(16), o.add, ...set(I),
    o.br, 0,
    o.end, o.end,
    // h = length-dependent start, then the four lanes, then the tail bytes
    ...get(END), ...get(I), o.sub, ...set(H),
    ...mix(lane(0)), ...mix(lane(1)), ...mix(lane(2)), ...mix(lane(3)),
    o.block, o.void,
    o.loop, o.void,
    ...get(I), ...get(END), o.geU, o.brIf, 1,
    ...mix(byteAt(I, 0)),
    ...get(I), ...c(1), o.add, ...set(I),
    o.br, 0,
    o.end, o.end,
    ...get(H), ...get(H), ...c(16), o.shrU, o.xor,
  ]);
}

/** `same(a, b, len)`: 1 when the bytes [a, a+len) and [b, b+len) are equal (16 at a time), else 0. */
function sameBody(): number[] {
  const o = OP;
  const A = 0, B = 1, LEN = 2;
  return funcBody(0, [
    o.block, o.void,
    o.loop, o.void,
    ...get(LEN), ...c(16), o.ltU, o.brIf, 1,
    ...v128At(A, 0), ...v128At(B, 0), o.simd, o.eq8, o.simd, o.bitmask8, ...c(0xffff), o.ne,
    o.if, o.void, ...c(0), o.return, o.end,
    ...get(A), ...c(16), o.add, ...set(A),
    ...get(B), ...c(16), o.add, ...set(B),
    ...get(LEN), ...c(16), o.sub, ...set(LEN),
    o.br, 0,
    o.end, o.end,
    o.block, o.void,
    o.loop, o.void,
    ...get(LEN), o.eqz, o.brIf, 1,
    ...byteAt(A, 0), ...byteAt(B, 0), o.ne,
    o.if, o.void, ...c(0), o.return, o.end,
    ...get(A), ...c(1), o.add, ...set(A),
    ...get(B), ...c(1), o.add, ...set(B),
    ...get(LEN), ...c(1), o.sub, ...set(LEN),
    o.br, 0,
    o.end, o.end,
    ...c(1),
  ]);
}

/**
 * Triples that every marker AuditParser.line() reacts to contains (`SECCOMP` ⊃ `CCO`, `1326` ⊃ `326`, `printk_skb` ⊃
 * `k_s`, `backlog` ⊃ `klo`, `rate limit exceeded` ⊃ `xce`, `hold queue overflow` ⊃ `rfl`, `audit_lost=` ⊃ `t_l`,
 * `DAEMON_` ⊃ `MON`): a line without any of them has none of the markers.
 */
export const MARKER_TRIPLES = ['CCO', '326', 'k_s', 'klo', 'xce', 'rfl', 't_l', 'MON'] as const;

/**
 * `plain(i, end)`: 1 when no MARKER_TRIPLES triple starts in [i, end), else 0 (also 0 for a triple starting in the
 * 15 bytes after end, which only sends a line to the general path for nothing). 16 positions a step: the bytes at
 * +0, +1, +2 compared with each triple's. Locals: 0 $i, 1 $end, 2 $v0, 3 $v1, 4 $v2 (v128).
 */
function plainBody(): number[] {
  const o = OP;
  const I = 0, END = 1, V0 = 2, V1 = 3, V2 = 4;
  const eqv = (v: number, ch: number) => [...get(v), ...splatEq(ch)];
  const triple = (t: string) => [
    ...eqv(V0, t.charCodeAt(0)), ...eqv(V1, t.charCodeAt(1)), o.simd, o.v128and, ...eqv(V2, t.charCodeAt(2)), o.simd, o.v128and,
  ];
  const any = MARKER_TRIPLES.flatMap((t, k) => [...triple(t), ...(k > 0 ? [o.simd, o.v128or] : [])]);
  return funcBody([[3, o.v128]], [
    o.block, o.void,
    o.loop, o.void,
    ...get(I), ...get(END), o.geU, o.brIf, 1,
    ...v128At(I, 0), ...set(V0), ...v128At(I, 1), ...set(V1), ...v128At(I, 2), ...set(V2),
    ...any, o.simd, o.anyTrue,
    o.if, o.void, ...c(0), o.return, o.end,
    ...get(I), ...c(16), o.add, ...set(I),
    o.br, 0,
    o.end, o.end,
    ...c(1),
  ]);
}

function moduleBytes(): Uint8Array {
  const o = OP;
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([
      [0x60, ...vec([[o.i32], [o.i32]]), ...vec([[o.i32]])], // type 0: (i32, i32) → i32
      [0x60, ...vec([[o.i32], [o.i32], [o.i32]]), ...vec([[o.i32]])], // type 1: (i32, i32, i32) → i32
    ])),
    ...section(3, vec([[0], [0], [0], [1], [0]])), // find, eol, hash, plain: type 0; same: type 1
    ...section(5, vec([[0x00, ...uleb(PAGES)]])), // memory 0: min PAGES
    ...section(7, vec([
      [...name('find'), 0x00, 0], [...name('eol'), 0x00, 1], [...name('hash'), 0x00, 2], [...name('same'), 0x00, 3], [...name('plain'), 0x00, 4],
      [...name('mem'), 0x02, 0],
    ])),
    ...section(10, vec([findBody(), eolBody(), hashBody(), sameBody(), plainBody()])),
  ]);
}

/** The part of the WebAssembly JS API used here (tsconfig has no DOM lib, and @types/node does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/** A scanner over its own memory: `buffer` is where reads go; `find` has jsFindAudit's contract on that buffer. */
export interface WasmScanner {
  /** SCAN_BUFFER_BYTES long. */
  readonly buffer: Buffer;
  find(from: number, to: number, out: FindResult): void;
  /** The first newline in buffer[from, to) or -1; `ascii` tells whether the bytes before it are all < 0x80. */
  eol(from: number, to: number): number;
  readonly ascii: boolean;
  /** A 32-bit hash of buffer[from, to). */
  hash(from: number, to: number): number;
  /** Copies buffer[from, to) into the arena; returns its handle, or -1 when the arena is full (see resetArena). */
  remember(from: number, to: number): number;
  /** Whether buffer[from, to) equals the remembered bytes `at` (of the same length). */
  same(at: number, from: number, to: number): boolean;
  /** Whether no MARKER_TRIPLES triple starts in buffer[from, to) (false also for one in the 15 bytes after). */
  plain(from: number, to: number): boolean;
  /** Forgets everything remembered. */
  resetArena(): void;
  /** Who uses the arena now (a parser takes it over, resetting it, when this is not itself). */
  arenaOwner: unknown;
}

/**
 * A new scanner (its own memory), or undefined when this runtime has no WebAssembly SIMD (callers then use
 * jsFindAudit on an ordinary Buffer).
 */
export function wasmScanner(): WasmScanner | undefined {
  if (compiled === undefined) {
    try {
      compiled = WA ? new WA.Module(moduleBytes()) : null;
    } catch {
      compiled = null;
    }
  }
  if (compiled === null || !WA) return undefined;
  const inst = new WA.Instance(compiled, {});
  const mem = (inst.exports.mem as { readonly buffer: ArrayBuffer }).buffer;
  type Fn = (from: number, to: number) => number;
  const find = inst.exports.find as Fn;
  const res = new Int32Array(mem, SCAN_BUFFER_BYTES, 3);
  const all = Buffer.from(mem);
  const same = inst.exports.same as (a: number, b: number, len: number) => number;
  const plain = inst.exports.plain as Fn;
  let used = 0;
  return {
    buffer: Buffer.from(mem, 0, SCAN_BUFFER_BYTES),
    remember(from: number, to: number): number {
      if (used + (to - from) > ARENA_BYTES) return -1;
      const at = ARENA + used;
      all.copy(all, at, from, to);
      used += to - from;
      return at;
    },
    same(at: number, from: number, to: number): boolean {
      return same(at, from, to - from) === 1;
    },
    resetArena(): void {
      used = 0;
    },
    plain(from: number, to: number): boolean {
      return plain(from, to) === 1;
    },
    arenaOwner: undefined,
    find(from: number, to: number, out: FindResult): void {
      out.hit = find(from, to);
      out.newlines = res[0]!;
      out.lastNewline = res[1]!;
    },
    eol: inst.exports.eol as Fn,
    get ascii(): boolean {
      return res[2] === 0;
    },
    hash: inst.exports.hash as Fn,
  };
}
