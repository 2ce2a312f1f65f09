// The small I/O layer: atomic writes and input reading (files or `-` for stdin).
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from './errors.js';

/** The words for an errno code, as a user reads them. */
const CAUSES: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory', EACCES: 'permission denied', EPERM: 'operation not permitted',
  ENOTDIR: 'a component of the path is not a directory', EISDIR: 'is a directory', EEXIST: 'already exists',
  EROFS: 'read-only file system', ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded',
  EMFILE: 'too many open files', ENAMETOOLONG: 'file name too long', ELOOP: 'too many symbolic links',
  EIO: 'input/output error', EBUSY: 'device or resource busy', EXDEV: 'not on the same file system', EFBIG: 'file too large',
};

/** Whether `e` is a Node system error (it has an errno `code` such as ENOENT). */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException & { code: string } {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && /^E[A-Z0-9]+$/.test((e as NodeJS.ErrnoException).code!);
}

/** One line naming the path and the cause of a system error: `PATH: permission denied`. */
export function describeIoError(path: string, e: NodeJS.ErrnoException): string {
  const code = e.code ?? '';
  return `${path}: ${CAUSES[code] ?? e.message.replace(/^[A-Z0-9]+: /, '').split(',')[0]}${code ? ` (${code})` : ''}`;
}

/** A UserError (exit 2) for an I/O failure on `path`; anything else is rethrown as is. */
export function ioError(path: string, e: unknown, what = 'cannot write'): Error {
  if (e instanceof UserError || !isSystemError(e)) return e as Error;
  return new UserError(`${what} ${describeIoError(path, e)}`);
}

/**
 * Checks, before any work, that `path` can be written the way writeFileAtomic will write it: its directory exists and
 * is a directory, a file can be created there (a real create and unlink: read-only mounts, permissions and full disks
 * all show), and `path` itself is not a directory. Throws a one-line UserError (exit 2) naming the path and cause.
 */
export function checkWritableFile(path: string, what = '-o'): void {
  const dir = dirname(path);
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new UserError(`${what} ${path}: the directory ${describeIoError(dir, e as NodeJS.ErrnoException)}`);
  }
  if (!st.isDirectory()) throw new UserError(`${what} ${path}: ${dir} is not a directory`);
  try {
    if (statSync(path).isDirectory()) throw new UserError(`${what} ${path}: is a directory, expected a file name`);
  } catch (e) {
    if (e instanceof UserError) throw e;
    // does not exist yet: fine
  }
  const probe = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.probe`);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    unlinkSync(probe);
  } catch (e) {
    throw new UserError(`${what} ${path}: cannot write in ${describeIoError(dir, e as NodeJS.ErrnoException)}`);
  }
}

/**
 * Writes `data` to `path` atomically: a temporary file in the same directory, fsync, then rename. A reader sees the
 * old content or the new, never half a file; on failure the temporary file is removed and `path` is untouched.
 * I/O failures become a one-line UserError (exit 2) naming `path` and the cause.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      rmSync(tmp, { force: true });
    } catch {
      // it was never created (the directory is unusable)
    }
    // The error names the temporary file; the user named `path`.
    if (isSystemError(e) && e.code === 'ENOENT') throw new UserError(`cannot write ${path}: the directory ${dirname(path)} does not exist (ENOENT)`);
    throw ioError(path, e);
  }
}

/** Reads a whole input as text; `-` reads standard input. Missing files become a UserError (exit 2). */
export async function readInput(path: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if (path === '-') {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`);
    if (code === 'EISDIR') throw new UserError(`${path}: is a directory, expected a file`);
    if (code === 'EACCES') throw new UserError(`${path}: permission denied`);
    throw ioError(path, e, 'cannot read');
  }
}
