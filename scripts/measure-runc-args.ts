// Measures the argument values runc's init uses, after loading the container's seccomp filter, for the curated
// syscalls of its base set (prctl, mmap, tgkill, …), and writes src/generate/runc-base-args.generated.ts.
// Run as root on the runc you target: npx tsx scripts/measure-runc-args.ts [RUNS]   (method: src/record/runc-args.ts)
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../src/common/index.js';
import { measureRuncArgs, renderRuncArgsModule } from '../src/record/index.js';

const m = await measureRuncArgs({ runs: Number(process.argv[2] ?? '5') });
const out = fileURLToPath(new URL('../src/generate/runc-base-args.generated.ts', import.meta.url));
writeFileAtomic(out, renderRuncArgsModule(m, new Date().toISOString().slice(0, 10)));
process.stdout.write(`runc ${m.runcVersion}, ${m.runs} runs per setting\n  nnp: ${JSON.stringify(m.nnp)}\n  noNnp: ${JSON.stringify(m.noNnp)}\nwrote ${out}\n`);
