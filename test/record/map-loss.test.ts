// The record programs' maps other than the seen-set (probe.ts, probe-args.ts, native/record-bpf): each map that
// fills up is reported, never a silent gap. A tiny map (SECCOMPCTL_RECORD_MAP_KEYS) filled by a real workload:
// - bpftrace's live-task map (container marker): threads of the workload untracked, their calls missing: certain loss;
// - the process-name map (both programs): a recorded process unnamed, no call missing: a warning, the profile written;
// - bpftrace's argument map (record --args): argument rules would be built from part of the values: the curated
//   syscalls stay name-only, with a warning.
// The same workloads with the default map size report nothing.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { recordProfile, recordWorkload } from '../../src/record/index.js';
import { resetLibbpfLoader } from '../../src/runtime/index.js';
import { DEBIAN_PYTHON, haveRoot, haveSystem } from '../helpers/system.js';

const live = haveSystem('runc', 'bpftrace', 'clang', 'bpftool', DEBIAN_PYTHON) && haveRoot();
const dir = mkdtempSync(join(tmpdir(), 'seccompctl-map-loss-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.SECCOMPCTL_RECORD_MAP_KEYS;
  delete process.env.SECCOMPCTL_RECORD_BPF;
  resetLibbpfLoader();
});

// 300 threads alive at once (one key each in the live-task and name maps), then a child process (/bin/true) while
// they are: with 256 keys the child's name (and, with a live-task map, the child itself) is refused. One python
// process and /bin/true make about 45 distinct (process, syscall) keys: the seen-set does not fill.
const THREADS = [DEBIAN_PYTHON, '-c', [
  'import threading, subprocess',
  'ev = threading.Event()',
  'ts = [threading.Thread(target=ev.wait) for _ in range(300)]',
  'for t in ts: t.start()',
  'subprocess.run(["/bin/true"], check=True)',
  'ev.set()',
  'for t in ts: t.join()',
].join('\n')];

// ioctl with 100 distinct requests on /dev/null (each ENOTTY): 100 argument tuples of one curated syscall.
const IOCTLS = [DEBIAN_PYTHON, '-c', [
  'import fcntl',
  'f = open("/dev/null")',
  'for r in range(0x5401, 0x5401 + 100):',
  '    try: fcntl.ioctl(f, r)',
  '    except OSError: pass',
].join('\n')];

