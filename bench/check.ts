// npm run bench:check — `seccompctl check PROFILE` in bulk: N (syscall, args) lines on standard input, one verdict
// per line, from one process. Measured in the same run:
// - node -e: a node process that reads the same lines and writes one line per line (the floor of any node tool
//   answering line by line: start-up plus I/O);
// - check, text and --json, on two inputs: a mix of 20 calls repeated (what a script asking about recorded calls
//   sends; a call text seen before reuses its verdict) and N distinct calls (random argument values: every line is
//   parsed, evaluated and emulated);
// - one check per process (the way to do it before `check` took many calls), on a sample of the lines.
// Per-verdict cost: (time for N lines − time for 1 line) / (N − 1), so start-up is not spread over the lines.
// BENCH_LINES (default 100000), BENCH_REPS (default 3, medians), BENCH_PROFILE (default runtime-default:docker).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const N = Number(process.env.BENCH_LINES ?? 100_000);
const REPS = Number(process.env.BENCH_REPS ?? 3);
const PROFILE = process.env.BENCH_PROFILE ?? 'runtime-default:docker';
const root = join(import.meta.dirname, '..');
// BENCH_CLI=dist runs the built CLI (npm run build first); by default the sources through tsx (slower start-up).
const DIST = process.env.BENCH_CLI === 'dist';
const cliArgv = DIST ? [process.execPath, join(root, 'dist/cli/bin.js')] : [process.execPath, '--import', 'tsx', join(root, 'src/cli/bin.ts')];

// A small deterministic generator (no Math.random: the same lines every run).
let seed = 0x2545f491;
const rand = (n: number): number => {
  seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0;
  return seed % n;
};
const MIX = ['read', 'write', 'openat(AT_FDCWD, 0, O_RDWR|O_CREAT)', 'socket(AF_INET, SOCK_STREAM, 0)', 'socket(AF_VSOCK, SOCK_STREAM, 0)',
  'clone(CLONE_NEWUSER)', 'clone(0x11)', 'personality(0xffffffff)', 'personality(0)', 'mount', 'ptrace(16, 1)', 'bpf', 'getppid', 'mmap',
  'futex', 'epoll_wait', 'accept4', 'clone3', 'unshare(CLONE_NEWNS)', 'kill(1, 9)'];
const NAMES = ['read', 'write', 'openat', 'socket', 'clone', 'personality', 'mount', 'ptrace', 'bpf', 'getppid', 'mmap', 'futex', 'epoll_wait',
  'accept4', 'clone3', 'unshare', 'kill', 'ioctl', 'prctl', 'mprotect', 'setns', 'keyctl', 'fchmodat', 'sendto', 'recvfrom'];
const mixed = (n: number): string[] => Array.from({ length: n }, () => MIX[rand(MIX.length)]!);
const distinct = (n: number): string[] => {
  const seen = new Set<string>();
  while (seen.size < n) {
    const args = Array.from({ length: rand(7) }, () => `0x${(rand(0x7fffffff) * (rand(2) ? 0x10000 : 1)).toString(16)}`);
    seen.add(`${NAMES[rand(NAMES.length)]!}(${args.join(', ')})`);
  }
  return [...seen];
};

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const dir = mkdtempSync(join(tmpdir(), 'seccompctl-bench-check-'));

function timed(argv: string[], input: string): { ms: number; lines: number; status: number | null; stderr: string } {
  const t = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t;
  return { ms, lines: r.stdout.split('\n').filter((l) => l !== '' && l !== '[' && l !== ']').length, status: r.status, stderr: r.stderr };
}

const NODE_E = [process.execPath, '-e',
  "const rl=require('readline').createInterface({input:process.stdin});const o=[];rl.on('line',(l)=>{if(l.trim())o.push(l.length+' '+l)});rl.on('close',()=>process.stdout.write(o.join('\\n')+'\\n'))"];

