// Runs the CLI in-process like cli(), and lets a test wait until the command has printed something (a server that is
// up) before it acts — never a fixed sleep, which a loaded machine outlasts.
import { PassThrough, Readable } from 'node:stream';
import { run } from '../../src/cli/main.js';
import type { CliResult } from './cli.js';

export interface LiveCli {
  done: Promise<CliResult>;
  /** Resolves once stdout or stderr contains `text`; rejects when the command ends first or after `timeoutMs`. */
  printed(text: string, timeoutMs?: number): Promise<void>;
}

export function cliLive(args: string[], opts: { cwd?: string } = {}): LiveCli {
  const out = new PassThrough();
  const err = new PassThrough();
  const o: Buffer[] = [];
  const e: Buffer[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  const check = (): void => {
    const all = Buffer.concat(o).toString() + Buffer.concat(e).toString();
    for (const w of [...waiters]) if (all.includes(w.text)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  };
  out.on('data', (c: Buffer) => { o.push(c); check(); });
  err.on('data', (c: Buffer) => { e.push(c); check(); });
  let ended = false;
  const done = run(args, { stdin: Readable.from([]), stdout: out, stderr: err, env: process.env, isTTY: false, cwd: opts.cwd ?? process.cwd() })
    // Let the streams deliver what was written last before reading them.
    .then(async (code) => { await new Promise((r) => setImmediate(r)); return code; })
    .then((code) => ({ code, stdout: Buffer.concat(o).toString(), stderr: Buffer.concat(e).toString() }))
    .finally(() => { ended = true; });
  const printed = (text: string, timeoutMs = 60_000): Promise<void> => new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`"${text}" not printed within ${timeoutMs} ms`)), timeoutMs);
    waiters.push({ text, resolve: () => { clearTimeout(t); resolve(); } });
    check();
    void done.then((r) => {
      if (waiters.some((w) => w.text === text)) { clearTimeout(t); reject(new Error(`the command ended (exit ${r.code}) before printing "${text}": ${r.stderr}`)); }
    });
    if (ended) check();
  });
  return { done, printed };
}
