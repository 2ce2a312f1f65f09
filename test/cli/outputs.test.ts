// Every command that writes a file, given an output path it cannot use — in a read-only directory, in a directory
// that does not exist, a path that is a directory, a path under a regular file — exits 2 with one line naming the
// path and the cause: no stack trace, no "unexpected error", nothing half-written. `record` checks before the
// workload starts (the workload never runs), so no recording is lost to a typo in -o.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { haveRoot, haveSystem } from '../helpers/system.js';

const root = haveRoot();
const dir = mkdtempSync(join(tmpdir(), 'seccompctl-outputs-'));
const ro = join(dir, 'ro');
let profile: string;
let manifest: string;

beforeAll(async () => {
  profile = join(dir, 'p.json');
  const g = await cli(['generate', '-o', profile, join(process.cwd(), 'examples/audit/nginx-in-runc.dmesg.log')]);
  expect(existsSync(profile), g.stderr).toBe(true);
  writeFileSync(join(dir, 'file'), 'a regular file\n');
  mkdirSync(join(dir, 'adir'));
  // Unwritable: a read-only tmpfs (root bypasses permission bits; it cannot bypass a read-only mount).
  mkdirSync(ro);
  if (root) {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', ro]);
    mkdirSync(join(ro, 'k8s'));
    writeFileSync(join(ro, 'k8s', 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n');
    execFileSync('mount', ['-o', 'remount,ro', ro]);
  }
  manifest = join(ro, 'k8s', 'pod.yaml');
});

afterAll(() => {
  if (root) execFileSync('umount', [ro]);
  rmSync(dir, { recursive: true, force: true });
});

/** Output paths a user gets wrong, with the cause the message must name. */
function badOutputs(): { name: string; path: string; cause: RegExp }[] {
  return [
    { name: 'missing directory', path: join(dir, 'no', 'such', 'out.json'), cause: /does not exist|no such file or directory/ },
    { name: 'a directory', path: join(dir, 'adir'), cause: /is a directory/ },
    { name: 'under a regular file', path: join(dir, 'file', 'out.json'), cause: /not a directory|ENOTDIR/ },
    ...(root ? [{ name: 'read-only file system', path: join(ro, 'out.json'), cause: /read-only file system/ }] : []),
  ];
}

/** Every command that writes a file, with the output path put in. */
function writers(out: string): { name: string; args: string[] }[] {
  const log = join(process.cwd(), 'examples/audit/nginx-in-runc.dmesg.log');
  return [
    { name: 'generate -o', args: ['generate', '-o', out, log] },
    { name: 'merge -o', args: ['merge', '-o', out, profile, profile] },
    { name: 'convert -o', args: ['convert', profile, '--to', 'docker', '-o', out] },
    { name: 'compile -o', args: ['compile', profile, '-o', out] },
    { name: 'report -o', args: ['report', profile, '-o', out] },
  ];
}

function expectOneLine(r: { code: number; stdout: string; stderr: string }, path: string, cause: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(/unexpected error/);
  expect(r.stderr).not.toMatch(/^\s+at /m); // no stack frames
  expect(r.stderr).not.toMatch(/\.tmp\b/); // the temporary name is ours, not the user's
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toContain(path);
  expect(lines[0]).toMatch(cause);
}

describe('bad output paths: one line, exit 2', () => {
  for (const bad of badOutputs()) {
    it(`every writing command, output ${bad.name}`, async () => {
      for (const w of writers(bad.path)) {
        const r = await cli(w.args);
        expectOneLine(r, bad.path, bad.cause);
      }
    }, 60_000);
  }

  it.skipIf(!haveSystem('strace'))('record checks -o before the workload starts (the workload never runs)', async () => {
    for (const bad of badOutputs()) {
      const mark = join(dir, `ran-${bad.name.replace(/\W+/g, '-')}`);
      const r = await cli(['record', '--backend', 'strace', '-o', bad.path, '--', 'sh', '-c', `touch ${mark}`]);
      expectOneLine(r, bad.path, bad.cause);
      expect(existsSync(mark), `${bad.name}: the workload ran`).toBe(false);
    }
  }, 60_000);

  // The read-only mount needs root; the cases above cover the rest without it.
  it.skipIf(!root)('k8s patch -i on a read-only file system', async () => {
    const r = await cli(['k8s', 'patch', '--runtime-default', '-i', manifest]);
    expectOneLine(r, manifest, /read-only file system/);
  });

  it('node sync --to a regular file, a read-only directory', async () => {
    const from = join(dir, 'from');
    mkdirSync(from, { recursive: true });
    cpSync(profile, join(from, 'p.json'));
    for (const [to, cause] of [[join(dir, 'file'), /not a directory|already exists|EEXIST|ENOTDIR/], ...(root ? [[join(ro, 'sync'), /read-only file system|EROFS|no such file or directory/]] : [])] as [string, RegExp][]) {
      const r = await cli(['node', 'sync', '--once', '--from', from, '--to', to]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).not.toMatch(/unexpected error|^\s+at /m);
      expect(r.stderr).toContain(to);
      expect(r.stderr).toMatch(cause);
    }
  });

  it('leaves no temporary files behind', () => {
    const stray = readdirSync(dir).filter((f) => /\.(tmp|probe)$/.test(f));
    expect(stray).toEqual([]);
  });
});
