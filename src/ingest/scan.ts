// The byte-level prefilter of audit files: find the next line that mentions `audit`, counting the lines skipped on
// the way, without decoding anything. Two implementations with the same contract:
// - `WasmScanner`: the WebAssembly module built from native/ingest-wasm/ingest.c (SIMD128; the bytes are in
//   ingest-wasm.generated.ts, rebuilt and compared by test/ingest/wasm-build.test.ts); the read buffer lives inside
//   its memory, so nothing is copied. It also finds a line's end (telling whether the line is ASCII), hashes byte
//   ranges and looks for marker triples, for AuditParser.fastLine/fastOther, and runs the whole record loop for the
//   lines it can settle (`run`, driven by wasm-agg.ts);
// - `jsFindAudit`: Buffer.indexOf per line (any Buffer; used for pushChunk input and when WebAssembly SIMD is
//   unavailable).
// The Ingester uses them only where every line without `audit` is skipped anyway (AuditParser.prefilterSafe).
import { INGEST_WASM_BASE64 } from './ingest-wasm.generated.js';

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

/** The read buffer's size (ingest.c BUF_BYTES) and the payload memo's arena (ARENA_BYTES). */
export const SCAN_BUFFER_BYTES = 4 << 20;
export const ARENA_BYTES = 1 << 20;

/**
 * Triples that every marker AuditParser.line() reacts to contains (`SECCOMP` ⊃ `CCO`, `1326` ⊃ `326`, `printk_skb` ⊃
 * `k_s`, `backlog` ⊃ `klo`, `rate limit exceeded` ⊃ `xce`, `hold queue overflow` ⊃ `rfl`, `audit_lost=` ⊃ `t_l`,
 * `DAEMON_` ⊃ `MON`): a line without any of them has none of the markers. (ingest.c TRIPLES: the same list.)
 */
export const MARKER_TRIPLES = ['CCO', '326', 'k_s', 'klo', 'xce', 'rfl', 't_l', 'MON'] as const;

/** The part of the WebAssembly JS API used here (tsconfig has no DOM lib, and @types/node does not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

type Fn0 = () => number;
type Fn2 = (a: number, b: number) => number;

/** The module's exports (ingest.c) and views of its memory, for wasm-agg.ts. */
export interface WasmCore {
  readonly mem: ArrayBuffer;
  readonly fn: {
    run: Fn2; reset: () => void; clear_counts: () => void;
    reg_arch: (code: number, x32: number, compatOk: number) => number;
    reg_rendering: (r: number) => void;
    reg_proc: (pid: number, comm: number, exe: number, ref: number) => void;
  };
  /** Exported address of a table (`names_ptr` → names, …). */
  ptr(name: string): number;
}

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
  /** Whether no MARKER_TRIPLES triple starts in buffer[from, to). */
  plain(from: number, to: number): boolean;
  /** Forgets everything remembered. */
  resetArena(): void;
  /** Who uses the arena now (a parser takes it over, resetting it, when this is not itself). */
  arenaOwner: unknown;
  /** The record loop's side (wasm-agg.ts). */
  readonly core: WasmCore;
  /** Who uses the core's aggregate tables now (see wasm-agg.ts). */
  coreOwner: unknown;
}

/**
 * A new scanner (its own memory), or undefined when this runtime has no WebAssembly SIMD (callers then use
 * jsFindAudit on an ordinary Buffer).
 */
export function wasmScanner(): WasmScanner | undefined {
  if (compiled === undefined) {
    try {
      compiled = WA ? new WA.Module(Buffer.from(INGEST_WASM_BASE64, 'base64')) : null;
    } catch {
      compiled = null;
    }
  }
  if (compiled === null || !WA) return undefined;
  const x = new WA.Instance(compiled, {}).exports;
  const mem = (x.memory as { readonly buffer: ArrayBuffer }).buffer;
  const bufAt = (x.buf_ptr as Fn0)();
  const arenaAt = (x.arena_ptr as Fn0)();
  const io = new Int32Array(mem, (x.io_ptr as Fn0)(), 64);
  const all = Buffer.from(mem);
  const find = x.find as Fn2;
  const eol = x.eol as Fn2;
  const hash = x.hash as Fn2;
  const same = x.same as (a: number, b: number, len: number) => number;
  const plain = x.plain as Fn2;
  let used = 0;
  const core: WasmCore = {
    mem,
    fn: x as unknown as WasmCore['fn'],
    ptr: (name) => (x[name] as Fn0)(),
  };
  // The functions take and return offsets in the buffer (it starts at bufAt in the memory); `same`'s first, in the arena.
  return {
    buffer: Buffer.from(mem, bufAt, SCAN_BUFFER_BYTES),
    remember(from: number, to: number): number {
      if (used + (to - from) > ARENA_BYTES) return -1;
      const at = used;
      all.copy(all, arenaAt + at, bufAt + from, bufAt + to);
      used += to - from;
      return at;
    },
    same: (at, from, to) => same(at, from, to - from) === 1,
    resetArena(): void {
      used = 0;
    },
    plain: (from, to) => plain(from, to) === 1,
    arenaOwner: undefined,
    coreOwner: undefined,
    find(from: number, to: number, out: FindResult): void {
      out.hit = find(from, to);
      out.newlines = io[0]!;
      out.lastNewline = io[1]!;
    },
    eol,
    get ascii(): boolean {
      return io[2] === 0;
    },
    hash,
    core,
  };
}
