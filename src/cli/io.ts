// What a command may touch: streams and environment are passed in, so the CLI runs in-process in tests.
import type { Readable, Writable } from 'node:stream';

/** The process surface a command gets. Tests pass buffers; bin.ts passes the real process. */
export interface CliIO {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
  /** Whether stderr is a terminal (progress output goes there only then). */
  readonly isTTY: boolean;
  /** Working directory for relative paths. */
  readonly cwd: string;
}

/** A command's result: the exit code (0 ok, 1 check failed, 2 usage/input error). */
export type ExitCode = 0 | 1 | 2;

/** Thrown by a command to stop with an exit code after it has printed what it had to say. */
export class ExitError extends Error {
  readonly code: ExitCode;
  constructor(code: ExitCode) {
    super(`exit ${code}`);
    this.code = code;
  }
}

/** Writes a line to a stream. */
export function println(s: NodeJS.WritableStream, text = ''): void {
  s.write(text.endsWith('\n') ? text : text + '\n');
}
