// The compiler: profile → classic BPF with the semantics runc + libseccomp give it, laid out for speed:
// an arch dispatch, then per arch a balanced decision tree over syscall-number intervals, then argument checks.
import type { Profile } from '../profile/index.js';
import type { ArchInfo } from '../syscalls/index.js';
import { classify, type Leaf } from './evaluate.js';
import { BPF, MAX_INSNS, jump, stmt, type Insn } from './insn.js';
import { prepareProfile, UnsupportedFeatureError, type Cond, type FilterModel, type RuncRule, type TargetOptions } from './model.js';
import { effectiveConds } from './overlap.js';

/** A compiled filter and the model it was compiled from. */
export interface CompiledFilter {
  program: Insn[];
  model: FilterModel;
}

type Label = number;

// Emits the program backwards (last instruction first), so every jump target is already placed when a jump is
// emitted; a label is an instruction's distance from the end. Targets more than 255 away get a nearby copy of
// the return (for RET targets) or a `goto` long jump.
class BackwardEmitter {
  readonly rev: Insn[] = [];
  private readonly rets = new Map<number, Label>();

  emit(i: Insn): Label {
    this.rev.push(i);
    return this.rev.length - 1;
  }

  ret(value: number): Label {
    const l = this.rets.get(value >>> 0);
    if (l !== undefined && this.rev.length - l - 1 <= 255) return l;
    const n = this.emit(stmt(BPF.RET | BPF.K, value));
    this.rets.set(value >>> 0, n);
    return n;
  }

  load(offset: number): Label {
    return this.emit(stmt(BPF.LD | BPF.W | BPF.ABS, offset));
  }

  private near(target: Label): Label {
    const t = this.rev[target]!;
    if (t.code === (BPF.RET | BPF.K)) return this.ret(t.k);
    return this.emit(jump(BPF.JMP | BPF.JA, this.rev.length - target - 1, 0, 0));
  }

  /** `if (A op k) goto t else goto f`; no instruction at all when both go to the same place. */
  cond(op: number, k: number, t: Label, f: Label): Label {
    if (t === f) return t;
    const dist = (x: Label): number => this.rev.length - x - 1;
    while (dist(t) > 255 || dist(f) > 255) {
      if (dist(t) > 255) t = this.near(t);
      if (dist(f) > 255) f = this.near(f);
    }
    return this.emit(jump(BPF.JMP | op | BPF.K, k, dist(t), dist(f)));
  }

  program(): Insn[] {
    return [...this.rev].reverse();
  }
}

const LO = (v: bigint): number => Number(v & 0xffffffffn);
const HI = (v: bigint): number => Number((v >> 32n) & 0xffffffffn);

/** Word offsets of args[i] in seccomp_data on this arch's byte order. */
function argOffsets(a: ArchInfo, index: number): { lo: number; hi: number } {
  const base = 16 + 8 * index;
  return a.endian === 'little' ? { lo: base, hi: base + 4 } : { lo: base + 4, hi: base };
}

// One argument condition: `t` when it holds, `f` when not. 64-bit arches test the high then the low word;
// 32-bit arches only the low word (the kernel passes 32-bit arguments; libseccomp drops the datum's high half).
function emitCond(e: BackwardEmitter, a: ArchInfo, c: Cond, t: Label, f: Label): Label {
  if (t === f) return t;
  const { lo, hi } = argOffsets(a, c.index);
  const wide = a.bits === 64;
  const v = wide ? c.value : BigInt.asUintN(32, c.value);
  switch (c.op) {
    case 'SCMP_CMP_NE': return emitCond(e, a, { ...c, op: 'SCMP_CMP_EQ' }, f, t);
    case 'SCMP_CMP_LT': return emitCond(e, a, { ...c, op: 'SCMP_CMP_GE' }, f, t);
    case 'SCMP_CMP_LE': return emitCond(e, a, { ...c, op: 'SCMP_CMP_GT' }, f, t);
    case 'SCMP_CMP_EQ': {
      e.cond(BPF.JEQ, LO(v), t, f);
      const entry = e.load(lo);
      if (!wide) return entry;
      e.cond(BPF.JEQ, HI(v), entry, f);
      return e.load(hi);
    }
    case 'SCMP_CMP_GT':
    case 'SCMP_CMP_GE': {
      const op = c.op === 'SCMP_CMP_GT' ? BPF.JGT : BPF.JGE;
      e.cond(op, LO(v), t, f);
      const entry = e.load(lo);
      if (!wide) return entry;
      const eq = e.cond(BPF.JEQ, HI(v), entry, f);
      e.cond(BPF.JGT, HI(v), t, eq);
      return e.load(hi);
    }
    case 'SCMP_CMP_MASKED_EQ': {
      const mask = wide ? c.value : BigInt.asUintN(32, c.value);
      const datum = (wide ? c.valueTwo : BigInt.asUintN(32, c.valueTwo)) & mask;
      const word = (m: number, d: number, off: number, pass: Label): Label => {
        if (m === 0) return pass; // (x & 0) == (d & 0) always
        const j = e.cond(BPF.JEQ, d, pass, f);
        if (j === pass) return pass;
        if (m !== 0xffffffff) e.emit(stmt(BPF.ALU | BPF.AND | BPF.K, m));
        return e.load(off);
      };
      const l = word(LO(mask), LO(datum), lo, t);
      return wide ? word(HI(mask), HI(datum), hi, l) : l;
    }
  }
}

