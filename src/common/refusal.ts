// How a command's library call refuses: one shape for every verb. A refused result has `outcome: 'refused'`, the one
// line that sums it up (`summary`: the CLI prints it last, `seccompctl: SUMMARY`, exit 2) and its diagnostics (the
// findings behind it, and the warnings and notes seen before it). refusalError turns any refused result into that
// error, so a library user and a CLI user get the same words.
import type { DiagnosticCode } from './codes.js';
import type { Diagnostic, Outcome } from './diagnostics.js';
import { UserError } from './errors.js';

/** A call that refused its input: nothing was done or written. */
export interface Refusal {
  readonly outcome: 'refused';
  /** One line for the whole refusal (the CLI prints it last: `seccompctl: SUMMARY`). */
  readonly summary: string;
  /**
   * Every finding, in order; the errors are why. A refusal stated by one rule has an error whose message is the
   * summary (the last error); a refusal summing up several errors has a summary of its own.
   */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * A verb's result: its fields `T` with either one of its other outcomes `O` or a refusal (`summary` then set).
 * `T` holds what both carry (at least `diagnostics`).
 */
export type Refusable<T extends Findings, O extends NotRefused = NotRefused> = T & ({ readonly outcome: O } | Refusal);

/** What every result carries, whatever its outcome. */
interface Findings {
  readonly diagnostics: readonly Diagnostic[];
}

type NotRefused = Exclude<Outcome, 'refused'>;

/** A refusal stated by one rule: the diagnostics seen `before`, then one error whose message is the summary. */
export function refusal(code: DiagnosticCode, message: string, before: readonly Diagnostic[] = []): Refusal {
  return refusedWith([...before, { code, severity: 'error', message }]);
}

/** A refusal summing up several findings under a line of its own (`N problem(s); nothing was written`). */
export function refusalOf(summary: string, diagnostics: readonly Diagnostic[]): Refusal {
  return { outcome: 'refused', summary, diagnostics };
}

/** A refusal whose last error states it (its message is the summary); the diagnostics before it are its findings. */
export function refusedWith(diagnostics: readonly Diagnostic[]): Refusal {
  const last = diagnostics.findLast((d) => d.severity === 'error') ?? diagnostics.at(-1);
  return { outcome: 'refused', summary: last?.message ?? 'refused', diagnostics };
}

/** `refused` (the last error states it) when `diagnostics` hold an error, else `ok`: a policy's verdict. */
export function refusedIfErrors(diagnostics: readonly Diagnostic[]): { readonly outcome: 'ok' } | Refusal {
  return diagnostics.some((d) => d.severity === 'error') ? refusedWith(diagnostics) : { outcome: 'ok' };
}

/** What a refusal lists above its summary. */
export interface RefusalListing {
  /**
   * Also the warnings and notes, in order among the errors (advise: the parser's findings as they came). Default:
   * the errors only, for commands that print their notes themselves first.
   */
  readonly notes?: boolean;
}

/** The findings a refusal lists under its summary: its errors (see RefusalListing), but not the summary's own. */
export function refusalDetails(r: Refusal, opts: RefusalListing = {}): Diagnostic[] {
  const self = r.diagnostics.findLastIndex((d) => d.message === r.summary);
  return r.diagnostics.filter((d, i) => i !== self && (opts.notes === true || d.severity === 'error'));
}

/** Any refused result as the error the CLI prints: its details (file:line:col) above `seccompctl: SUMMARY`, exit 2. */
export function refusalError(r: Refusal, opts: RefusalListing = {}): UserError {
  return new UserError(r.summary, refusalDetails(r, opts));
}
