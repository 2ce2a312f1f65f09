// `npm run bench:cli`: start-up cost of the built CLI (dist/) against `node -e 0`, measured side by side in one run.
// Each round runs the baseline and every case once, in turn, so load on a shared machine hits them alike; the table
// gives medians of wall time and of CPU time (user + system of the child, from wait4's rusage in microseconds, read
// through Debian's python3) and both ratios. CPU time is what load on a shared machine disturbs least.
// Target (issue 15): `resolve 54` and `--help` within 1.3× of `node -e 0`.
// The built CLI keeps V8's code cache per command (docs/cli.md): the children get a private XDG_CACHE_HOME that the
// warm-up round fills, so the main rows are the steady state; the "no code cache" rows run with SECCOMPCTL_CODE_CACHE=0
// and the "first run" row with an empty cache directory each round (it compiles and writes the cache).
// --before DIR adds rows for another build's CLI (DIR/dist/cli/bin.js, e.g. a `git worktree` of an older commit built
// with its own `npm run build`), so before and after come from one run.
//   npm run build && npm run bench:cli [-- --rounds N] [-- --before DIR]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/cli/bin.js');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;
const beforeArg = process.argv.indexOf('--before');
const BEFORE = beforeArg > 0 ? join(process.argv[beforeArg + 1] ?? '', 'dist/cli/bin.js') : undefined;
const out = (s: string): void => { process.stdout.write(s + '\n'); };

if (!existsSync(BIN)) {
  out('bench:cli: dist/cli/bin.js is missing; run `npm run build` first');
  process.exit(2);
}
if (BEFORE !== undefined && !existsSync(BEFORE)) {
  out(`bench:cli: ${BEFORE} is missing; build that tree first`);
  process.exit(2);
}
// Runs argv, discards its output, prints "<wall s> <user s> <system s>" from os.wait4's rusage.
const WAIT4 = [
  'import os, sys, time',
  't = time.monotonic()',
  'pid = os.fork()',
  'if pid == 0:',
  '    fd = os.open("/dev/null", os.O_WRONLY); os.dup2(fd, 1)',
  '    os.execv(sys.argv[1], sys.argv[1:])',
  '_, status, ru = os.wait4(pid, 0)',
  'w = time.monotonic() - t',
  'print(w, ru.ru_utime, ru.ru_stime, os.waitstatus_to_exitcode(status))',
].join('\n');

const work = mkdtempSync(join(tmpdir(), 'seccompctl-bench-cli-'));
const commands = ['resolve', 'validate', 'convert', 'schema', 'generate', 'merge', 'diff', 'record', 'agent', 'verify', 'compile',
  'check', 'advise', 'report', 'k8s', 'node', 'completion', 'doctor'];
const RESOLVE = ['resolve', '--arch', 'x86_64', '54'];
type Env = (round: number) => Record<string, string>;
const cached: Env = () => ({ XDG_CACHE_HOME: join(work, 'cache') });
const noCache: Env = () => ({ SECCOMPCTL_CODE_CACHE: '0' });
const firstRun: Env = (round) => ({ XDG_CACHE_HOME: join(work, `cold-${round}`) });
const cases: [string, string[], Env?][] = [
  ['node -e 0 (baseline)', ['-e', '0']],
  ['resolve 54', [BIN, ...RESOLVE], cached],
  ['--help', [BIN, '--help'], cached],
  ...commands.map((c): [string, string[], Env] => [`${c} --help`, [BIN, c, '--help'], cached]),
  ['generate (bundled nginx log)', [BIN, 'generate', join(ROOT, 'examples/audit/nginx-in-runc.dmesg.log'), '-o', join(work, 'p.json')], cached],
  ['resolve 54, no code cache', [BIN, ...RESOLVE], noCache],
  ['--help, no code cache', [BIN, '--help'], noCache],
  ['resolve 54, first run', [BIN, ...RESOLVE], firstRun],
  ...(BEFORE === undefined ? [] : [
    ['before: resolve 54', [BEFORE, ...RESOLVE], cached],
    ['before: --help', [BEFORE, '--help'], cached],
  ] as [string, string[], Env][]),
];

interface Sample { wall: number; cpu: number }
const samples = new Map<string, Sample[]>(cases.map(([n]) => [n, []]));

function once(args: string[], env: Env | undefined, round: number): Sample {
  const r = spawnSync('/usr/bin/python3', ['-c', WAIT4, process.execPath, ...args],
    { encoding: 'utf8', env: { ...process.env, ...env?.(round) } });
  const [w, u, s, code] = r.stdout.trim().split(' ').map(Number);
  if (r.status !== 0 || code !== 0) throw new Error(`${args.join(' ')} exited ${code ?? r.status}: ${r.stderr.slice(0, 300)}`);
  return { wall: (w ?? 0) * 1000, cpu: ((u ?? 0) + (s ?? 0)) * 1000 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

try {
  for (const [, args, env] of cases) once(args, env, -1); // warm the page cache and the code cache
  for (let r = 0; r < ROUNDS; r++) for (const [name, args, env] of cases) samples.get(name)!.push(once(args, env, r));
  const base = samples.get(cases[0]![0])!;
  const bw = median(base.map((s) => s.wall));
  const bc = median(base.map((s) => s.cpu));
  out(`${ROUNDS} rounds; medians. CPU = the child's user + system time.`);
  out(`${'case'.padEnd(32)}${'wall ms'.padStart(9)}${'ratio'.padStart(8)}${'cpu ms'.padStart(9)}${'ratio'.padStart(8)}`);
  for (const [name] of cases) {
    const s = samples.get(name)!;
    const w = median(s.map((x) => x.wall));
    const c = median(s.map((x) => x.cpu));
    out(`${name.padEnd(32)}${w.toFixed(0).padStart(9)}${(w / bw).toFixed(2).padStart(7)}×${c.toFixed(0).padStart(9)}${(bc > 0 ? c / bc : NaN).toFixed(2).padStart(7)}×`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