try {
  const inputs = { mix: mixed(N), distinct: distinct(N) };
  const out: string[] = [];
  out.push(`check benchmark: ${N} lines on stdin, profile ${PROFILE} (x86_64), ${REPS} runs each (medians); CLI run as ${DIST ? 'node dist/cli/bin.js' : 'node --import tsx src/cli/bin.ts'}`);
  out.push('per line = (N lines − 1 line) / (N − 1): start-up excluded; "per line ×" compares that with node -e\'s, "wall ×" the whole runs');
  out.push(`${'row'.padEnd(22)} ${'N lines ms'.padStart(10)} ${'1 line ms'.padStart(9)} ${'µs/line'.padStart(8)} ${'lines/s'.padStart(9)} ${'per line ×'.padStart(10)} ${'wall ×'.padStart(7)}`);
  const row = (name: string, argv: string[], lines: string[]): { perLine: number; full: number; single: number } => {
    const input = `${lines.join('\n')}\n`;
    const one = `${lines[0]}\n`;
    const full: number[] = [];
    const single: number[] = [];
    for (let i = 0; i < REPS; i++) {
      const r = timed(argv, input);
      if (r.lines !== lines.length) throw new Error(`${name}: ${r.lines} verdicts for ${lines.length} lines (exit ${r.status}): ${r.stderr.slice(0, 300)}`);
      full.push(r.ms);
      single.push(timed(argv, one).ms);
    }
    const f = median(full);
    const s = median(single);
    return { perLine: (f - s) / (lines.length - 1), full: f, single: s };
  };
  let distinctText: { perLine: number; full: number; single: number } | undefined;
  const base: Record<string, { perLine: number; full: number; single: number }> = {};
  for (const [kind, lines] of Object.entries(inputs)) {
    base[kind] = row(`node -e (${kind})`, NODE_E, lines);
    const b = base[kind];
    out.push(`${`node -e (${kind})`.padEnd(22)} ${b.full.toFixed(0).padStart(10)} ${'-'.padStart(9)} ${(b.perLine * 1000).toFixed(2).padStart(8)} ${(1000 / b.perLine).toFixed(0).padStart(9)} ${'1.00x'.padStart(10)} ${'1.00x'.padStart(7)}`);
    for (const json of [false, true]) {
      const argv = [...cliArgv, 'check', PROFILE, '--arch', 'x86_64', ...(json ? ['--json'] : [])];
      const r = row(`check${json ? ' --json' : ''} (${kind})`, argv, lines);
      if (kind === 'distinct' && !json) distinctText = r;
      out.push(`${`check${json ? ' --json' : ''} (${kind})`.padEnd(22)} ${r.full.toFixed(0).padStart(10)} ${r.single.toFixed(0).padStart(9)} ${(r.perLine * 1000).toFixed(2).padStart(8)} ${(1000 / r.perLine).toFixed(0).padStart(9)} ${`${(r.perLine / b.perLine).toFixed(2)}x`.padStart(10)} ${`${(r.full / b.full).toFixed(2)}x`.padStart(7)}`);
    }
  }
  // One check per process: a sample of the distinct lines, each as the only argument.
  const sample = inputs.distinct.filter((_, i) => i % Math.max(1, Math.floor(N / 10)) === 0).slice(0, 10);
  const per: number[] = [];
  for (const c of sample) {
    const t = performance.now();
    const r = spawnSync(cliArgv[0]!, [...cliArgv.slice(1), 'check', PROFILE, '--arch', 'x86_64', c], { encoding: 'utf8' });
    if (r.status !== 0 && r.status !== 1) throw new Error(`check ${c}: exit ${r.status}: ${r.stderr}`);
    per.push(performance.now() - t);
  }
  const p = median(per);
  const bulk = base.distinct!;
  const d = distinctText!;
  out.push(`one check per process (${sample.length} of the distinct lines): ${p.toFixed(0)} ms each = ${(1000 / p).toFixed(1)} verdicts/s; bulk on the same kind of lines: ${(1000 / d.perLine).toFixed(0)} verdicts/s`);
  out.push(`(${(p / d.perLine).toFixed(0)}x as many), or ${(N / (d.full / 1000)).toFixed(0)} verdicts/s counting start-up (${N} lines in ${(d.full / 1000).toFixed(2)} s); node -e: ${(1000 / bulk.perLine).toFixed(0)} lines/s`);
  writeFileSync(join(dir, 'done'), '');
  process.stdout.write(`${out.join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
