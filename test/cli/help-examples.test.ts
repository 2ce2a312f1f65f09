// Help that teaches: every example in every command's --help and in the README's command blocks is run against
// the bundled examples (examples/), and must exit with the code it documents ("# exit 1 …" in its comment, or the
// `echo $?` line after it in a console block; 0 otherwise). Examples that need a cluster, a root workload, the
// host's own logs or a system directory are listed in NOT_RUN with the reason; everything else runs.
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { cli } from '../helpers/cli.js';

const ROOT = resolve('.');

/** Examples not run, each with why (matched against the example's command text). */
const NOT_RUN: readonly [RegExp, string][] = [
  [/\bkubectl (get|apply|-n|seccomp record)\b|\| kubectl\b|^kubectl /, 'needs a Kubernetes cluster'],
  [/\bhelm template\b/, 'needs helm and a chart'],
  [/\brecord\b.*-- (nginx|redis-server|\/usr\/bin\/python3|\.\/app)\b/, 'records a long-running or placeholder workload (system tests cover record)'],
  [/\bverify\b.* -- /, 'runs a workload under runc as root (test/verify covers it)'],
  [/\.\/app\b/, './app stands for the reader\'s program'],
  [/^journalctl |^dmesg /, 'reads this machine\'s kernel log'],
  [/\/var\/log\/audit\/audit\.log/, 'reads this machine\'s auditd log'],
  [/\/var\/lib\/kubelet\//, 'needs a node\'s kubelet (root dir or config)'],
  [/node sync --from \/profiles\b/, 'the DaemonSet\'s endless loop on a node'],
  [/^seccompctl agent\b|\bagent\b.*--listen|^curl /, 'a node daemon (runs until stopped)'],
  [/completion (bash|zsh|fish) > /, 'installs into the user\'s or the system\'s shell directories'],
  [/^seccompctl doctor\b/, 'judges this node: its exit code depends on the node'],
  [/^bash scripts\/install-system-deps\.sh|^npm /, 'installs the system / runs the whole suite'],
  [/\[--once\]|\[--interval/, 'a synopsis with optional parts, not a command'],
  [/record pull .*--from-dir/, 'needs copies of node agents\' state directories'],
];

interface Example {
  /** Where it was found: `check --help` or `README.md:152`. */
  where: string;
  command: string;
  expect: number;
}

/** The command and the documented exit code of one example line (`cmd   # comment, exit 1 …`). */
function parseLine(line: string): { command: string; code?: number } {
  // A # starts a comment when it follows whitespace outside quotes.
  let quote: string | undefined;
  let cut = line.length;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) { if (c === quote) quote = undefined; continue; }
    if (c === '\'' || c === '"') quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!)) && !line.slice(0, i).endsWith('$')) { cut = i; break; }
  }
  const comment = line.slice(cut);
  const m = /\bexit (\d)\b/.exec(comment);
  return { command: line.slice(0, cut).trim(), ...(m ? { code: Number(m[1]) } : {}) };
}

const IS_EXAMPLE = /^(seccompctl |kubectl seccomp |(kubectl|strace|journalctl|dmesg|helm|cat|source|curl|echo|printf) .*\b(seccompctl|kubectl seccomp)\b)/;
// Prose that happens to start with a command name ("strace  strace -f, parsed like …") is not an example.
const IS_PROSE = /^\S+ {2,}/;

/** The examples of one --help text: indented lines that are commands naming seccompctl. */
export function helpExamples(help: string, where: string): Example[] {
  // Examples are indented 2 to 8 spaces; deeper lines are commander's wrapped option and argument descriptions.
  return help.split('\n').filter((l) => /^ {2,8}\S/.test(l)).map((l) => parseLine(l.trim()))
    .filter((x) => IS_EXAMPLE.test(x.command) && !IS_PROSE.test(x.command)).map((x) => ({ where, command: x.command, expect: x.code ?? 0 }));
}

/** The README's sh and console blocks: one example per command line. */
export function readmeExamples(text: string): Example[] {
  const out: Example[] = [];
  const lines = text.split('\n');
  let block: 'sh' | 'console' | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^```(sh|bash|console)\s*$/.test(l)) { block = l.includes('console') ? 'console' : 'sh'; continue; }
    if (/^```/.test(l)) { block = undefined; continue; }
    if (!block) continue;
    let cmd = l;
    if (block === 'console') {
      if (!l.startsWith('$ ')) continue;
      cmd = l.slice(2);
      if (cmd.trim() === 'echo $?') continue;
    }
    const p = parseLine(cmd);
    if (p.command === '') continue;
    let code = p.code;
    if (block === 'console') {
      // `$ echo $?` then the code, after the command's output.
      for (let j = i + 1; j < lines.length && !lines[j]!.startsWith('```'); j++) {
        if (lines[j]!.startsWith('$ ') && lines[j] !== '$ echo $?') break;
        if (lines[j] === '$ echo $?') { code = Number(lines[j + 1]); break; }
      }
    }
    out.push({ where: `README.md:${i + 1}`, command: p.command, expect: code ?? 0 });
  }
  return out;
}

