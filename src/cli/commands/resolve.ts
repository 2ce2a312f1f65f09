// `seccompctl resolve SYSCALL...`: names ↔ numbers on one, several or every architecture. The route: typed flags →
// one library call (resolveQueries: the arches, the lookups, what is missing, the verdict) → print → exit code.
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { refusalError } from '../../common/index.js';
import { ARCHES, resolveQueries } from '../../syscalls/index.js';
import { println } from '../io.js';
import type { Register } from './types.js';
import { collect } from './flags.js';

export const registerresolve: Register = (program, io, setExit) => {
  (program.command('resolve') as unknown as TypedCommand)
    .description('Map syscall names to numbers and numbers to names, per architecture (like scmp_sys_resolver, for every arch at once).')
    .argument('<syscall...>', 'syscall names or numbers (decimal or 0x hex)')
    .addOption(new Option('-a, --arch <arch>', 'architecture(s), repeatable or comma-separated: SCMP_ARCH_AARCH64, aarch64, arm64 or an audit code like c00000b7 (default: this machine\'s)')
      .argParser(collect))
    .option('--all-arches', 'resolve on every architecture; names absent on an arch are listed as such')
    .option('--json', 'print [{"arch": "SCMP_ARCH_…", "number": N, "name": "…"}]')
    .addHelpText('after', `
Examples:
  seccompctl resolve 54                      # x86_64: setsockopt
  seccompctl resolve --arch aarch64 openat   # 56
  seccompctl resolve --all-arches open       # absent on aarch64, riscv64, loongarch64
  seccompctl resolve --arch c000003e 0x101   # an audit arch code works too: 257 openat

Exit 1 when a name is unknown or absent on a requested arch (with suggestions for typos).`)
    .action((queries, opts) => {
      const r = resolveQueries(queries, { allArches: opts.allArches === true, ...(opts.arch !== undefined ? { arches: opts.arch } : {}) });
      if (r.outcome === 'refused') throw refusalError(r);
      if (opts.json) {
        println(io.stdout, JSON.stringify(r.found.map((x) => ({ arch: scmpOf(x.arch), number: x.number, name: x.name }))));
      } else {
        for (const x of r.found) println(io.stdout, r.arches.length > 1 ? `${scmpOf(x.arch).padEnd(22)} ${x.number} ${x.name}` : `${x.number} ${x.name}`);
      }
      for (const d of r.diagnostics) io.stderr.write(`${d.message}\n`);
      if (r.outcome === 'failed') setExit(1);
    });
};

function scmpOf(id: string): string {
  return ARCHES.find((a) => a.id === id)!.scmp;
}
