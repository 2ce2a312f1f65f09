// `seccompctl merge PROFILE...`: the union of several profiles (e.g. one per recorded run). The route: typed flags →
// one library call (mergeProfileFiles: read, the stdin refusal, the union and its conflicts) → print → exit code.
import { resolve } from 'node:path';
import { type Command as TypedCommand } from '@commander-js/extra-typings';
import { formatDiagnostic, refusalError, UserError, writeFileAtomic } from '../../common/index.js';
import { mergeProfileFiles } from '../../generate/index.js';
import { println } from '../io.js';
import type { Register } from './types.js';

export const registermerge: Register = (program, io) => {
  (program.command('merge') as unknown as TypedCommand)
    .description('Merge seccomp profiles into their union: a syscall any of them allows is allowed.')
    .argument('<profile...>', 'profile files (OCI, Docker or SPO; JSON or YAML), or - for standard input')
    .option('-o, --output <file>', 'write the merged profile here (atomically); default: standard output')
    .option('--json', 'print {"profile": …, "warnings": […]} instead of the profile alone')
    .addHelpText('after', `
Architectures and flags are unioned. When the profiles give one syscall (or the default) different actions, the
less restrictive action wins (ALLOW > LOG > TRACE > NOTIFY > ERRNO > TRAP > KILL) and a warning names both files;
a syscall one profile allows unconditionally drops the others' argument conditions for it.

Examples:
  seccompctl merge run1.json run2.json -o app.json
  seccompctl merge app.json extra-debug.json | seccompctl diff app.json -   # exit 1: what the debug run adds

Exit 0 on success (warnings go to standard error), 2 when a profile cannot be read or parsed.`)
    .action(async (files, opts) => {
      const m = await mergeProfileFiles(files, { cwd: io.cwd, stdin: io.stdin });
      if (m.outcome === 'refused') throw refusalError(m);
      for (const d of m.diagnostics) println(io.stderr, formatDiagnostic(d));
      const text = m.text!;
      if (opts.output !== undefined) {
        try {
          writeFileAtomic(resolve(io.cwd, opts.output), text);
        } catch (e) {
          throw new UserError(`${opts.output}: cannot write the profile (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
      }
      if (opts.json) {
        println(io.stdout, JSON.stringify({
          inputs: files, output: opts.output ?? null, syscalls: m.syscalls, warnings: m.diagnostics,
          ...(opts.output === undefined ? { profile: JSON.parse(text) as unknown } : {}),
        }, null, 2));
      } else if (opts.output !== undefined) {
        println(io.stdout, `merged ${files.length} profile(s) into ${opts.output}: ${m.syscalls} syscall(s) in rules, ${m.diagnostics.length} conflict(s) resolved`);
      } else {
        io.stdout.write(text);
      }
    });
};