function emitArgs(e: BackwardEmitter, m: FilterModel, leaf: Extract<Leaf, { kind: 'args' }>): Label {
  let next = e.ret(m.defaultRet);
  for (const r of [...leaf.rules].reverse()) next = emitRule(e, leaf.abi, r, next);
  return next;
}

function emitRule(e: BackwardEmitter, a: ArchInfo, r: RuncRule, fail: Label): Label {
  let ok = e.ret(r.ret);
  for (const c of [...effectiveConds(r, a)].reverse()) ok = emitCond(e, a, c, ok, fail);
  return ok;
}

interface Segment {
  start: number;
  leaf: Leaf;
  key: string;
}

const leafKey = (l: Leaf): string => (l.kind === 'ret' ? `r${l.ret >>> 0}` : `a${l.abi.id}:${l.nr}`);

/** The syscall-number intervals of one audit arch, each with one fixed outcome. */
function segments(m: FilterModel, auditArch: number): Segment[] {
  const cuts = new Set<number>([0, 1, 0x40000000, 0x80000000, 0xc0000000, 0xffffffff]);
  const group = m.arches.filter((a) => a.auditArch === auditArch);
  for (const a of group) {
    for (const r of m.rules) {
      const n = r.nrs.get(a.id);
      if (n !== undefined) { cuts.add(n); cuts.add(n + 1); }
    }
    const max = m.stubMax?.get(a.id);
    if (max !== undefined) cuts.add(max + 1);
  }
  const sorted = [...cuts].filter((c) => c <= 0xffffffff).sort((x, y) => x - y);
  const out: Segment[] = [];
  for (const start of sorted) {
    const leaf = classify(m, auditArch, start);
    const key = leafKey(leaf);
    if (out.length && out[out.length - 1]!.key === key) continue;
    out.push({ start, leaf, key });
  }
  return out;
}

/** Most single-number outcomes tested with `==` at the bottom of the tree (fewer instructions than two `>=`). */
const MAX_EQ_CHAIN = 3;

function emitLeaf(e: BackwardEmitter, m: FilterModel, leaf: Leaf): Label {
  return leaf.kind === 'ret' ? e.ret(leaf.ret) : emitArgs(e, m, leaf);
}

// A range of segments where every segment but a few single numbers has one outcome: `if (A == n)` tests for the
// single numbers, then the common outcome. Returns undefined when the range is not of that shape.
function emitEqChain(e: BackwardEmitter, m: FilterModel, segs: readonly Segment[], lo: number, hi: number): Label | undefined {
  const single = (i: number): boolean => i < segs.length - 1 && segs[i + 1]!.start === segs[i]!.start + 1;
  const wide = new Set<string>();
  for (let i = lo; i <= hi; i++) if (!single(i)) wide.add(segs[i]!.key);
  if (wide.size > 1) return undefined;
  const background = wide.size === 1 ? [...wide][0]! : segs[hi]!.key;
  const tests = [];
  for (let i = lo; i <= hi; i++) if (segs[i]!.key !== background) tests.push(i);
  if (tests.length > MAX_EQ_CHAIN || tests.some((i) => !single(i))) return undefined;
  const bgIndex = [...Array(hi - lo + 1).keys()].map((k) => k + lo).find((i) => segs[i]!.key === background)!;
  let next = emitLeaf(e, m, segs[bgIndex]!.leaf);
  for (const i of [...tests].reverse()) next = e.cond(BPF.JEQ, segs[i]!.start, emitLeaf(e, m, segs[i]!.leaf), next);
  return next;
}

function emitTree(e: BackwardEmitter, m: FilterModel, segs: readonly Segment[], lo: number, hi: number): Label {
  if (lo === hi) return emitLeaf(e, m, segs[lo]!.leaf);
  const chain = emitEqChain(e, m, segs, lo, hi);
  if (chain !== undefined) return chain;
  const mid = (lo + hi + 1) >> 1;
  const right = emitTree(e, m, segs, mid, hi);
  const left = emitTree(e, m, segs, lo, mid - 1);
  return e.cond(BPF.JGE, segs[mid]!.start, right, left);
}

/** Compiles a profile for one native arch. Throws UnsupportedFeatureError for what it cannot express exactly. */
export function compileModel(m: FilterModel): Insn[] {
  const e = new BackwardEmitter();
  const auditArches: number[] = [];
  for (const a of m.arches) if (!auditArches.includes(a.auditArch)) auditArches.push(a.auditArch);
  const entries = new Map<number, Label>();
  // Native arch last, so it sits right after the arch dispatch.
  for (const aa of [...auditArches].reverse()) {
    const segs = segments(m, aa);
    const tree = emitTree(e, m, segs, 0, segs.length - 1);
    // An arch whose every syscall has one fixed outcome needs no `A = nr`.
    entries.set(aa, segs.length === 1 ? tree : e.load(0));
  }
  let next = e.ret(m.badArchRet);
  for (const aa of [...auditArches].reverse()) next = e.cond(BPF.JEQ, aa, entries.get(aa)!, next);
  e.load(4);
  const prog = e.program();
  if (prog.length > MAX_INSNS) {
    throw new UnsupportedFeatureError('program size', `the filter needs ${prog.length} instructions; the kernel loads at most ${MAX_INSNS}. Split the profile or drop architectures`);
  }
  return prog;
}

/** Compiles `profile` to a classic BPF seccomp filter as runc + libseccomp would apply it on `opts.arch`. */
export function compileProfile(profile: Profile, opts: TargetOptions = {}): CompiledFilter {
  const model = prepareProfile(profile, opts);
  return { program: compileModel(model), model };
}
