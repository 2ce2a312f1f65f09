// `npm run bench:report`: rendering the report of a large profile — every syscall name of x86_64, x86, aarch64 and
// ARM (475 names) allowed on those four architectures, compared with runtime-default:docker — as HTML and as
// Markdown, against a baseline measured in the same run: parsing the same profile and diffing it with the same
// RuntimeDefault (the least any report must do). Best of 3 alternating rounds of 20 runs each (shared machine).
import { diffProfiles, loadRuntimeDefault } from '../src/generate/index.js';
import { parseProfile } from '../src/profile/index.js';
import { createReport } from '../src/report/index.js';
import { syscallsOf } from '../src/syscalls/index.js';

const out = (s: string): void => { process.stdout.write(s + '\n'); };
const arches = ['x86_64', 'x86', 'aarch64', 'arm'] as const;
const names = [...new Set(arches.flatMap((a) => [...syscallsOf(a).keys()]))].sort();
const text = JSON.stringify({
  defaultAction: 'SCMP_ACT_ERRNO', flags: [],
  architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
  syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }],
});

function time(fn: () => void, reps: number): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / reps;
}

const baseline = (): void => {
  const p = parseProfile(text, { file: 'big.json' }).profile;
  diffProfiles(loadRuntimeDefault('docker', { arch: 'x86_64' }).profile, p, { nativeArch: 'x86_64' });
};
const html = (): void => { createReport({ profileText: text, profileFile: 'big.json', against: 'runtime-default:docker', format: 'html' }); };
const md = (): void => { createReport({ profileText: text, profileFile: 'big.json', against: 'runtime-default:docker', format: 'md' }); };

for (const f of [baseline, html, md]) for (let i = 0; i < 5; i++) f(); // warm-up
const best = { baseline: Infinity, html: Infinity, md: Infinity };
for (let round = 0; round < 3; round++) {
  best.baseline = Math.min(best.baseline, time(baseline, 20));
  best.html = Math.min(best.html, time(html, 20));
  best.md = Math.min(best.md, time(md, 20));
}
const size = createReport({ profileText: text, profileFile: 'big.json', against: 'runtime-default:docker' }).text.length;
out(`profile: ${names.length} names allowed on ${arches.join(', ')}; against runtime-default:docker`);
out(`baseline (parse + diff): ${best.baseline.toFixed(1)} ms`);
out(`report --format html:    ${best.html.toFixed(1)} ms = ${(best.html / best.baseline).toFixed(2)}x baseline (${(size / 1024).toFixed(0)} KiB)`);
out(`report --format md:      ${best.md.toFixed(1)} ms = ${(best.md / best.baseline).toFixed(2)}x baseline`);
