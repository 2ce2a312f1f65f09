// Runs the CLI in-process with captured streams.
import { PassThrough, Readable } from 'node:stream';
import { run } from '../../src/cli/main.js';

/** What a CLI run printed and returned. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `seccompctl ARGS` in-process; `stdin` is fed to standard input. */
export async function cli(args: string[], opts: { stdin?: string; env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  out.on('data', (c: Buffer) => o.push(c));
  err.on('data', (c: Buffer) => e.push(c));
  const code = await run(args, {
    stdin: Readable.from([Buffer.from(opts.stdin ?? '')]),
    stdout: out,
    stderr: err,
    env: opts.env ?? process.env,
    isTTY: false,
    cwd: opts.cwd ?? process.cwd(),
  });
  return { code, stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() };
}
