// A library result's refusal, printed the way the commands always printed it: `seccompctl: MESSAGE`, exit 2.
import { UserError, type Diagnostic } from '../../common/index.js';

/** Throws the first error among `diagnostics` (the refusal) as a UserError: one line, exit 2. */
export function throwRefusal(diagnostics: readonly Diagnostic[]): never {
  const d = diagnostics.find((x) => x.severity === 'error') ?? diagnostics[0];
  throw new UserError(d?.message ?? 'refused');
}

/** A finding the way the commands print their notes: `warning: MESSAGE` or `note: MESSAGE` (info). */
export function noteLine(d: Diagnostic): string {
  return `${d.severity === 'info' ? 'note' : d.severity}: ${d.message}`;
}
