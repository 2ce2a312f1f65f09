// Argument rules (issue 13) without a kernel: the constants against the C compiler's headers, strace argument
// forms, the inference (caps, unreadable sources, masks, runc's own values), and the compiled argument-rule programs
// against runc + libseccomp 2.5.4 (python3-seccomp) on random inputs that hit the argument checks — 64-bit values,
// both halves of each argument — with generate's own evaluator (allowsCall) as a third opinion on 64-bit arches.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkSyscall, compileProfile, emulate, formatRet, RET } from '../../src/bpf/index.js';
import {
  allowsCall, applyArgRules, ArgCollector, closedCalls, DANGEROUS_CALLS, dangerousCallArgs, mergeProfiles, straceValue,
  type ArgRecording,
} from '../../src/generate/index.js';
import type { Observation } from '../../src/ingest/index.js';
import type { Profile } from '../../src/profile/index.js';
import {
  ARG_SPECS, archInfo, argSpec, constantGroup, formatArgValue, parseArgValue, syscallNumber, type ArchId, type ConstantGroup,
} from '../../src/syscalls/index.js';
import { cli } from '../helpers/cli.js';
import { DEBIAN_PYTHON, haveSystem } from '../helpers/system.js';
import { libseccompFilters } from '../bpf/_oracle.js';
import { Rand } from '../bpf/_random.js';

const obs = (name: string, args: string[] | undefined, arch: ArchId = 'x86_64'): Observation => ({
  arch, nr: syscallNumber(arch, name), name, action: 'allow', count: 1, rendering: 'strace', file: 't', line: 1,
  ...(args ? { args } : {}),
});

const NAME_ONLY: Profile = {
  defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'], flags: [],
  syscalls: [{ names: ['read', 'write', 'socket', 'clone', 'clone3', 'mprotect', 'ioctl', 'prctl', 'setsockopt', 'personality'], action: 'SCMP_ACT_ALLOW' }],
};

