// `npm run bench:profile`: seccompctl's position-keeping profile parser (exact uint64, source ranges, decoding into
// the typed model) against the plain `JSON.parse` of the same text in the same run, on a 50 MB profile and on
// containers-common's seccomp.json (the copy in test/fixtures/profile/containers-common; parsed 1000 times after 300 warm-up runs). Also prints print/normalize times for the large profile.
// Target: within 5× JSON.parse (which keeps no positions and rounds values above 2^53).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { normalizeProfile, parseProfile, printProfile } from '../src/profile/index.js';

const out = (s: string): void => { process.stdout.write(s + '\n'); };

function time(fn: () => void, reps: number): number {
  for (let i = 0; i < Math.min(reps, 300); i++) fn(); // warm-up (JIT)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / reps;
}

function bigProfile(bytes: number): string {
  const rules: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const r = `{"names":["s${i}_a","s${i}_b","s${i}_c"],"action":"SCMP_ACT_ERRNO","errnoRet":${i % 200},` +
      `"args":[{"index":${i % 6},"value":${18446744073709551615n - BigInt(i)},"op":"SCMP_CMP_MASKED_EQ","valueTwo":${i}}]}`;
    rules.push(r);
    size += r.length + 1;
  }
  return `{"defaultAction":"SCMP_ACT_ERRNO","flags":[],"architectures":["SCMP_ARCH_X86_64"],"syscalls":[${rules.join(',')}]}`;
}

const cases: [string, string, number][] = [
  ['containers-common seccomp.json (16 KB)', readFileSync(fileURLToPath(new URL('../test/fixtures/profile/containers-common/seccomp.json', import.meta.url)), 'utf8'), 1000],
  ['50 MB synthetic profile', bigProfile(50 * 1024 * 1024), 2],
];
out('case                                      JSON.parse ms   seccompctl ms   ratio');
for (const [name, text, reps] of cases) {
  const base = time(() => { JSON.parse(text); }, reps);
  const ours = time(() => { parseProfile(text, { file: 'bench.json' }); }, reps);
  out(`${name.padEnd(42)}${base.toFixed(2).padStart(13)}${ours.toFixed(2).padStart(16)}${(ours / base).toFixed(2).padStart(8)}×`);
}
const p = parseProfile(cases[1]![1], { file: 'big.json' }).profile;
out(`print 50 MB: ${time(() => { printProfile(p); }, 1).toFixed(0)} ms; normalize: ${time(() => { normalizeProfile(p); }, 1).toFixed(0)} ms`);
