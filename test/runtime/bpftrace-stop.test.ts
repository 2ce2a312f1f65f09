// Stopping bpftrace without losing what it prints last. bpftrace 0.17 handles SIGINT and SIGTERM alike while it
// runs, needs the signal repeated when one lands outside its epoll_wait, and puts SIGINT back to the default action
// once it has detached and starts printing its maps: a repeated SIGINT then killed it in the middle of the dump (a
// verify that saw no exec and no denial). A stand-in process with exactly those dispositions shows the protocol keeps
// the dump whole; the real bpftrace is exercised by the record/verify and agent system tests.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startBpftraceProbe, stopBpftrace } from '../../src/runtime/index.js';
import { DEBIAN_PYTHON, haveSystem } from '../helpers/system.js';

/**
 * Like bpftrace: the first signal starts the exit, which takes 700 ms (detaching, more than the 500 ms between
 * repeats); then SIGINT is reset to the default and the maps are printed over 1.2 s. SIGTERM keeps its handler.
 */
const STAND_IN = `
import signal, sys, time
got = []
signal.signal(signal.SIGINT, lambda *a: got.append(1))
signal.signal(signal.SIGTERM, lambda *a: got.append(1))
print("READY", flush=True)
while not got: time.sleep(0.01)
time.sleep(0.7)
signal.signal(signal.SIGINT, signal.SIG_DFL)
for i in range(6):
    print(f"@s[1, {i}, 0]: 1", flush=True)
    time.sleep(0.2)
`;

describe.skipIf(!haveSystem(DEBIAN_PYTHON))('stopping bpftrace', () => {
  it('repeats the exit signal as SIGTERM, so a slow exit prints its whole dump and exits 0', async () => {
    const child = spawn(DEBIAN_PYTHON, ['-c', STAND_IN], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let exited = false;
    const closed = new Promise<[number | null, string | null]>((res) => child.on('close', (code, sig) => { exited = true; res([code, sig]); }));
    await new Promise<void>((res) => child.stdout.on('data', (c: Buffer) => { out += c.toString(); if (out.includes('READY')) res(); }));
    const t0 = Date.now();
    await stopBpftrace(child, () => exited, closed);
    const [code, sig] = await closed;
    expect(Date.now() - t0).toBeGreaterThan(1500); // the signal was repeated during the dump
    expect([code, sig]).toEqual([0, null]);
    expect(out.match(/^@s\[/gm)).toHaveLength(6);
  }, 20_000);

  it('a bpftrace that ends by a signal before its dump is done is an error, not an empty result', async () => {
    // A stand-in bpftrace on PATH that dies of the exit signal (default action) halfway through its maps.
    const dir = mkdtempSync(join(tmpdir(), 'seccompctl-fake-bpftrace-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'bpftrace'), `#!${DEBIAN_PYTHON}
import os, signal, time
got = []
signal.signal(signal.SIGINT, lambda *a: got.append(1))
print("SECCOMPCTL_READY", flush=True)
while not got: time.sleep(0.01)
print("@execs[7, python3, 0]: 1", flush=True)
os.kill(os.getpid(), signal.SIGTERM)
time.sleep(5)
`);
    chmodSync(join(dir, 'bpftrace'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${dir}:${path ?? ''}`;
    let probe;
    try {
      probe = startBpftraceProbe(1, { kind: 'pid', pid: 7 });
    } finally {
      process.env.PATH = path;
    }
    await probe.ready;
    await expect(probe.stop()).rejects.toThrow(/bpftrace was killed by SIGTERM before printing all it saw; its counts are lost/);
  }, 20_000);
});
