// `kubectl seccomp …`: the kubectl-seccomp bin maps the k8s subcommands to the top level (a real process, started
// through a symlink named like the installed plugin).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const d = mkdtempSync(join(tmpdir(), 'seccompctl-kubectl-plugin-'));
afterAll(() => rmSync(d, { recursive: true, force: true }));

it('kubectl-seccomp lint - behaves like seccompctl k8s lint -', () => {
  const plugin = join(d, 'kubectl-seccomp.ts');
  symlinkSync(join(import.meta.dirname, '../../src/cli/bin.ts'), plugin);
  const pod = 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    securityContext: {seccompProfile: {type: Unconfined}}\n';
  const r = spawnSync(process.execPath, ['--import', 'tsx', plugin, 'lint', '-'], { input: pod, encoding: 'utf8', cwd: join(import.meta.dirname, '../..') });
  expect(r.status).toBe(1);
  expect(r.stdout).toContain('error SECCOMP_UNCONFINED: Pod/p container "a"');
  const p = spawnSync(process.execPath, ['--import', 'tsx', plugin, 'patch', '--runtime-default', '--container', 'a', '-'], { input: pod, encoding: 'utf8', cwd: join(import.meta.dirname, '../..') });
  expect(p.status).toBe(0);
  expect(p.stdout).toBe(pod.replace('type: Unconfined', 'type: RuntimeDefault'));
});
