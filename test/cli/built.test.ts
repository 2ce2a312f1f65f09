// The built CLI (scripts/build-cli.mjs: one CommonJS bundle run by a launcher with V8's code cache) behaves as the
// sources do: same output and exit codes, errors without stack traces, kubectl plugin mode; its cache is only an
// optimisation (a missing, corrupt, foreign or unwritable cache never changes what a run does); and `--help` does not
// load the builtins it never uses. Start-up times are measured by `npm run bench:cli`, never asserted here.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { cli } from '../helpers/cli.js';
import { haveRoot } from '../helpers/system.js';

const ROOT = join(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'seccompctl-built-'));
const out = join(work, 'cli');
const BIN = join(out, 'bin.js');

interface Run { code: number | null; stdout: string; stderr: string }
function run(args: string[], opts: { cache?: string; env?: NodeJS.ProcessEnv; bin?: string; input?: string } = {}): Run {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: work, ...opts.env };
  if (opts.cache !== undefined) env.XDG_CACHE_HOME = opts.cache;
  const r = spawnSync(process.execPath, [opts.bin ?? BIN, ...args], { env, encoding: 'utf8', input: opts.input ?? '', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
/** The cache files under XDG_CACHE_HOME=dir, by name. */
const cacheFiles = (dir: string): string[] => {
  const d = join(dir, 'seccompctl', 'v8');
  return existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.v8')).sort() : [];
};
const cachePath = (dir: string, key: string): string => {
  const f = cacheFiles(dir).find((n) => n.endsWith(`-${key}.v8`));
  if (f === undefined) throw new Error(`no ${key} cache in ${dir}: ${cacheFiles(dir).join(' ')}`);
  return join(dir, 'seccompctl', 'v8', f);
};

let installed: string[] = [];
beforeAll(() => {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs'), '--out', out], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`build-cli failed: ${r.stderr}`);
  installed = readdirSync(out).sort();
}, 180_000);
afterAll(() => { rmSync(work, { recursive: true, force: true }); });

describe('the built CLI', () => {
  it('prints what the sources print, for every command\'s --help, the top-level help and a few commands', async () => {
    const cache = join(work, 'same');
    // Each command runs from its own bundle (scripts/build-cli.mjs); `help X`, record's cluster subcommands (agent's
    // module), completion (every module) and no command at all must find what they load in the bundle chosen.
    for (const args of [['--help'], ...COMMANDS.map((c) => [c.name, '--help']), ['resolve', '--arch', 'x86_64', '54', 'openat'],
      ['schema'], ['diff', 'runtime-default:containerd', 'runtime-default:docker'], ['--version'], ['help', 'resolve'],
      ['-q', 'help', 'diff'], ['record', 'pull', '--help'], ['completion', 'bash'], ['help'], ['nosuchcommand']]) {
      const want = await cli(args, { env: { PATH: process.env.PATH, HOME: work } });
      // Twice: the first run writes the code cache, the second runs from it.
      for (const pass of ['cold', 'cached']) {
        const got = run(args, { cache });
        expect({ code: got.code, stdout: got.stdout, stderr: got.stderr }, `${args.join(' ')} (${pass})`).toEqual(want);
      }
    }
  }, 240_000);

  it('generate reads a log and writes the same profile as the sources', async () => {
    const log = join(ROOT, 'examples/audit/nginx-in-runc.dmesg.log');
    const a = join(work, 'gen-src.json');
    const b = join(work, 'gen-built.json');
    expect((await cli(['generate', log, '-o', a])).code).toBe(0);
    expect(run(['generate', log, '-o', b], { cache: join(work, 'gen') }).code).toBe(0);
    expect(readFileSync(b, 'utf8')).toBe(readFileSync(a, 'utf8'));
  }, 60_000);

  it('reads standard input for -', async () => {
    const profile = readFileSync(join(ROOT, 'test/fixtures/profile/containers-common/seccomp.json'), 'utf8');
    for (const input of [profile, '{']) {
      const want = await cli(['validate', '-'], { stdin: input, env: { PATH: process.env.PATH, HOME: work } });
      const got = run(['validate', '-'], { input, cache: join(work, 'stdin') });
      expect({ code: got.code, stdout: got.stdout, stderr: got.stderr }).toEqual(want);
    }
    expect(run(['validate', '-'], { input: '{', cache: join(work, 'stdin') }).stderr).toMatch(/INVALID_JSON/);
  });

  it('errors exit 2 with one line and no stack trace', () => {
    for (const args of [['validate', join(work, 'no-such-file.json')], ['--bogus'], ['resolv', '54'], ['resolve', '--arch', 'nope', '1']]) {
      const r = run(args, { cache: join(work, 'errors') });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).not.toMatch(/^\s+at /m);
      expect(r.stderr, args.join(' ')).toMatch(/\S/);
    }
  });

  it('runs as the kubectl plugin through a symlink named kubectl-seccomp', () => {
    const plugin = join(work, 'kubectl-seccomp');
    symlinkSync(BIN, plugin);
    // `lint` is `k8s lint` there: the launcher must start the k8s bundle, not the one for no command.
    const r = run(['lint', '--help'], { bin: plugin, cache: join(work, 'plugin') });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: kubectl seccomp lint/m);
    const manifest = join(work, 'pod.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n');
    const lint = run(['lint', manifest], { bin: plugin, cache: join(work, 'plugin') });
    expect(lint.stderr).not.toMatch(/not in this bundle|unexpected error/);
    expect(lint.stdout + lint.stderr).toMatch(/seccomp/i);
  });

  it('--help and resolve load none of the builtins only other commands use', () => {
    const probe = join(work, 'modules.cjs');
    writeFileSync(probe, "process.on('exit', () => { process.stderr.write('\\nMODULES ' + process.moduleLoadList.join(',')); });\n");
    for (const args of [['--help'], ['resolve', '--arch', 'x86_64', '54']]) {
      const r = spawnSync(process.execPath, ['-r', probe, BIN, ...args], { env: { HOME: work, XDG_CACHE_HOME: join(work, 'modules') }, encoding: 'utf8' });
      expect(r.status).toBe(0);
      const loaded = r.stderr.slice(r.stderr.indexOf('MODULES ') + 8).split(',');
      for (const m of ['child_process', 'crypto', 'readline', 'dgram', 'fs/promises', 'worker_threads']) {
        expect(loaded, `${args.join(' ')} loaded ${m}`).not.toContain(`NativeModule ${m}`);
      }
      // The ESM loader is never started: the launcher and the bundle are CommonJS.
      expect(loaded, args.join(' ')).not.toContain('NativeModule internal/modules/esm/translators');
    }
  });
});

