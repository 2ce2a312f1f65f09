// Commands load only when they run (start-up time, issue 15): the stubs that stand in for the others must give the
// same top-level help, the same "did you mean", and the same summaries as the real commands.
import { describe, expect, it } from 'vitest';
import { buildProgram, commandOf } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { cli } from '../helpers/cli.js';

const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {}, isTTY: false, cwd: process.cwd() };

describe('lazily loaded commands', () => {
  it('each summary is the loaded command\'s own description, in the same order', async () => {
    const all = await buildProgram(io, () => {});
    expect(all.commands.map((c) => c.name())).toEqual(COMMANDS.map((c) => c.name));
    for (const c of all.commands) {
      expect(COMMANDS.find((e) => e.name === c.name())?.summary, c.name()).toBe(c.description());
    }
  });

  it('top-level help from the stubs equals help from the fully loaded program', async () => {
    const all = await buildProgram(io, () => {});
    const stubs = await buildProgram(io, () => {}, {}, new Set());
    expect(stubs.helpInformation()).toBe(all.helpInformation());
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(all.helpInformation())).toBe(true);
  });

  it('finds the command after global options and after help', () => {
    expect(commandOf(['-q', 'resolve', '54'])).toBe('resolve');
    expect(commandOf(['help', 'generate'])).toBe('generate');
    expect(commandOf(['--help'])).toBeUndefined();
  });

  it('runs the loaded command, and record keeps its cluster subcommands', async () => {
    expect((await cli(['-q', 'resolve', '--arch', 'x86_64', '54'])).stdout.trim()).toBe('54 setsockopt');
    const r = await cli(['record', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\s+pull\b/m);
    const h = await cli(['help', 'resolve']);
    expect(h.stdout).toMatch(/--all-arches/);
  });

  it('still suggests a near command name', async () => {
    const r = await cli(['resolv', '54']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Did you mean resolve\?/);
  });
});