describe('constants from the kernel headers', () => {
  it.skipIf(!haveSystem('cc'))('agree with the C compiler on this machine (glibc + linux-libc-dev headers) for every name both know', () => {
    const groups: [ConstantGroup, string][] = [
      ['af', '<sys/socket.h>'], ['sock', '<sys/socket.h>'], ['clone', '<linux/sched.h>'], ['prot', '<sys/mman.h>'],
      ['prctl', '<linux/prctl.h>'], ['personality', '<linux/personality.h>'], ['signal', '<signal.h>'],
      ['ioctl', '<sys/ioctl.h>'], ['so', '<sys/socket.h>'], ['tcp', '<netinet/tcp.h>'],
    ];
    const dir = mkdtempSync(join(tmpdir(), 'seccompctl-consts-'));
    try {
      let checked = 0;
      for (const [g, header] of groups) {
        const names = constantGroup('x86_64', g).list.map(([n]) => n);
        // Each name in its own #ifdef: the host's headers (Linux 6.1) lack the newest ones.
        // personality's values are enum members, which #ifdef cannot see: they are all in the host's 6.1 headers.
        const line = (n: string): string => `  printf("${n} %llu\\n", (unsigned long long)(${n}));`;
        const src = `#define _GNU_SOURCE\n#include <stdio.h>\n#include ${header}\n${g === 'ioctl' ? '#include <linux/sockios.h>\n' : ''}int main(void) {\n${names.map((n) => (g === 'personality' ? line(n) : `#ifdef ${n}\n${line(n)}\n#endif`)).join('\n')}\n  return 0;\n}\n`;
        writeFileSync(join(dir, 'c.c'), src);
        execFileSync('cc', ['-o', join(dir, 'c'), join(dir, 'c.c')], { stdio: 'pipe' });
        const out = execFileSync(join(dir, 'c')).toString().trim().split('\n').filter(Boolean);
        for (const l of out) {
          const [n, v] = l.split(' ');
          if (n === 'SIGRTMIN' || n === 'SIGRTMAX') continue; // glibc reserves two real-time signals (34): not the kernel's 32
          expect(constantGroup('x86_64', g).byName.get(n!), `${g} ${n}`).toBe(BigInt(v!));
          checked++;
        }
        expect(out.length, `${g}: names the host headers define`).toBeGreaterThan(names.length / 3);
      }
      expect(checked).toBeGreaterThan(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('differ per architecture where the kernel headers do (values checked by hand in arch/*/include/uapi)', () => {
    expect(parseArgValue('mips', 'SOCK_STREAM')).toBe(2n); // arch/mips/include/asm/socket.h: SOCK_DGRAM 1, SOCK_STREAM 2
    expect(parseArgValue('mips', 'SOCK_NONBLOCK')).toBe(0x80n); // O_NONBLOCK 0x0080 in arch/mips/include/uapi/asm/fcntl.h
    expect(parseArgValue('mips', 'SIGCHLD')).toBe(18n);
    expect(parseArgValue('x86_64', 'SIGCHLD')).toBe(17n);
    // powerpc's TCGETS is _IOR('t', 19, struct termios): a size the generator cannot evaluate, so it is left out
    // rather than taken from x86 (0x5401); FIONBIO is _IOW('f', 126, int) there.
    expect(parseArgValue('ppc64le', 'TCGETS')).toBeUndefined();
    expect(parseArgValue('ppc64le', 'FIONBIO')).toBe(0x8004667en);
    expect(parseArgValue('aarch64', 'PROT_BTI')).toBe(0x10n);
    expect(parseArgValue('x86_64', 'PROT_BTI')).toBeUndefined();
    expect(parseArgValue('mips', 'SOL_SOCKET')).toBe(0xffffn);
  });

  it('print symbolically and parse back', () => {
    expect(formatArgValue('x86_64', 'socktype', 0x80801n)).toBe('SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK');
    expect(formatArgValue('x86_64', 'clone', 0x10000011n)).toBe('CLONE_NEWUSER|SIGCHLD');
    expect(formatArgValue('x86_64', 'prctl', 38n)).toBe('PR_SET_NO_NEW_PRIVS');
    expect(formatArgValue('x86_64', 'prot', 6n)).toBe('PROT_WRITE|PROT_EXEC');
    expect(formatArgValue('x86_64', 'personality', 0x400000n)).toBe('READ_IMPLIES_EXEC');
    expect(formatArgValue('x86_64', 'optname', 1n, new Map([[1, 6n]]))).toBe('TCP_NODELAY');
    for (const g of ['af', 'prctl', 'signal', 'ioctl'] as const) {
      for (const [n, v] of constantGroup('x86_64', g).list) expect(parseArgValue('x86_64', n), n).toBe(v);
    }
    expect(parseArgValue('x86_64', 'SOCK_STREAM|SOCK_CLOEXEC')).toBe(0x80001n);
    expect(parseArgValue('x86_64', 'NOT_A_CONSTANT')).toBeUndefined();
  });
});

describe('strace argument forms', () => {
  it('reads symbolic, -X raw, -X verbose, named, _IOC and ambiguous ioctl forms', () => {
    expect(straceValue('x86_64', 'AF_INET')).toBe(2n);
    expect(straceValue('x86_64', '0x80801')).toBe(0x80801n);
    expect(straceValue('x86_64', '0x2 /* AF_INET */')).toBe(2n);
    expect(straceValue('x86_64', 'flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD')).toBe(0x1200011n);
    expect(straceValue('x86_64', '_IOC(_IOC_READ, 0x54, 0x30, 0x4)')).toBe(0x80045430n); // TIOCGPTN
    expect(straceValue('x86_64', 'TCGETS or SNDCTL_TMR_TIMEBASE')).toBe(0x5401n);
    expect(straceValue('x86_64', 'SOMETHING_NEW')).toBeUndefined();
  });

  it('collects tuples; unreadable calls, audit records without arguments and overflow make a syscall name-only', () => {
    const c = new ArgCollector(3);
    c.addObservation(obs('socket', ['AF_INET', 'SOCK_STREAM|SOCK_CLOEXEC', 'IPPROTO_IP']));
    c.addObservation(obs('socket', ['0xa', '0x80801', '0'])); // -X raw
    c.addObservation(obs('clone', ['child_stack=NULL', 'flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', 'child_tidptr=0x7f00']));
    c.addObservation(obs('ioctl', ['1', 'SOMETHING_NEW', '0x7ffd']));
    c.addObservation(obs('prctl', undefined)); // an audit record
    for (let i = 0; i < 4; i++) c.addObservation(obs('mprotect', ['0x7f00', '4096', String(i)]));
    c.onObservation(obs('clone3', ['{flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f, parent_tid=0x7f, exit_signal=0, stack=0x7f, stack_size=0x7fff00, tls=0x7f} => {parent_tid=[12]}', '88']));
    const rec = c.result();
    expect([...rec.syscalls.get('socket')!.tuples.values()]).toEqual([[2n, 0x80001n], [10n, 0x80801n]]);
    expect(rec.syscalls.get('ioctl')!.unreadable).toBe(1);
    expect(rec.syscalls.get('prctl')!.unreadable).toBe(1);
    expect(rec.syscalls.get('mprotect')!.overflow).toBe(true);
    const a = applyArgRules(NAME_ONLY, rec);
    const by = new Map(a.nameOnly.map((n) => [n.syscall, n.reason]));
    expect(by.get('ioctl')).toMatch(/without readable arguments/);
    expect(by.get('prctl')).toMatch(/without readable arguments/);
    expect(by.get('mprotect')).toMatch(/more than 3 distinct/);
    expect(a.diagnostics.map((d) => d.code).sort()).toEqual(['ARG_VALUES_OVERFLOW', 'ARG_VALUES_UNREADABLE', 'ARG_VALUES_UNREADABLE']);
    // clone3 → ENOSYS; clone allows the union of clone's and clone3's flags, and nothing else.
    const args = (_name: string, ...v: bigint[]): bigint[] => [...v, ...new Array<bigint>(6 - v.length).fill(0n)];
    expect(checkSyscall(a.profile, 'clone3').verdict.text).toBe('ERRNO(38)');
    expect(allowsCall(a.profile, 'clone', args('clone', 0x1200011n))).toBe(true);
    expect(allowsCall(a.profile, 'clone', args('clone', 0x3d0f00n))).toBe(true);
    expect(allowsCall(a.profile, 'clone', args('clone', 0x10000011n))).toBe(false);
    expect(checkSyscall(a.profile, 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0)').allowed).toBe(true);
    expect(checkSyscall(a.profile, 'socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC|SOCK_NONBLOCK, 0)').allowed).toBe(true);
    expect(checkSyscall(a.profile, 'socket(AF_INET6, SOCK_STREAM, 0)').allowed).toBe(false);
    expect(checkSyscall(a.profile, 'socket(AF_PACKET, SOCK_RAW, 0)').allowed).toBe(false);
    // Name-only syscalls stay allowed whatever the arguments.
    expect(checkSyscall(a.profile, 'prctl(PR_SET_MM, 0)').allowed).toBe(true);
    expect(a.closed.map((x) => x.call)).toContain('socket(domain=AF_PACKET, type=SOCK_RAW)');
    expect(a.closed.map((x) => x.call)).toContain('clone(flags=CLONE_NEWUSER)');
    expect(a.closed.map((x) => x.call)).not.toContain('prctl(option=PR_SET_MM)');
  });

  it('keeps runc\'s measured uses allowed, and a syscall of the base set without measured values name-only', () => {
    const c = new ArgCollector();
    c.addObservation(obs('prctl', ['PR_SET_NAME', '"x"']));
    const a = applyArgRules(NAME_ONLY, c.result(), {
      runtimeSyscalls: ['prctl', 'ioctl'], runtimeValues: { source: 'test', values: { prctl: [['PR_SET_KEEPCAPS']] } },
    });
    expect(checkSyscall(a.profile, 'prctl(PR_SET_NAME, 0)').allowed).toBe(true);
    expect(checkSyscall(a.profile, 'prctl(PR_SET_KEEPCAPS, 1)').allowed).toBe(true);
    expect(checkSyscall(a.profile, 'prctl(PR_SET_DUMPABLE, 1)').allowed).toBe(false);
    expect(a.nameOnly.find((n) => n.syscall === 'ioctl')?.reason).toMatch(/runc calls it/);
  });

  it('merge unions the argument sets of two profiles', () => {
    const one = (domain: string): Profile => {
      const c = new ArgCollector();
      c.addObservation(obs('socket', [domain, 'SOCK_STREAM', '0']));
      return applyArgRules({ ...NAME_ONLY, syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW' }] }, c.result()).profile;
    };
    const m = mergeProfiles([{ profile: one('AF_INET'), file: 'a' }, { profile: one('AF_UNIX'), file: 'b' }]).profile;
    expect(checkSyscall(m, 'socket(AF_INET, SOCK_STREAM, 0)').allowed).toBe(true);
    expect(checkSyscall(m, 'socket(AF_UNIX, SOCK_STREAM, 0)').allowed).toBe(true);
    expect(checkSyscall(m, 'socket(AF_INET6, SOCK_STREAM, 0)').allowed).toBe(false);
    expect(closedCalls(NAME_ONLY, m).length).toBeGreaterThan(10);
  });
});

// ---------------------------------------------------------------- differential test against libseccomp

const M64 = (1n << 64n) - 1n;
const ARCHES_UNDER_TEST: readonly ArchId[] = ['x86_64', 'aarch64', 'x86'];
const PROFILES = 60;
const INPUTS_PER_SYSCALL = 24;

/** A random value of an argument: a real constant of its group, a boundary value, or random 32/64-bit. */
function randomValue(r: Rand, arch: ArchId, group: ConstantGroup | undefined): bigint {
  const k = r.int(6);
  if (k <= 1 && group) return r.pick(constantGroup(arch, group).list)[1];
  if (k === 2) return BigInt(r.u32());
  if (k === 3) return r.u64();
  if (k === 4) return r.pick([0n, 1n, 0xffffffffn, 0x100000000n, 0xffffffff00000000n, M64, 0x8000000000000000n]);
  return BigInt(r.int(64));
}

const GROUP_OF: Record<string, ConstantGroup | undefined> = {
  af: 'af', socktype: 'sock', clone: 'clone', cloneflags: 'clone', nstype: 'clone', prot: 'prot', prctl: 'prctl',
  personality: 'personality', signal: 'signal', level: 'sol', optname: 'so', ioctl: 'ioctl',
};

function randomRecording(r: Rand, arch: ArchId): ArgRecording {
  const c = new ArgCollector(r.chance(0.2) ? 2 : 64);
  for (const s of ARG_SPECS) {
    if (syscallNumber(arch, s.syscall) === undefined || r.chance(0.3)) continue;
    const spec = argSpec(s.syscall, arch)!;
    const n = 1 + r.int(5);
    for (let i = 0; i < n; i++) c.addValues(arch, s.syscall, spec.args.map((a) => randomValue(r, arch, GROUP_OF[a.format])));
  }
  return c.result();
}

/** Inputs that reach a syscall's argument checks: recorded tuples, each with one half or one bit changed, random ones. */
function inputsFor(r: Rand, rec: ArgRecording, arch: ArchId, name: string): bigint[][] {
  const spec = argSpec(name, arch)!;
  const tuples = [...(rec.syscalls.get(name)?.tuples.values() ?? [])];
  const out: bigint[][] = [];
  for (let i = 0; i < INPUTS_PER_SYSCALL; i++) {
    const args = Array.from({ length: 6 }, () => (r.chance(0.5) ? 0n : r.u64()));
    const t = tuples.length > 0 && r.chance(0.8) ? r.pick(tuples) : undefined;
    spec.args.forEach((a, j) => {
      let v = t ? t[j]! : randomValue(r, arch, GROUP_OF[a.format]);
      const m = r.int(5);
      if (m === 1) v ^= BigInt(r.u32() | 1) << 32n; // high half differs
      else if (m === 2) v ^= BigInt(r.u32() | 1); // low half differs
      else if (m === 3) v ^= 1n << BigInt(r.int(64)); // one bit
      args[a.index] = v & M64;
    });
    out.push(args);
  }
  return out;
}

describe.skipIf(!haveSystem(DEBIAN_PYTHON))('argument-rule programs vs runc + libseccomp 2.5.4', () => {
  it(`agree on random inputs hitting the argument checks (${PROFILES} recordings, ${ARCHES_UNDER_TEST.join(', ')})`, () => {
    const r = new Rand(20261129);
    const jobs: { arch: ArchId; profile: Profile; rec: ArgRecording }[] = [];
    for (let i = 0; i < PROFILES; i++) {
      const arch = ARCHES_UNDER_TEST[i % ARCHES_UNDER_TEST.length]!;
      const names = ['read', 'write', 'exit_group', ...ARG_SPECS.map((s) => s.syscall), 'clone3'].filter((n) => syscallNumber(arch, n) !== undefined);
      const base: Profile = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: [archInfo(arch).scmp], flags: [], syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] };
      const rec = randomRecording(r, arch);
      jobs.push({ arch, rec, profile: applyArgRules(base, rec, r.chance(0.3) ? { runtimeSyscalls: ['prctl'], runtimeValues: { source: 't', values: { prctl: [['PR_SET_KEEPCAPS']] } } } : {}).profile });
    }
    const lib = libseccompFilters(jobs.map((j) => ({ native: archInfo(j.arch).scmp, profile: j.profile })));
    let inputs = 0;
    let high = 0;
    let allowed = 0;
    let conditional = 0;
    jobs.forEach((j, k) => {
      const theirs = lib[k]!;
      if ('error' in theirs) throw new Error(`libseccomp refused job ${k}: ${theirs.error}`);
      const ours = compileProfile(j.profile, { arch: j.arch }).program;
      const info = archInfo(j.arch);
      for (const s of [...ARG_SPECS.map((x) => x.syscall)]) {
        const nr = syscallNumber(j.arch, s);
        if (nr === undefined) continue;
        const isCond = j.profile.syscalls!.some((x) => x.names.includes(s) && (x.args?.length ?? 0) > 0);
        for (const args of inputsFor(r, j.rec, j.arch, s)) {
          // A 32-bit process passes 32-bit values: the kernel zero-extends them into seccomp_data.
          const a = info.bits === 32 ? args.map((v) => v & 0xffffffffn) : args;
          const d = { nr, arch: info.auditArch, args: a };
          const x = emulate(ours, d).ret;
          const y = emulate(theirs.program, d).ret;
          expect(formatRet(x), `${j.arch} ${s}(${a.map((v) => `0x${v.toString(16)}`).join(', ')}) job ${k}`).toBe(formatRet(y));
          if (info.bits === 64) expect(x === RET.ALLOW, `${j.arch} ${s} job ${k}: allowsCall`).toBe(allowsCall(j.profile, s, a));
          inputs++;
          if (isCond) conditional++;
          if (a.some((v) => v > 0xffffffffn)) high++;
          if (x === RET.ALLOW) allowed++;
        }
      }
    });
    // The inputs must exercise the argument checks both ways, with 64-bit values.
    expect(inputs).toBeGreaterThan(10_000);
    expect(conditional).toBeGreaterThan(inputs / 2);
    expect(high).toBeGreaterThan(inputs / 4);
    expect(allowed).toBeGreaterThan(inputs / 10);
    expect(inputs - allowed).toBeGreaterThan(inputs / 10);
  });

  it('every dangerous call of the explanation list parses on x86_64 and aarch64', () => {
    for (const a of ['x86_64', 'aarch64'] as const) for (const d of DANGEROUS_CALLS) expect(dangerousCallArgs(a, d), `${a} ${d.syscall} ${JSON.stringify(d.args)}`).toBeDefined();
  });
});

// ---------------------------------------------------------------- the CLI

const FIXTURE = fileURLToPath(new URL('../fixtures/args/python-socket-thread.strace', import.meta.url));

describe('generate --args, check and diff as a user runs them', () => {
  it('writes argument rules from symbolic strace output, explains what they close, and check answers by name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccompctl-args-cli-'));
    try {
      const out = join(dir, 'p.json');
      const r = await cli(['generate', FIXTURE, '--args', '--runtime', 'none', '--json', '-o', out]);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { args: { restricted: { syscall: string; allowed: string[] }[]; closed: { call: string }[] } };
      const socket = j.args.restricted.find((x) => x.syscall === 'socket');
      expect(socket?.allowed).toEqual(['socket(domain=AF_INET, type=SOCK_STREAM|SOCK_CLOEXEC)']);
      expect(j.args.restricted.find((x) => x.syscall === 'setsockopt')?.allowed).toEqual(['setsockopt(level=SOL_SOCKET, optname=SO_REUSEADDR)']);
      expect(j.args.restricted.map((x) => x.syscall)).toContain('clone3');
      expect(j.args.closed.map((c) => c.call)).toContain('socket(domain=AF_NETLINK, type=SOCK_RAW)');
      const denied = await cli(['check', out, 'socket(AF_PACKET, SOCK_RAW, 0)']);
      expect(denied.code).toBe(1);
      expect(denied.stdout).toMatch(/^socket\(AF_PACKET, SOCK_RAW, 0\) \[SCMP_ARCH_X86_64, nr 41\] → ERRNO\(1\)/);
      const ok = await cli(['check', out, 'socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_IP)']);
      expect(ok.code, ok.stdout).toBe(0);
      const text = await cli(['generate', FIXTURE, '--args', '--runtime', 'none', '-o', join(dir, 'q.json')]);
      expect(text.stdout).toMatch(/argument rules for \d+ syscall\(s\):/);
      expect(text.stdout).toMatch(/socket\(domain=AF_PACKET, type=SOCK_RAW\)\s+— raw link-layer frames/);
      // diff against the name-only profile lists the allowed argument sets.
      const names = join(dir, 'n.json');
      expect((await cli(['generate', FIXTURE, '--runtime', 'none', '-o', names])).code).toBe(0);
      const d = await cli(['diff', names, out]);
      expect(d.stdout).toMatch(/~ socket: argument rules differ\n\s+\+ SCMP_ACT_ALLOW \[domain == AF_INET, type == SOCK_STREAM\|SOCK_CLOEXEC\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!haveSystem('strace', DEBIAN_PYTHON))('record --args (strace backend) writes a profile with argument rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seccompctl-args-rec-'));
    try {
      const out = join(dir, 'p.json');
      const r = await cli(['record', '--backend', 'strace', '--args', '--runtime', 'none', '--json', '-o', out, '--',
        DEBIAN_PYTHON, '-c', 'import socket; socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)']);
      expect(r.code, r.stderr).toBe(0);
      const j = JSON.parse(r.stdout) as { args: { restricted: { syscall: string; allowed: string[] }[] } };
      expect(j.args.restricted.find((x) => x.syscall === 'socket')?.allowed).toEqual(['socket(domain=AF_INET6, type=SOCK_DGRAM|SOCK_CLOEXEC)']);
      expect((await cli(['check', out, 'socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC, 0)'])).code).toBe(0);
      expect((await cli(['check', out, 'socket(AF_INET6, SOCK_STREAM|SOCK_CLOEXEC, 0)'])).code).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
