// `seccompctl compile` and `seccompctl check` as a user runs them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSyscall, compileProfile, disassemble, emulate, fromJson, fromRaw, UnsupportedFeatureError } from '../../src/bpf/index.js';
import type { Profile } from '../../src/profile/index.js';
import { syscallsOf } from '../../src/syscalls/index.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'seccompctl-bpf-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PROFILE = `{
  "defaultAction": "SCMP_ACT_ERRNO",
  "defaultErrnoRet": 1,
  "architectures": ["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"],
  "syscalls": [
    { "names": ["read", "write", "close", "openat", "exit_group"], "action": "SCMP_ACT_ALLOW" },
    { "names": ["socket"], "action": "SCMP_ACT_ALLOW",
      "args": [ { "index": 0, "value": 40, "op": "SCMP_CMP_NE" } ] },
    { "names": ["ptrace"], "action": "SCMP_ACT_KILL_PROCESS" }
  ]
}
`;
const file = join(dir, 'profile.json');
writeFileSync(file, PROFILE);

describe('seccompctl check', () => {
  it('denies socket(AF_VSOCK) on arm64 by the default action and names it with its line', async () => {
    const r = await cli(['check', file, 'socket(AF_VSOCK, SOCK_STREAM, 0)', '--arch', 'arm64']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('ERRNO(1)');
    expect(r.stdout).toContain('errno 1 EPERM');
    expect(r.stdout).toContain(`defaultAction (${file}:2:`);
  });
  it('allows socket(AF_INET) by the rule at its JSON path and line; exit 0', async () => {
    const r = await cli(['check', file, 'socket(AF_INET, SOCK_STREAM, 0)', '--arch', 'arm64', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { action: string; decidedBy: { path: string; namePath: string; line: number }; nr: number; executed: number };
    expect(j.action).toBe('ALLOW');
    expect(j.nr).toBe(198);
    expect(j.decidedBy).toMatchObject({ path: 'syscalls[1]', namePath: 'syscalls[1].names[0]', line: 7 });
    expect(j.executed).toBeGreaterThan(3);
  });
  it('--explain prints the executed instructions ending in the return', async () => {
    const r = await cli(['check', file, 'ptrace(0)', '--arch', 'aarch64', '--explain']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('KILL_PROCESS');
    expect(r.stdout).toMatch(/if \(A == ARCH_AARCH64\)/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/return KILL_PROCESS/);
  });
  it('a 32-bit process on an arm64 node: --abi arm; a foreign arch is killed as a bad arch', async () => {
    const arm = await cli(['check', file, 'read(0, 0, 0)', '--arch', 'arm64', '--abi', 'arm', '--json']);
    expect(JSON.parse(arm.stdout)).toMatchObject({ action: 'ALLOW', nr: 3 });
    const x86 = await cli(['check', file, 'read(0, 0, 0)', '--arch', 'arm64', '--abi', 'x86_64', '--json']);
    expect(x86.code).toBe(1);
    expect(JSON.parse(x86.stdout)).toMatchObject({ action: 'KILL_THREAD', reason: 'badarch' });
  });
  it('bad input is exit 2 with a clear message', async () => {
    const r1 = await cli(['check', file, 'sockett(1)', '--arch', 'arm64']);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain('not a syscall');
    const r2 = await cli(['check', file, 'open(0, 0)', '--arch', 'arm64']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('does not exist on SCMP_ARCH_AARCH64');
    const r3 = await cli(['check', file, 'socket(AF_NOPE)', '--arch', 'arm64']);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain('AF_NOPE');
    const r4 = await cli(['check', join(dir, 'missing.json'), 'read']);
    expect(r4.code).toBe(2);
  });
});

describe('seccompctl compile', () => {
  it('disasm is readable and names arches and syscalls', async () => {
    const r = await cli(['compile', file, '--arch', 'aarch64']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ 0000: 0x20 0x00 0x00 0x00000004 {2}A = arch$/m);
    expect(r.stdout).toContain('if (A == ARCH_AARCH64)');
    expect(r.stdout).toContain('return ERRNO(1)');
    expect(r.stdout).toContain('return KILL_PROCESS');
  });
  it('json and raw (-o, atomic) decode to the same program, which emulates as check says', async () => {
    const j = await cli(['compile', file, '--arch', 'aarch64', '--format', 'json']);
    const prog = fromJson(j.stdout);
    const out = join(dir, 'filter.bpf');
    const r = await cli(['compile', file, '--arch', 'aarch64', '--format', 'raw', '-o', out]);
    expect(r.code).toBe(0);
    expect(fromRaw(readFileSync(out))).toEqual(prog);
    expect(emulate(prog, { nr: 198, arch: 0xc00000b7, args: [40n] }).ret).toBe(0x50001);
    expect(emulate(prog, { nr: 198, arch: 0xc00000b7, args: [2n] }).ret).toBe(0x7fff0000);
  });
  it('reads the profile from stdin', async () => {
    const r = await cli(['compile', '-', '--arch', 'x86_64', '--format', 'json'], { stdin: PROFILE });
    expect(r.code).toBe(0);
    expect(fromJson(r.stdout).length).toBeGreaterThan(10);
  });
  it('overlapping rules with different actions are refused, naming the feature; nothing is written', async () => {
    const p = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [
      { names: ['socket'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 10, op: 'SCMP_CMP_GT' }] },
      { names: ['socket'], action: 'SCMP_ACT_KILL', args: [{ index: 1, value: 1, op: 'SCMP_CMP_EQ' }] },
    ] };
    const f = join(dir, 'overlap.json');
    writeFileSync(f, JSON.stringify(p));
    const out = join(dir, 'overlap.bpf');
    const r = await cli(['compile', f, '--arch', 'x86_64', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('overlapping argument rules with different actions');
    expect(r.stderr).toContain('syscalls[0] and syscalls[1]');
    expect(existsSync(out)).toBe(false);
  });
  it('a profile that needs more than 4096 instructions says so', () => {
    const names = [...syscallsOf('x86_64').keys()].slice(0, 300);
    const p: Profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: names.map((n) => ({
      names: [n], action: 'SCMP_ACT_ALLOW' as const,
      args: Array.from({ length: 3 }, (_, i) => ({ index: i, value: BigInt(i + 1), op: 'SCMP_CMP_NE' as const })).concat([{ index: 0, value: 7n, op: 'SCMP_CMP_NE' as const }]),
    })) };
    expect(() => compileProfile(p, { arch: 'x86_64' })).toThrow(UnsupportedFeatureError);
    expect(() => compileProfile(p, { arch: 'x86_64' })).toThrow(/at most 4096/);
  });
  it('runc details: ENOSYS above the highest named syscall, rules equal to the default skipped, repeated index ORed', () => {
    const p: Profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [
      { names: ['read'], action: 'SCMP_ACT_ALLOW' },
      { names: ['write'], action: 'SCMP_ACT_ERRNO' },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0n, op: 'SCMP_CMP_EQ' }, { index: 0, value: 8n, op: 'SCMP_CMP_EQ' }] },
    ] };
    const c = (call: string): string => checkSyscall(p, call, { arch: 'x86_64' }).verdict.text;
    expect(c('personality(8)')).toBe('ALLOW');
    expect(c('personality(0)')).toBe('ALLOW');
    expect(c('personality(1)')).toBe('ERRNO(1)');
    expect(c('openat')).toBe('ERRNO(38)'); // 257 > personality (135), the highest named
    expect(c('mmap')).toBe('ERRNO(1)');
    const w = checkSyscall(p, 'write', { arch: 'x86_64' });
    expect(w.verdict.reason).toBe('default');
    expect(disassemble(compileProfile(p, { arch: 'x86_64' }).program)).not.toContain('write');
  });
});

