// `check PROFILE < lines` in bulk: 10,000 lines in, 10,000 verdicts out, in order, each the verdict `check PROFILE
// CALL` gives that call alone (checked on a sample spread over the input), in text and --json; repeated lines and
// distinct ones (random argument values) alike.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const PROFILES = [resolve('test/report/fixtures/known.json'), 'runtime-default:docker'];
const MIX = ['read', 'write', 'openat(AT_FDCWD, 0, O_RDWR|O_CREAT)', 'socket(AF_INET, SOCK_STREAM, 0)', 'socket(AF_VSOCK, SOCK_STREAM, 0)',
  'clone(CLONE_NEWUSER)', 'clone(0x11)', 'personality(0xffffffff)', 'personality(0)', 'mount', 'ptrace(16, 1)', 'bpf', 'getppid',
  'unshare(CLONE_NEWNS)', 'kill(1, 9)', 'bind', '41', 'clone3'];
const NAMES = ['read', 'openat', 'socket', 'clone', 'personality', 'mount', 'ptrace', 'ioctl', 'prctl', 'mprotect', 'setns', 'keyctl', 'sendto'];

function lines(n: number): string[] {
  let seed = 12345;
  const rand = (k: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % k;
  };
  return Array.from({ length: n }, (_, i) => {
    if (i % 2 === 0) return MIX[rand(MIX.length)]!;
    const args = Array.from({ length: rand(7) }, () => `0x${rand(0x7fffffff).toString(16)}`);
    return `${NAMES[rand(NAMES.length)]!}(${args.join(', ')})`;
  });
}

describe('check in bulk from standard input', () => {
  it.each(PROFILES)('10,000 lines give 10,000 verdicts, each the one check gives that call alone (%s)', async (profile) => {
    const calls = lines(10_000);
    const text = await cli(['check', profile, '--arch', 'x86_64'], { stdin: `${calls.join('\n')}\n` });
    expect(text.stderr).toBe('');
    expect(text.code).toBe(1); // some are denied (by hand: clone(CLONE_NEWUSER) under both)
    const out = text.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(10_000);
    const json = await cli(['check', profile, '--arch', 'x86_64', '--json'], { stdin: `${calls.join('\n')}\n` });
    const arr = JSON.parse(json.stdout) as { syscall: string; allowed: boolean; executed: number; call: string }[];
    expect(arr).toHaveLength(10_000);
    // A sample spread over the input, repeated and distinct lines alike.
    const sample = [...Array.from({ length: 40 }, (_, k) => k * 250 + (k % 2)), 9_999];
    for (const i of sample) {
      const one = await cli(['check', profile, '--arch', 'x86_64', calls[i]!]);
      expect(out[i], `line ${i + 1}: ${calls[i]}`).toBe(one.stdout.trimEnd().split('\n').map((l) => l.trim()).join('  '));
      const oneJson = await cli(['check', profile, '--arch', 'x86_64', '--json', '--explain', calls[i]!]);
      const o = JSON.parse(oneJson.stdout) as { path: unknown[] } & Record<string, unknown>;
      const { path, ...rest } = o;
      expect(arr[i], `line ${i + 1}: ${calls[i]}`).toEqual(rest);
      expect(arr[i]!.executed).toBe(path.length);
      expect(one.code).toBe(arr[i]!.allowed ? 0 : 1);
    }
    expect(arr.some((x) => x.allowed) && arr.some((x) => !x.allowed)).toBe(true);
  });
});
