#!/usr/bin/env node
// `npm start`: the quick-start demo on bundled examples (see README). Each stage appends its demo here.
import { spawnSync } from 'node:child_process';

const bin = new URL('../dist/cli/bin.js', import.meta.url).pathname;
const step = (title, args) => {
  process.stdout.write(`\n$ seccompctl ${args.join(' ')}    # ${title}\n`);
  const r = spawnSync(process.execPath, [bin, ...args], { stdio: 'inherit' });
  return r.status ?? 2;
};
let worst = 0;
worst = Math.max(worst, step('syscall numbers differ per architecture', ['resolve', '--all-arches', 'openat']));
process.exitCode = worst;
