// `seccompctl resolve SYSCALL...`: names ↔ numbers on one, several or every architecture.
import { Option } from 'commander';
import { UserError } from '../../common/index.js';
import { ARCHES, hostArch, resolveArch, resolveSyscall, type ArchInfo, type Resolution } from '../../syscalls/index.js';
import { println } from '../io.js';
import type { Register } from './types.js';
import { collect } from './flags.js';

export const registerresolve: Register = (program, io, setExit) => {
  program.command('resolve')
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
    .action((queries: string[], opts: { arch?: string[]; allArches?: boolean; json?: boolean }) => {
      const arches: ArchInfo[] = opts.allArches ? [...ARCHES] : (opts.arch ?? []).flatMap((t) => t.split(',')).map((t) => {
        const a = resolveArch(t);
        if (!a) throw new UserError(`unknown architecture "${t}"; try one of: ${ARCHES.map((x) => x.id).join(', ')}`);
        return a;
      });
      if (arches.length === 0) arches.push(hostArch());
      const results: Resolution[] = queries.flatMap((q) => arches.map((a) => resolveSyscall(a.id, q)));
      const found = results.filter((r) => r.kind === 'found');
      if (opts.json) {
        println(io.stdout, JSON.stringify(found.map((r) => ({ arch: scmpOf(r.arch), number: r.number, name: r.name }))));
      } else {
        for (const r of found) println(io.stdout, arches.length > 1 ? `${scmpOf(r.arch).padEnd(22)} ${r.number} ${r.name}` : `${r.number} ${r.name}`);
      }
      let failed = false;
      for (const q of queries) {
        const mine = results.filter((r) => (r.kind === 'found' ? r.name === q || String(r.number) === q || `0x${r.number.toString(16)}` === q.toLowerCase() : r.query === q));
        const misses = mine.filter((r) => r.kind !== 'found');
        // With --all-arches a name is fine if it exists somewhere; absences are still reported.
        const fatal = opts.allArches ? mine.every((r) => r.kind !== 'found') : misses.length > 0;
        for (const r of misses) {
          if (r.kind === 'absent') {
            io.stderr.write(`${q}: does not exist on ${r.arch} (it exists on ${r.existsOn.join(', ')})\n`);
          } else if (r.kind === 'unknown') {
            const hint = r.suggestions.length ? `; did you mean ${r.suggestions.join(', ')}?` : '';
            io.stderr.write(`${q}: not a syscall on ${r.arch}${hint}\n`);
          }
        }
        if (fatal) failed = true;
      }
      if (failed) setExit(1);
    });
};

function scmpOf(id: string): string {
  return ARCHES.find((a) => a.id === id)!.scmp;
}
