// A concurrent reader (separate process) for the node sync test: reads target files in a loop, like a kubelet /
// runtime opening a Localhost profile, and counts anything that is not a complete, valid profile.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';

const [dir, stopFile, ...names] = process.argv.slice(2);
let reads = 0;
let missing = 0;
const bad = [];
const versions = new Set();
while (!existsSync(stopFile)) {
  for (const n of names) {
    let text;
    try {
      text = readFileSync(join(dir, n), 'utf8');
    } catch (e) {
      if (e.code === 'ENOENT') { missing++; continue; }
      throw e;
    }
    reads++;
    try {
      const p = JSON.parse(text);
      const last = p.syscalls[p.syscalls.length - 1];
      if (p.defaultAction !== 'SCMP_ACT_ERRNO' || last.names[0] !== 'exit_group' || p.syscalls.length !== p.syscalls[0].errnoRet % 50 + 3) {
        bad.push(`structure: ${text.length} bytes`);
      }
      versions.add(`${n}:${p.syscalls[0].errnoRet}`);
    } catch (e) {
      bad.push(`${e.message} (${text.length} bytes)`);
    }
  }
}
process.stdout.write(JSON.stringify({ reads, missing, bad: bad.slice(0, 5), badCount: bad.length, versions: versions.size }) + '\n');
