// `npm run bench:bpf`: program length and instructions executed per allowed / denied syscall, for our compiler vs
// libseccomp 2.5.4 (default optimize=1, and binary tree optimize=2) and vs what runc 1.1.5 loads (its -ENOSYS stub
// + libseccomp default), all counted by our emulator in one run on the same profiles and inputs.
// Targets: our mean executed ≤ libseccomp's binary tree; our length ≤ libseccomp's default.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileProfile, stubNumber, emulate, evaluateProfile, isAllowLike, type Insn, type SeccompData } from '../src/bpf/index.js';
import { parseProfile, type Profile } from '../src/profile/index.js';
import { archInfo, syscallName, syscallsOf, type ArchId } from '../src/syscalls/index.js';
import { libseccompFilters, libseccompNumbers } from '../test/bpf/_oracle.js';

const out = (s: string): void => { process.stdout.write(s + '\n'); };
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/** Keeps only names Debian's libseccomp 2.5.4 knows with our numbers (runc 1.1.5 skips the others). */
function knownToLibseccomp(p: Profile, arches: readonly ArchId[]): Profile {
  const names = [...new Set((p.syscalls ?? []).flatMap((r) => r.names))];
  const lib = libseccompNumbers(arches.map((a) => archInfo(a).scmp), names);
  const ok = new Set(names.filter((n) => arches.every((a) => {
    const t = lib[archInfo(a).scmp.slice('SCMP_ARCH_'.length)]![n]!;
    const o = stubNumber(a, n);
    return o === undefined ? t < 0 : t === o;
  })));
  return { ...p, syscalls: (p.syscalls ?? []).map((r) => ({ ...r, names: r.names.filter((n) => ok.has(n)) })).filter((r) => r.names.length > 0) };
}

function dockerDefault(): Profile {
  const d = JSON.parse(readFileSync(here('../data/runtime-default/docker.json'), 'utf8')) as { profile: unknown };
  return parseProfile(JSON.stringify(d.profile), { file: 'docker.json' }).profile;
}

function nginxRecorded(): Profile {
  const log = readFileSync(here('../test/fixtures/ingest/audit-dmesg-nginx-runc-complete.log'), 'utf8');
  const nrs = new Set<number>();
  for (const m of log.matchAll(/arch=c000003e syscall=(\d+)/g)) nrs.add(Number(m[1]));
  const names = [...nrs].map((n) => syscallName('x86_64', n)).filter((n): n is string => n !== undefined).sort();
  return { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] };
}

interface Stat { n: number; sum: number; max: number }
const stat = (): Stat => ({ n: 0, sum: 0, max: 0 });
const add = (s: Stat, v: number): void => { s.n++; s.sum += v; s.max = Math.max(s.max, v); };
const mean = (s: Stat): string => (s.n ? (s.sum / s.n).toFixed(1) : '-');

function measure(name: string, p: Profile, arches: readonly ArchId[]): void {
  const profile = knownToLibseccomp(p, arches);
  const ours = compileProfile(profile, { arch: 'x86_64' }).program;
  const [opt1, opt2, runc] = libseccompFilters([
    { native: 'SCMP_ARCH_X86_64', profile, optimize: 1, stub: false },
    { native: 'SCMP_ARCH_X86_64', profile, optimize: 2, stub: false },
    { native: 'SCMP_ARCH_X86_64', profile, optimize: 1, stub: true },
  ]).map((r) => {
    if ('error' in r) throw new Error(`libseccomp: ${r.error}`);
    return r.program;
  });
  const programs: [string, Insn[]][] = [['seccompctl', ours], ['libseccomp 2.5.4 default (opt 1)', opt1!], ['libseccomp 2.5.4 binary tree (opt 2)', opt2!], ['runc 1.1.5 (ENOSYS stub + opt 1)', runc!]];
  const inputs: { d: SeccompData; allowed: boolean }[] = [];
  for (const a of arches) {
    for (const nr of syscallsOf(a).values()) {
      const d: SeccompData = { nr, arch: archInfo(a).auditArch, args: [0n, 0n, 0n, 0n, 0n, 0n] };
      inputs.push({ d, allowed: isAllowLike(evaluateProfile(profile, d, { arch: 'x86_64' }).ret) });
    }
  }
  const nAllowed = inputs.filter((i) => i.allowed).length;
  out(`\n(${name}) ${profile.syscalls!.reduce((n, r) => n + r.names.length, 0)} names, arches ${arches.join('+')}; ${nAllowed} allowed and ${inputs.length - nAllowed} denied (arch, syscall) inputs, args 0`);
  out(`| program | length | allowed mean | allowed max | denied mean | denied max | verdicts ≠ ours |`);
  out(`|---|---:|---:|---:|---:|---:|---:|`);
  const rows: Record<string, { len: number; allowed: Stat; denied: Stat }> = {};
  for (const [label, prog] of programs) {
    const allowed = stat();
    const denied = stat();
    let differ = 0;
    for (const { d, allowed: ok } of inputs) {
      const r = emulate(prog, d);
      add(ok ? allowed : denied, r.executed);
      if (r.ret !== emulate(ours, d).ret) differ++;
    }
    rows[label] = { len: prog.length, allowed, denied };
    out(`| ${label} | ${prog.length} | ${mean(allowed)} | ${allowed.max} | ${mean(denied)} | ${denied.max} | ${differ} |`);
  }
  const o = rows.seccompctl!;
  const t = rows['libseccomp 2.5.4 binary tree (opt 2)']!;
  const d1 = rows['libseccomp 2.5.4 default (opt 1)']!;
  const overall = (x: typeof o): number => (x.allowed.sum + x.denied.sum) / (x.allowed.n + x.denied.n);
  out(`ratios: mean executed ours/binary-tree allowed ${(o.allowed.sum / o.allowed.n / (t.allowed.sum / t.allowed.n)).toFixed(2)}, denied ${(o.denied.sum / o.denied.n / (t.denied.sum / t.denied.n)).toFixed(2)}, all ${(overall(o) / overall(t)).toFixed(2)} (target ≤ 1); length ours/default ${(o.len / d1.len).toFixed(2)} (target ≤ 1)`);
}

out('bench:bpf — instructions counted by seccompctl\'s emulator (the kernel\'s cBPF semantics), same inputs for every program');
measure('a: Docker default allow-list', dockerDefault(), ['x86_64', 'x86', 'x32']);
measure('b: nginx recorded in runc (dmesg-nginx-in-runc-complete.log)', nginxRecorded(), ['x86_64']);

