// The byte-level prefilter of audit files: find the next line that mentions `audit`, counting the lines skipped on
// the way, without decoding anything. Two implementations with the same contract:
// - `WasmScanner`: a tiny WebAssembly SIMD routine (16 bytes per step: newline count and candidate search in one
//   pass over the bytes, like grep's memchr); the read buffer lives inside its memory, so nothing is copied;
// - `jsFindAudit`: Buffer.indexOf per line (any Buffer; used for pushChunk input and when WebAssembly SIMD is
//   unavailable).
// The Ingester uses them only where every line without `audit` is skipped anyway (AuditParser.prefilterSafe).

/** Result of one search: the byte offset of the first `audit` (or -1) and how many `\n` lie before it. */
export interface FindResult {
  hit: number;
  newlines: number;
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
  let nl = buf.indexOf(10, from);
  while (nl >= 0 && nl < stop) {
    n++;
    nl = buf.indexOf(10, nl + 1);
  }
  out.hit = hit;
  out.newlines = n;
}

// ---- WebAssembly module, assembled here from its instructions (no toolchain, no binary blob) -------------------
//
// (module
//   (memory (export "mem") PAGES)
//   (global $nl (export "nl") (mut i32) (i32.const 0))
//   (func (export "find") (param $i i32) (param $end i32) (result i32)
//     ;; SIMD part, 16 bytes a step while 20 bytes remain (the last byte of `audit` is read 4 bytes further):
//     ;;   nlm = bitmask(v == '\n'); m = bitmask(v == 'a' & v[+4] == 't')
//     ;;   for each bit b of m: if bytes b+1..b+3 are "udi": nl += popcnt(nlm & ((1<<b)-1)); return i+b
//     ;;   nl += popcnt(nlm)
//     ;; scalar tail: the same byte by byte; return -1 when there is no `audit`.
//   ))

const OP = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br: 0x0c, brIf: 0x0d, return: 0x0f,
  localGet: 0x20, localSet: 0x21, localTee: 0x22, globalGet: 0x23, globalSet: 0x24,
  load8u: 0x2d, i32const: 0x41, eqz: 0x45, eq: 0x46, ne: 0x47, gtU: 0x4b, geU: 0x4f,
  ctz: 0x68, popcnt: 0x69, add: 0x6a, sub: 0x6b, and: 0x71, shl: 0x74,
  void: 0x40, i32: 0x7f, v128: 0x7b,
  simd: 0xfd, v128load: 0x00, splat8: 0x0f, eq8: 0x23, v128and: 0x4e, bitmask8: 0x64,
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

