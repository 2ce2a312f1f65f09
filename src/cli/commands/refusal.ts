// A library result's refusal, printed the way the commands always printed it: `seccompctl: MESSAGE`, exit 2.
import { UserError, type Diagnostic } from '../../common/index.js';

/**
 * Throws a refused result as a UserError (one line, exit 2): the last error among `diagnostics` is the refusal; the
 * errors before it are its findings (printed above it with file, line and column).
 */
export function throwRefusal(diagnostics: readonly Diagnostic[]): never {
  const errors = diagnostics.filter((x) => x.severity === 'error');
  const refusal = errors.at(-1) ?? diagnostics.at(-1);
  throw new UserError(refusal?.message ?? 'refused', errors.slice(0, -1));
}

/** A finding the way the commands print their notes: `warning: MESSAGE` or `note: MESSAGE` (info). */
export function noteLine(d: Diagnostic): string {
  return `${d.severity === 'info' ? 'note' : d.severity}: ${d.message}`;
}
