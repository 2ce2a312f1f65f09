// How libseccomp treats a syscall's conditional rules together: the conditions it emits per arch, which overlapping
// rules are provably disjoint or nested ranges it orders by value (and that order), and the pairs 2.5.4 merges wrongly.
import type { ArchInfo } from '../syscalls/index.js';
import type { Cond, FilterModel, MergeHazard, RuncRule } from './model.js';

/**
 * The conditions libseccomp actually emits for a rule on an arch: a MASKED_EQ whose mask is 0 in the arch's
 * width is dropped (`_db_arg_cmp_need_lo/hi`), so a rule made only of such conditions is unconditional.
 */
export function effectiveConds(r: RuncRule, a: ArchInfo): readonly Cond[] {
  return r.conds.filter((c) => !(c.op === 'SCMP_CMP_MASKED_EQ' && BigInt.asUintN(a.bits, c.value) === 0n));
}

/** Whether two rules test exactly the same conditions (as libseccomp sees them on this arch). */
export function sameConds(x: readonly Cond[], y: readonly Cond[], width: 32 | 64): boolean {
  const key = (cs: readonly Cond[]): string => cs.map((c) => `${c.index}:${c.op}:${BigInt.asUintN(width, c.value)}:${c.op === 'SCMP_CMP_MASKED_EQ' ? BigInt.asUintN(width, c.valueTwo) : ''}`).sort().join(',');
  return x.length > 0 && key(x) === key(y);
}

const GREATER = new Set(['SCMP_CMP_GT', 'SCMP_CMP_GE']);
const LESS = new Set(['SCMP_CMP_LT', 'SCMP_CMP_LE']);

/** A rule that is one range test (GT/GE/LT/LE) on one argument on this arch: a link of a possible range chain. */
function rangeLink(r: RuncRule, a: ArchInfo): { c: Cond; up: boolean; v: bigint } | undefined {
  const cs = effectiveConds(r, a);
  if (cs.length !== 1) return undefined;
  const c = cs[0]!;
  if (!GREATER.has(c.op) && !LESS.has(c.op)) return undefined;
  return { c, up: GREATER.has(c.op), v: BigInt.asUintN(a.bits, c.value) };
}

/**
 * Why two overlapping rules with different actions cannot be compiled exactly, or null when they can: both are one
 * range test of the same direction on the same argument (`read` arg2 GT 128 → ERRNO 5, GT 256 → ERRNO 6). libseccomp
 * sorts such tests on one tree level by value (db.c `_db_chain_lt`: GT/GE largest first, LT/LE smallest first), so
 * the innermost range decides whatever the rule order (its test 43-sim-a2_order). Refused, with the reason:
 * - equal values with different operators (GT 5 and GE 5): `_db_chain_lt` does not order them, insertion order does;
 * - on 64-bit arches, GT/GE chains of three or more rules where libseccomp 2.5.4's merged high-word test (for
 *   arguments >= 2^32) keeps the action of the last rule added whose value exceeds the first rule's: the answer
 *   for large arguments then depends on rule order; and values >= 2^32, whose high-word tests we have not proven.
 */
