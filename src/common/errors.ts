// Errors that cross the library boundary. The CLI maps them to exit codes; nothing else exits.
import type { Diagnostic } from './diagnostics.js';

/** Bad input or usage: the CLI prints the message (and diagnostics) and exits 2. Never shows a stack. */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly diagnostics: readonly Diagnostic[];
  readonly exitCode: 1 | 2;
  constructor(message: string, diagnostics: readonly Diagnostic[] = [], exitCode: 1 | 2 = 2) {
    super(message);
    this.diagnostics = diagnostics;
    this.exitCode = exitCode;
  }
}

/** A needed system tool or privilege is missing: names it and says how to get it. Exit 2. */
export class EnvironmentError extends UserError {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(`${message}\n  hint: ${hint}`);
    this.hint = hint;
  }
}

/** Something seccompctl got wrong itself (e.g. the compiler and the reference evaluator disagree). */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}
