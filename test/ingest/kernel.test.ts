// System test: real seccomp audit records from this kernel (filters loaded with python3-seccomp), read back from
// the kernel log in dmesg and /dev/kmsg form, give the syscalls, pids, comm/exe and actions that were triggered.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certainLoss, ingestText, syscallNames } from '../../src/ingest/index.js';
import { DEBIAN_PYTHON, haveRoot, haveSystem } from '../helpers/system.js';

const RATELIMIT = '/proc/sys/kernel/printk_ratelimit';
const live = haveRoot() && haveSystem('dmesg', DEBIAN_PYTHON);

/** Runs python with a filter: LOG on getppid+uname, ERRNO(EPERM)+CTL_LOG on getpgrp, then KILL_PROCESS on getsid. */
const SCRIPT = `
import os, seccomp, sys
mode = sys.argv[1]
f = seccomp.SyscallFilter(seccomp.ALLOW)
if mode == 'log':
    f.add_rule(seccomp.LOG, 'getppid'); f.add_rule(seccomp.LOG, 'uname')
elif mode == 'errno':
    f.set_attr(seccomp.Attr.CTL_LOG, 1); f.add_rule(seccomp.ERRNO(1), 'getpgrp')
else:
    f.add_rule(seccomp.KILL_PROCESS, 'getsid')
print(os.getpid(), flush=True)
f.load()
if mode == 'log':
    os.getppid(); os.uname()
elif mode == 'errno':
    try: os.getpgrp()
    except OSError: pass
else:
    os.getsid(0)
`;

describe.skipIf(!live)('real kernel audit records', () => {
  let saved: string | undefined;
  const pids: Record<string, number> = {};
  let dmesg = '';
  let kmsg = '';

  beforeAll(() => {
    saved = readFileSync(RATELIMIT, 'utf8').trim();
    writeFileSync(RATELIMIT, '0'); // no printk rate limit while we record (house rule: restore afterwards)
    for (const mode of ['log', 'errno', 'kill']) {
      const r = spawnSync(DEBIAN_PYTHON, ['-c', SCRIPT, mode], { encoding: 'utf8' });
      pids[mode] = Number(r.stdout.trim().split('\n')[0]);
      if (mode === 'kill') expect(r.signal).toBe('SIGSYS');
    }
    dmesg = execFileSync('dmesg', { encoding: 'utf8', maxBuffer: 64 << 20 });
    // /dev/kmsg form of the same records: `dmesg -r` prints the raw <PRI> form; read /dev/kmsg itself non-blocking.
    const k = spawnSync(DEBIAN_PYTHON, ['-c', `
import os, sys
fd = os.open('/dev/kmsg', os.O_RDONLY | os.O_NONBLOCK)
out = []
while True:
    try: out.append(os.read(fd, 8192).decode('utf8', 'replace').split('\\n')[0])
    except BlockingIOError: break
    except BrokenPipeError: continue
sys.stdout.write('\\n'.join(out))
`], { encoding: 'utf8', maxBuffer: 64 << 20 });
    kmsg = k.stdout;
  });
  afterAll(() => {
    if (saved !== undefined) writeFileSync(RATELIMIT, saved);
  });

  const mine = (text: string) => text.split('\n').filter((l) => Object.values(pids).some((p) => l.includes(` pid=${p} `))).join('\n');

  it('dmesg: LOG, ERRNO (with CTL_LOG) and KILL_PROCESS records are told apart', () => {
    const r = ingestText(mine(dmesg), { nativeArch: 'x86_64' });
    expect(r.formats).toEqual(['dmesg']);
    const byPid = (pid: number) => r.processes.find((p) => p.pid === pid);
    expect([...byPid(pids.log!)!.syscalls.get('x86_64')!.keys()].sort()).toEqual(['getppid', 'uname']);
    expect(byPid(pids.log!)).toMatchObject({ comm: 'python3', exe: expect.stringMatching(/^\/usr\/bin\/python3/) });
    const stats = r.syscalls.get('x86_64')!;
    expect(stats.get('getppid')!.actions).toEqual({ log: 1 });
    expect(stats.get('getpgrp')!.actions).toEqual({ errno: 1 });
    expect(stats.get('getsid')!.actions).toEqual({ kill_process: 1 });
  });

  it('/dev/kmsg: the same records, with sequence numbers', () => {
    const lines = kmsg.split('\n');
    expect(lines[0]).toMatch(/^\d+,\d+,\d+,[^;]*;/);
    const r = ingestText(mine(kmsg), { nativeArch: 'x86_64' });
    expect(r.formats).toEqual(['kmsg']);
    expect(syscallNames(r, 'x86_64')).toEqual(['getpgrp', 'getppid', 'getsid', 'uname']);
    // Reading the whole buffer in order: no sequence gap unless the ring wrapped between two reads.
    const all = ingestText(kmsg, { nativeArch: 'x86_64' });
    expect(all.counters.lines).toBe(lines.length);
    expect(certainLoss(all).filter((l) => l.kind === 'kmsg-seq-gap').length).toBeLessThanOrEqual(1);
  });
});
