// check's and compile's rules live in the library (checkProfileCalls, compileProfileRef): each refusal and finding
// comes back as a diagnostic with a code and an outcome, and the CLI prints exactly that message with its exit code.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { checkProfileCalls, compileProfileRef } from '../../src/bpf/index.js';
import { run } from '../../src/cli/main.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'seccompctl-bpf-verbs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const P = join(dir, 'p.json');
writeFileSync(P, JSON.stringify({
  defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'],
  syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
    // Two range rules on one argument whose values differ in the high word: libseccomp <= 2.6.0 may merge them.
    { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 5, args: [{ index: 0, value: 16, op: 'SCMP_CMP_GT' }] },
    { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 6, args: [{ index: 0, value: 8589934592, op: 'SCMP_CMP_GT' }] },
    { names: ['notasyscall'], action: 'SCMP_ACT_ALLOW' },
  ],
}));
const stdin = (s: string): Readable => Readable.from([Buffer.from(s)]);

describe('checkProfileCalls', () => {
  it('refuses a profile and calls both from standard input (STDIN_USED_TWICE), as check prints it', async () => {
    const r = await checkProfileCalls('-', [], { stdin: stdin('{}') });
    expect(r.outcome).toBe('refused');
    expect(r.diagnostics.map((d) => d.code)).toEqual(['STDIN_USED_TWICE']);
    const c = await cli(['check', '-'], { stdin: '{}' });
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`seccompctl: ${r.diagnostics[0]!.message}\n`);
  });

  it('refuses standard input with no call on it (NO_SYSCALLS_GIVEN)', async () => {
    const r = await checkProfileCalls(P, [], { stdin: stdin('\n# nothing\n') });
    expect([r.outcome, r.diagnostics[0]?.code]).toEqual(['refused', 'NO_SYSCALLS_GIVEN']);
    const c = await cli(['check', P], { stdin: '\n# nothing\n' });
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`seccompctl: ${r.diagnostics[0]!.message}\n`);
  });

  it('refuses --explain with several calls (EXPLAIN_NEEDS_ONE_CALL)', async () => {
    const r = await checkProfileCalls(P, ['read', 'write'], { explain: true });
    expect([r.outcome, r.diagnostics[0]?.code, r.results.length]).toEqual(['refused', 'EXPLAIN_NEEDS_ONE_CALL', 0]);
    const c = await cli(['check', P, 'read', 'write', '--explain']);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`seccompctl: ${r.diagnostics[0]!.message}\n`);
  });

  it('gives the verdict policy as the outcome: ok when all are allowed (exit 0), failed when one is denied (exit 1)', async () => {
    const ok = await checkProfileCalls(P, ['read', 'write'], { arch: 'x86_64' });
    expect([ok.outcome, ok.many, ok.results.map((x) => x.allowed)]).toEqual(['ok', true, [true, true]]);
    const denied = await checkProfileCalls(P, [], { arch: 'x86_64', stdin: stdin('read\nbind\n') });
    expect([denied.outcome, denied.many, denied.results.map((x) => x.allowed)]).toEqual(['failed', true, [true, false]]);
    expect((await cli(['check', P, '--arch', 'x86_64', 'read', 'write'])).code).toBe(0);
    expect((await cli(['check', P, '--arch', 'x86_64'], { stdin: 'read\nbind\n' })).code).toBe(1);
  });
});

describe('compileProfileRef', () => {
  it('returns the skipped name and the libseccomp merge hazard as findings, printed by compile in that order', async () => {
    const r = await compileProfileRef(P, { arch: 'x86_64' });
    expect(r.outcome).toBe('ok');
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([['UNKNOWN_SYSCALL', 'warning'], ['LIBSECCOMP_RULE_MERGE', 'info']]);
    expect(r.diagnostics[0]!.path).toBe('syscalls[3].names[0]');
    const c = await cli(['compile', P, '--arch', 'x86_64']);
    expect(c.code).toBe(0);
    expect(c.stderr).toBe(`warning: ${r.diagnostics[0]!.message}\nnote: ${r.diagnostics[1]!.message}\n`);
    expect(c.stdout).toBe(`${r.output as string}# ${r.program.length} instructions, native SCMP_ARCH_X86_64, arches SCMP_ARCH_X86_64\n`);
  });

  it('refuses raw bytes to a terminal (RAW_TO_TERMINAL) but renders them for a file or pipe', async () => {
    const r = await compileProfileRef(P, { arch: 'x86_64', format: 'raw', destination: 'terminal' });
    expect(r.outcome).toBe('refused');
    expect(r.diagnostics.at(-1)!.code).toBe('RAW_TO_TERMINAL');
    const piped = await compileProfileRef(P, { arch: 'x86_64', format: 'raw' });
    expect(piped.outcome).toBe('ok');
    expect((piped.output as Uint8Array).length).toBe(8 * piped.program.length);

    // The CLI on a terminal: standard output reports isTTY.
    const out = Object.assign(new PassThrough(), { isTTY: true });
    const err = new PassThrough();
    const e: Buffer[] = [];
    const o: Buffer[] = [];
    err.on('data', (b: Buffer) => e.push(b));
    out.on('data', (b: Buffer) => o.push(b));
    const code = await run(['compile', P, '--arch', 'x86_64', '--format', 'raw'], { stdin: stdin(''), stdout: out, stderr: err, env: { NO_COLOR: '1' }, isTTY: true, cwd: dir });
    expect(code).toBe(2);
    expect(Buffer.concat(o).length).toBe(0);
    expect(Buffer.concat(e).toString().trimEnd().split('\n').at(-1)).toBe(`seccompctl: ${r.diagnostics.at(-1)!.message}`);
  });
});
