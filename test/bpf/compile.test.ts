// Compiler properties: long jumps in big programs, and emulator == evaluator on generated inputs for profiles that
// need them (every arch, every operator), independent of libseccomp.
import { describe, expect, it } from 'vitest';
import { BPF, compileProfile, emulate, evaluateProfile, validateProgram } from '../../src/bpf/index.js';
import type { Profile } from '../../src/profile/index.js';
import { ARCHES, syscallsOf, type ArchId } from '../../src/syscalls/index.js';
import { Rand, randomInput, randomProfile } from './_random.js';

describe('compiler', () => {
  it('long programs use long jumps or nearby returns and still agree with the evaluator', () => {
    const names = [...syscallsOf('x86_64').keys()].slice(0, 200);
    const p: Profile = {
      defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: names.map((n, i) => ({
        names: [n], action: i % 3 === 0 ? 'SCMP_ACT_LOG' : 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: BigInt(i), op: 'SCMP_CMP_EQ' }, { index: 1, value: 0x100000000n + BigInt(i), op: 'SCMP_CMP_LT' }],
      })),
    };
    const { program } = compileProfile(p, { arch: 'x86_64' });
    validateProgram(program);
    expect(program.length).toBeGreaterThan(1000);
    expect(program.some((i) => i.code === (BPF.JMP | BPF.JA))).toBe(true);
    const r = new Rand(7);
    for (let k = 0; k < 5000; k++) {
      const d = randomInput(r, p, 'x86_64');
      expect(emulate(program, d).ret).toBe(evaluateProfile(p, d, { arch: 'x86_64' }).ret);
    }
  });

  it('emulator and evaluator agree on random profiles for every native arch (incl. big-endian and MIPS)', () => {
    const r = new Rand(11);
    const natives = ARCHES.map((a) => a.id);
    let checked = 0;
    for (let i = 0; i < 108; i++) {
      const native: ArchId = natives[i % natives.length]!;
      const pool = [...syscallsOf(native).keys()];
      const p = randomProfile(r, native, pool);
      let program;
      try {
        program = compileProfile(p, { arch: native }).program;
      } catch {
        continue; // refused (unsupported overlap, errno ≥ 4095, mixed byte order): covered elsewhere
      }
      for (let k = 0; k < 300; k++) {
        const d = randomInput(r, p, native);
        expect(emulate(program, d).ret).toBe(evaluateProfile(p, d, { arch: native }).ret);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(8000);
  });
});
