// `npm run bench:ingest-instr [-- --size 32M] [--baseline REV] [--functions] [--file LOG]`: how many instructions the
// WebAssembly record loop (native/ingest-wasm/ingest.c) executes per line and per byte, by kind of line, counted by
// valgrind's callgrind on a native build of the same C source (bench/ingest-instr.c; SIMDe maps its SIMD128
// intrinsics onto SSE). Counts repeat exactly from run to run, so a change to the loop of 1 % shows, where
// bench:ingest's wall times on this shared machine move by ±15 %. With --baseline REV the loop of git revision REV is
// counted too, on the same lines, and each row gives after / before.
// The kinds of line of bench:ingest's realistic log (or of --file LOG): lines without `audit` (only searched), other
// lines with `audit` (other record types, apiserver audit lines: ended, checked for markers, serial read) and seccomp
// records (decoded and counted). The count is the module's; the JS side (registrations, flush) and V8's code for the
// module are not in it: bench:ingest measures the whole.
// Needs gcc, valgrind and libsimde-dev (scripts/install-system-deps.sh installs them).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..');
const out = (s: string) => process.stdout.write(s + '\n');

function fail(msg: string): never {
  process.stderr.write(`bench:ingest-instr: ${msg}\n`);
  process.exit(2);
}

/** Builds the driver around an ingest.c (optimised as the wasm build is, -O2; x86-64-v2 so valgrind runs it all). */
function build(dir: string, ingestC: string, profile: boolean): string {
  const shim = join(dir, 'shim');
  execFileSync('mkdir', ['-p', shim]);
  writeFileSync(join(shim, 'wasm_simd128.h'), '#define SIMDE_ENABLE_NATIVE_ALIASES\n#include <simde/wasm/simd128.h>\n');
  const exe = join(dir, profile ? 'driver-prof' : 'driver');
  const r = spawnSync('gcc', ['-O2', '-march=x86-64-v2', '-g', '-Wno-attributes', `-I${shim}`, `-DINGEST_C="${ingestC}"`,
    ...(profile ? ['-DXP_PROFILE'] : []), '-o', exe, join(ROOT, 'bench', 'ingest-instr.c')], { encoding: 'utf8' });
  if (r.status !== 0) fail(`gcc failed on ${ingestC}:\n${r.stderr}`);
  return exe;
}

