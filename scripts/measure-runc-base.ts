// Measures the syscalls runc needs after loading a container's seccomp filter (no-new-privileges on and off) and
// writes src/runtime/runc-base-sets.generated.ts. Run as root on the runc you target: npx tsx scripts/measure-runc-base.ts [RUNS]
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/common/index.js';
import { measureRuncBaseSets, renderBaseSetsModule } from '../src/runtime/index.js';

const runs = Number(process.argv[2] ?? '10');
const m = await measureRuncBaseSets({ runs });
if (m.lossy) {
  process.stderr.write('kernel log records were lost during the measurement; not writing (rerun on a quieter machine)\n');
  process.exit(1);
}
const out = fileURLToPath(new URL('../src/runtime/runc-base-sets.generated.ts', import.meta.url));
writeFileAtomic(out, renderBaseSetsModule(m, new Date().toISOString().slice(0, 10)));
process.stdout.write(`runc ${m.runcVersion}, ${m.runs} runs per setting\n  nnp (${m.nnp.length}): ${m.nnp.join(' ')}\n  noNnp (${m.noNnp.length}): ${m.noNnp.join(' ')}\nwrote ${out}\n`);
