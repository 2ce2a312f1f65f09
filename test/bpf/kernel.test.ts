// Against the kernel: a probe program runs in runc under generated profiles, tries syscalls with chosen arguments and
// reports the errno or signal it got; every result must be what `checkSyscall` predicts (≥ 200 cases).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARG_CONSTANTS, checkSyscall, type CheckResult } from '../../src/bpf/index.js';
import type { Profile } from '../../src/profile/index.js';
import { createHostBundle, runContainer } from '../../src/runtime/index.js';
import { syscallNumber, syscallsOf } from '../../src/syscalls/index.js';
import { haveRoot, haveSystem, DEBIAN_PYTHON } from '../helpers/system.js';
import { exactJson, libseccompNumbers } from './_oracle.js';

const PROBE_SRC = fileURLToPath(new URL('../fixtures/bpf/probe.c', import.meta.url));
const C = ARG_CONSTANTS;
const nr = (n: string): number => syscallNumber('x86_64', n)!;

/** [syscall name or number, ...args] — harmless calls whose natural result is fixed (bad fds, NULL pointers). */
const CASES: [string | number, ...bigint[]][] = [
  ['getppid'], ['getpid'], ['getuid'], ['sched_yield'], ['umask', 0o22n], ['umask', 0o77n],
  ['socket', C.AF_INET!, C.SOCK_DGRAM!, 0n], ['socket', C.AF_VSOCK!, C.SOCK_STREAM!, 0n], ['socket', C.AF_UNIX!, C.SOCK_STREAM!, 0n],
  ['socket', C.AF_INET6!, C.SOCK_DGRAM!, 0n], ['socket', 0x100000002n, C.SOCK_DGRAM!, 0n], ['socket', 0xffffffff00000002n, C.SOCK_DGRAM!, 0n],
  ['personality', 0xffffffffn], ['personality', 0n], ['personality', 8n], ['personality', 0x20000n], ['personality', 0xffffffffffffffffn],
  ['close', 9999n], ['dup', 9999n], ['lseek', 9999n, 0n, 0n], ['lseek', 9999n, 0n, 3n], ['getpgid', 0n], ['getpgid', 0x100n],
  ['uname', 0n], ['getcwd', 0n, 0n], ['kill', 0n, 0n], ['pkey_free', 99n],
  [0x40000027], [1000], [0xffffffff],
];

const DENY = ['getppid', 'getuid', 'socket', 'personality', 'umask', 'uname', 'getcwd', 'getpgid', 'dup', 'lseek', 'kill', 'pkey_free'];

