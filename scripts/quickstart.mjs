#!/usr/bin/env node
// `npm start`: the quick-start demo on bundled examples (see README). A list of steps; each stage appends its own.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = new URL('../dist/cli/bin.js', import.meta.url).pathname;
const example = (p) => new URL(`../examples/${p}`, import.meta.url).pathname;
const out = join(tmpdir(), 'seccompctl-quickstart');
mkdirSync(out, { recursive: true });
const profile = join(out, 'nginx.json');

/** Each step: what it shows, the seccompctl arguments, and the exit code it is expected to end with. */
const steps = [
  { title: 'syscall numbers differ per architecture', args: ['resolve', '--all-arches', 'openat'], expect: 0 },
  {
    title: 'a profile from a real audit log (nginx in runc, no-new-privileges on)',
    args: ['generate', example('audit/nginx-in-runc.dmesg.log'), '--no-new-privileges', '-o', profile],
    expect: 0,
  },
  {
    title: 'the same run with the kernel rate limit on: seccompctl refuses a lossy log (exit 1)',
    args: ['generate', example('audit/nginx-in-runc-ratelimited.dmesg.log'), '-o', join(out, 'lossy.json')],
    expect: 1,
  },
  { title: 'how much tighter than containerd\'s RuntimeDefault (exit 1: they differ)', args: ['diff', profile, 'runtime-default:containerd'], expect: 1 },
];

let failed = 0;
for (const s of steps) {
  process.stdout.write(`\n$ seccompctl ${s.args.join(' ')}    # ${s.title}\n`);
  const r = spawnSync(process.execPath, [bin, ...s.args], { stdio: 'inherit' });
  if ((r.status ?? 2) !== s.expect) {
    process.stdout.write(`(unexpected exit ${r.status ?? r.signal}, expected ${s.expect})\n`);
    failed++;
  }
}
process.stdout.write(`\nThe generated profile is ${profile}\n`);
process.exitCode = failed > 0 ? 1 : 0;

// record + verify (runtime stage): where runc can run (root and runc installed), record a small workload with the
// best backend available and prove the resulting profile under runc; elsewhere say what was skipped and why.
{
  const workload = ['sh', '-c', 'echo "hello from a recorded workload"; ls / >/dev/null; cat /etc/hostname >/dev/null'];
  const recorded = join(out, 'workload.json');
  const root = process.getuid?.() === 0;
  const runc = spawnSync('runc', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!root || !runc) {
    const why = [!root ? 'not running as root (runc needs it)' : '', !runc ? 'runc is not installed' : ''].filter(Boolean).join(' and ');
    process.stdout.write(`\n# skipped: record a workload and verify its profile under runc — ${why}.\n` +
      '#   to run it: sudo apt-get install runc strace bpftrace, then sudo npm start\n' +
      `#   (without root, "seccompctl record --backend strace -- CMD" still records)\n`);
  } else {
    const recSteps = [
      { title: 'record a small workload live (eBPF when possible, else strace) and write its profile', args: ['record', '-o', recorded, '--', ...workload], expect: 0 },
      { title: 'verify: run it in a runc container under that profile; exit 0 = nothing denied', args: ['verify', recorded, '--', ...workload], expect: 0 },
    ];
    let bad = 0;
    for (const s of recSteps) {
      process.stdout.write(`\n$ seccompctl ${s.args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}    # ${s.title}\n`);
      const r = spawnSync(process.execPath, [bin, ...s.args], { stdio: 'inherit' });
      if ((r.status ?? 2) !== s.expect) {
        process.stdout.write(`(unexpected exit ${r.status ?? r.signal}, expected ${s.expect})\n`);
        bad++;
      }
    }
    process.stdout.write(bad === 0
      ? `\nrecorded and verified under runc: ${recorded} lets the workload run with nothing denied\n`
      : '\nrecord/verify under runc did not pass (see above)\n');
    if (bad > 0) process.exitCode = 1;
  }
}