describe('the code cache', () => {
  it('is written per command on the first run and used, unchanged, by the next', () => {
    const cache = join(work, 'percmd');
    expect(run(['resolve', '--arch', 'x86_64', '54'], { cache }).stdout).toBe('54 setsockopt\n');
    expect(run(['--help'], { cache }).code).toBe(0);
    expect(cacheFiles(cache).map((f) => f.replace(/^.*-/, ''))).toEqual(['_.v8', 'resolve.v8']);
    const file = cachePath(cache, 'resolve');
    const before = statSync(file);
    expect(before.mode & 0o022).toBe(0);
    expect(run(['resolve', '--arch', 'x86_64', '54'], { cache }).stdout).toBe('54 setsockopt\n');
    const after = statSync(file);
    // Accepted: not rewritten (a rejected or untrusted cache is replaced by a new file at exit).
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it('a corrupt, truncated, empty or foreign-format file is ignored and replaced, and the run is unchanged', () => {
    const cache = join(work, 'corrupt');
    const good = run(['resolve', '--arch', 'x86_64', '54'], { cache });
    const file = cachePath(cache, 'resolve');
    const pristine = readFileSync(file);
    const damage: [string, (f: string) => void][] = [
      // V8 checks its own header but not its payload: flipped bytes there would crash it without our CRC.
      ['payload bytes flipped', (f) => { const b = Buffer.from(pristine); for (let i = 0; i < 256; i++) b[Math.floor(b.length / 2) + i]! ^= 0x5a; writeFileSync(f, b); }],
      ['truncated', (f) => { writeFileSync(f, pristine); truncateSync(f, Math.floor(pristine.length / 3)); }],
      ['empty', (f) => { writeFileSync(f, ''); }],
      ['garbage', (f) => { writeFileSync(f, Buffer.alloc(4096, 0xab)); }],
      ['V8 data without our header', (f) => { writeFileSync(f, pristine.subarray(8)); }],
      ['a directory', (f) => { mkdirSync(f); }],
    ];
    for (const [what, hurt] of damage) {
      rmSync(file, { recursive: true, force: true });
      hurt(file);
      const r = run(['resolve', '--arch', 'x86_64', '54'], { cache });
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }, what).toEqual(good);
      if (what === 'a directory') continue; // cannot be replaced by a rename; each run compiles without a cache
      // Replaced by a good cache: the next run accepts it and leaves it alone.
      const ino = statSync(file).ino;
      expect(run(['resolve', '--arch', 'x86_64', '54'], { cache }).stdout, what).toBe('54 setsockopt\n');
      expect(statSync(file).ino, what).toBe(ino);
    }
  });

  it('a cache file writable by others, or owned by another user, is not used', () => {
    const cache = join(work, 'foreign');
    run(['resolve', '--arch', 'x86_64', '54'], { cache });
    const file = cachePath(cache, 'resolve');
    chmodSync(file, 0o666);
    const ino = statSync(file).ino;
    expect(run(['resolve', '--arch', 'x86_64', '54'], { cache }).stdout).toBe('54 setsockopt\n');
    expect(statSync(file).ino, 'replaced by a private file').not.toBe(ino);
    expect(statSync(file).mode & 0o022).toBe(0);
    if (haveRoot()) {
      chownSync(file, 65534, 65534);
      const ino2 = statSync(file).ino;
      expect(run(['resolve', '--arch', 'x86_64', '54'], { cache }).stdout).toBe('54 setsockopt\n');
      expect(statSync(file).uid).toBe(0);
      expect(statSync(file).ino).not.toBe(ino2);
    }
  });

  it('no usable cache directory, or SECCOMPCTL_CODE_CACHE=0: the run works and writes nothing', () => {
    const notDir = join(work, 'a-file');
    writeFileSync(notDir, '');
    expect(run(['resolve', '--arch', 'x86_64', '54'], { cache: notDir }).stdout).toBe('54 setsockopt\n');
    const relative = run(['resolve', '--arch', 'x86_64', '54'], { env: { HOME: 'relative/home', XDG_CACHE_HOME: 'rel' } });
    expect(relative.stdout).toBe('54 setsockopt\n');
    expect(existsSync('relative') || existsSync('rel')).toBe(false);
    const off = join(work, 'off');
    expect(run(['resolve', '--arch', 'x86_64', '54'], { cache: off, env: { SECCOMPCTL_CODE_CACHE: '0' } }).stdout).toBe('54 setsockopt\n');
    expect(existsSync(off)).toBe(false);
    // The install directory is only read: a run leaves it as it was.
    expect(installed).toContain('seccompctl-_.cjs');
    expect(readdirSync(out).sort()).toEqual(installed);
  });
});
