// Audit serials that reach the log out of order are not loss. The kernel takes a record's serial before it queues the
// record, so records of two threads on two CPUs can be printed in swapped order. The fixture is real /dev/kmsg output
// of a redis-server recording in runc, captured here under a CPU hog (test/verify/servers.test.ts's audit backend
// reported it as "audit serial jumped from 1419233 to 1419235: 1 audit record(s) missing"): it holds
// 1419233, 1419235, 1419234 and 1419242, 1419244, 1419243, from redis-server's main thread and its bio_* threads.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ingester, ingestText, type IngestOptions, type IngestResult } from '../../src/ingest/index.js';
import { REORDER_WINDOW } from '../../src/ingest/index.js';
import { fullResult } from './full-result.js';

const TMP = mkdtempSync(join(tmpdir(), 'seccompctl-reorder-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const KMSG = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'ingest', 'kernel', 'audit-kmsg-redis-reordered.log'), 'utf8');
/** The same records as dmesg prints them (the module's byte path reads these; /dev/kmsg lines take the JS path). */
const DMESG = KMSG.replace(/^\d+,\d+,(\d+),-;/gm, (_, us: string) => `[${(Number(us) / 1e6).toFixed(6).padStart(12)}] `);
const O: IngestOptions = { nativeArch: 'x86_64', format: 'audit', twoThreads: false };

/** The text read through pushFileSync (WebAssembly record loop), checked equal to the general path's result. */
function both(text: string, name: string): IngestResult {
  const file = join(TMP, name);
  writeFileSync(file, text);
  const ing = new Ingester(O);
  ing.pushFileSync(file);
  const r = ing.result();
  expect(fullResult(r)).toEqual(fullResult(ingestText(text, { ...O, file })));
  return r;
}

const gaps = (r: IngestResult) => r.loss.filter((l) => l.kind === 'serial-gap').map((l) => [l.count, l.line, l.certain]);

describe('audit serials out of order', () => {
  it('the real swapped records are no loss, in /dev/kmsg and dmesg form, on every path', () => {
    expect(KMSG.split('\n').filter(Boolean)).toHaveLength(628);
    expect(ingestText(KMSG, { ...O, file: 'kmsg' }).loss).toEqual([]);
    const r = both(DMESG, 'dmesg.log');
    expect(r.loss).toEqual([]);
    expect(r.counters.matched).toBe(628);
  });

  it('a swapped record that never comes is a certain loss of one record, at the line of the jump', () => {
    const lines = DMESG.split('\n');
    const late = lines.findIndex((l) => l.includes(':1419234)'));
    const jump = lines.findIndex((l) => l.includes(':1419235)'));
    expect(late).toBe(jump + 1);
    const r = both(lines.filter((_, i) => i !== late).join('\n'), 'missing.log');
    expect(gaps(r)).toEqual([[1, jump + 1, true]]);
  });

  it('missing records that arrive within the window fill the gap (a partial fill counts the rest); later ones do not', () => {
    const rec = (sn: number) => `[   51.200000] audit: type=1326 audit(1796008006.368:${sn}): auid=0 uid=0 gid=0 ses=1 pid=7 comm="a" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000`;
    const run = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => rec(from + i));
    // 1000..1099, then 1105.. (1100-1104 missing); 1101 and 1103 arrive 300 serials later: 3 missing, said so
    const partial = [...run(1000, 1100), ...run(1105, 1405), rec(1101), rec(1103), ...run(1405, 1700)];
    const p = both(partial.join('\n') + '\n', 'partial.log');
    expect(gaps(p)).toEqual([[3, 101, true]]);
    expect(p.loss[0]!.message).toContain('(2 more arrived later, out of order)');
    // all five arrive just inside the window: no loss
    const filled = [...run(1000, 1100), ...run(1105, 1105 + REORDER_WINDOW - 1), ...run(1100, 1105), ...run(1105 + REORDER_WINDOW - 1, 1700)];
    expect(gaps(both(filled.join('\n') + '\n', 'filled.log'))).toEqual([]);
    // one serial after the window: the gap was loss already (and stays one signal)
    const tooLate = [...run(1000, 1100), ...run(1105, 1105 + REORDER_WINDOW + 1), ...run(1100, 1105), ...run(1105 + REORDER_WINDOW + 1, 1700)];
    expect(gaps(both(tooLate.join('\n') + '\n', 'late.log'))).toEqual([[5, 101, true]]);
    // a gap still open at the end of the file is loss
    expect(gaps(both([...run(1000, 1100), ...run(1102, 1110)].join('\n') + '\n', 'end.log'))).toEqual([[2, 101, true]]); // 1100 and 1101
  });

  it('other record types fill a gap too (auditd: SYSCALL and PROCTITLE records share the event serials)', () => {
    const sec = (sn: number) => `type=SECCOMP msg=audit(1796008006.368:${sn}): auid=0 uid=0 gid=0 ses=1 pid=7 comm="a" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000`;
    const pt = (sn: number) => `type=PROCTITLE msg=audit(1796008006.368:${sn}): proctitle=2F62696E2F7368`;
    const sys = (sn: number) => `type=SYSCALL msg=audit(1796008006.368:${sn}): arch=c000003e syscall=59 success=yes exit=0 pid=7 comm="sh" exe="/bin/sh" key=(null)`;
    const lines = [sec(10), sec(11), sec(14), pt(12), sys(13), sec(15), sec(16)];
    for (let i = 17; i < 700; i++) lines.push(sec(i));
    expect(gaps(both(lines.join('\n') + '\n', 'others.log'))).toEqual([]);
    const missing = lines.filter((l) => !l.startsWith('type=SYSCALL'));
    expect(gaps(both(missing.join('\n') + '\n', 'others-missing.log'))).toEqual([[1, 3, true]]);
  });
});