describe('socketcall multiplexing on x86 (libseccomp)', () => {
  it('a socket rule also decides socketcall(SYS_SOCKET, …) without its arg0 test', async () => {
    const p = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86'], syscalls: [
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
    ] };
    const f = join(dir, 'mux.json');
    writeFileSync(f, JSON.stringify(p));
    const direct = await cli(['check', f, 'socket(AF_VSOCK, 1, 0)', '--arch', 'x86_64', '--abi', 'x86', '--json']);
    // runc's stub sees socket as 102 (libseccomp resolves it to socketcall on x86), so the direct call (359) is
    // above the highest named number: ENOSYS, and glibc falls back to socketcall.
    expect(JSON.parse(direct.stdout)).toMatchObject({ ret: 'ERRNO(38)', reason: 'enosys', nr: 359 });
    const mux = await cli(['check', f, 'socketcall(SYS_SOCKET, 0)', '--arch', 'x86_64', '--abi', 'x86', '--json']);
    expect(mux.code).toBe(0);
    expect(JSON.parse(mux.stdout)).toMatchObject({ action: 'ALLOW', nr: 102, decidedBy: { path: 'syscalls[0]', conditions: ['syscalls[0].names[0] (socketcall call 1)'] } });
    const other = await cli(['check', f, 'socketcall(SYS_CONNECT, 0)', '--arch', 'x86_64', '--abi', 'x86', '--json']);
    expect(JSON.parse(other.stdout)).toMatchObject({ ret: 'ERRNO(1)', reason: 'default' });
  });
});
