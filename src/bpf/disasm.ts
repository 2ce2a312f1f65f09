// Disassembler: one instruction a line with its meaning, naming arches, syscalls and actions.
import { ARCHES, archFromAudit, syscallName } from '../syscalls/index.js';
import { formatRet } from './actions.js';
import { BPF, type Insn } from './insn.js';

/** What the accumulator holds, as far as a forward walk can tell. */
type Src = { kind: 'nr' } | { kind: 'arch' } | { kind: 'word'; name: string } | { kind: 'other' };

interface State {
  src: Src;
  /** The AUDIT_ARCH value known to hold on this path (set by `A == ARCH_*` true branches), or null when unknown. */
  arch: number | null;
}

function archName(k: number): string | undefined {
  const a = ARCHES.find((x) => x.auditArch === k >>> 0 && x.id !== 'x32');
  return a ? `ARCH_${a.scmp.slice('SCMP_ARCH_'.length)}` : undefined;
}

function loadName(k: number, le: boolean): Src {
  if (k === 0) return { kind: 'nr' };
  if (k === 4) return { kind: 'arch' };
  const base = k < 16 ? 'instruction_pointer' : `args[${(k - 16) >> 3}]`;
  const high = ((k % 8) === 4) === le;
  return { kind: 'word', name: high ? `${base} >> 32` : base };
}

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;

/** Options for disassemble. */
export interface DisasmOptions {
  /** Byte order of seccomp_data when no arch check tells (default: little-endian). */
  endian?: 'little' | 'big';
  /** Print the `line CODE JT JF K` columns (default true). */
  raw?: boolean;
}

/** One line per instruction, e.g. ` 0001: 0x15 0x00 0x08 0xc000003e  if (A != ARCH_X86_64) goto 0010`. */
export function disassemble(prog: readonly Insn[], opts: DisasmOptions = {}): string {
  const states: (State | undefined)[] = new Array(prog.length + 1).fill(undefined);
  states[0] = { src: { kind: 'other' }, arch: null };
  const merge = (at: number, s: State): void => {
    const cur = states[at];
    if (!cur) { states[at] = s; return; }
    states[at] = {
      src: JSON.stringify(cur.src) === JSON.stringify(s.src) ? cur.src : { kind: 'other' },
      arch: cur.arch === s.arch ? cur.arch : null,
    };
  };
  const w = String(Math.max(prog.length - 1, 0)).length < 4 ? 4 : String(prog.length - 1).length;
  const label = (pc: number): string => String(pc).padStart(w, '0');
  const lines: string[] = [];
  if (opts.raw !== false) lines.push(` ${'line'.padEnd(w)}  CODE  JT   JF      K`, '='.repeat(w + 31));
  prog.forEach((i, pc) => {
    const st = states[pc] ?? { src: { kind: 'other' }, arch: null };
    const le = st.arch !== null ? (st.arch & 0x40000000) !== 0 : opts.endian !== 'big';
    const cls = i.code & 0x07;
    let text = '';
    const next: State = { src: st.src, arch: st.arch };
    const constName = (k: number, eq: boolean): string => {
      if (st.src.kind === 'arch') return archName(k) ?? hex(k);
      if (eq && st.src.kind === 'nr' && st.arch !== null) {
        const abi = archFromAudit(st.arch, k);
        const name = abi ? syscallName(abi.id, k) : undefined;
        if (name) return name;
      }
      return k < 4096 ? String(k) : hex(k);
    };
    if (cls === BPF.LD || cls === BPF.LDX) {
      const reg = cls === BPF.LD ? 'A' : 'X';
      const mode = i.code & 0xe0;
      let what: string;
      let src: Src = { kind: 'other' };
      if (mode === BPF.ABS) {
        src = loadName(i.k, le);
        what = src.kind === 'nr' ? 'sys_number' : src.kind === 'arch' ? 'arch' : src.kind === 'word' ? src.name : hex(i.k);
      } else if (mode === BPF.IMM) what = hex(i.k);
      else if (mode === BPF.MEM) what = `mem[${i.k}]`;
      else what = '64 (sizeof(struct seccomp_data))';
      text = `${reg} = ${what}`;
      if (cls === BPF.LD) next.src = src;
    } else if (cls === BPF.ST || cls === BPF.STX) {
      text = `mem[${i.k}] = ${cls === BPF.ST ? 'A' : 'X'}`;
    } else if (cls === BPF.ALU) {
      const ops: Record<number, string> = { [BPF.ADD]: '+', [BPF.SUB]: '-', [BPF.MUL]: '*', [BPF.DIV]: '/', [BPF.OR]: '|', [BPF.AND]: '&', [BPF.LSH]: '<<', [BPF.RSH]: '>>', [BPF.XOR]: '^' };
      const op = i.code & 0xf0;
      text = op === BPF.NEG ? 'A = -A' : `A ${ops[op] ?? '?'}= ${(i.code & BPF.X) ? 'X' : hex(i.k)}`;
      next.src = { kind: 'other' };
    } else if (cls === BPF.MISC) {
      text = (i.code & 0xf8) === BPF.TXA ? 'A = X' : 'X = A';
      if ((i.code & 0xf8) === BPF.TXA) next.src = { kind: 'other' };
    } else if (cls === BPF.RET) {
      text = (i.code & 0x18) === BPF.A ? 'return A' : `return ${formatRet(i.k)}`;
    } else if (cls === BPF.JMP) {
      const op = i.code & 0xf0;
      if (op === BPF.JA) {
        text = `goto ${label(pc + 1 + i.k)}`;
        merge(pc + 1 + i.k, next);
      } else {
        const rhs = (i.code & BPF.X) ? 'X' : constName(i.k, (i.code & 0xf0) === BPF.JEQ);
        const [pos, neg] = op === BPF.JEQ ? ['==', '!='] : op === BPF.JGT ? ['>', '<='] : op === BPF.JGE ? ['>=', '<'] : ['&', '&'];
        const cond = (negate: boolean): string => op === BPF.JSET ? (negate ? `!(A & ${rhs})` : `A & ${rhs}`) : `A ${negate ? neg : pos} ${rhs}`;
        const t = pc + 1 + i.jt;
        const f = pc + 1 + i.jf;
        if (i.jt === 0) text = `if (${cond(true)}) goto ${label(f)}`;
        else if (i.jf === 0) text = `if (${cond(false)}) goto ${label(t)}`;
        else text = `if (${cond(false)}) goto ${label(t)} else goto ${label(f)}`;
        const onTrue: State = { ...next };
        if (op === BPF.JEQ && !(i.code & BPF.X) && st.src.kind === 'arch') onTrue.arch = i.k >>> 0;
        merge(t, onTrue);
        merge(f, next);
      }
    }
    if (cls !== BPF.JMP && cls !== BPF.RET) merge(pc + 1, next);
    const rawCols = opts.raw === false ? '' : `${hex2(i.code, 2)} ${hex2(i.jt, 2)} ${hex2(i.jf, 2)} ${hex2(i.k, 8)}  `;
    lines.push(` ${label(pc)}: ${rawCols}${text}`);
  });
  return lines.join('\n') + '\n';
}

function hex2(v: number, width: number): string {
  return `0x${(v >>> 0).toString(16).padStart(width, '0')}`;
}
