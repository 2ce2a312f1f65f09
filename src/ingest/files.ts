// Whole inputs into one recording: a text, a stream, files and strace -ff directories (`-` is standard input).
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { UserError } from '../common/index.js';
import { Ingester } from './ingester.js';
import type { IngestOptions, IngestResult } from './types.js';

/** Ingests a whole text (one file). */
export function ingestText(text: string, opts: IngestOptions & { file?: string } = {}): IngestResult {
  const ing = new Ingester(opts);
  ing.beginFile(opts.file ?? '-');
  ing.pushChunk(Buffer.from(text));
  ing.endFile();
  return ing.result();
}

/** Ingests a readable stream into an existing Ingester as one file. */
export async function pushStream(ing: Ingester, stream: Readable | NodeJS.ReadableStream, file: string, filePid?: number): Promise<void> {
  ing.beginFile(file, filePid);
  for await (const chunk of stream) ing.pushChunk(chunk as Buffer | string);
  ing.endFile();
}

/** Ingests one stream (e.g. stdin) as one recording. */
export async function ingestStream(stream: Readable | NodeJS.ReadableStream, opts: IngestOptions & { file?: string } = {}): Promise<IngestResult> {
  const ing = new Ingester(opts);
  await pushStream(ing, stream, opts.file ?? '-');
  return ing.result();
}

/**
 * Ingests files as ONE recording: `-` is standard input, a directory means every regular file in it (strace -ff
 * output). Files named `NAME.PID` from a directory or a multi-file list get that pid when their lines have none.
 */
export async function ingestFiles(paths: readonly string[], opts: IngestOptions & { stdin?: NodeJS.ReadableStream } = {}): Promise<IngestResult> {
  const ing = new Ingester(opts);
  const files: { path: string; pid: number | undefined }[] = [];
  for (const p of paths) {
    if (p === '-') {
      files.push({ path: p, pid: undefined });
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new UserError(`${p}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(code)}`);
    }
    if (st.isDirectory()) {
      const names = (await readdir(p)).sort(naturalCompare);
      for (const n of names) {
        const full = join(p, n);
        if ((await stat(full)).isFile()) files.push({ path: full, pid: pidSuffix(n) });
      }
    } else {
      files.push({ path: p, pid: undefined });
    }
  }
  const multi = files.length > 1;
  for (const f of files) {
    const pid = f.pid ?? (multi ? pidSuffix(f.path) : undefined);
    if (f.path === '-') {
      await pushStream(ing, opts.stdin ?? process.stdin, '-');
    } else {
      try {
        ing.pushFileSync(f.path, pid);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EISDIR' || code === 'EACCES' || code === 'ENOENT') throw new UserError(`${f.path}: cannot read (${code})`);
        throw e;
      }
    }
  }
  return ing.result();
}

function pidSuffix(name: string): number | undefined {
  const m = /\.(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
