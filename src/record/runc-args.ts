// runc's own argument uses: which values runc's init passes to the curated syscalls (ARG_SPECS) of its base set after
// loading the container's filter and before the workload's exec — measured with strace around `runc run`, so that
// `generate --args` keeps them allowed (scripts/measure-runc-args.ts writes src/generate/runc-base-args.generated.ts).
import { spawnSync } from 'node:child_process';
import { ArgCollector, formatCall } from '../generate/index.js';
import { ingestFiles, type Observation } from '../ingest/index.js';
import { createHostBundle, RUNC_BASE_SETS, requireRunc, tempDir, uniqueContainerId } from '../runtime/index.js';
import { argSpec, hostArch } from '../syscalls/index.js';

/**
 * The Go runtime's asynchronous uses, which can happen at any moment in runc's init and which a few runs cannot be
 * relied on to catch: Go's runtime/mem_linux.go maps with PROT_NONE and PROT_READ|PROT_WRITE; runtime/signal_unix.go
 * preempts goroutines with tgkill(SIGURG).
 */
export const GO_RUNTIME_ARGS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  mmap: [['PROT_NONE'], ['PROT_READ|PROT_WRITE']], tgkill: [['SIGURG']],
};

/** The measurement: per setting, syscall → symbolic tuples (curated arguments' order). */
export interface RuncArgsMeasurement {
  runcVersion: string;
  runs: number;
  nnp: Record<string, string[][]>;
  noNnp: Record<string, string[][]>;
}

/**
 * Runs `true` in runc `runs` times per setting (NNP on, off) under a filter allowing all but `acct`, each under
 * `strace -f -X raw`; the process that loads the filter (its last seccomp(SECCOMP_SET_MODE_FILTER) or
 * prctl(PR_SET_SECCOMP) before its execve — libseccomp first probes the kernel with failing calls) is runc's init,
 * and its calls from there to the execve are what the filter sees. Root, runc, strace.
 */
export async function measureRuncArgs(opts: { runs?: number; withGoRuntime?: boolean } = {}): Promise<RuncArgsMeasurement> {
  const runs = opts.runs ?? 5;
  const runcVersion = requireRunc();
  const arch = hostArch().id;
  const filter = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', architectures: [hostArch().scmp], syscalls: [{ names: ['acct'], action: 'SCMP_ACT_ERRNO' }] });
  const measure = async (nnp: boolean): Promise<Record<string, string[][]>> => {
    const c = new ArgCollector();
    for (let i = 0; i < runs; i++) {
      const b = createHostBundle({ args: ['true'], seccomp: filter, noNewPrivileges: nnp });
      const { dir, remove } = tempDir('seccompctl-runc-args-');
      try {
        const file = `${dir}/trace`;
        const id = uniqueContainerId('seccompctl-measure');
        const r = spawnSync('strace', ['-f', '-X', 'raw', '-o', file, 'runc', '--root', '/run/seccompctl/runc', 'run', '-b', b.dir, id], { encoding: 'utf8', timeout: 60_000 });
        spawnSync('runc', ['--root', '/run/seccompctl/runc', 'delete', '-f', id]);
        if (r.status !== 0) throw new Error(`runc run under strace failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' | ')}`);
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
          const a0 = (o.args?.[0] ?? '').trim();
          return (o.name === 'seccomp' && /^(0x1|1)$/.test(a0) && !/^(NULL|0)$/.test((o.args?.[2] ?? '').trim())) ||
            (o.name === 'prctl' && /^(0x16|22)$/.test(a0));
        };
        let found = 0;
        for (const l of calls.values()) {
          const exec = l.findIndex((o, k) => o.name === 'execve' && l.slice(0, k).some(loads));
          if (exec < 0) continue;
          let from = exec - 1;
          while (!loads(l[from]!)) from--;
          found++;
          for (const o of l.slice(from + 1, exec)) c.onObservation(o);
        }
        if (found === 0) throw new Error('no process loaded a seccomp filter and then exec\'d: is runc applying linux.seccomp?');
      } finally {
        remove();
        b.cleanup();
      }
    }
    const base = new Set(nnp ? RUNC_BASE_SETS.nnp : RUNC_BASE_SETS.noNnp);
    const out: Record<string, string[][]> = {};
    for (const [name, v] of c.result().syscalls) {
      const spec = argSpec(name, arch);
      if (!spec || !base.has(name)) continue;
      if (v.overflow || v.unreadable > 0) throw new Error(`${name}: runc's values not readable (${v.unreadableExample ?? 'overflow'})`);
      out[name] = [...v.tuples.values()].map((t) => symbolic(formatCall(arch, spec, t)));
    }
    if (opts.withGoRuntime !== false) {
      for (const [name, tuples] of Object.entries(GO_RUNTIME_ARGS)) {
        if (!base.has(name)) continue;
        const have = new Set((out[name] ?? []).map((t) => t.join(', ')));
        out[name] = [...(out[name] ?? []), ...tuples.filter((t) => !have.has(t.join(', '))).map((t) => [...t])];
      }
    }
    for (const l of Object.values(out)) l.sort((x, y) => (x.join() < y.join() ? -1 : 1));
    return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
  };
  return { runcVersion, runs, nnp: await measure(true), noNnp: await measure(false) };
}

/** `prctl(option=PR_SET_KEEPCAPS)` → `['PR_SET_KEEPCAPS']`. */
function symbolic(call: string): string[] {
  return call.replace(/^\w+\((.*)\)$/, '$1').split(', ').map((p) => p.replace(/^\w+=/, ''));
}

/** The generated module's text. */
export function renderRuncArgsModule(m: RuncArgsMeasurement, date: string): string {
  const arch = hostArch().id;
  const src = (nnp: boolean): string => `measured by scripts/measure-runc-args.ts: runc ${m.runcVersion}, no-new-privileges ${nnp ? 'on' : 'off'}, ${m.runs} runs, plus the Go runtime's asynchronous uses`;
  return `// GENERATED by scripts/measure-runc-args.ts on ${date} — do not edit by hand; rerun the script on the target runc.
// The argument values runc's init uses for the curated syscalls (ARG_SPECS) of its base set, after loading the
// container's filter and before the workload's exec: strace -f -X raw around runc ${m.runcVersion}, ${m.runs} runs per
// setting, plus the Go runtime's asynchronous uses (mmap PROT_NONE / PROT_READ|PROT_WRITE, tgkill SIGURG).
// Values are symbolic (${arch} names), one array per allowed call, in the curated arguments' order.
import type { RuntimeArgValues } from './args.js';

export const RUNC_BASE_ARGS: { runcVersion: string; nnp: RuntimeArgValues; noNnp: RuntimeArgValues } = {
  runcVersion: ${JSON.stringify(m.runcVersion)},
  nnp: { source: ${JSON.stringify(src(true))}, values: ${JSON.stringify(m.nnp)} },
  noNnp: { source: ${JSON.stringify(src(false))}, values: ${JSON.stringify(m.noNnp)} },
};
`;
}