/** Instructions the driver executes on FILE (callgrind's total), and the driver's own summary. */
function count(exe: string, file: string, dir: string): { ir: number; summary: Record<string, number>; cg: string } {
  const cg = join(dir, `cg.${Math.random().toString(36).slice(2)}`);
  const r = spawnSync('valgrind', ['--tool=callgrind', `--callgrind-out-file=${cg}`, exe, file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) fail(`valgrind failed: ${r.stderr.split('\n').slice(-5).join(' | ')}`);
  const m = /^summary:\s*(\d+)/m.exec(readFileSync(cg, 'utf8')) ?? /^totals:\s*(\d+)/m.exec(readFileSync(cg, 'utf8'));
  if (!m) fail(`no total in ${cg}`);
  return { ir: Number(m[1]), summary: JSON.parse(r.stdout.trim()) as Record<string, number>, cg };
}

function main(): void {
  const args = process.argv.slice(2);
  const opt = (k: string) => (args.indexOf(k) >= 0 ? args[args.indexOf(k) + 1] : undefined);
  for (const [tool, how] of [['gcc', 'apt-get install gcc'], ['valgrind', 'apt-get install valgrind']] as const) {
    if (spawnSync(tool, ['--version']).status !== 0) fail(`${tool} not found (${how}, or run scripts/install-system-deps.sh)`);
  }
  if (!existsSync('/usr/include/simde/wasm/simd128.h')) fail('SIMDe not found (apt-get install libsimde-dev, or run scripts/install-system-deps.sh)');
  const dir = mkdtempSync(join(tmpdir(), 'seccompctl-instr-'));
  try {
    let log = opt('--file');
    if (log === undefined) {
      log = join(dir, 'realistic.log');
      execFileSync(process.execPath, [...process.execArgv, join(ROOT, 'bench', 'ingest.ts'), '--generate', log, '--size', opt('--size') ?? '32M'], { stdio: ['ignore', 'ignore', 'inherit'] });
    } else if (!existsSync(log)) {
      fail(`${log}: no such file`);
    }
    // The kinds of line, each its own file (the loop's state carries from line to line only through registrations,
    // which every kind gets from its own first records).
    const kinds: { name: string; lines: string[] }[] = [
      { name: 'without audit', lines: [] }, { name: 'other audit lines', lines: [] }, { name: 'seccomp records', lines: [] },
    ];
    const text = readFileSync(log, 'latin1');
    let at = 0;
    while (at < text.length) {
      let nl = text.indexOf('\n', at);
      if (nl < 0) nl = text.length;
      const line = text.slice(at, nl);
      at = nl + 1;
      const k = !line.includes('audit') ? 0 : /SECCOMP|type=1326/.test(line) ? 2 : 1;
      kinds[k]!.lines.push(line);
    }
    const files = [{ name: 'whole log', file: log, lines: kinds.reduce((n, k) => n + k.lines.length, 0), bytes: Buffer.byteLength(text, 'latin1') }];
    for (const k of kinds) {
      const f = join(dir, `${k.name.replace(/\W+/g, '-')}.log`);
      const body = k.lines.join('\n') + '\n';
      writeFileSync(f, body, 'latin1');
      files.push({ name: k.name, file: f, lines: k.lines.length, bytes: Buffer.byteLength(body, 'latin1') });
    }
    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '');
    const builds: { name: string; exe: string }[] = [];
    const baseline = opt('--baseline');
    if (baseline !== undefined) {
      const c = join(dir, 'baseline-ingest.c');
      try {
        writeFileSync(c, execFileSync('git', ['-C', ROOT, 'show', `${baseline}:native/ingest-wasm/ingest.c`]));
      } catch {
        fail(`--baseline ${baseline}: no native/ingest-wasm/ingest.c at that revision`);
      }
      builds.push({ name: `baseline ${baseline}`, exe: build(join(dir, 'base'), c, false) });
    }
    builds.push({ name: 'this tree', exe: build(join(dir, 'tree'), join(ROOT, 'native', 'ingest-wasm', 'ingest.c'), false) });
    out(`bench:ingest-instr — instructions of the record loop (callgrind, native build of ingest.c via SIMDe, gcc -O2 -march=x86-64-v2); log ${opt('--file') ?? `realistic, ${opt('--size') ?? '32M'}`}`);
    out(`(the driver's start-up, counted on an empty file, is subtracted)\n`);
    const per = new Map<string, number>();
    for (const b of builds) {
      const fixed = count(b.exe, empty, dir).ir;
      for (const f of files) {
        const c = count(b.exe, f.file, dir);
        const ir = c.ir - fixed;
        per.set(`${b.name}|${f.name}`, ir);
        const before = baseline !== undefined && b.name === 'this tree' ? per.get(`baseline ${baseline}|${f.name}`) : undefined;
        out(`${b.name.padEnd(22)} ${f.name.padEnd(18)} ${String(f.lines).padStart(8)} lines ${(f.bytes / 1e6).toFixed(1).padStart(6)} MB: ` +
          `${(ir / 1e6).toFixed(1).padStart(8)} M instructions, ${(ir / Math.max(1, f.lines)).toFixed(0).padStart(5)} per line, ${(ir / Math.max(1, f.bytes)).toFixed(2).padStart(6)} per byte` +
          (before !== undefined ? `; ${(ir / before).toFixed(3)}× the baseline` : '') +
          (f.name === 'whole log' ? `  (stops: ${c.summary.odd} odd, ${c.summary.needReg} registrations, ${c.summary.flush} flushes)` : ''));
      }
    }
    if (args.includes('--functions')) {
      const exe = build(join(dir, 'prof'), join(ROOT, 'native', 'ingest-wasm', 'ingest.c'), true);
      const c = count(exe, log, dir);
      const a = spawnSync('callgrind_annotate', ['--inclusive=no', c.cg], { encoding: 'utf8', maxBuffer: 1 << 24 });
      const rows = a.stdout.split('\n').filter((l) => /^\s*[\d,]+ \(\s*[\d.]+%\)/.test(l)).slice(1, 16);
      out('\nthis tree, whole log, by function (the helpers marked HOT kept out of line: -DXP_PROFILE):');
      for (const r of rows) out('  ' + r.replace(/\s*\[.*\]$/, '').replace(/\/usr\/\S*\/(\w+intrin\.h|simd128\.h):/, '(SIMD $1) '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