describe.skipIf(!live)('full record maps other than the seen-set', () => {
  it('bpftrace: a full live-task map (container marker) is a certain loss: the threads it refused were not recorded', async () => {
    process.env.SECCOMPCTL_RECORD_MAP_KEYS = '256';
    const r = await recordWorkload({ argv: THREADS, backend: 'ebpf', container: true, ebpfLoader: 'bpftrace' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.ebpfEngine).toBe('bpftrace');
    const full = r.ingest.loss.filter((l) => l.certain);
    expect(full).toHaveLength(1);
    expect(full[0]).toMatchObject({ kind: 'probe-map-full', certain: true });
    expect(full[0]!.message).toMatch(/^map full: the bpftrace record program's live-task map \(256 keys\) refused \d+ thread\(s\) of the workload, so their calls were not recorded; run fewer threads at once, or raise SECCOMPCTL_RECORD_MAP_KEYS \(e\.g\. 1024\)$/);
    // /bin/true was forked while the map was full: not one of its calls is in the recording.
    expect(r.ingest.processes.map((p) => p.comm)).toEqual(['python3']);

    const p = await recordProfile({ argv: THREADS, backend: 'ebpf', container: true, ebpfLoader: 'bpftrace' });
    expect(p.outcome).toBe('refused');
    const err = p.diagnostics.find((d) => d.severity === 'error')!;
    expect(err.code).toBe('RECORDS_LOST');
    expect(err.message).toMatch(/^the recording is incomplete: map full: the bpftrace record program's live-task map/);
  }, 60_000);

  it.each(['libbpf', 'bpftrace'] as const)('%s: a full process-name map is a warning naming the fix; no call is lost, the profile is written', async (loader) => {
    process.env.SECCOMPCTL_RECORD_MAP_KEYS = '256';
    const p = await recordProfile({ argv: THREADS, backend: 'ebpf', ebpfLoader: loader });
    expect(p.recording!.ebpfEngine).toBe(loader);
    expect(p.outcome).toBe('ok');
    const r = p.recording!;
    expect(r.ingest.loss).toHaveLength(1);
    expect(r.ingest.loss[0]).toMatchObject({ kind: 'probe-map-full', certain: false });
    // The child is recorded (its calls are there), only its name is missing.
    expect(r.ingest.processes).toHaveLength(2);
    expect(r.ingest.processes.filter((x) => x.comm === undefined)).toHaveLength(1);
    const w = p.diagnostics.filter((d) => d.code === 'RECORDS_LOST');
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ severity: 'warning', fix: 'record again with a larger map (SECCOMPCTL_RECORD_MAP_KEYS)' });
    expect(w[0]!.message).toMatch(new RegExp(`^the recording is incomplete: process names lost: the ${loader} record program's process-name map \\(256 keys\\) refused \\d+ name\\(s\\), and 1 recorded process\\(es\\) are unnamed \\(no call was lost\\); raise SECCOMPCTL_RECORD_MAP_KEYS \\(e\\.g\\. 1024\\)$`));

    // The default map size: the same workload loses nothing, says nothing.
    delete process.env.SECCOMPCTL_RECORD_MAP_KEYS;
    const ok = await recordProfile({ argv: THREADS, backend: 'ebpf', ebpfLoader: loader });
    expect(ok.outcome).toBe('ok');
    expect(ok.recording!.ingest.loss).toEqual([]);
    expect(ok.diagnostics.filter((d) => d.code === 'RECORDS_LOST')).toEqual([]);
    expect(new Set(ok.recording!.ingest.processes.map((x) => x.comm))).toEqual(new Set(['python3', 'true']));
  }, 60_000);

  it('bpftrace --args: a full argument map keeps the curated syscalls name-only (not rules from part of the values), with a warning', async () => {
    // 50 keys: the seen-set (about 35 keys) fits; the argument map fills with ioctl requests, about 40 of the 100 kept.
    process.env.SECCOMPCTL_RECORD_MAP_KEYS = '50';
    const p = await recordProfile({ argv: IOCTLS, backend: 'ebpf', args: true });
    expect(p.recording!.ebpfEngine).toBe('bpftrace');
    expect(p.outcome).toBe('ok');
    expect(p.recording!.ingest.loss.filter((l) => l.certain)).toEqual([]);
    const restricted = p.args!.args.restricted.map((x) => x.syscall);
    expect(restricted).not.toContain('ioctl');
    expect(p.args!.args.nameOnly.map((x) => x.syscall)).toContain('ioctl');
    const w = p.diagnostics.filter((d) => d.code === 'RECORDS_LOST');
    expect(w).toHaveLength(1);
    expect(w[0]!.severity).toBe('warning');
    expect(w[0]!.message).toMatch(/^the recording is incomplete: argument values lost: the bpftrace record program's argument map \(50 keys\) refused \d+ distinct argument tuple\(s\); no call was lost, but the curated syscalls are allowed by name only; raise SECCOMPCTL_RECORD_MAP_KEYS \(e\.g\. 200\)$/);
    expect(p.diagnostics.find((d) => d.code === 'ARG_VALUES_UNREADABLE' && d.message.startsWith('ioctl:'))?.message).toMatch(/the probe's argument map filled up \(50 keys, \d+ tuple\(s\) refused\)/);

    // The default map size: all 100 requests kept (more than 64 distinct values: name-only for that reason), no loss.
    delete process.env.SECCOMPCTL_RECORD_MAP_KEYS;
    const ok = await recordProfile({ argv: IOCTLS, backend: 'ebpf', args: true });
    expect(ok.outcome).toBe('ok');
    expect(ok.recording!.ingest.loss).toEqual([]);
    expect(ok.diagnostics.filter((d) => d.code === 'RECORDS_LOST')).toEqual([]);
    expect(ok.args!.args.nameOnly.find((x) => x.syscall === 'ioctl')?.reason).toMatch(/^more than 64 distinct argument values/);
  }, 60_000);

  it('libbpf: task storage the kernel could not allocate is a certain loss (the loader\'s report, as the real one prints it)', async () => {
    // The kernel cannot be made to refuse task storage on demand: a stand-in loader prints what the real one prints
    // at stop when the BPF program counted failed allocations (native/record-bpf/loader.c).
    const fake = join(dir, 'storage-failing-loader');
    writeFileSync(fake, [
      '#!/bin/sh',
      'while [ $# -gt 0 ]; do [ "$1" = --pid ] && pid=$2; shift; done',
      'trap \'echo "@seen[$pid, 59, 0]: 1"; echo "@seen[$pid, 231, 0]: 1"; echo "@comm[$pid]: true"; echo "@started[$pid]: 1"; ' +
        'echo "@storage_fail: 2"; echo "seccompctl-record-bpf: task storage could not be allocated 2 time(s)" >&2; exit 0\' INT TERM',
      'echo SECCOMPCTL_READY',
      'while :; do sleep 0.05; done',
    ].join('\n') + '\n');
    chmodSync(fake, 0o755);
    process.env.SECCOMPCTL_RECORD_BPF = fake;
    const p = await recordProfile({ argv: ['/bin/true'], backend: 'ebpf' });
    expect(p.recording!.ebpfEngine).toBe('libbpf');
    const l = p.recording!.ingest.loss;
    expect(l).toHaveLength(1);
    expect(l[0]).toMatchObject({ kind: 'probe-map-full', certain: true });
    expect(l[0]!.message).toBe("the kernel could not allocate the libbpf record program's per-thread storage 2 time(s) (out of memory), so calls of those threads were not recorded; record again with more free memory");
    expect(p.outcome).toBe('refused');
    expect(p.diagnostics.find((d) => d.code === 'RECORDS_LOST')).toMatchObject({ severity: 'error', fix: 'record again as the message says, or allow the loss (--allow-loss) on purpose' });
  }, 60_000);
});