export function nestedRefusal(x: RuncRule, y: RuncRule, rs: readonly RuncRule[], a: ArchInfo): string | null {
  const lx = rangeLink(x, a);
  const ly = rangeLink(y, a);
  const generic = "libseccomp's answer would depend on its internal rule tree. Make the conditions exclusive (e.g. EQ on the same argument with different values), or nest ranges of one direction on one argument (GT 128 → ERRNO 5, GT 256 → ERRNO 6: the innermost decides)";
  if (!lx || !ly || lx.c.index !== ly.c.index || lx.up !== ly.up) return generic;
  if (lx.v === ly.v) {
    return `${lx.c.op} ${lx.v} and ${ly.c.op} ${ly.v} compare argument ${lx.c.index} with the same value: libseccomp does not order them, so the rule added first decides (order-dependent). Use one operator, or values that differ`;
  }
  if (a.bits === 64 && lx.up) {
    const chain = chainOf(rs, a, lx.c.index, true);
    // Values whose high words differ: compiled as written, reported as a merge hazard (libseccomp 2.5.4 stops at the
    // first high-word match; see mergeHazards). Otherwise libseccomp 2.5.4 `_db_tree_add` merges the equal high-word
    // tests into one node that keeps the first rule's value and takes the action of every later rule whose value is
    // larger, for arguments whose high word is larger; the innermost range (largest value) should decide.
    if (!hiSplit(chain)) {
      const first = chain[0]!;
      let hi = first;
      for (const e of chain.slice(1)) if (e.l.v > first.l.v) hi = e;
      const inner = chain.reduce((b, e) => (e.l.v > b.l.v ? e : b));
      if (hi.r.ret !== inner.r.ret) {
        return `for arguments whose high 32 bits exceed the values', libseccomp 2.5.4 gives the action of ${hi.r.path} (the last rule added whose value exceeds the first's), not that of the innermost range ${inner.r.path}: the answer depends on rule order. List the ranges from the outermost (smallest value) to the innermost`;
      }
    }
  }
  return null;
}

type Link = { r: RuncRule; l: NonNullable<ReturnType<typeof rangeLink>> };

/** The range links of a syscall's rules on one argument and direction, in the order runc adds them. */
function chainOf(rs: readonly RuncRule[], a: ArchInfo, index: number, up: boolean): Link[] {
  return rs.map((r) => ({ r, l: rangeLink(r, a) })).filter((e): e is Link => e.l !== undefined && e.l.c.index === index && e.l.up === up);
}

/** Whether a 64-bit chain's values differ in their high 32 bits (libseccomp then tests several high-word nodes). */
function hiSplit(chain: readonly Link[]): boolean {
  return new Set(chain.map((e) => e.l.v >> 32n)).size > 1;
}

/**
 * The order in which libseccomp tests a syscall's argument rules, as far as it matters: the links of accepted range
 * chains (see nestedRefusal) innermost first, each chain keeping the slots its rules had; other rules as added.
 */
export function argRuleOrder(rules: readonly RuncRule[], a: ArchInfo): RuncRule[] {
  const out = [...rules];
  const groups = new Map<string, number[]>();
  out.forEach((r, i) => {
    const l = rangeLink(r, a);
    if (!l) return;
    const k = `${l.c.index}:${l.up}`;
    groups.set(k, [...(groups.get(k) ?? []), i]);
  });
  for (const [k, slots] of groups) {
    if (slots.length < 2) continue;
    const up = k.endsWith('true');
    const sorted = slots.map((i) => rules[i]!).sort((p, q) => {
      const vp = rangeLink(p, a)!.v;
      const vq = rangeLink(q, a)!.v;
      return vp === vq ? 0 : (vp > vq) === up ? -1 : 1;
    });
    slots.forEach((slot, j) => { out[slot] = sorted[j]!; });
  }
  return out;
}

type Range = [bigint, bigint];

function ranges(c: Cond, width: 32 | 64): Range[] | null {
  const max = (1n << BigInt(width)) - 1n;
  const v = BigInt.asUintN(width, c.value);
  switch (c.op) {
    case 'SCMP_CMP_EQ': return [[v, v]];
    case 'SCMP_CMP_NE': return ([[0n, v - 1n], [v + 1n, max]] as Range[]).filter(([l, h]) => l <= h);
    case 'SCMP_CMP_LT': return v === 0n ? [] : [[0n, v - 1n]];
    case 'SCMP_CMP_LE': return [[0n, v]];
    case 'SCMP_CMP_GT': return v === max ? [] : [[v + 1n, max]];
    case 'SCMP_CMP_GE': return [[v, max]];
    case 'SCMP_CMP_MASKED_EQ': return null;
  }
}