function profiles(known: readonly string[]): Record<string, Profile> {
  const allow = (below: number): string[] => known.filter((n) => !DENY.includes(n) && nr(n) < below);
  const A = (index: number, op: string, value: bigint, valueTwo?: bigint): Record<string, unknown> => ({ index, op, value, ...(valueTwo !== undefined ? { valueTwo } : {}) });
  return {
    allowDefault: {
      defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [
        { names: ['getppid'], action: 'SCMP_ACT_ERRNO', errnoRet: 101 },
        { names: ['getuid'], action: 'SCMP_ACT_TRAP' },
        { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 102, args: [A(0, 'SCMP_CMP_EQ', C.AF_VSOCK!)] },
        // Two conditions on one index: runc makes each its own rule (OR), so this denies every personality().
        { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 103, args: [A(0, 'SCMP_CMP_NE', 0n), A(0, 'SCMP_CMP_NE', 8n)] },
        { names: ['umask'], action: 'SCMP_ACT_TRACE', errnoRet: 104 },
        { names: ['uname'], action: 'SCMP_ACT_KILL_THREAD' },
        { names: ['getcwd'], action: 'SCMP_ACT_LOG' },
        { names: ['getpgid'], action: 'SCMP_ACT_ERRNO', errnoRet: 105, args: [A(0, 'SCMP_CMP_MASKED_EQ', 0xffn, 0n)] },
        { names: ['pkey_free'], action: 'SCMP_ACT_KILL_PROCESS', args: [A(0, 'SCMP_CMP_GT', 50n)] },
      ],
    } as unknown as Profile,
    allowList: {
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 99, architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [
        { names: allow(1 << 30), action: 'SCMP_ACT_ALLOW' },
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [A(0, 'SCMP_CMP_EQ', C.AF_UNIX!)] },
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [A(0, 'SCMP_CMP_EQ', C.AF_INET!)] },
        { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [A(0, 'SCMP_CMP_EQ', 0xffffffffn)] },
        { names: ['umask'], action: 'SCMP_ACT_ERRNO', errnoRet: 106, args: [A(0, 'SCMP_CMP_GT', 0o22n)] },
        { names: ['dup'], action: 'SCMP_ACT_TRAP' },
        { names: ['lseek'], action: 'SCMP_ACT_ALLOW', args: [A(2, 'SCMP_CMP_LE', 2n)] },
        { names: ['kill'], action: 'SCMP_ACT_ALLOW', args: [A(1, 'SCMP_CMP_EQ', 0n)] },
      ],
    } as unknown as Profile,
    // Highest named syscall below pkey_free: runc's stub answers ENOSYS above it, EPERM (default) below.
    lowAllowList: {
      defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [
        { names: allow(nr('pkey_free')), action: 'SCMP_ACT_ALLOW' },
        { names: ['getuid', 'uname'], action: 'SCMP_ACT_KILL_PROCESS' },
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [A(0, 'SCMP_CMP_LT', 0x100000000n), A(1, 'SCMP_CMP_EQ', C.SOCK_DGRAM!)] },
      ],
    } as unknown as Profile,
    withX32: {
      defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [
        { names: ['getppid', 'getpgid'], action: 'SCMP_ACT_ERRNO', errnoRet: 107 },
        { names: ['socket'], action: 'SCMP_ACT_TRAP', args: [A(0, 'SCMP_CMP_GE', 0x100000000n)] },
        { names: ['personality'], action: 'SCMP_ACT_KILL', args: [A(0, 'SCMP_CMP_MASKED_EQ', 0xffff0000n, 0x20000n)] },
      ],
    } as unknown as Profile,
    x32DenyList: {
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 108, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X32'],
      syscalls: [
        { names: allow(1 << 30), action: 'SCMP_ACT_ALLOW' },
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [A(2, 'SCMP_CMP_EQ', 0n), A(0, 'SCMP_CMP_NE', C.AF_VSOCK!)] },
        { names: ['umask'], action: 'SCMP_ACT_ALLOW', args: [A(0, 'SCMP_CMP_LE', 0o22n)] },
      ],
    } as unknown as Profile,
    logDefault: {
      defaultAction: 'SCMP_ACT_LOG', architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [
        { names: ['getppid'], action: 'SCMP_ACT_KILL_THREAD' },
        { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 109, args: [A(0, 'SCMP_CMP_GE', 0x100000000n)] },
        { names: ['personality'], action: 'SCMP_ACT_TRAP', args: [A(0, 'SCMP_CMP_MASKED_EQ', 0xffff0000n, 0x20000n)] },
        { names: ['lseek'], action: 'SCMP_ACT_ERRNO', errnoRet: 110, args: [A(0, 'SCMP_CMP_EQ', 9999n), A(2, 'SCMP_CMP_GT', 2n)] },
      ],
    } as unknown as Profile,
    // Nested ranges on one argument (libseccomp's test 43 pattern): the innermost range decides, whatever the order.
    nestedRanges: {
      defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [
        { names: ['lseek'], action: 'SCMP_ACT_ERRNO', errnoRet: 121, args: [A(2, 'SCMP_CMP_GT', 2n)] },
        { names: ['lseek'], action: 'SCMP_ACT_ERRNO', errnoRet: 120, args: [A(2, 'SCMP_CMP_GT', 0n)] },
        { names: ['umask'], action: 'SCMP_ACT_ERRNO', errnoRet: 122, args: [A(0, 'SCMP_CMP_GT', 10n)] },
        { names: ['umask'], action: 'SCMP_ACT_ERRNO', errnoRet: 123, args: [A(0, 'SCMP_CMP_GT', 40n)] },
        { names: ['getpgid'], action: 'SCMP_ACT_ERRNO', errnoRet: 124, args: [A(0, 'SCMP_CMP_LT', 0x200n)] },
        { names: ['getpgid'], action: 'SCMP_ACT_ERRNO', errnoRet: 125, args: [A(0, 'SCMP_CMP_LE', 0x10n)] },
        { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 126, args: [A(0, 'SCMP_CMP_GE', 8n)] },
        { names: ['personality'], action: 'SCMP_ACT_TRAP', args: [A(0, 'SCMP_CMP_GE', 0x10000n)] },
      ],
    } as unknown as Profile,
    kitchenSink: {
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 111, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: [
        { names: allow(1 << 30), action: 'SCMP_ACT_ALLOW' },
        { names: ['getppid'], action: 'SCMP_ACT_ERRNO', errnoRet: 111 },
        { names: ['getpgid'], action: 'SCMP_ACT_ALLOW', args: [A(0, 'SCMP_CMP_LT', 0x10n)] },
        { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 112, args: [A(0, 'SCMP_CMP_EQ', C.AF_INET6!)] },
        { names: ['personality'], action: 'SCMP_ACT_TRACE', args: [A(0, 'SCMP_CMP_EQ', 8n)] },
        { names: ['uname', 'getcwd'], action: 'SCMP_ACT_LOG' },
      ],
    } as unknown as Profile,
  };
}

