// node sync on the real filesystem: ConfigMap-style sources (..data symlink swaps), atomic writes seen by a
// concurrent reader in another process, ownership, hostile names and planted symlinks, watch + SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OWNERSHIP_FILE, syncEntries, syncOnce, syncOnceReady, watchSync, type SyncReport } from '../../src/k8s/index.js';
import { cli } from '../helpers/cli.js';

const BASE = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(BASE, 'seccompctl-sync-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const NAMES = ['read', 'write', 'openat', 'close', 'fstat', 'mmap', 'mprotect', 'munmap', 'brk', 'rt_sigaction', 'rt_sigprocmask', 'ioctl', 'pread64', 'pwrite64', 'readv', 'writev', 'pipe2', 'sched_yield', 'mremap', 'madvise', 'dup', 'dup3', 'nanosleep', 'getpid', 'socket', 'connect', 'accept4', 'sendto', 'recvfrom', 'bind', 'listen', 'getsockname', 'setsockopt', 'getsockopt', 'clone', 'execve', 'wait4', 'kill', 'uname', 'fcntl', 'flock', 'fsync', 'getcwd', 'chdir', 'mkdirat', 'unlinkat', 'getdents64', 'futex', 'epoll_wait', 'epoll_ctl'];

/** A valid profile whose version shows in syscalls[0].errnoRet and whose rule count depends on it (so a torn read is caught). */
function profileText(version: number): string {
  const n = (version % 4000) + 1;
  const count = n % 50 + 3;
  const syscalls = [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO', errnoRet: n }];
  for (let i = 0; i < count - 2; i++) syscalls.push({ names: [NAMES[(i + version) % NAMES.length]!], action: i % 2 ? 'SCMP_ACT_ALLOW' : 'SCMP_ACT_LOG' } as never);
  syscalls.push({ names: ['exit_group'], action: 'SCMP_ACT_ALLOW' } as never);
  return JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], flags: [], syscalls }, null, 2);
}

/** Writes `files` into `dir` the way the kubelet updates a ConfigMap volume: a new timestamped dir, then an atomic `..data` swap. */
let gen = 0;
function writeConfigMap(dir: string, files: Record<string, string>): void {
  const ts = `..2026_11_27_00_00_00.${++gen}`;
  mkdirSync(join(dir, ts));
  for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, ts, k), v);
  const old = existsSync(join(dir, '..data')) ? readlinkSync(join(dir, '..data')) : undefined;
  symlinkSync(ts, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const k of Object.keys(files)) if (!existsSync(join(dir, k))) symlinkSync(join('..data', k), join(dir, k));
  for (const e of readdirSync(dir)) if (!e.startsWith('..') && !(e in files)) unlinkSync(join(dir, e));
  if (old) rmSync(join(dir, old), { recursive: true });
}

const owned = (to: string) => (JSON.parse(readFileSync(join(to, OWNERSHIP_FILE), 'utf8')) as { files: string[] }).files;

