// Diagnostics are data: a code, a severity, where (JSON path and/or source range) and a message.
import type { DiagnosticCode } from './codes.js';
import { escapeControls } from './text.js';

/** How bad a finding is. `error` fails a check; `warning` and `info` only inform. */
export type Severity = 'error' | 'warning' | 'info';

/**
 * What a command's library call concluded, beside its diagnostics: `ok`; `failed`: the verdict is no (a denial, a
 * finding, a difference; the CLI exits 1); `refused`: the input or a policy stops it and nothing was done or written
 * (a Refusal, refusal.ts: its `summary` says why in one line, its error diagnostics are the findings behind it; the
 * CLI exits 2, or 1 where the command documents it, as record's loss).
 */
export type Outcome = 'ok' | 'failed' | 'refused';

/** One finding about an input. Offsets are UTF-16 indexes into the source text; line/col are 1-based. */
export interface Diagnostic {
  /** A stable SCREAMING_SNAKE code from the closed set in codes.ts, e.g. `UNKNOWN_ACTION`. */
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** JSON path, e.g. `syscalls[3].names[1]`. */
  readonly path?: string;
  /** Source file name, when the input came from a file (`-` for stdin). */
  readonly file?: string;
  /** [start, end) character offsets in the source. */
  readonly range?: readonly [number, number];
  readonly line?: number;
  readonly col?: number;
  /** A one-line hint on how to fix it. */
  readonly fix?: string;
  /** Which runtime this applies to, when the finding is runtime-specific. */
  readonly runtime?: string;
}

/** What maps an offset to a 1-based line/column (the profile stage's LineCounter, built on yaml's). */
export interface LinePositions {
  linePos(offset: number): { line: number; col: number };
}

/** Renders `file:line:col: severity CODE: message` plus the source line and a caret, when the source is known. */
export function formatDiagnostic(d: Diagnostic, source?: string): string {
  const where = [d.file, d.line, d.col].filter((x) => x !== undefined).join(':');
  const head = `${where ? where + ': ' : ''}${d.severity} ${d.code}${d.runtime ? ` [${d.runtime}]` : ''}: ${d.message}` +
    (d.path ? ` (at ${d.path})` : '');
  // Input text is quoted with its control bytes escaped (escapeControls): nothing echoed can drive the terminal.
  const out = [escapeControls(head)];
  if (source !== undefined && d.line !== undefined && d.col !== undefined) {
    const text = (source.split('\n')[d.line - 1] ?? '').replace(/\r$/, '');
    const start = Math.max(0, d.col - 40);
    out.push('  ' + escapeControls(text.slice(start, start + 80)), '  ' + ' '.repeat(escapeControls(text.slice(start, d.col - 1)).length) + '^');
  }
  if (d.fix) out.push(`  fix: ${escapeControls(d.fix)}`);
  return out.join('\n');
}

/** Fills line/col from range using the source text. */
export function withPosition(d: Diagnostic, lc: LinePositions): Diagnostic {
  if (!d.range || d.line !== undefined) return d;
  const { line, col } = lc.linePos(d.range[0]);
  return { ...d, line, col };
}
