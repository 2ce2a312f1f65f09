import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERSION } from '../../src/cli/main.js';
import { cli } from '../helpers/cli.js';

describe('the CLI contract', () => {
  it('reports the package version', async () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; bin: Record<string, string> };
    expect(VERSION).toBe(pkg.version);
    expect((await cli(['--version'])).stdout.trim()).toBe(pkg.version);
    expect(Object.keys(pkg.bin).sort()).toEqual(['kubectl-seccomp', 'seccompctl']);
  });
  it('lists every command of DESIGN.md in --help, exit 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['resolve', 'validate', 'convert', 'schema', 'generate', 'merge', 'diff', 'record', 'verify', 'compile', 'check', 'k8s', 'node']) {
      expect(r.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    }
  });
  it('exits 2 on an unknown command or flag, without a stack trace', async () => {
    const a = await cli(['frobnicate']);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/unknown command 'frobnicate'/);
    const b = await cli(['resolve', '--bogus', 'read']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/unknown option '--bogus'/);
    expect(a.stderr + b.stderr).not.toMatch(/\n\s+at /);
  });
});
