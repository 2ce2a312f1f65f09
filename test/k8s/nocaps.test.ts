// The install DaemonSet runs node sync as uid 0 with every capability dropped. Prove that is enough: run the real
// CLI under setpriv with empty capability sets (root-owned target, like <kubelet-root>/seccomp), and show that a
// target owned by another user is refused by the kernel (so the DaemonSet really holds no DAC override).
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { haveRoot, haveSystem } from '../helpers/system.js';

const run = haveRoot() && haveSystem('setpriv');
const made: string[] = [];
afterAll(() => { for (const d of made) rmSync(d, { recursive: true, force: true }); });

it.skipIf(!run)('node sync works as uid 0 with no capabilities, and only there', () => {
  const root = mkdtempSync(join(tmpdir(), 'seccompctl-nocaps-'));
  made.push(root);
  const from = join(root, 'profiles');
  mkdirSync(from);
  writeFileSync(join(from, 'p.json'), '{"defaultAction": "SCMP_ACT_ERRNO", "flags": [], "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}]}');
  const seccomp = join(root, 'seccomp');
  mkdirSync(seccomp, { mode: 0o755 });
  const bin = join(import.meta.dirname, '../../src/cli/bin.ts');
  const sync = (to: string) => spawnSync('setpriv', ['--inh-caps=-all', '--ambient-caps=-all', '--bounding-set=-all', '--no-new-privs', '--',
    process.execPath, '--import', 'tsx', bin, 'node', 'sync', '--once', '--from', from, '--to', to], { encoding: 'utf8', cwd: join(import.meta.dirname, '../..') });
  const ok = sync(join(seccomp, 'seccompctl'));
  expect(ok.status, ok.stderr).toBe(0);
  expect(JSON.parse(readFileSync(join(seccomp, 'seccompctl', 'p.json'), 'utf8')).syscalls[0].names).toEqual(['read']);
  // A directory owned by someone else: without CAP_DAC_OVERRIDE the write is denied (EACCES), reported, exit 2.
  const foreign = join(seccomp, 'foreign');
  mkdirSync(foreign, { mode: 0o755 });
  chownSync(foreign, 1000, 1000);
  const denied = sync(foreign);
  expect(denied.status).toBe(2);
  expect(denied.stderr).toMatch(/cannot write .*foreign.*permission denied/i);
  expect(denied.stderr).not.toMatch(/unexpected error/);
});
