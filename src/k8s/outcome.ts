// What the k8s (and agent) commands' library calls give back: an outcome, the diagnostics (warnings, and the errors
// behind a refusal) and, when refused, the one line that sums it up. The CLI prints exactly this and maps the outcome
// to its exit code (ok 0, failed 1, refused 2), so a library user gets what a CLI user gets.
import { UserError, type Diagnostic, type DiagnosticCode, type Outcome } from '../common/index.js';

/** `ok`; `failed`: the verdict is no (a --check found changes, a lint finding is too severe); `refused`: nothing done. */
export type CommandOutcome = Outcome;

/** A call that refused its input: nothing was done or written. */
export interface Refusal {
  readonly outcome: 'refused';
  /** One line for the whole refusal (the CLI prints it last: `seccompctl: SUMMARY`). */
  readonly summary: string;
  /** Every finding; the errors are why. A one-rule refusal has one error whose message is the summary. */
  readonly diagnostics: readonly Diagnostic[];
}

/** A one-rule refusal: one error diagnostic whose message is the summary. */
export function refusal(code: DiagnosticCode, message: string, extra: readonly Diagnostic[] = []): Refusal {
  return { outcome: 'refused', summary: message, diagnostics: [...extra, { code, severity: 'error', message }] };
}

/** A refusal summing up several errors (`N problem(s); nothing was written`), with the warnings seen before. */
export function refusalOf(summary: string, diagnostics: readonly Diagnostic[]): Refusal {
  return { outcome: 'refused', summary, diagnostics };
}

/** The errors a refusal lists under its summary (a one-rule refusal's error is the summary itself: not repeated). */
export function refusalDetails(r: Refusal): Diagnostic[] {
  return r.diagnostics.filter((d) => d.severity === 'error' && d.message !== r.summary);
}

/** The refusal as the error the CLI prints (`seccompctl: SUMMARY`, exit 2), its details listed above the summary. */
export function refusalError(r: Refusal): UserError {
  return new UserError(r.summary, refusalDetails(r));
}
