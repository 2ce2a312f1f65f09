// Shared base for every stage: diagnostics, error classes, atomic file I/O.
export type { DiagnosticCode } from './codes.js';
export { DIAGNOSTIC_CODES } from './codes.js';
export type { Diagnostic, LinePositions, Outcome, Severity } from './diagnostics.js';
export { formatDiagnostic, withPosition } from './diagnostics.js';
export { UserError, EnvironmentError, InternalError } from './errors.js';
export { checkWritableFile, describeIoError, ioError, isSystemError, writeFileAtomic, readInput } from './fs.js';
export type { NotText } from './text.js';
export { escapeControls, findNotText, findNotTextInString, notTextMessage, TextChecker } from './text.js';
export type { Cleanup } from './cleanup.js';
export { pendingCleanups, registerCleanup, runCleanups } from './cleanup.js';
export type { Refusable, Refusal, RefusalListing } from './refusal.js';
export { refusal, refusalDetails, refusalError, refusalOf, refusedIfErrors, refusedWith } from './refusal.js';
