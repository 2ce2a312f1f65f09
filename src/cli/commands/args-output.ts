// Output of the argument pass (`generate --args`, `record --args`): what got argument rules, what stayed name-only
// and why, and the dangerous calls the rules now deny.
import type { GenerateArgsResult } from '../../generate/index.js';
import { println } from '../io.js';

/** Text lines for standard error or output. */
export function printArgSummary(out: NodeJS.WritableStream, g: GenerateArgsResult): void {
  const a = g.args;
  if (a.restricted.length === 0 && a.nameOnly.length === 0) {
    println(out, 'argument rules: none of the curated syscalls (socket, clone, prctl, mprotect, ioctl, …) is allowed');
    return;
  }
  println(out, `argument rules for ${a.restricted.length} syscall(s):`);
  for (const r of a.restricted) println(out, `  ${r.allowed.join(' ')}`);
  for (const n of a.nameOnly) println(out, `  ${n.syscall}: allowed by name only (${n.reason})`);
  if (a.closed.length > 0) {
    println(out, `denied now, allowed by the name-only profile (${a.closed.length} dangerous call(s)):`);
    for (const c of a.closed) println(out, `  ${c.call}  — ${c.why}`);
  } else {
    println(out, 'no dangerous call of the curated list is denied by the argument rules that the name-only profile allowed');
  }
}

/** The `args` member of --json outputs. */
export function argJson(g: GenerateArgsResult): Record<string, unknown> {
  return {
    restricted: g.args.restricted,
    nameOnly: g.args.nameOnly,
    closed: g.args.closed,
  };
}