describe('node sync', () => {
  it('writes, updates and removes its own files; leaves other files alone', () => {
    const from = tmp();
    const to = join(tmp(), 'seccomp', 'seccompctl');
    writeConfigMap(from, { 'a.json': profileText(1), 'b.json': profileText(2) });
    let r = syncOnce(from, to);
    expect(r.written.sort()).toEqual(['a.json', 'b.json']);
    expect(JSON.parse(readFileSync(join(to, 'a.json'), 'utf8')).syscalls[0].errnoRet).toBe(2);
    expect(owned(to)).toEqual(['a.json', 'b.json']);
    writeFileSync(join(to, 'manual.json'), profileText(9)); // someone else's file
    r = syncOnce(from, to);
    expect(r.written).toEqual([]);
    expect(r.unchanged.sort()).toEqual(['a.json', 'b.json']);
    writeConfigMap(from, { 'a.json': profileText(3) });
    r = syncOnce(from, to);
    expect(r.written).toEqual(['a.json']);
    expect(r.removed).toEqual(['b.json']);
    expect(readdirSync(to).sort()).toEqual([OWNERSHIP_FILE, 'a.json', 'manual.json']);
    expect(owned(to)).toEqual(['a.json']);
    // The output is canonical OCI JSON: what containerd reads the same way as runc.
    expect(JSON.parse(readFileSync(join(to, 'a.json'), 'utf8'))).toEqual(JSON.parse(profileText(3)));
  });

  it('keeps the last good version when a profile turns invalid, and reports it', () => {
    const from = tmp();
    const to = tmp();
    writeConfigMap(from, { 'a.json': profileText(1) });
    syncOnce(from, to);
    writeConfigMap(from, { 'a.json': '{"defaultAction": "SCMP_ACT_NOPE"}' });
    const r = syncOnce(from, to);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.reason).toContain('UNKNOWN_ACTION');
    expect(r.removed).toEqual([]);
    expect(JSON.parse(readFileSync(join(to, 'a.json'), 'utf8')).syscalls[0].errnoRet).toBe(2);
  });

  it('refuses hostile names and reports them; nothing is written outside the target', () => {
    const root = tmp();
    const to = join(root, 'target');
    const good = profileText(5);
    const r = syncEntries([
      { name: '../x', text: good }, { name: 'a/b', text: good }, { name: '..', text: good }, { name: '.hidden', text: good },
      { name: `${OWNERSHIP_FILE}`, text: good }, { name: 'ok.json', text: good }, { name: 'a..b', text: good },
    ], to);
    expect(r.rejected.map((x) => x.name).sort()).toEqual(['..', '../x', `${OWNERSHIP_FILE}`, '.hidden', 'a..b', 'a/b'].sort());
    expect(r.written).toEqual(['ok.json']);
    expect(readdirSync(root)).toEqual(['target']);
    expect(readdirSync(to).sort()).toEqual([OWNERSHIP_FILE, 'ok.json']);
    expect(owned(to)).toEqual(['ok.json']);
  });

  it('never follows symlinks planted in the target', () => {
    const outside = tmp();
    writeFileSync(join(outside, 'victim'), 'precious\n');
    const from = tmp();
    const to = tmp();
    writeConfigMap(from, { 'evil.json': profileText(1), 'gone.json': profileText(2) });
    // A symlink where a profile will go.
    symlinkSync(join(outside, 'victim'), join(to, 'evil.json'));
    let r = syncOnce(from, to);
    expect(r.rejected.map((x) => x.name)).toEqual(['evil.json']);
    expect(r.rejected[0]!.reason).toMatch(/symlink/);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('precious\n');
    expect(lstatSync(join(to, 'evil.json')).isSymbolicLink()).toBe(true);
    // An owned file replaced by a symlink, then dropped from the source: the link is not followed nor the target removed.
    unlinkSync(join(to, 'gone.json'));
    symlinkSync(join(outside, 'victim'), join(to, 'gone.json'));
    writeConfigMap(from, { 'evil.json': profileText(1) });
    r = syncOnce(from, to);
    expect(r.removed).toEqual([]);
    expect(r.notes.join('\n')).toContain('gone.json');
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('precious\n');
    // A symlinked ownership manifest is not trusted (nothing removed) and is replaced, not written through.
    const to2 = tmp();
    writeFileSync(join(to2, 'foreign.json'), profileText(7));
    symlinkSync(join(outside, 'victim'), join(to2, OWNERSHIP_FILE));
    writeFileSync(join(outside, 'victim'), JSON.stringify({ files: ['foreign.json'] }));
    r = syncOnce(from, to2);
    expect(r.removed).toEqual([]);
    expect(existsSync(join(to2, 'foreign.json'))).toBe(true);
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe(JSON.stringify({ files: ['foreign.json'] }));
    expect(lstatSync(join(to2, OWNERSHIP_FILE)).isFile()).toBe(true);
    // The target itself as a symlink is refused.
    symlinkSync(outside, join(root(), 'link'));
    function root() { return from; }
    expect(() => syncOnce(tmp(), join(from, 'link'))).toThrow(/symlink/);
  });

  it('refuses source symlinks that lead outside the source dir', () => {
    const outside = tmp();
    writeFileSync(join(outside, 'shadow'), profileText(1));
    const from = tmp();
    writeFileSync(join(from, 'ok.json'), profileText(2));
    symlinkSync(join(outside, 'shadow'), join(from, 'leak.json'));
    const r = syncOnce(from, tmp());
    expect(r.written).toEqual(['ok.json']);
    expect(r.rejected).toEqual([{ name: 'leak.json', reason: 'a symlink leading outside the source directory' }]);
  });

  it('does not overwrite a foreign file of the same name unless --adopt; adopts identical ones', () => {
    const from = tmp();
    const to = tmp();
    writeFileSync(join(from, 'x.json'), profileText(1));
    writeFileSync(join(to, 'x.json'), 'not ours\n');
    expect(syncOnce(from, to).rejected[0]!.reason).toMatch(/not written by seccompctl/);
    expect(readFileSync(join(to, 'x.json'), 'utf8')).toBe('not ours\n');
    expect(syncOnce(from, to, { adopt: true }).written).toEqual(['x.json']);
    expect(owned(to)).toEqual(['x.json']);
  });

  it('a concurrent reader process never sees a partial or invalid profile during 2000 updates', async () => {
    const from = tmp();
    const to = tmp();
    const stop = join(tmp(), 'stop');
    writeConfigMap(from, { 'a.json': profileText(0), 'b.json': profileText(1) });
    syncOnce(from, to);
    const reader = spawn(process.execPath, [join(import.meta.dirname, 'reader.mjs'), to, stop, 'a.json', 'b.json'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    reader.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    const done = new Promise<number>((res) => reader.on('exit', (c) => res(c ?? -1)));
    let written = 0;
    for (let v = 2; v < 2002; v++) {
      writeConfigMap(from, v % 2 ? { 'a.json': profileText(v), 'b.json': profileText(v + 1) } : { 'a.json': profileText(v), 'b.json': profileText(v - 1) });
      const r: SyncReport = syncOnce(from, to);
      written += r.written.length;
      expect(r.rejected).toEqual([]);
      // Let the reader run between updates now and then.
      if (v % 50 === 0) await new Promise((res) => setTimeout(res, 1));
    }
    writeFileSync(stop, '');
    expect(await done).toBe(0);
    const res = JSON.parse(out) as { reads: number; missing: number; bad: string[]; badCount: number; versions: number };
    expect(written).toBeGreaterThan(2000);
    expect(res.badCount, res.bad.join('; ')).toBe(0);
    expect(res.missing).toBe(0);
    expect(res.reads).toBeGreaterThan(100);
    expect(res.versions).toBeGreaterThan(20);
  });

  it('watch mode re-syncs on a ConfigMap ..data swap without waiting for the poll, and stops on abort', async () => {
    const from = tmp();
    const to = tmp();
    writeConfigMap(from, { 'a.json': profileText(1) });
    const ac = new AbortController();
    const reports: SyncReport[] = [];
    const errors: unknown[] = [];
    const ready = join(tmp(), 'ready');
    const loop = watchSync(from, to, { intervalMs: 600_000, signal: ac.signal, onReport: (r) => reports.push(r), onError: (e) => errors.push(e), readyFile: ready });
    expect(existsSync(join(to, 'a.json'))).toBe(true);
    expect(JSON.parse(readFileSync(ready, 'utf8'))).toMatchObject({ written: 1 });
    writeConfigMap(from, { 'a.json': profileText(1), 'c.json': profileText(3) });
    const t0 = Date.now();
    while (!existsSync(join(to, 'c.json')) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(join(to, 'c.json'))).toBe(true);
    // An update the sync must refuse makes the node unready until it is fixed.
    writeConfigMap(from, { 'a.json': '{"defaultAction": "SCMP_ACT_NOPE"}', 'c.json': profileText(3) });
    const t1 = Date.now();
    while (existsSync(ready) && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(ready)).toBe(false);
    writeConfigMap(from, { 'a.json': profileText(4), 'c.json': profileText(3) });
    const t2 = Date.now();
    while (!existsSync(ready) && Date.now() - t2 < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(ready)).toBe(true);
    ac.abort();
    await loop;
    expect(errors).toEqual([]);
    expect(reports.map((r) => r.written)).toEqual([['a.json'], ['c.json'], [], ['a.json']]);
  });
});

describe('node sync CLI', () => {
  it('--once reports and exits 1 when something was refused', async () => {
    const from = tmp();
    const to = tmp();
    writeFileSync(join(from, 'a.json'), profileText(1));
    writeFileSync(join(from, 'bad.json'), '{');
    const r = await cli(['node', 'sync', '--once', '--from', from, '--to', to]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 written');
    expect(r.stderr).toContain('refused "bad.json"');
  });

  it('--once --ready-file is syncOnceReady: the marker after a sync that refused nothing, removed after a refusal', async () => {
    const from = tmp();
    const to = tmp();
    const ready = join(tmp(), 'ready');
    writeFileSync(join(from, 'a.json'), profileText(1));
    expect(syncOnceReady(from, to, { readyFile: ready }).rejected).toEqual([]);
    expect(JSON.parse(readFileSync(ready, 'utf8'))).toMatchObject({ written: 1, removed: 0 });
    writeFileSync(join(from, 'bad.json'), '{');
    expect(syncOnceReady(from, to, { readyFile: ready }).rejected.map((x) => x.name)).toEqual(['bad.json']);
    expect(existsSync(ready)).toBe(false);
    // The CLI makes that one call: the same marker, the same exit codes.
    unlinkSync(join(from, 'bad.json'));
    expect((await cli(['node', 'sync', '--once', '--from', from, '--to', to, '--ready-file', ready])).code).toBe(0);
    expect(JSON.parse(readFileSync(ready, 'utf8'))).toMatchObject({ written: 0, unchanged: 1 });
    writeFileSync(join(from, 'bad.json'), '{');
    expect((await cli(['node', 'sync', '--once', '--from', from, '--to', to, '--ready-file', ready])).code).toBe(1);
    expect(existsSync(ready)).toBe(false);
  });

  it('the loop stops cleanly on SIGTERM (a real process)', async () => {
    const from = tmp();
    const to = tmp();
    writeFileSync(join(from, 'a.json'), profileText(1));
    const bin = join(import.meta.dirname, '../../src/cli/bin.ts');
    const p = spawn(process.execPath, ['--import', 'tsx', bin, 'node', 'sync', '--from', from, '--to', to, '--interval', '0.2'], { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(import.meta.dirname, '../..') });
    let out = '';
    let err = '';
    p.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    p.stderr.on('data', (c: Buffer) => { err += c.toString(); });
    const exit = new Promise<number | null>((res) => p.on('exit', (c) => res(c)));
    const t0 = Date.now();
    while (!out.includes('1 written') && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 50));
    expect(out).toContain('1 written');
    p.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(err).toContain('stopped');
  });
});
