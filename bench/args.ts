// `npm run bench:args` (root, runc, bpftrace, nginx, redis-server, python3): what argument rules cost and close, per
// real server. Each server is recorded with `record --args` (eBPF backend, host mode) while real requests run; the
// name-only profile (the baseline, built in the same run from the same recording) and the --args profile (runc,
// no-new-privileges off) are compared on: allowed syscalls, syscalls with argument rules, dangerous argument values
// closed (of DANGEROUS_CALLS, those the name-only profile allowed), and the compiled BPF program (our compiler; runc
// 1.1.5 + libseccomp 2.5.4 for reference): length, mean instructions per syscall over every x86_64 syscall number
// (arguments 0), and mean instructions over the workload's own calls (each recorded argument tuple, and every other
// recorded syscall with arguments 0) — the path the server actually pays for.
import { compileProfile, emulate, type Insn, type SeccompData } from '../src/bpf/index.js';
import { allowsCall, DANGEROUS_CALLS, dangerousCallArgs, generateWithArgs, type GenerateArgsResult } from '../src/generate/index.js';
import { syscallNames } from '../src/ingest/index.js';
import type { Profile } from '../src/profile/index.js';
import { recordWorkload } from '../src/record/index.js';
import { archInfo, argSpec, syscallNumber, syscallsOf } from '../src/syscalls/index.js';
import { libseccompFilters } from '../test/bpf/_oracle.js';
import { drive, freePort, SERVERS, serverDir } from '../test/verify/servers.js';

const out = (s: string): void => { process.stdout.write(s + '\n'); };
const X86_64 = archInfo('x86_64').auditArch;
const pad = (d: bigint[]): bigint[] => [...d, ...new Array<bigint>(6 - d.length).fill(0n)];

function meanInsns(prog: readonly Insn[], inputs: readonly SeccompData[]): number {
  let sum = 0;
  for (const d of inputs) sum += emulate(prog, d).executed;
  return sum / inputs.length;
}

function allowedNames(p: Profile): number {
  return new Set((p.syscalls ?? []).filter((r) => r.action === 'SCMP_ACT_ALLOW' || r.action === 'SCMP_ACT_LOG').flatMap((r) => r.names)).size;
}

function runcLength(p: Profile): number {
  const [r] = libseccompFilters([{ native: 'SCMP_ARCH_X86_64', profile: p, optimize: 1, stub: true }]);
  if (!r || 'error' in r) throw new Error(`libseccomp: ${r && 'error' in r ? r.error : '?'}`);
  return r.program.length;
}

interface Row { server: string; g: GenerateArgsResult; workload: SeccompData[]; dangerousBefore: number }
const rows: Row[] = [];
for (const def of SERVERS) {
  const { dir, cleanup } = serverDir(`bench-args-${def.name}`);
  try {
    def.setup(dir);
    const port = await freePort();
    const { result: r, traffic } = await drive(def, port, (signal) => recordWorkload({
      argv: def.argv(port, dir), backend: 'ebpf', args: true, signal, stopSignal: def.stopSignal, killGraceMs: 5000,
    }));
    if (traffic instanceof Error) throw traffic;
    const g = generateWithArgs(r.ingest, r.args!, { runtime: 'runc', noNewPrivileges: false });
    const workload: SeccompData[] = [];
    for (const name of syscallNames(r.ingest, 'x86_64')) {
      const nr = syscallNumber('x86_64', name);
      if (nr === undefined) continue;
      const spec = argSpec(name, 'x86_64');
      const tuples = [...(r.args!.syscalls.get(name)?.tuples.values() ?? [])];
      if (!spec || tuples.length === 0) {
        workload.push({ nr, arch: X86_64, args: pad([]) });
        continue;
      }
      for (const t of tuples) {
        const args = pad([]);
        spec.args.forEach((a, i) => { args[a.index] = t[i]!; });
        workload.push({ nr, arch: X86_64, args });
      }
    }
    const dangerousBefore = DANGEROUS_CALLS.filter((d) => {
      const a = dangerousCallArgs('x86_64', d);
      return a !== undefined && allowsCall(g.nameOnlyProfile, d.syscall, a);
    }).length;
    rows.push({ server: def.name, g, workload, dangerousBefore });
  } finally {
    cleanup();
  }
}

const everyNr: SeccompData[] = [...syscallsOf('x86_64').values()].map((nr) => ({ nr, arch: X86_64, args: pad([]) }));
out(`## bench:args — name-only (baseline) vs --args, recorded with eBPF while real requests ran (runc, NNP off)\n`);
out('| server | profile | allowed syscalls | with arg rules | dangerous values allowed | BPF length (ours) | runc+libseccomp length | mean insns, every nr | mean insns, workload calls |');
out('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  const names = row.g.nameOnlyProfile;
  const args = row.g.profile;
  const pn = compileProfile(names, { arch: 'x86_64' }).program;
  const pa = compileProfile(args, { arch: 'x86_64' }).program;
  const ln = runcLength(names);
  const la = runcLength(args);
  const mn = meanInsns(pn, everyNr);
  const ma = meanInsns(pa, everyNr);
  const wn = meanInsns(pn, row.workload);
  const wa = meanInsns(pa, row.workload);
  const closed = row.g.args.closed.length;
  out(`| ${row.server} | name-only | ${allowedNames(names)} | 0 | ${row.dangerousBefore} | ${pn.length} | ${ln} | ${mn.toFixed(1)} | ${wn.toFixed(1)} |`);
  out(`| ${row.server} | --args | ${allowedNames(args)} | ${row.g.args.restricted.length} | ${row.dangerousBefore - closed} (${closed} closed) | ${pa.length} (${(pa.length / pn.length).toFixed(2)}×) | ${la} (${(la / ln).toFixed(2)}×) | ${ma.toFixed(1)} (${(ma / mn).toFixed(2)}×) | ${wa.toFixed(1)} (${(wa / wn).toFixed(2)}×) |`);
}
out(`\nDangerous values: ${DANGEROUS_CALLS.length} calls in the list (src/generate/args.ts); "allowed" counts those the profile lets through.`);
for (const row of rows) {
  const still = DANGEROUS_CALLS.filter((d) => {
    const a = dangerousCallArgs('x86_64', d);
    return a !== undefined && allowsCall(row.g.profile, d.syscall, a);
  }).map((d) => `${d.syscall}(${Object.values(d.args).join(', ')})`);
  out(`${row.server}: dangerous values still allowed with --args: ${still.join(' ') || 'none'}`);
  out(`${row.server}: curated syscalls by name only: ${row.g.args.nameOnly.map((n) => `${n.syscall} (${n.reason})`).join('; ') || 'no curated syscall by name only'}`);
}
