// An emulator of exactly what the kernel accepts and runs: loader checks (bpf_check_classic + seccomp_check_filter)
// and a classic BPF interpreter over `struct seccomp_data`.
import { UserError } from '../common/index.js';
import { BPF, MAX_INSNS, SECCOMP_DATA_SIZE, type Insn } from './insn.js';

/** `struct seccomp_data`: nr and arch as u32, instruction pointer and six args as u64. */
export interface SeccompData {
  /** Syscall number (negative numbers are taken as their u32 two's complement, e.g. -1 = 0xffffffff). */
  nr: number;
  /** AUDIT_ARCH_* value. */
  arch: number;
  /** Instruction pointer (default 0). */
  ip?: bigint;
  /** Up to six u64 arguments (missing ones are 0). */
  args?: readonly bigint[];
}

/** Why the kernel refuses a program (the `seccomp()` call fails with EINVAL). */
export class BpfLoadError extends UserError {
  readonly pc: number | undefined;
  constructor(message: string, pc?: number) {
    super(pc === undefined ? `BPF program rejected: ${message}` : `BPF program rejected at instruction ${pc}: ${message}`);
    this.pc = pc;
  }
}

const ALLOWED = new Set<number>([
  BPF.LD | BPF.W | BPF.ABS, BPF.LD | BPF.W | BPF.LEN, BPF.LDX | BPF.W | BPF.LEN,
  BPF.LD | BPF.IMM, BPF.LDX | BPF.IMM, BPF.LD | BPF.MEM, BPF.LDX | BPF.MEM, BPF.ST, BPF.STX,
  ...[BPF.ADD, BPF.SUB, BPF.MUL, BPF.DIV, BPF.AND, BPF.OR, BPF.XOR, BPF.LSH, BPF.RSH].flatMap((op) => [BPF.ALU | op | BPF.K, BPF.ALU | op | BPF.X]),
  BPF.ALU | BPF.NEG, BPF.MISC | BPF.TAX, BPF.MISC | BPF.TXA,
  BPF.JMP | BPF.JA,
  ...[BPF.JEQ, BPF.JGT, BPF.JGE, BPF.JSET].flatMap((op) => [BPF.JMP | op | BPF.K, BPF.JMP | op | BPF.X]),
  BPF.RET | BPF.K, BPF.RET | BPF.A,
]);

const cls = (code: number): number => code & 0x07;

/** Throws BpfLoadError for anything the kernel's loader refuses; returns normally for a loadable program. */
export function validateProgram(prog: readonly Insn[]): void {
  if (validated.has(prog)) return;
  const n = prog.length;
  if (n < 1 || n > MAX_INSNS) throw new BpfLoadError(`length ${n} is outside 1..${MAX_INSNS} (BPF_MAXINSNS)`);
  prog.forEach((i, pc) => {
    if (!ALLOWED.has(i.code)) throw new BpfLoadError(`opcode 0x${i.code.toString(16)} is not allowed in a seccomp filter`, pc);
    const c = cls(i.code);
    if (i.code === (BPF.LD | BPF.W | BPF.ABS) && (i.k >= SECCOMP_DATA_SIZE || i.k % 4 !== 0)) {
      throw new BpfLoadError(`load offset ${i.k} is not an aligned offset inside struct seccomp_data (k < 64 && k % 4 == 0)`, pc);
    }
    if ((i.code === (BPF.LD | BPF.MEM) || i.code === (BPF.LDX | BPF.MEM) || c === BPF.ST || c === BPF.STX) && i.k >= 16) {
      throw new BpfLoadError(`memory slot ${i.k} does not exist (M[0..15])`, pc);
    }
    if (i.code === (BPF.ALU | BPF.DIV | BPF.K) && i.k === 0) throw new BpfLoadError('division by constant 0', pc);
    if ((i.code === (BPF.ALU | BPF.LSH | BPF.K) || i.code === (BPF.ALU | BPF.RSH | BPF.K)) && i.k >= 32) {
      throw new BpfLoadError(`shift by ${i.k} (must be < 32)`, pc);
    }
    if (i.code === (BPF.JMP | BPF.JA)) {
      if (i.k >= n - pc - 1) throw new BpfLoadError(`jump +${i.k} leaves the program`, pc);
    } else if (c === BPF.JMP) {
      if (pc + i.jt + 1 >= n || pc + i.jf + 1 >= n) throw new BpfLoadError(`conditional jump (+${i.jt}/+${i.jf}) leaves the program`, pc);
    }
  });
  const last = prog[n - 1]!;
  if (last.code !== (BPF.RET | BPF.K) && last.code !== (BPF.RET | BPF.A)) {
    throw new BpfLoadError('the last instruction must be a return', n - 1);
  }
  checkMemory(prog);
  validated.add(prog);
}

// Programs already checked (a program is checked once, not on every emulated syscall; do not mutate one after).
const validated = new WeakSet<readonly Insn[]>();

// check_load_and_stores: every M[k] must be written on every path before it is read.
function checkMemory(prog: readonly Insn[]): void {
  const masks = new Array<number>(prog.length).fill(0xffff);
  let valid = 0xffff;
  masks[0] = 0;
  prog.forEach((i, pc) => {
    valid &= masks[pc]!;
    const c = cls(i.code);
    if (c === BPF.ST || c === BPF.STX) valid |= 1 << i.k;
    else if (i.code === (BPF.LD | BPF.MEM) || i.code === (BPF.LDX | BPF.MEM)) {
      if (!(valid & (1 << i.k))) throw new BpfLoadError(`M[${i.k}] may be read before it is written`, pc);
    } else if (i.code === (BPF.JMP | BPF.JA)) {
      masks[pc + 1 + i.k]! &= valid;
      valid = 0xffff;
    } else if (c === BPF.JMP) {
      masks[pc + 1 + i.jt]! &= valid;
      masks[pc + 1 + i.jf]! &= valid;
      valid = 0xffff;
    } else if (c === BPF.RET) valid = 0xffff;
  });
}

