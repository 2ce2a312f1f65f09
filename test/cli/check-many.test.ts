// `check PROFILE SYSCALL...` and `check PROFILE < calls`: one verdict per line, each the same as checking that call
// alone; exit 1 when any is denied; --json an array with one verdict per line; a bad line is exit 2 naming it.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const P = resolve('test/report/fixtures/known.json');
const CALLS = ['read', 'write', 'socket(AF_INET, SOCK_STREAM, 0)', 'ptrace(16, 1)', 'clone(CLONE_NEWUSER)', 'clone(0x11)', 'bind'];

describe('check with many syscalls', () => {
  it('gives each call the verdict it gets alone, one per line, and exit 1 when one is denied', async () => {
    const many = await cli(['check', P, '--arch', 'x86_64', ...CALLS]);
    expect(many.code).toBe(1);
    const lines = many.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(CALLS.length);
    for (const [i, c] of CALLS.entries()) {
      const one = await cli(['check', P, '--arch', 'x86_64', c]);
      expect(lines[i]).toBe(one.stdout.trimEnd().split('\n').map((l) => l.trim()).join('  '));
    }
    // By hand from known.json: bind is not allowed; clone only without namespace flags.
    expect(lines.map((l) => /→ (\S+)/.exec(l)![1])).toEqual(['ALLOW', 'ALLOW', 'ALLOW', 'ALLOW', 'ERRNO(1)', 'ALLOW', 'ERRNO(1)']);
    const ok = await cli(['check', P, '--arch', 'x86_64', 'read', 'write']);
    expect(ok.code).toBe(0);
  });

  it('reads calls from standard input (skipping blanks and comments) and prints a JSON array, one verdict per line', async () => {
    const r = await cli(['check', P, '--arch', 'aarch64', '--json'], { stdin: 'read\n\n# the shell\nopenat   # comment\nopen\n' });
    // open does not exist on aarch64: a usage error, naming the line.
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/syscall 3 of 3 \(open\): open does not exist on SCMP_ARCH_AARCH64/);
    const j = await cli(['check', P, '--arch', 'aarch64', '--json'], { stdin: 'read\n\n# the shell\nopenat   # comment\nbind\n' });
    expect(j.code).toBe(1);
    const lines = j.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const arr = JSON.parse(j.stdout) as { syscall: string; allowed: boolean; nr: number }[];
    expect(arr.map((x) => [x.syscall, x.allowed, x.nr])).toEqual([['read', true, 63], ['openat', true, 56], ['bind', false, 200]]);
  });

  it('refuses what cannot work', async () => {
    expect((await cli(['check', '-'], { stdin: '{}' })).stderr).toMatch(/give the syscalls as arguments/);
    expect((await cli(['check', P], { stdin: '\n# nothing\n' })).code).toBe(2);
    const e = await cli(['check', P, 'read', 'write', '--explain']);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/--explain shows one syscall at a time/);
  });
});