function caseArg(c: (typeof CASES)[number]): { call: string; argv: string } {
  const [head, ...args] = c;
  const n = typeof head === 'number' ? head : nr(head);
  const a = [...args, ...new Array<bigint>(6 - args.length).fill(0n)];
  return {
    call: `${n}(${args.map((x) => `0x${x.toString(16)}`).join(', ')})`,
    argv: [n, ...a].map((x) => BigInt(x).toString(16)).join(':'),
  };
}

/** What the probe prints for a verdict; allow-like verdicts print the call's natural result (`baseline`). */
function expected(r: CheckResult, baseline: string): string {
  switch (r.verdict.action) {
    case 'ALLOW': case 'LOG': return baseline;
    case 'ERRNO': return `errno ${r.verdict.errno}`;
    case 'TRACE': return 'errno 38'; // no tracer: the kernel fails the call with ENOSYS
    case 'TRAP': return `trap ${r.verdict.ret & 0xffff}`;
    default: return 'signal 31';
  }
}

const normalize = (line: string): string => line.replace(/^ok .*/, 'ok');

const canRun = haveSystem('runc', 'cc') && haveRoot() && haveSystem(DEBIAN_PYTHON);

describe.skipIf(!canRun)('verdicts vs the kernel (probe in runc)', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'seccompctl-bpf-probe-'));
    execFileSync('cc', ['-static', '-O1', '-o', join(dir, 'probe'), PROBE_SRC]);
  });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  async function runProbe(seccomp: Profile | undefined): Promise<string[]> {
    const bundle = createHostBundle({
      args: ['/probe/probe', ...CASES.map((c) => caseArg(c).argv)],
      seccomp: seccomp === undefined ? undefined : exactJson(seccomp),
      noNewPrivileges: true,
      mounts: [{ source: dir, destination: '/probe' }],
    });
    try {
      const res = await runContainer(bundle.dir, { timeoutMs: 30_000 });
      if (res.exitCode !== 0) throw new Error(`probe failed (exit ${res.exitCode}, signal ${res.signal}): ${res.stderr}`);
      return res.stdout.trim().split('\n');
    } finally {
      bundle.cleanup();
    }
  }

  it('every probed syscall gets the errno or signal `check` predicts (≥ 200 cases)', async () => {
    // runc on this machine skips names its libseccomp (2.5.4) does not know: list only names it knows.
    const all = [...syscallsOf('x86_64').keys()];
    const lib = libseccompNumbers(['SCMP_ARCH_X86_64'], all).X86_64!;
    const known = all.filter((n) => lib[n] === nr(n));
    const baseline = (await runProbe(undefined)).map(normalize);
    expect(baseline).toHaveLength(CASES.length);
    const mismatches: string[] = [];
    let cases = 0;
    for (const [name, profile] of Object.entries(profiles(known))) {
      const got = (await runProbe(profile)).map(normalize);
      expect(got, name).toHaveLength(CASES.length);
      CASES.forEach((c, i) => {
        const { call } = caseArg(c);
        const r = checkSyscall(profile, call, { arch: 'x86_64' });
        const want = expected(r, baseline[i]!);
        cases++;
        if (got[i] !== want) mismatches.push(`${name}: ${String(c[0])} ${call}: kernel "${got[i]}", check says ${r.verdict.text} → "${want}"`);
      });
    }
    expect(mismatches).toEqual([]);
    expect(cases).toBeGreaterThanOrEqual(200);
  });
});
