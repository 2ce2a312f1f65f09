#!/usr/bin/env node
// Derives the bundled Docker and CRI-O RuntimeDefault data (`seccompctl diff A runtime-default:…`) from the runtimes'
// own profile data (containerd's: derive-containerd.mjs, from its Go source).
// Usage: node data/runtime-default/derive.mjs MOBY_DEFAULT_JSON [CONTAINERS_SECCOMP_JSON]
//   MOBY_DEFAULT_JSON: `git show seccomp/v0.2.3:seccomp/default.json` in a github.com/moby/profiles checkout
//   CONTAINERS_SECCOMP_JSON: Debian's /usr/share/containers/seccomp.json (golang-github-containers-common 0.50.1)
// Each output file wraps the Docker-format profile with what it describes; seccompctl expands it per arch and
// capability set the way the runtime does (src/generate/runtime-default.ts).
import { readFileSync, writeFileSync } from 'node:fs';

const [moby, cc = '/usr/share/containers/seccomp.json'] = process.argv.slice(2);
if (!moby) {
  process.stderr.write('usage: derive.mjs MOBY_DEFAULT_JSON [CONTAINERS_SECCOMP_JSON]\n');
  process.exit(2);
}
const out = (name, data) => writeFileSync(new URL(`./${name}.json`, import.meta.url), JSON.stringify(data, null, 1) + '\n');
const docker = JSON.parse(readFileSync(moby, 'utf8'));

// Docker: the daemon expands this file per container (archMap for the host arch, includes/excludes by caps/kernel).
out('docker', {
  runtime: 'docker',
  describes: 'Docker Engine RuntimeDefault from github.com/moby/profiles/seccomp v0.2.3 (seccomp/default.json)',
  version: 'moby/profiles seccomp/v0.2.3',
  defaultCaps: 'docker',
  postEdits: [],
  profile: docker,
});

// containerd: RuntimeDefault is Go code, not JSON; containerd.json is made from that code by derive-containerd.mjs.

// CRI-O: containers/common's seccomp.json, then CRI-O's DefaultProfile() edits (research/runtimes.md §4): clone,
// clone3 and unshare only with CAP_SYS_ADMIN; Docker's clone namespace-flag rule; clone3 → ENOSYS.
out('cri-o', {
  runtime: 'cri-o',
  describes: "CRI-O RuntimeDefault: containers/common seccomp.json (Debian golang-github-containers-common 0.50.1+ds1) plus CRI-O's DefaultProfile() edits",
  version: 'containers/common v0.50.1',
  defaultCaps: 'cri-o',
  postEdits: ['cri-o-clone'],
  profile: JSON.parse(readFileSync(cc, 'utf8')),
});
