// Runs test/bpf/libseccomp-filter.py once for a batch of jobs: what runc + Debian's libseccomp load for each profile.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Profile } from '../../src/profile/index.js';
import { DEBIAN_PYTHON } from '../helpers/system.js';
import { fromRaw, type Insn } from '../../src/bpf/index.js';
import { resolveArch } from '../../src/syscalls/index.js';

const SCRIPT = fileURLToPath(new URL('./libseccomp-filter.py', import.meta.url));

/** One filter to build with libseccomp. */
export interface OracleJob {
  native: string;
  profile: Profile;
  /** SCMP_FLTATR_CTL_OPTIMIZE: 1 (default) or 2 (binary tree). */
  optimize?: 1 | 2;
  /** Prepend runc's -ENOSYS stub (default true). */
  stub?: boolean;
}

/** JSON text with bigints written as exact integers. */
export function exactJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `@@${x.toString()}@@` : x)).replace(/"@@(\d+)@@"/g, '$1');
}

/** Builds every job in one python process; an entry is the program or the error libseccomp/runc gave. */
export function libseccompFilters(jobs: readonly OracleJob[]): ({ program: Insn[] } | { error: string })[] {
  const input = jobs.map((j, id) => exactJson({ id, native: j.native.replace(/^SCMP_ARCH_/, ''), profile: j.profile, optimize: j.optimize ?? 1, stub: j.stub ?? true })).join('\n') + '\n';
  const out = execFileSync(DEBIAN_PYTHON, [SCRIPT], { input, maxBuffer: 1 << 30 }).toString();
  const res = new Array<{ program: Insn[] } | { error: string }>(jobs.length);
  for (const line of out.split('\n')) {
    if (!line.trim()) continue;
    const o = JSON.parse(line) as { id: number; bpf?: string; error?: string };
    const endian = resolveArch(jobs[o.id]!.native)?.endian ?? 'little';
    res[o.id] = o.bpf !== undefined ? { program: fromRaw(Buffer.from(o.bpf, 'base64'), endian) } : { error: o.error ?? 'unknown' };
  }
  return res;
}

/** libseccomp's number for each name on each arch (negative: not on that arch; -1: unknown to libseccomp). */
export function libseccompNumbers(arches: readonly string[], names: readonly string[]): Record<string, Record<string, number>> {
  const code = `
import json, sys, seccomp
q = json.load(sys.stdin)
print(json.dumps({a: {n: seccomp.resolve_syscall(getattr(seccomp.Arch, a), n) for n in q['names']} for a in q['arches']}))`;
  const out = execFileSync(DEBIAN_PYTHON, ['-c', code], { input: JSON.stringify({ arches: arches.map((a) => a.replace(/^SCMP_ARCH_/, '')), names }) }).toString();
  return JSON.parse(out) as Record<string, Record<string, number>>;
}
