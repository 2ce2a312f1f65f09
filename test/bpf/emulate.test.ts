// The emulator: loader checks agree with the real kernel's (each program is also loaded with seccomp(2) by a small C
// helper), and execution follows classic BPF semantics.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BPF, BpfLoadError, emulate, fromJson, fromRaw, toJson, toRaw, validateProgram, type Insn } from '../../src/bpf/index.js';
import { haveSystem } from '../helpers/system.js';

const ALLOW = 0x7fff0000;
const s = (code: number, k = 0): Insn => ({ code, jt: 0, jf: 0, k: k >>> 0 });
const j = (code: number, k: number, jt: number, jf: number): Insn => ({ code, jt, jf, k: k >>> 0 });
const RET_ALLOW = s(BPF.RET | BPF.K, ALLOW);
const LD = (k: number): Insn => s(BPF.LD | BPF.W | BPF.ABS, k);

/** Programs and whether the kernel loads them; the emulator must agree with the kernel on every one. */
const PROGRAMS: [string, Insn[]][] = [
  ['empty program', []],
  ['single return', [RET_ALLOW]],
  ['4096 instructions', [...new Array<Insn>(4095).fill(LD(0)), RET_ALLOW]],
  ['4097 instructions', [...new Array<Insn>(4096).fill(LD(0)), RET_ALLOW]],
  ['no final return', [RET_ALLOW, LD(0)]],
  ['final RET A', [LD(0), s(BPF.RET | BPF.A)]],
  ['final RET X', [LD(0), s(BPF.RET | BPF.X)]],
  ['load nr', [LD(0), RET_ALLOW]],
  ['load args[5] high word (offset 60)', [LD(60), RET_ALLOW]],
  ['load offset 64', [LD(64), RET_ALLOW]],
  ['load unaligned offset 2', [LD(2), RET_ALLOW]],
  ['LD H ABS', [s(BPF.LD | BPF.H | BPF.ABS, 0), RET_ALLOW]],
  ['LD B ABS', [s(BPF.LD | BPF.B | BPF.ABS, 0), RET_ALLOW]],
  ['LD W IND', [s(BPF.LD | BPF.W | BPF.IND, 0), RET_ALLOW]],
  ['LDX MSH', [s(BPF.LDX | BPF.B | BPF.MSH, 0), RET_ALLOW]],
  ['LD LEN', [s(BPF.LD | BPF.W | BPF.LEN), RET_ALLOW]],
  ['ALU MOD', [LD(0), s(BPF.ALU | BPF.MOD | BPF.K, 3), RET_ALLOW]],
  ['DIV by constant 0', [LD(0), s(BPF.ALU | BPF.DIV | BPF.K, 0), RET_ALLOW]],
  ['DIV by X', [LD(0), s(BPF.ALU | BPF.DIV | BPF.X), RET_ALLOW]],
  ['LSH by 31', [LD(0), s(BPF.ALU | BPF.LSH | BPF.K, 31), RET_ALLOW]],
  ['LSH by 32', [LD(0), s(BPF.ALU | BPF.LSH | BPF.K, 32), RET_ALLOW]],
  ['JA to the end', [j(BPF.JMP | BPF.JA, 0, 0, 0), RET_ALLOW]],
  ['JA past the end', [j(BPF.JMP | BPF.JA, 1, 0, 0), RET_ALLOW]],
  ['JA backwards (k = -1)', [RET_ALLOW, j(BPF.JMP | BPF.JA, 0xffffffff, 0, 0), RET_ALLOW]],
  ['JEQ true target past the end', [LD(0), j(BPF.JMP | BPF.JEQ | BPF.K, 1, 1, 0), RET_ALLOW]],
  ['JEQ false target past the end', [LD(0), j(BPF.JMP | BPF.JEQ | BPF.K, 1, 0, 2), RET_ALLOW]],
  ['JSET X', [LD(0), j(BPF.JMP | BPF.JSET | BPF.X, 0, 0, 0), RET_ALLOW]],
  ['store then load M[15]', [LD(0), s(BPF.ST, 15), s(BPF.LD | BPF.MEM, 15), RET_ALLOW]],
  ['load M[3] never stored', [s(BPF.LD | BPF.MEM, 3), RET_ALLOW]],
  ['M[2] stored on one path only', [LD(0), j(BPF.JMP | BPF.JEQ | BPF.K, 0, 0, 1), s(BPF.ST, 2), s(BPF.LDX | BPF.MEM, 2), RET_ALLOW]],
  ['store M[16]', [LD(0), s(BPF.ST, 16), RET_ALLOW]],
  ['TAX/TXA/NEG', [LD(0), s(BPF.MISC | BPF.TAX), s(BPF.ALU | BPF.NEG), s(BPF.MISC | BPF.TXA), RET_ALLOW]],
  ['unknown opcode 0xff', [s(0xff), RET_ALLOW]],
];

