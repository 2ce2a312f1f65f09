// `npm run bench:cli`: start-up cost of the built CLI (dist/) against `node -e 0`, measured side by side in one run.
// Each round runs the baseline and every case once, in turn, so load on a shared machine hits them alike; the table
// gives medians of wall time and of CPU time (user + system of the child, from wait4's rusage in microseconds, read
// through Debian's python3) and both ratios. CPU time is what load on a shared machine disturbs least.
// Target (issue 15): `resolve 54` and `--help` within 1.3× of `node -e 0`.
//   npm run build && npm run bench:cli [-- --rounds N]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const BIN = join(ROOT, 'dist/cli/bin.js');
const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 15;
const out = (s: string): void => { process.stdout.write(s + '\n'); };

if (!existsSync(BIN)) {
  out('bench:cli: dist/cli/bin.js is missing; run `npm run build` first');
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
const cases: [string, string[]][] = [
  ['node -e 0 (baseline)', ['-e', '0']],
  ['resolve 54', [BIN, 'resolve', '--arch', 'x86_64', '54']],
  ['--help', [BIN, '--help']],
  ...commands.map((c): [string, string[]] => [`${c} --help`, [BIN, c, '--help']]),
  ['generate (bundled nginx log)', [BIN, 'generate', join(ROOT, 'examples/audit/nginx-in-runc.dmesg.log'), '-o', join(work, 'p.json')]],
];

interface Sample { wall: number; cpu: number }
const samples = new Map<string, Sample[]>(cases.map(([n]) => [n, []]));

function once(args: string[]): Sample {
  const r = spawnSync('/usr/bin/python3', ['-c', WAIT4, process.execPath, ...args], { encoding: 'utf8' });
  const [w, u, s, code] = r.stdout.trim().split(' ').map(Number);
  if (r.status !== 0 || code !== 0) throw new Error(`${args.join(' ')} exited ${code ?? r.status}: ${r.stderr.slice(0, 300)}`);
  return { wall: (w ?? 0) * 1000, cpu: ((u ?? 0) + (s ?? 0)) * 1000 };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

try {
  for (const [, args] of cases) once(args); // warm the page cache
  for (let r = 0; r < ROUNDS; r++) for (const [name, args] of cases) samples.get(name)!.push(once(args));
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
