// Measures the argument values runc's init uses, after loading the container's seccomp filter, for the curated
// syscalls of its base set (prctl, mmap, tgkill, …), and writes src/generate/runc-base-args.generated.ts.
// Run as root on the runc you target: npx tsx scripts/measure-runc-args.ts [RUNS]
//
// Method: trivial containers (`true`) under a filter that allows everything but `acct`, NNP on and off, run by
// `strace -f -X raw` around `runc run`. The init process is the one that loads the filter
// (seccomp(SECCOMP_SET_MODE_FILTER) or prctl(PR_SET_SECCOMP)); its calls from then until its execve are the ones the
// filter sees. Added to what was measured: the Go runtime's asynchronous calls that can happen at any moment in runc
// init (Go's runtime/mem_linux.go maps with PROT_NONE and PROT_READ|PROT_WRITE; runtime/signal_unix.go preempts
// goroutines with tgkill(SIGURG)), since a few runs cannot be relied on to catch them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/common/index.js';
import { ArgCollector, formatCall } from '../src/generate/index.js';
import { ingestFiles, type Observation } from '../src/ingest/index.js';
import { createHostBundle, RUNC_BASE_SETS, requireRunc, uniqueContainerId } from '../src/runtime/index.js';
import { argSpec, hostArch } from '../src/syscalls/index.js';

const runs = Number(process.argv[2] ?? '5');
const version = requireRunc();
const arch = hostArch().id;
const filter = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', architectures: [hostArch().scmp], syscalls: [{ names: ['acct'], action: 'SCMP_ACT_ERRNO' }] });
const GO_RUNTIME: Record<string, string[][]> = { mmap: [['PROT_NONE'], ['PROT_READ|PROT_WRITE']], tgkill: [['SIGURG']] };

async function measure(nnp: boolean): Promise<Record<string, string[][]>> {
  const c = new ArgCollector();
  for (let i = 0; i < runs; i++) {
    const b = createHostBundle({ args: ['true'], seccomp: filter, noNewPrivileges: nnp });
    const dir = mkdtempSync(join(tmpdir(), 'measure-runc-args-'));
    try {
      const file = join(dir, 'trace');
      const id = uniqueContainerId('seccompctl-measure');
      const r = spawnSync('strace', ['-f', '-X', 'raw', '-o', file, 'runc', '--root', '/run/seccompctl/runc', 'run', '-b', b.dir, id], { encoding: 'utf8', timeout: 60_000 });
      spawnSync('runc', ['--root', '/run/seccompctl/runc', 'delete', '-f', id]);
      if (r.status !== 0) throw new Error(`runc run failed: ${r.stderr}`);
      // Per process, its calls in order; the filter-loading call is the last seccomp(SECCOMP_SET_MODE_FILTER) or
      // prctl(PR_SET_SECCOMP) before its execve (libseccomp probes the kernel with failing calls first).
      const calls = new Map<number, Observation[]>();
      await ingestFiles([file], {
        format: 'strace', nativeArch: arch,
        onObservation: (o) => {
          if (o.pid === undefined) return;
          let l = calls.get(o.pid);
          if (!l) calls.set(o.pid, (l = []));
          l.push(o);
        },
      });
      const loads = (o: Observation): boolean => {
        const a0 = o.args?.[0] ?? '';
        return (o.name === 'seccomp' && /^(0x1|1)$/.test(a0.trim()) && !/NULL|^0$/.test((o.args?.[2] ?? '').trim())) ||
          (o.name === 'prctl' && /^(0x16|22)$/.test(a0.trim()));
      };
      let filtered = 0;
      for (const l of calls.values()) {
        const exec = l.findIndex((o) => o.name === 'execve' && l.slice(0, l.indexOf(o)).some(loads));
        if (exec < 0) continue;
        let from = exec - 1;
        while (!loads(l[from]!)) from--;
        filtered++;
        for (const o of l.slice(from + 1, exec)) c.onObservation(o);
      }
      if (filtered === 0) throw new Error('no process loaded a seccomp filter: is runc applying linux.seccomp?');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      b.cleanup();
    }
  }
  const base = new Set(nnp ? RUNC_BASE_SETS.nnp : RUNC_BASE_SETS.noNnp);
  const out: Record<string, string[][]> = {};
  for (const [name, v] of c.result().syscalls) {
    const spec = argSpec(name, arch);
    if (!spec || !base.has(name)) continue;
    if (v.overflow || v.unreadable > 0) throw new Error(`${name}: values not readable (${v.unreadableExample ?? 'overflow'})`);
    out[name] = [...v.tuples.values()].map((t) => formatCall(arch, spec, t).replace(/^\w+\((.*)\)$/, '$1').split(', '));
  }
  for (const [name, tuples] of Object.entries(GO_RUNTIME)) {
    if (!base.has(name)) continue;
    const have = new Set((out[name] ?? []).map((t) => t.join(', ')));
    out[name] = [...(out[name] ?? []), ...tuples.filter((t) => !have.has(t.join(', ')))];
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

const nnp = await measure(true);
const noNnp = await measure(false);
const date = new Date().toISOString().slice(0, 10);
const text = `// GENERATED by scripts/measure-runc-args.ts on ${date} — do not edit by hand; rerun the script on the target runc.
// The argument values runc's init uses for the curated syscalls (ARG_SPECS) of its base set, after loading the
// container's filter and before the workload's exec: strace -f -X raw around runc ${version}, ${runs} runs per
// setting, plus the Go runtime's asynchronous uses (mmap PROT_NONE / PROT_READ|PROT_WRITE, tgkill SIGURG).
// Values are symbolic (${arch} names), one array per allowed call, in the curated arguments' order.
import type { RuntimeArgValues } from './args.js';

export const RUNC_BASE_ARGS: { runcVersion: string; nnp: RuntimeArgValues; noNnp: RuntimeArgValues } = {
  runcVersion: ${JSON.stringify(version)},
  nnp: { source: ${JSON.stringify(`measured by scripts/measure-runc-args.ts: runc ${version}, no-new-privileges on, ${runs} runs`)}, values: ${JSON.stringify(nnp)} },
  noNnp: { source: ${JSON.stringify(`measured by scripts/measure-runc-args.ts: runc ${version}, no-new-privileges off, ${runs} runs`)}, values: ${JSON.stringify(noNnp)} },
};
`;
const out = fileURLToPath(new URL('../src/generate/runc-base-args.generated.ts', import.meta.url));
writeFileAtomic(out, text);
process.stdout.write(`runc ${version}\n  nnp: ${JSON.stringify(nnp)}\n  noNnp: ${JSON.stringify(noNnp)}\nwrote ${out}\n`);