function condsDisjoint(a: Cond, b: Cond, width: 32 | 64): boolean {
  const m = (c: Cond): [bigint, bigint] => [BigInt.asUintN(width, c.value), BigInt.asUintN(width, c.valueTwo) & BigInt.asUintN(width, c.value)];
  const empty = (c: Cond): boolean => c.op !== 'SCMP_CMP_MASKED_EQ' && ranges(c, width)!.length === 0;
  if (empty(a) || empty(b)) return true;
  if (a.op === 'SCMP_CMP_MASKED_EQ' && b.op === 'SCMP_CMP_MASKED_EQ') {
    const [m1, d1] = m(a);
    const [m2, d2] = m(b);
    return ((d1 ^ d2) & m1 & m2) !== 0n;
  }
  if (a.op === 'SCMP_CMP_MASKED_EQ' || b.op === 'SCMP_CMP_MASKED_EQ') {
    const [mk, other] = a.op === 'SCMP_CMP_MASKED_EQ' ? [a, b] : [b, a];
    if (other.op !== 'SCMP_CMP_EQ') return false;
    const [mm, d] = m(mk);
    return (BigInt.asUintN(width, other.value) & mm) !== d;
  }
  const ra = ranges(a, width)!;
  const rb = ranges(b, width)!;
  return ra.every(([l1, h1]) => rb.every(([l2, h2]) => h1 < l2 || h2 < l1));
}

export function disjoint(x: readonly Cond[], y: readonly Cond[], width: 32 | 64): boolean {
  return x.some((a) => y.some((b) => a.index === b.index && condsDisjoint(a, b, width)));
}

/**
 * libseccomp merges all conditional rules of a syscall into one tree (db.c `_db_tree_add`). When two of them compare
 * the same argument and one comparison is a range (LT/LE/GT/GE) or NE, 2.5.4 was observed to produce filters that
 * differ from the rules as written (GHSA-4q85-33p6-j5g6 is the 64-bit range case, fixed in 2.6.1). We compile the
 * written semantics and report such pairs so a user knows runc on an older libseccomp may disagree.
 */
export function mergeHazards(m: FilterModel): MergeHazard[] {
  const out: MergeHazard[] = [];
  const seen = new Set<string>();
  for (const a of m.arches) {
    const byNr = new Map<number, RuncRule[]>();
    for (const r of m.rules) {
      const n = r.nrs.get(a.id);
      if (n === undefined) continue;
      byNr.set(n, [...(byNr.get(n) ?? []), r]);
    }
    for (const rs of byNr.values()) {
      if (rs.some((r) => effectiveConds(r, a).length === 0)) continue;
      for (let i = 0; i < rs.length; i++) {
        for (let j = i + 1; j < rs.length; j++) {
          const x = effectiveConds(rs[i]!, a);
          const y = effectiveConds(rs[j]!, a);
          // Nested ranges of one direction on one argument are modelled exactly (nestedRefusal, argRuleOrder).
          const lx = rangeLink(rs[i]!, a);
          const ly = rangeLink(rs[j]!, a);
          if (lx && ly && lx.c.index === ly.c.index && lx.up === ly.up && lx.v !== ly.v &&
              (a.bits === 32 || !hiSplit(chainOf(rs, a, lx.c.index, lx.up)))) continue;
          const c = x.find((p) => y.some((q) => q.index === p.index && (risky(p) || risky(q))));
          if (!c) continue;
          const key = `${a.id}:${rs[i]!.path}:${rs[j]!.path}:${rs[i]!.name}`;
          if (seen.has(key)) continue;
          seen.add(key);
          out.push({ arch: a.id, name: rs[i]!.name, rules: [rs[i]!.path, rs[j]!.path], index: c.index });
        }
      }
    }
  }
  return out;
}

function risky(c: Cond): boolean {
  return c.op !== 'SCMP_CMP_EQ' && c.op !== 'SCMP_CMP_MASKED_EQ';
}