/** The `find` function body. Locals: 0 $i, 1 $end (params), 2 $m, 3 $nlm, 4 $b. */
function findBody(): number[] {
  const o = OP;
  const I = 0, END = 1, M = 2, NLM = 3, B = 4, N = 5;
  const get = (l: number) => [o.localGet, l];
  const set = (l: number) => [o.localSet, l];
  const c = (n: number) => [o.i32const, ...sleb(n)];
  const byteAt = (local: number, off: number) => [...get(local), o.load8u, 0, ...uleb(off)];
  const splatEq = (ch: number) => [...c(ch), o.simd, o.splat8, o.simd, o.eq8];
  const v128At = (off: number) => [...get(I), o.simd, o.v128load, 0, ...uleb(off)];
  const addNl = (count: number[]) => [...get(N), ...count, o.add, ...set(N)];
  const ret = (value: number[]) => [...get(N), o.globalSet, 0, ...value, o.return];
  const code = [
    // SIMD loop: block $done { loop $step { ... } }
    o.block, o.void,
    o.loop, o.void,
    // if (i + 20 > end) break $done
    ...get(I), ...c(20), o.add, ...get(END), o.gtU, o.brIf, 1,
    // nlm = bitmask(load(i) == '\n')
    ...v128At(0), ...splatEq(10), o.simd, o.bitmask8, ...set(NLM),
    // m = bitmask((load(i) == 'a') & (load(i + 4) == 't'))
    ...v128At(0), ...splatEq(0x61), ...v128At(2), ...splatEq(0x64), o.simd, o.v128and, ...v128At(4), ...splatEq(0x74), o.simd, o.v128and,
    o.simd, o.bitmask8, ...set(M),
    // block $noHit { loop $bits { ... } }
    o.block, o.void,
    o.loop, o.void,
    ...get(M), o.eqz, o.brIf, 1,
    // b = ctz(m); candidate at i + b
    ...get(M), o.ctz, ...set(B),
    // if bytes (i+b)+1..3 are 'u','d','i'
    ...get(I), ...get(B), o.add, o.load8u, 0, 1, ...c(0x75), o.eq,
    ...get(I), ...get(B), o.add, o.load8u, 0, 2, ...c(0x64), o.eq, o.and,
    ...get(I), ...get(B), o.add, o.load8u, 0, 3, ...c(0x69), o.eq, o.and,
    o.if, o.void,
    // nl += popcnt(nlm & ((1 << b) - 1)); return i + b
    ...addNl([...get(NLM), ...c(1), ...get(B), o.shl, ...c(1), o.sub, o.and, o.popcnt]),
    ...ret([...get(I), ...get(B), o.add]),
    o.end,
    // m &= m - 1; continue $bits
    ...get(M), ...get(M), ...c(1), o.sub, o.and, ...set(M),
    o.br, 0,
    o.end, o.end, // loop $bits, block $noHit
    // nl += popcnt(nlm); i += 16; continue $step
    ...addNl([...get(NLM), o.popcnt]),
    ...get(I), ...c(16), o.add, ...set(I),
    o.br, 0,
    o.end, o.end, // loop $step, block $done
    // Scalar tail: block $out { loop $byte { ... } }
    o.block, o.void,
    o.loop, o.void,
    ...get(I), ...get(END), o.geU, o.brIf, 1,
    ...byteAt(I, 0), ...c(10), o.eq,
    o.if, o.void,
    ...addNl(c(1)),
    o.end,
    // if (i + 5 <= end && bytes i..i+4 == "audit") return i
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
    o.end,
  ];
  // Four extra i32 locals ($m, $nlm, $b, $n).
  const body = [...vec([[4, o.i32]]), ...code];
  return [...uleb(body.length), ...body];
}

function moduleBytes(pages: number): Uint8Array {
  const o = OP;
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec([[0x60, ...vec([[o.i32], [o.i32]]), ...vec([[o.i32]])]])), // type 0: (i32, i32) → i32
    ...section(3, vec([[0]])), // func 0 has type 0
    ...section(5, vec([[0x00, ...uleb(pages)]])), // memory 0: min pages
    ...section(6, vec([[o.i32, 0x01, o.i32const, 0, o.end]])), // global 0: mut i32 = 0
    ...section(7, vec([[...name('find'), 0x00, 0], [...name('mem'), 0x02, 0], [...name('nl'), 0x03, 0]])),
    ...section(10, vec([findBody()])),
  ]);
}

/** A scanner over its own memory: `buffer` is where reads go; `find` has jsFindAudit's contract on that buffer. */
export interface WasmScanner {
  readonly buffer: Buffer;
  find(from: number, to: number, out: FindResult): void;
}

/** The part of the WebAssembly JS API used here (tsconfig has no DOM lib, and @types/node does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
interface WasmMemory { readonly buffer: ArrayBuffer; grow(pages: number): number }
interface WasmGlobal { value: number }
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

/**
 * A new scanner whose buffer holds `bytes` bytes, or undefined when this runtime has no WebAssembly SIMD
 * (then callers use jsFindAudit). Each scanner has its own memory.
 */
export function wasmScanner(bytes: number): WasmScanner | undefined {
  const pages = Math.ceil(bytes / 65536);
  if (compiled === undefined) {
    try {
      compiled = WA ? new WA.Module(moduleBytes(pages)) : null;
    } catch {
      compiled = null;
    }
  }
  if (compiled === null || !WA) return undefined;
  const inst = new WA.Instance(compiled, {});
  const mem = inst.exports.mem as WasmMemory;
  const fn = inst.exports.find as (from: number, to: number) => number;
  const nl = inst.exports.nl as WasmGlobal;
  if (mem.buffer.byteLength < bytes) mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / 65536));
  const buffer = Buffer.from(mem.buffer, 0, bytes);
  return {
    buffer,
    find(from: number, to: number, out: FindResult): void {
      nl.value = 0;
      out.hit = fn(from, to);
      out.newlines = nl.value;
    },
  };
}