/**
 * Runs a command line in bash without blocking the event loop (vitest's worker must keep answering). bash leads its
 * own process group, so on the deadline, and once bash has exited, the whole group is killed: an example that
 * starts a daemon or a background child leaves nothing running (and cannot hold the pipes open).
 */
function runBash(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ status: number | string; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const c = spawn('bash', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const signal = (sig: NodeJS.Signals): void => {
      try { process.kill(-c.pid!, sig); } catch { /* the group is gone */ }
    };
    // SIGTERM first (seccompctl cleans up on it), SIGKILL for what is still there 5 s later.
    const killGroup = (): void => { signal('SIGTERM'); setTimeout(() => signal('SIGKILL'), 5_000).unref(); };
    const timer = setTimeout(killGroup, 60_000);
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    c.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    c.on('exit', () => { clearTimeout(timer); killGroup(); });
    c.on('close', (code, signal) => done({ status: code ?? signal ?? 'unknown', stdout, stderr }));
  });
}

function commandPaths(c: Command, path: string[] = []): string[][] {
  return c.commands.flatMap((s) => [[...path, s.name()], ...commandPaths(s, [...path, s.name()])]);
}

/** The files the examples name, made from the bundled examples. */
async function makeWorkspace(dir: string): Promise<void> {
  const ex = (p: string): string => join(ROOT, 'examples', p);
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  const gen = async (args: string[], out: string): Promise<string> => {
    const r = await cli(['generate', ...args, '-o', join(dir, out)]);
    if (r.code !== 0) throw new Error(`workspace: generate ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  // nginx (audit log) for most names; with aarch64 and the 32-bit x86 ABI so --arch arm64 / --abi x86 examples apply.
  // profile.json: the shell pipeline (no socket: the README's check example is denied), with aarch64 and x86.
  await gen([ex('strace/sh-pipeline.strace'), '--arch', 'x86_64,x86,aarch64'], 'profile.json');
  await gen([ex('audit/nginx-in-runc.dmesg.log'), '--arch', 'x86_64,x86,aarch64'], 'nginx.json');
  for (const n of ['myapp.json', 'app.json', 'old.json', 'a.json', 'ls.json', 'oci.json', 'run1.json', 'redis-names.json']) copyFileSync(join(dir, 'nginx.json'), join(dir, n));
  // The shell pipeline (strace) for the "other" profile of merges and diffs.
  await gen([ex('strace/sh-pipeline.strace')], 'new.json');
  for (const n of ['b.json', 'run2.json', 'extra-debug.json', 'redis.json']) copyFileSync(join(dir, 'new.json'), join(dir, n));
  const rec = await cli(['generate', ex('audit/nginx-in-runc.dmesg.log'), '--json', '-o', join(dir, '.nginx-rec.json')]);
  writeFileSync(join(dir, 'nginx.rec.json'), rec.stdout);
  // A Docker-format profile: the bundled Docker default.
  const docker = JSON.parse(readFileSync(join(ROOT, 'data/runtime-default/docker.json'), 'utf8')) as { profile: unknown };
  writeFileSync(join(dir, 'docker.json'), JSON.stringify(docker.profile, null, 2));
  for (const [name, from] of [['web-sp.yaml', 'oci.json'], ['sp.yaml', 'oci.json'], ['b.yaml', 'new.json']] as const) {
    const r = await cli(['convert', join(dir, from), '--to', 'spo', '--name', 'web', '-o', join(dir, name)]);
    if (r.code !== 0) throw new Error(`workspace: convert: ${r.stderr}`);
  }
  copyFileSync(ex('audit/nginx-in-runc.dmesg.log'), join(dir, 'kern.log'));
  copyFileSync(ex('strace/sh-pipeline.strace'), join(dir, 'app.strace'));
  for (const d of ['k8s', 'deploy']) mkdirSync(join(dir, d));
  for (const f of ['deploy.yaml', 'manifests.yaml', 'app.yaml', 'k8s/deploy.yaml', 'k8s/web.yaml', 'deploy/nginx.yaml']) copyFileSync(ex('k8s/deploy.yaml'), join(dir, f));
  for (const d of ['profiles', 'node-seccomp']) {
    mkdirSync(join(dir, d));
    copyFileSync(join(dir, 'nginx.json'), join(dir, d, 'nginx.json'));
  }
}

const examples: Example[] = [];
let template: string;
let bin: string;

beforeAll(async () => {
  const program = await buildProgram({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {}, isTTY: false, cwd: ROOT }, () => {});
  for (const path of [[], ...commandPaths(program)]) {
    const r = await cli([...path, '--help']);
    expect(r.code, `${path.join(' ')} --help`).toBe(0);
    examples.push(...helpExamples(r.stdout, `seccompctl ${path.join(' ')} --help`.replace('  ', ' ')));
  }
  examples.push(...readmeExamples(readFileSync(join(ROOT, 'README.md'), 'utf8')));
  template = mkdtempSync(join(tmpdir(), 'seccompctl-examples-'));
  await makeWorkspace(template);
  // seccompctl and kubectl-seccomp on PATH: this checkout's CLI through tsx.
  bin = mkdtempSync(join(tmpdir(), 'seccompctl-bin-'));
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  writeFileSync(join(bin, 'seccompctl'), `#!/bin/sh\nexec ${tsx} ${join(ROOT, 'src/cli/bin.ts')} "$@"\n`);
  chmodSync(join(bin, 'seccompctl'), 0o755);
  symlinkSync(join(ROOT, 'src/cli/bin.ts'), join(bin, 'kubectl-seccomp.ts'));
  writeFileSync(join(bin, 'kubectl-seccomp'), `#!/bin/sh\nexec ${tsx} ${join(bin, 'kubectl-seccomp.ts')} "$@"\n`);
  chmodSync(join(bin, 'kubectl-seccomp'), 0o755);
}, 300_000);

afterAll(() => {
  if (template) rmSync(template, { recursive: true, force: true });
  if (bin) rmSync(bin, { recursive: true, force: true });
});

describe('examples in --help and the README', () => {
  it('finds examples in every command\'s --help', async () => {
    const program = await buildProgram({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {}, isTTY: false, cwd: ROOT }, () => {});
    // Leaf commands (and commands with an action) teach by example; groups such as `k8s` only list subcommands.
    const leaves = commandPaths(program).filter((p) => {
      let c: Command = program;
      for (const n of p) c = c.commands.find((x) => x.name() === n)!;
      return c.commands.length === 0;
    });
    const without = leaves.map((p) => `seccompctl ${p.join(' ')} --help`).filter((w) => !examples.some((e) => e.where === w));
    expect(without).toEqual([]);
  });

  it('generate --help says each thing once', async () => {
    const r = await cli(['generate', '--help']);
    const sentences = r.stdout.replace(/\s+/g, ' ').split(/(?<=[.:;])\s/).map((s) => s.trim()).filter((s) => s.length > 30);
    const repeated = sentences.filter((s, i) => sentences.indexOf(s) !== i);
    expect(repeated).toEqual([]);
    expect(r.stdout).not.toMatch(/measured on runc \S+: measured by/);
  });

  it('runs every runnable example with the exit code it documents', { timeout: 900_000 }, async () => {
    const run = examples.filter((e) => !NOT_RUN.some(([re]) => re.test(e.command)));
    expect(run.length).toBeGreaterThan(25);
    const failures: string[] = [];
    for (const e of run) {
      const dir = mkdtempSync(join(tmpdir(), 'seccompctl-example-'));
      try {
        cpSync(template, dir, { recursive: true, verbatimSymlinks: true });
        const r = await runBash(e.command, dir, { ...process.env, PATH: `${bin}:${process.env.PATH}`, NO_COLOR: '1' });
        if (r.status !== e.expect) {
          failures.push(`${e.where}: \`${e.command}\` exited ${r.status}, documented ${e.expect}: ${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ')}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    expect(failures).toEqual([]);
  });

  it('lists what it does not run, and every NOT_RUN entry still matches an example', () => {
    const unused = NOT_RUN.filter(([re]) => !examples.some((e) => re.test(e.command))).map(([re]) => String(re));
    expect(unused).toEqual([]);
  });

  it('the resolver example with an audit arch code gives openat (x86_64 is c000003e, eight hex digits)', async () => {
    const e = examples.find((x) => /resolve --arch c[0-9a-f]+ /.test(x.command));
    expect(e?.command).toMatch(/--arch c000003e 0x101/);
    expect((await cli(['resolve', '--arch', 'c000003e', '0x101'])).stdout).toBe('257 openat\n');
  });
});
