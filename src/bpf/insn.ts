// Classic BPF instructions: the `struct sock_filter` model, opcode constants, and the json/raw encodings.
import { UserError } from '../common/index.js';

/** One `struct sock_filter`: 16-bit opcode, 8-bit jump offsets, 32-bit constant. */
export interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

/** Opcode classes and fields (include/uapi/linux/filter.h, bpf_common.h). */
export const BPF = {
  LD: 0x00, LDX: 0x01, ST: 0x02, STX: 0x03, ALU: 0x04, JMP: 0x05, RET: 0x06, MISC: 0x07,
  W: 0x00, H: 0x08, B: 0x10,
  IMM: 0x00, ABS: 0x20, IND: 0x40, MEM: 0x60, LEN: 0x80, MSH: 0xa0,
  ADD: 0x00, SUB: 0x10, MUL: 0x20, DIV: 0x30, OR: 0x40, AND: 0x50, LSH: 0x60, RSH: 0x70, NEG: 0x80, MOD: 0x90, XOR: 0xa0,
  JA: 0x00, JEQ: 0x10, JGT: 0x20, JGE: 0x30, JSET: 0x40,
  K: 0x00, X: 0x08, A: 0x10,
  TAX: 0x00, TXA: 0x80,
} as const;

/** The largest program the kernel loads (BPF_MAXINSNS). */
export const MAX_INSNS = 4096;
/** Size of `struct seccomp_data`. */
export const SECCOMP_DATA_SIZE = 64;

/** A statement (no jumps). */
export function stmt(code: number, k: number): Insn {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}

/** A jump. */
export function jump(code: number, k: number, jt: number, jf: number): Insn {
  return { code, jt, jf, k: k >>> 0 };
}

/** `[{code, jt, jf, k}]` as JSON text. */
export function toJson(prog: readonly Insn[]): string {
  return '[\n' + prog.map((i) => `  {"code": ${i.code}, "jt": ${i.jt}, "jf": ${i.jf}, "k": ${i.k}}`).join(',\n') + '\n]\n';
}

/** The binary `struct sock_filter` array (8 bytes each, in the byte order of the machine that loads it). */
export function toRaw(prog: readonly Insn[], endian: 'little' | 'big' = 'little'): Uint8Array {
  const buf = Buffer.alloc(prog.length * 8);
  prog.forEach((i, n) => {
    const o = n * 8;
    if (endian === 'little') {
      buf.writeUInt16LE(i.code, o);
      buf.writeUInt32LE(i.k >>> 0, o + 4);
    } else {
      buf.writeUInt16BE(i.code, o);
      buf.writeUInt32BE(i.k >>> 0, o + 4);
    }
    buf.writeUInt8(i.jt, o + 2);
    buf.writeUInt8(i.jf, o + 3);
  });
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.length);
}

/** Reads a binary `struct sock_filter` array (e.g. libseccomp's `seccomp_export_bpf` output). */
export function fromRaw(bytes: Uint8Array, endian: 'little' | 'big' = 'little'): Insn[] {
  if (bytes.length % 8 !== 0) throw new UserError(`raw BPF must be a multiple of 8 bytes, got ${bytes.length}`);
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const out: Insn[] = [];
  for (let o = 0; o < b.length; o += 8) {
    out.push({
      code: endian === 'little' ? b.readUInt16LE(o) : b.readUInt16BE(o),
      jt: b.readUInt8(o + 2),
      jf: b.readUInt8(o + 3),
      k: endian === 'little' ? b.readUInt32LE(o + 4) : b.readUInt32BE(o + 4),
    });
  }
  return out;
}

/** Parses `[{code, jt, jf, k}]` JSON, checking every field's range. */
export function fromJson(text: string): Insn[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UserError(`BPF JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(raw)) throw new UserError('BPF JSON: expected an array of {code, jt, jf, k}');
  return raw.map((v: unknown, n) => {
    const o = v as Record<string, unknown>;
    const f = (name: string, max: number): number => {
      const x = o?.[name];
      if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > max) {
        throw new UserError(`BPF JSON: [${n}].${name} must be an integer 0..${max}`);
      }
      return x;
    };
    return { code: f('code', 0xffff), jt: f('jt', 0xff), jf: f('jf', 0xff), k: f('k', 0xffffffff) };
  });
}
