// `seccompctl diff A B`: what changes from profile A to profile B, per architecture (exit 1 when they differ). The
// route: typed flags → one library call (diffProfileRefs: read both sides, the refusals, the diff) → print → exit code.
import { type Command as TypedCommand } from '@commander-js/extra-typings';
import { refusalError } from '../../common/index.js';
import { diffProfileRefs, type ProfileDiff } from '../../generate/index.js';
import { println } from '../io.js';
import type { Register } from './types.js';

const LIST_MAX = 40;

function list(names: readonly string[], verbose: boolean): string {
  if (verbose || names.length <= LIST_MAX) return names.join(' ');
  return `${names.slice(0, LIST_MAX).join(' ')} … (${names.length - LIST_MAX} more; --verbose lists all)`;
}

/** Human-readable diff. */
export function formatDiff(d: ProfileDiff, a: string, b: string, verbose: boolean): string[] {
  const out: string[] = [];
  if (d.same) return [`${a} and ${b} are equivalent`];
  out.push(`--- ${a}`, `+++ ${b}`);
  if (d.defaultAction) out.push(`default action: ${d.defaultAction.a} → ${d.defaultAction.b}`);
  if (d.architectures.added.length) out.push(`architectures added: ${d.architectures.added.join(' ')}`);
  if (d.architectures.removed.length) out.push(`architectures removed: ${d.architectures.removed.join(' ')}`);
  if (d.flags.added.length) out.push(`flags added: ${d.flags.added.join(' ')}`);
  if (d.flags.removed.length) out.push(`flags removed: ${d.flags.removed.join(' ')}`);
  for (const g of d.perArch) {
    const n = g.added.length + g.removed.length + g.changed.length;
    if (!g.inA || !g.inB) {
      const [missing, has, count] = g.inA ? [b, a, g.allowedA] : [a, b, g.allowedB];
      out.push(`${g.arches.join(', ')}: not in ${missing} (its processes of this ABI are killed); ${has} allows ${count} syscall(s)` +
        (verbose ? `: ${(g.inA ? g.removed : g.added).join(' ')}` : ''));
      continue;
    }
    out.push(`${g.arches.join(', ')}: ${a} allows ${g.allowedA}, ${b} allows ${g.allowedB} syscall(s)` + (n === 0 ? '; no other difference' : ''));
    if (g.added.length) out.push(`  + ${g.added.length} allowed only by ${b}: ${list(g.added, verbose)}`);
    if (g.removed.length) out.push(`  - ${g.removed.length} allowed only by ${a}: ${list(g.removed, verbose)}`);
    for (const c of verbose ? g.changed : g.changed.slice(0, LIST_MAX)) {
      if (c.argsAdded !== undefined && c.argsRemoved !== undefined) {
        // Argument rules on either side: list the allowed argument sets that differ, not the whole treatment.
        out.push(`  ~ ${c.name}: argument rules differ`);
        for (const d of c.argsRemoved) out.push(`      - ${d}`);
        for (const d of c.argsAdded) out.push(`      + ${d}`);
        const rest = (t: string): string => t.split('; ').filter((d) => !d.includes('[')).join('; ');
        if (rest(c.a) !== rest(c.b)) out.push(`      unconditional: ${rest(c.a) || 'none'} → ${rest(c.b) || 'none'}`);
      } else out.push(`  ~ ${c.name}: ${c.a} → ${c.b}`);
    }
    if (!verbose && g.changed.length > LIST_MAX) out.push(`  ~ … ${g.changed.length - LIST_MAX} more changed`);
  }
  return out;
}

export const registerdiff: Register = (program, io, setExit) => {
  (program.command('diff') as unknown as TypedCommand)
    .description('Compare two seccomp profiles per architecture: syscalls added/removed, changed actions, errnos and argument rules.')
    .argument('<a>', 'the old profile (file or -)')
    .argument('<b>', 'the new profile (file or -), or runtime-default[:containerd|cri-o|docker] for a bundled RuntimeDefault')
    .option('--arch <arch>', 'expand Docker-format and runtime-default profiles for this architecture (default: this machine\'s)')
    .option('--verbose', 'list every name (long lists are cut at 40 otherwise)')
    .option('--json', 'print the difference as JSON')
    .addHelpText('after', `
"+" lines are syscalls only B allows, "-" lines syscalls only A allows, "~" lines syscalls both list with a
different action, errno or argument rule. Names absent on an architecture are ignored there.

runtime-default:containerd, :cri-o and :docker are bundled copies of each runtime's RuntimeDefault profile,
expanded for one architecture and the runtime's default capabilities (see docs/ingest.md for the versions):
  seccompctl diff myapp.json runtime-default:containerd   # how much tighter is my profile than RuntimeDefault? (exit 1)

Examples:
  seccompctl diff old.json new.json            # exit 1 when they differ (for CI)
  seccompctl diff --json a.json b.json | jq '.perArch[0].added'

Exit 0 when equivalent, 1 when they differ, 2 when a profile cannot be read.`)
    .action(async (a, b, opts) => {
      const r = await diffProfileRefs(a, b, { cwd: io.cwd, stdin: io.stdin, ...(opts.arch !== undefined ? { arch: opts.arch } : {}) });
      if (r.outcome === 'refused') throw refusalError(r);
      const [pa, pb, d] = [r.a!, r.b!, r.diff!];
      if (opts.json) {
        println(io.stdout, JSON.stringify({ a: pa.label, b: pb.label, ...(pa.describes ? { aDescribes: pa.describes } : {}), ...(pb.describes ? { bDescribes: pb.describes } : {}), ...d }, null, 2));
      } else {
        for (const x of [pa, pb]) if (x.describes) println(io.stdout, `${x.label}: ${x.describes}`);
        for (const l of formatDiff(d, pa.label, pb.label, opts.verbose === true)) println(io.stdout, l);
      }
      if (r.outcome === 'failed') setExit(1);
    });
};
