// normalizeProfile keeps meaning: the bpf stage's reference evaluator (an independent implementation of runc +
// libseccomp semantics) gives the same verdict for the profile and its canonical form, on random profiles and calls.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateProfile } from '../../src/bpf/index.js';
import { UserError } from '../../src/common/index.js';
import { normalizeProfile, type Action, type Profile, type SyscallRule } from '../../src/profile/index.js';
import { syscallNumber } from '../../src/syscalls/index.js';

const NAMES = ['read', 'write', 'openat', 'close', 'socket', 'personality', 'mmap', 'kill'];
const ACTIONS: Action[] = ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_LOG', 'SCMP_ACT_TRAP'];
const AUDIT_X86_64 = 0xc000003e;

const arg = fc.record({
  index: fc.nat(2), value: fc.bigInt({ min: 0n, max: 3n }), op: fc.constantFrom('SCMP_CMP_EQ' as const, 'SCMP_CMP_NE' as const, 'SCMP_CMP_GT' as const),
});
const ruleShape = fc.record({
  action: fc.constantFrom(...ACTIONS), errno: fc.constantFrom(1, 38), args: fc.array(arg, { maxLength: 2 }),
});

/** Random rules where each syscall belongs to one (action, errno, args) group only, possibly split over several rules. */
const profileArb: fc.Arbitrary<Profile> = fc.record({
  defaultAction: fc.constantFrom<Action>('SCMP_ACT_ERRNO', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_ALLOW'),
  shapes: fc.array(ruleShape, { minLength: 1, maxLength: 4 }),
  owner: fc.array(fc.nat(3), { minLength: NAMES.length, maxLength: NAMES.length }),
  split: fc.array(fc.boolean(), { minLength: NAMES.length, maxLength: NAMES.length }),
}).map(({ defaultAction, shapes, owner, split }) => {
  const rules: SyscallRule[] = [];
  shapes.forEach((s, k) => {
    const mine = NAMES.filter((_n, i) => owner[i]! % shapes.length === k);
    // Same group written as two rules (plus a duplicate name) to exercise merging and deduplication.
    const a = mine.filter((_n, i) => !split[i]);
    const b = mine.filter((_n, i) => split[i]);
    for (const names of [a, b, b.slice(0, 1)]) {
      if (names.length === 0) continue;
      const r: SyscallRule = { names: [...names].reverse(), action: s.action };
      if (s.action === 'SCMP_ACT_ERRNO') r.errnoRet = s.errno;
      if (s.args.length) r.args = [...s.args].reverse();
      rules.push(r);
    }
  });
  return { defaultAction, ...(defaultAction === 'SCMP_ACT_ERRNO' ? { defaultErrnoRet: 1 } : {}), architectures: ['SCMP_ARCH_X86_64'], flags: [], syscalls: rules.reverse() };
});

const call = fc.record({ name: fc.constantFrom(...NAMES, 'getpid'), args: fc.array(fc.bigInt({ min: 0n, max: 4n }), { minLength: 3, maxLength: 3 }) });

describe('normalizeProfile keeps the meaning (reference evaluator)', () => {
  it('same verdict for every call', () => {
    fc.assert(fc.property(profileArb, fc.array(call, { minLength: 1, maxLength: 12 }), (p, calls) => {
      const n = normalizeProfile(p);
      for (const c of calls) {
        const data = { nr: syscallNumber('x86_64', c.name)!, arch: AUDIT_X86_64, args: c.args };
        expect(evaluateProfile(n, data, { arch: 'x86_64' }).text).toBe(evaluateProfile(p, data, { arch: 'x86_64' }).text);
      }
    }), { numRuns: 300 });
  });
});

/** Free rules: a syscall may sit in several rules with different actions (unconditional contradictions included). */
const freeArb: fc.Arbitrary<Profile> = fc.record({
  defaultAction: fc.constantFrom<Action>('SCMP_ACT_ERRNO', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_ALLOW'),
  rules: fc.array(fc.record({ shape: ruleShape, names: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 6 }),
}).map(({ defaultAction, rules }) => ({
  defaultAction, ...(defaultAction === 'SCMP_ACT_ERRNO' ? { defaultErrnoRet: 1 } : {}), architectures: ['SCMP_ARCH_X86_64'], flags: [],
  syscalls: rules.map(({ shape, names }) => ({
    names, action: shape.action, ...(shape.action === 'SCMP_ACT_ERRNO' ? { errnoRet: shape.errno } : {}), ...(shape.args.length ? { args: shape.args } : {}),
  })),
}));

describe('normalizeProfile keeps the meaning when rules contradict (libseccomp keeps the first unconditional rule)', () => {
  it('same verdict for every call, rules in any order', () => {
    let checked = 0;
    fc.assert(fc.property(freeArb, fc.array(call, { minLength: 1, maxLength: 12 }), (p, calls) => {
      const n = normalizeProfile(p);
      for (const c of calls) {
        const data = { nr: syscallNumber('x86_64', c.name)!, arch: AUDIT_X86_64, args: c.args };
        let want: string;
        try {
          want = evaluateProfile(p, data, { arch: 'x86_64' }).text;
        } catch (e) {
          // Overlapping argument rules (not compilable exactly) or identical ones (runc fails): no verdict to keep.
          if (e instanceof UserError) return;
          throw e;
        }
        expect(evaluateProfile(n, data, { arch: 'x86_64' }).text).toBe(want);
        checked++;
      }
    }), { numRuns: 400 });
    expect(checked).toBeGreaterThan(500);
  });
});
