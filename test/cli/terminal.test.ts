// The terminal: colour and a progress status line only on a TTY (run under a real pseudo-terminal with util-linux's
// `script`), honouring NO_COLOR / FORCE_COLOR and --quiet; nothing of either through a pipe. Completion scripts
// load in bash and complete a command name and a flag. As kubectl-seccomp, help says `kubectl seccomp`.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { colourWanted } from '../../src/cli/terminal.js';
import { cli } from '../helpers/cli.js';
import { haveSystem } from '../helpers/system.js';

const run = promisify(execFile);
const TSX = resolve('node_modules/.bin/tsx');
const BIN = resolve('src/cli/bin.ts');
const PROFILE = resolve('test/report/fixtures/known.json');
const work = mkdtempSync(join(tmpdir(), 'seccompctl-term-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** SGR colour sequences (not cursor movement). */
const SGR = /\x1b\[[0-9;]*m/;
const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** This process's environment without the colour variables (vitest sets FORCE_COLOR), plus `extra`. */
function envWith(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const e = { ...process.env };
  delete e.NO_COLOR;
  delete e.FORCE_COLOR;
  return { ...e, ...extra };
}

/** Runs seccompctl under a pseudo-terminal (stdout and stderr are the TTY); returns what the terminal showed. */
async function onTty(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const cmd = [TSX, BIN, ...args].map(q).join(' ');
  const r = await run('script', ['-qec', cmd, '/dev/null'], { env: envWith({ TERM: 'xterm', ...env }), maxBuffer: 1 << 24 })
    .catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  return r.stdout;
}

/** Runs seccompctl with stdout and stderr piped; returns both. */
async function piped(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  const r = await run(TSX, [BIN, ...args], { env: envWith(env) })
    .catch((e: { stdout: string; stderr: string }) => e);
  return { stdout: r.stdout, stderr: r.stderr };
}

describe('colour', () => {
  it('follows NO_COLOR, FORCE_COLOR and the TTY', () => {
    expect(colourWanted({}, true)).toBe(true);
    expect(colourWanted({}, false)).toBe(false);
    expect(colourWanted({ NO_COLOR: '1' }, true)).toBe(false);
    expect(colourWanted({ NO_COLOR: '' }, true)).toBe(true);
    expect(colourWanted({ FORCE_COLOR: '' }, false)).toBe(false);
    expect(colourWanted({ FORCE_COLOR: '1' }, false)).toBe(true);
    expect(colourWanted({ FORCE_COLOR: '0' }, true)).toBe(false);
    expect(colourWanted({ TERM: 'dumb' }, true)).toBe(false);
  });

  it.skipIf(!haveSystem('script'))('colours verdicts on a TTY, not through a pipe, not with NO_COLOR', async () => {
    const tty = await onTty(['check', PROFILE, '--arch', 'x86_64', 'read', 'bind']);
    expect(tty).toMatch(/\x1b\[32mALLOW\x1b\[39m/);
    expect(tty).toMatch(/\x1b\[31mERRNO\(1\)/);
    const pipe = await piped(['check', PROFILE, '--arch', 'x86_64', 'read', 'bind']);
    expect(pipe.stdout).toMatch(/→ ALLOW/);
    expect(pipe.stdout + pipe.stderr).not.toMatch(SGR);
    const no = await onTty(['check', PROFILE, '--arch', 'x86_64', 'read', 'bind'], { NO_COLOR: '1' });
    expect(no).toMatch(/→ ALLOW/);
    expect(no).not.toMatch(SGR);
    const forced = await piped(['check', PROFILE, '--arch', 'x86_64', 'read'], { FORCE_COLOR: '1' });
    expect(forced.stdout).toMatch(/\x1b\[32mALLOW/);
  });

  it.skipIf(!haveSystem('script'))('colours the error prefix on a TTY only', async () => {
    expect(await onTty(['resolve', '--arch', 'bogus', 'read'])).toMatch(/\x1b\[31mseccompctl:\x1b\[39m unknown architecture/);
    expect((await piped(['resolve', '--arch', 'bogus', 'read'])).stderr).toMatch(/^seccompctl: unknown architecture/);
  });
});

describe('progress', () => {
  // A workload that takes a few seconds and makes a few syscalls, so the status line is drawn at least once.
  const workload = ['sh', '-c', 'ls / >/dev/null; sleep 2.5; cat /etc/hostname >/dev/null'];

  it.skipIf(!haveSystem('script', 'strace'))('record shows elapsed time, processes, syscalls so far and how to stop, on a TTY only', { timeout: 120_000 }, async () => {
    const tty = await onTty(['record', '--backend', 'strace', '--runtime', 'none', '-o', join(work, 'a.json'), '--', ...workload]);
    const status = tty.match(/recording with strace: \d+\.\d s, (\d+) process\(es\), (\d+) distinct syscall\(s\) so far · Ctrl-C stops it and writes the profile/g);
    expect(status).not.toBeNull();
    // sh plus its ls child had run by the time sleep was waiting.
    expect(Number(/, (\d+) process/.exec(status!.at(-1)!)![1])).toBeGreaterThanOrEqual(2);
    expect(Number(/, (\d+) distinct/.exec(status!.at(-1)!)![1])).toBeGreaterThan(10);
    // The line is cleared before the summary.
    expect(tty).toMatch(/\x1b\[0K|\x1b\[2K/);
    expect(tty).toMatch(/seccompctl: recorded \d+ distinct syscall/);

    const pipe = await piped(['record', '--backend', 'strace', '--runtime', 'none', '-o', join(work, 'b.json'), '--', ...workload]);
    expect(pipe.stderr).not.toMatch(/recording with/);
    expect(pipe.stderr).not.toMatch(/\x1b\[/);
    expect(pipe.stderr).toMatch(/seccompctl: recorded/);
  });

  it.skipIf(!haveSystem('script', 'strace'))('--quiet: no status line and no summary on the TTY; NO_COLOR keeps the status but drops colour', { timeout: 120_000 }, async () => {
    const quiet = await onTty(['--quiet', 'record', '--backend', 'strace', '--runtime', 'none', '-o', join(work, 'c.json'), '--', ...workload]);
    expect(quiet).not.toMatch(/recording with|seccompctl: recorded/);
    const plain = await onTty(['record', '--backend', 'strace', '--runtime', 'none', '-o', join(work, 'd.json'), '--', ...workload], { NO_COLOR: '1' });
    expect(plain).toMatch(/recording with strace/);
    expect(plain).not.toMatch(SGR);
  });

  it.skipIf(!haveSystem('script'))('generate shows bytes and records read on a TTY for a large input, nothing through a pipe', { timeout: 180_000 }, async () => {
    // 70 MiB of audit records (above the 64 MiB threshold): the bundled example repeated.
    const { readFileSync } = await import('node:fs');
    const one = readFileSync(resolve('examples/audit/nginx-in-runc.dmesg.log'), 'utf8').split('\n').filter((l) => l.includes('type=1326')).join('\n') + '\n';
    const big = join(work, 'big.log');
    writeFileSync(big, one.repeat(Math.ceil((70 << 20) / one.length)));
    const tty = await onTty(['generate', big, '-o', join(work, 'g.json')]);
    expect(tty).toMatch(/reading: \d+\.\d MiB of \d+\.\d MiB \(\d+%\), \d+ record\(s\) so far/);
    const pipe = await piped(['generate', big, '-o', join(work, 'h.json')]);
    expect(pipe.stderr + pipe.stdout).not.toMatch(/reading:/);
  });
});

describe('completion and the kubectl plugin', () => {
  it.skipIf(!haveSystem('bash'))('the bash script loads and completes a command name, a subcommand, a flag and a flag\'s choices', async () => {
    const r = await cli(['completion', 'bash']);
    expect(r.code).toBe(0);
    const file = join(work, 'seccompctl.bash');
    writeFileSync(file, r.stdout);
    const complete = async (words: string[]): Promise<string> => {
      const script = `set -e; source ${q(file)}; COMP_WORDS=(${words.map(q).join(' ')}); COMP_CWORD=${words.length - 1}; _seccompctl; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return (await run('bash', ['--norc', '-c', script])).stdout.trim();
    };
    expect(await complete(['seccompctl', 'gene'])).toBe('generate');
    expect((await complete(['seccompctl', 're'])).split('\n').sort()).toEqual(['record', 'report', 'resolve']);
    expect(await complete(['seccompctl', 'k8s', 'pa'])).toBe('patch');
    expect(await complete(['seccompctl', 'resolve', '--all-a'])).toBe('--all-arches');
    expect(await complete(['seccompctl', 'report', '--form'])).toBe('--format');
    expect((await complete(['seccompctl', 'report', '--format', ''])).split('\n')).toEqual(['html', 'md']);
    expect(await complete(['kubectl-seccomp', 'lin'])).toBe('lint');
    // `complete -p` shows it registered for both commands.
    const reg = (await run('bash', ['--norc', '-c', `source ${q(file)}; complete -p seccompctl kubectl-seccomp`])).stdout;
    expect(reg).toMatch(/-F _seccompctl seccompctl/);
    expect(reg).toMatch(/-F _seccompctl kubectl-seccomp/);
  });

  it('writes zsh and fish scripts from the same tree, and refuses other shells', async () => {
    const zsh = await cli(['completion', 'zsh']);
    expect(zsh.stdout).toMatch(/^#compdef seccompctl kubectl-seccomp/);
    expect(zsh.stdout).toMatch(/bashcompinit/);
    const fish = await cli(['completion', 'fish']);
    expect(fish.stdout).toMatch(/^complete -c seccompctl -f -n '__fish_use_subcommand' -a report -d /m);
    expect(fish.stdout).toMatch(/^complete -c seccompctl -n '__fish_seen_subcommand_from report' -l format -x -a 'html md' /m);
    const bad = await cli(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown shell "tcsh"; use bash, zsh or fish/);
  });

  it('kubectl-seccomp --help says kubectl seccomp, and its k8s subcommands are top level', async () => {
    const dir = mkdtempSync(join(work, 'plugin-'));
    const link = join(dir, 'kubectl-seccomp.ts');
    symlinkSync(BIN, link);
    const top = (await run(TSX, [link, '--help'])).stdout;
    expect(top).toMatch(/^Usage: kubectl seccomp \[options\] \[command\]/);
    const lint = (await run(TSX, [link, 'lint', '--help'])).stdout;
    expect(lint).toMatch(/^Usage: kubectl seccomp lint \[options\]/);
    expect((await run(TSX, [BIN, 'k8s', 'lint', '--help'])).stdout).toMatch(/^Usage: seccompctl k8s lint \[options\]/);
  });
});