function emulatorAccepts(p: Insn[]): boolean {
  try {
    validateProgram(p);
    return true;
  } catch (e) {
    if (e instanceof BpfLoadError) return false;
    throw e;
  }
}

describe('loader checks', () => {
  it('reject the classic mistakes', () => {
    for (const name of ['empty program', '4097 instructions', 'no final return', 'load offset 64', 'load unaligned offset 2',
      'JA backwards (k = -1)', 'JEQ true target past the end', 'LD H ABS', 'DIV by constant 0', 'load M[3] never stored']) {
      expect(emulatorAccepts(PROGRAMS.find((p) => p[0] === name)![1]), name).toBe(false);
    }
    expect(emulatorAccepts(PROGRAMS.find((p) => p[0] === '4096 instructions')![1])).toBe(true);
  });

  const canLoad = haveSystem('cc');
  describe.skipIf(!canLoad)('against the kernel', () => {
    let dir = '';
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'seccompctl-bpf-load-'));
      execFileSync('cc', ['-O1', '-o', join(dir, 'load'), fileURLToPath(new URL('../fixtures/bpf/load.c', import.meta.url))]);
    });
    afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

    it('accepts exactly what seccomp(2) accepts', () => {
      const disagreements: string[] = [];
      let rejected = 0;
      PROGRAMS.forEach(([name, prog], i) => {
        const f = join(dir, `p${i}.bpf`);
        writeFileSync(f, toRaw(prog));
        const kernel = execFileSync(join(dir, 'load'), [f]).toString().trim();
        const ours = emulatorAccepts(prog);
        if (kernel !== 'ok') rejected++;
        if ((kernel === 'ok') !== ours) disagreements.push(`${name}: kernel ${kernel}, emulator ${ours ? 'accepts' : 'rejects'}`);
      });
      expect(disagreements).toEqual([]);
      expect(rejected).toBeGreaterThanOrEqual(15);
    });
  });
});

describe('execution', () => {
  const data = { nr: 41, arch: 0xc000003e, args: [0x1_0000_0002n, 7n] };
  it('reads seccomp_data words in the arch byte order (args low word first on little-endian)', () => {
    expect(emulate([LD(16), s(BPF.RET | BPF.A)], data).ret).toBe(2);
    expect(emulate([LD(20), s(BPF.RET | BPF.A)], data).ret).toBe(1);
    const be = { ...data, arch: 0x80000016 };
    expect(emulate([LD(16), s(BPF.RET | BPF.A)], be).ret).toBe(1);
    expect(emulate([LD(4), s(BPF.RET | BPF.A)], data).ret).toBe(0xc000003e);
    expect(emulate([LD(0), s(BPF.RET | BPF.A)], { ...data, nr: -1 }).ret).toBe(0xffffffff);
  });
  it('DIV by X = 0 returns 0 (KILL_THREAD), jumps and ALU wrap at 32 bits', () => {
    expect(emulate([LD(0), s(BPF.ALU | BPF.DIV | BPF.X), RET_ALLOW], data).ret).toBe(0);
    expect(emulate([s(BPF.LD | BPF.IMM, 0xffffffff), s(BPF.ALU | BPF.ADD | BPF.K, 2), s(BPF.RET | BPF.A)], data).ret).toBe(1);
    const prog = [LD(0), j(BPF.JMP | BPF.JGT | BPF.K, 40, 0, 1), RET_ALLOW, s(BPF.RET | BPF.K, 0x50001)];
    expect(emulate(prog, data).ret).toBe(ALLOW);
    expect(emulate(prog, { ...data, nr: 40 }).ret).toBe(0x50001);
    const r = emulate(prog, data, { trace: true });
    expect(r.trace!.map((t) => t.pc)).toEqual([0, 1, 2]);
    expect(r.executed).toBe(3);
  });
  it('refuses to run a program the kernel would not load', () => {
    expect(() => emulate([LD(0)], data)).toThrow(BpfLoadError);
  });
  it('json and raw encodings round-trip', () => {
    const prog = [LD(4), j(BPF.JMP | BPF.JEQ | BPF.K, 0xc000003e, 1, 0), s(BPF.RET | BPF.K, 0), RET_ALLOW];
    expect(fromJson(toJson(prog))).toEqual(prog);
    expect(fromRaw(toRaw(prog))).toEqual(prog);
    expect(fromRaw(toRaw(prog, 'big'), 'big')).toEqual(prog);
    expect(Buffer.from(toRaw([LD(4)])).toString('hex')).toBe('2000000004000000');
  });
});