/** One executed instruction: where, what, and the accumulator after it. */
export interface TraceStep {
  pc: number;
  insn: Insn;
  a: number;
}

/** The outcome of running a filter on one seccomp_data. */
export interface EmulationResult {
  /** The 32-bit return value (action | data). */
  ret: number;
  /** Instructions executed, including the final return. */
  executed: number;
  /** Every executed instruction, when asked for. */
  trace?: TraceStep[];
}

/** Serializes seccomp_data the way the kernel lays it out (byte order from the arch's __AUDIT_ARCH_LE bit). */
export function seccompDataWords(d: SeccompData): Uint32Array {
  const le = (d.arch & 0x40000000) !== 0;
  const w = new Uint32Array(16);
  w[0] = d.nr >>> 0;
  w[1] = d.arch >>> 0;
  const put = (idx: number, v: bigint): void => {
    const x = BigInt.asUintN(64, v);
    const lo = Number(x & 0xffffffffn);
    const hi = Number(x >> 32n);
    w[idx] = le ? lo : hi;
    w[idx + 1] = le ? hi : lo;
  };
  put(2, d.ip ?? 0n);
  for (let i = 0; i < 6; i++) put(4 + 2 * i, d.args?.[i] ?? 0n);
  return w;
}

/** Options for emulate. */
export interface EmulateOptions {
  /** Record every executed instruction (default false). */
  trace?: boolean;
  /** Skip the loader checks (default false: a program the kernel would refuse throws BpfLoadError). */
  skipValidation?: boolean;
}

/** Runs a filter the way the kernel does. Throws BpfLoadError for a program the kernel would not load. */
export function emulate(prog: readonly Insn[], data: SeccompData, opts: EmulateOptions = {}): EmulationResult {
  if (!opts.skipValidation) validateProgram(prog);
  const words = seccompDataWords(data);
  const mem = new Uint32Array(16);
  let A = 0;
  let X = 0;
  let pc = 0;
  let executed = 0;
  const trace: TraceStep[] | undefined = opts.trace ? [] : undefined;
  for (;;) {
    const i = prog[pc];
    if (!i) throw new BpfLoadError('execution ran off the end', pc);
    executed++;
    const at = pc;
    const c = cls(i.code);
    let ret: number | undefined;
    switch (c) {
      case BPF.LD:
      case BPF.LDX: {
        const mode = i.code & 0xe0;
        const v = mode === BPF.ABS ? words[i.k >>> 2]! : mode === BPF.IMM ? i.k : mode === BPF.MEM ? mem[i.k]! : SECCOMP_DATA_SIZE;
        if (c === BPF.LD) A = v >>> 0;
        else X = v >>> 0;
        pc++;
        break;
      }
      case BPF.ST: mem[i.k] = A; pc++; break;
      case BPF.STX: mem[i.k] = X; pc++; break;
      case BPF.ALU: {
        const op = i.code & 0xf0;
        const s = (i.code & BPF.X) ? X : i.k;
        if (op === BPF.DIV && s === 0) { ret = 0; break; }
        A = alu(op, A, s);
        pc++;
        break;
      }
      case BPF.MISC:
        if ((i.code & 0xf8) === BPF.TXA) A = X;
        else X = A;
        pc++;
        break;
      case BPF.JMP: {
        const op = i.code & 0xf0;
        if (op === BPF.JA) { pc += 1 + i.k; break; }
        const s = (i.code & BPF.X) ? X : i.k;
        const t = op === BPF.JEQ ? A === s : op === BPF.JGT ? A > s : op === BPF.JGE ? A >= s : (A & s) !== 0;
        pc += 1 + (t ? i.jt : i.jf);
        break;
      }
      case BPF.RET:
        ret = ((i.code & 0x18) === BPF.A ? A : i.k) >>> 0;
        break;
      default:
        throw new BpfLoadError(`opcode 0x${i.code.toString(16)} is not allowed`, pc);
    }
    trace?.push({ pc: at, insn: i, a: A });
    if (ret !== undefined) return trace ? { ret, executed, trace } : { ret, executed };
  }
}

function alu(op: number, a: number, s: number): number {
  switch (op) {
    case BPF.ADD: return (a + s) >>> 0;
    case BPF.SUB: return (a - s) >>> 0;
    case BPF.MUL: return Math.imul(a, s) >>> 0;
    case BPF.DIV: return Math.floor(a / s) >>> 0;
    case BPF.OR: return (a | s) >>> 0;
    case BPF.AND: return (a & s) >>> 0;
    case BPF.XOR: return (a ^ s) >>> 0;
    // Shifts by X use the low 5 bits, as the kernel's interpreter and JITs do.
    case BPF.LSH: return (a << (s & 31)) >>> 0;
    case BPF.RSH: return (a >>> (s & 31)) >>> 0;
    case BPF.NEG: return (-a) >>> 0;
    default: throw new BpfLoadError(`ALU op 0x${op.toString(16)} is not allowed`);
  }
}
