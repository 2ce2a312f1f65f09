// How the commands print a finding that is not an error (a refused result becomes the CLI's error through common's
// refusalError).
import type { Diagnostic } from '../../common/index.js';

/** A finding the way the commands print their notes: `warning: MESSAGE` or `note: MESSAGE` (info). */
export function noteLine(d: Diagnostic): string {
  return `${d.severity === 'info' ? 'note' : d.severity}: ${d.message}`;
}
