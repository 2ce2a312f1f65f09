// The two-thread parse of large files (pushFileSync with `twoThreads`: the part after a line-aligned split is parsed
// in a worker thread and merged) gives exactly the one-thread result: on the fixtures concatenated, split at many
// offsets; on logs with serial gaps, `audit_lost` reports, no-execve, malformed lines, the loss and process caps
// right at the split; and on random logs. Forced on with a tiny threshold; `twoThreadSplit` tells whether the worker
// was used (not every split can be merged: those fall back to one thread, which must give the same result too).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Ingester, MAX_LOSS_SIGNALS, MAX_PROCESSES, type IngestOptions, type IngestResult } from '../../src/ingest/index.js';
import { fullResult } from './full-result.js';

const FX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const TMP = mkdtempSync(join(tmpdir(), 'seccompctl-twothreads-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const full = fullResult;

let n = 0;
/**
 * Parses `bytes` as a file on one thread and, for each split offset, on two; expects the same result each time.
 * Returns the one-thread result and, per offset, where the file was split (undefined: the worker was not used).
 */
function compare(bytes: Buffer, splits: readonly number[], opts: IngestOptions = {}): { one: IngestResult; used: (number | undefined)[] } {
  const file = join(TMP, `in-${n++}.log`);
  writeFileSync(file, bytes);
  const o = { nativeArch: 'x86_64' as const, ...opts };
  const ing1 = new Ingester({ ...o, twoThreads: false });
  ing1.pushFileSync(file);
  const one = ing1.result();
  expect(ing1.twoThreadSplit).toBeUndefined();
  const want = full(one);
  const used: (number | undefined)[] = [];
  for (const splitAt of splits) {
    const ing2 = new Ingester({ ...o, twoThreads: { minBytes: 1, splitAt } });
    ing2.pushFileSync(file);
    expect(full(ing2.result()), `split at ${splitAt}`).toEqual(want);
    used.push(ing2.twoThreadSplit);
  }
  rmSync(file);
  return { one, used };
}

/** A log of lines and the byte offset where line `i` (0-based) starts. */
function log(lines: readonly string[]): { bytes: Buffer; at: (i: number) => number } {
  const starts: number[] = [];
  let off = 0;
  for (const l of lines) {
    starts.push(off);
    off += Buffer.byteLength(l) + 1;
  }
  return { bytes: Buffer.from(lines.join('\n') + '\n'), at: (i) => starts[i]! };
}

const dmesg = (serial: number, nr = 232, pid = 7468, comm = 'nginx') =>
  `[ 12.5] audit: type=1326 audit(1795818969.767:${serial}): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=${pid} comm="${comm}" exe="/usr/sbin/${comm}" sig=0 arch=c000003e syscall=${nr} compat=0 ip=0x7f code=0x7ffc0000`;
const auditd = (serial: number, nr = 0) =>
  `type=SECCOMP msg=audit(1795818969.767:${serial}): auid=0 uid=0 gid=0 ses=1 pid=10 comm="runc" exe="/usr/bin/runc" sig=0 arch=c000003e syscall=${nr} compat=0 ip=0x4 code=0x7ffc0000`;
const otherRecord = (serial: number) => `type=SYSCALL msg=audit(1795818969.767:${serial}): arch=c000003e syscall=59 success=yes exit=0 pid=10 comm="sh"`;
const auditLost = (lost: number) => `[ 13.0] audit: audit_lost=${lost} audit_rate_limit=0 audit_backlog_limit=64`;
const noise = (i: number) => `[ 12.${i % 10}] eth0: link up ${i}`;

describe('two threads = one thread', () => {
  it('every fixture concatenated to 3 MiB, split at 40 offsets (evenly spread and inside dense record regions)', () => {
    const parts = readdirSync(FX).filter((f) => statSync(join(FX, f)).isFile()).map((f) => readFileSync(join(FX, f), 'utf8'));
    let text = '';
    while (text.length < 3 << 20) text += parts.join('\n');
    const bytes = Buffer.from(text);
    const splits: number[] = [];
    for (let i = 1; i <= 20; i++) splits.push(Math.floor((bytes.length * i) / 21));
    // Inside records (mid-line and at line starts) where they are densest: every 997th "audit(" stamp.
    let k = 0;
    for (let p = text.indexOf('audit('); p >= 0 && splits.length < 40; p = text.indexOf('audit(', p + 1)) {
      if (k++ % 997 === 0 && p > 1 << 17) splits.push(p, text.lastIndexOf('\n', p) + 1);
    }
    const { one, used } = compare(bytes, splits);
    expect(one.counters.matched).toBeGreaterThan(8000);
    expect(one.loss.length).toBeGreaterThan(0); // serial jumps between the copies, suppressed callbacks
    // Most splits merge; those right after a serial that went back (the next copy of a fixture) fall back.
    expect(used.filter((u) => u !== undefined).length).toBeGreaterThanOrEqual(25);
    // With a filter, and with the format forced (the split may then fall before 400 lines).
    compare(bytes, splits.slice(0, 4), { filter: { comm: ['nginx'] } });
    const forced = compare(bytes.subarray(0, 300_000), [1, 100, 5000, 65_000], { format: 'audit' });
    expect(forced.used.every((u) => u !== undefined)).toBe(true);
  });

  it('a serial gap right at the split, or still pending there, is found as in one pass: one thread decides (its missing records could still arrive)', () => {
    const lines = Array.from({ length: 500 }, (_, i) => dmesg(1000 + i));
    lines.push(dmesg(1600), dmesg(1601)); // 100 records missing at line 501
    const { bytes, at } = log(lines);
    const { one, used } = compare(bytes, [at(500), at(499), at(501)]);
    // at(500): the part starts with the gap; at(501): the gap is pending in this part; at(499): the part holds it
    expect(used).toEqual([undefined, at(499), undefined]);
    expect(one.loss.filter((l) => l.kind !== 'mid-workload')).toEqual([expect.objectContaining({ kind: 'serial-gap', certain: true, count: 100, line: 501 })]);
    expect(one.counters.lostAtLeast).toBe(100);
    // auditd: other record types fill the sequence; the part's first SECCOMP record comes after them.
    const a = Array.from({ length: 450 }, (_, i) => auditd(1000 + i));
    const b = log([...a, otherRecord(1450), otherRecord(1451), auditd(1500), auditd(1501), otherRecord(1502), auditd(1503)]);
    const r = compare(b.bytes, [b.at(449), b.at(450), b.at(451), b.at(452), b.at(453)], { format: 'audit' });
    expect(r.used).toEqual([b.at(449), undefined, undefined, undefined, undefined]);
    expect(r.one.loss.filter((l) => l.kind !== 'mid-workload').map((l) => [l.kind, l.count, l.line])).toEqual([['serial-gap', 48, 453]]);
  });

  it('serials that go back a little at the split cannot be merged: one thread parses it all, same result', () => {
    const lines = [...Array.from({ length: 450 }, (_, i) => dmesg(2000 + i)), dmesg(2100), dmesg(2460), dmesg(2461)];
    const { bytes, at } = log(lines);
    const { one, used } = compare(bytes, [at(450), at(451)]);
    expect(used).toEqual([undefined, undefined]); // at(451): the part starts with a gap
    expect(one.loss.filter((l) => l.kind !== 'mid-workload').map((l) => [l.kind, l.count, l.line])).toEqual([['serial-gap', 10, 452]]);
    // A new boot (far back) or another rendering merges.
    const b = log([...Array.from({ length: 450 }, (_, i) => dmesg(50_000 + i)), dmesg(7), dmesg(9), auditd(12), auditd(20)]);
    const r = compare(b.bytes, [b.at(450), b.at(452), b.at(453)]);
    expect(r.used).toEqual([b.at(450), undefined, undefined]); // the gap 7 → 9 is pending at the later splits
    expect(r.one.loss.filter((l) => l.kind !== 'mid-workload').map((l) => [l.kind, l.count, l.line])).toEqual([['serial-gap', 1, 452], ['serial-gap', 7, 454]]);
  });

  it('audit_lost reports on both sides: the increase since the last report before the split', () => {
    const base = Array.from({ length: 450 }, (_, i) => dmesg(3000 + i));
    for (const [before, after, want] of [
      [undefined, 5, [['audit-lost', undefined]]],
      [5, 5, [['audit-lost', undefined]]], // no increase: one signal only
      [5, 9, [['audit-lost', undefined], ['audit-lost', 4]]],
    ] as const) {
      const lines = [...base.slice(0, 200), ...(before !== undefined ? [auditLost(before)] : []), ...base.slice(200), noise(1), auditLost(after), dmesg(3450)];
      const { bytes, at } = log(lines);
      const split = lines.indexOf(noise(1));
      const { one, used } = compare(bytes, [at(split), at(split + 1), at(split + 2)]);
      expect(used.every((u) => u !== undefined)).toBe(true);
      expect(one.loss.filter((l) => l.kind !== 'mid-workload').map((l) => [l.kind, l.count])).toEqual(want);
    }
  });

  it('no execve: the end-of-file check sees both parts; malformed lines and first diagnostics keep their line numbers', () => {
    const recs = Array.from({ length: 450 }, (_, i) => dmesg(4000 + i));
    for (const execAt of [-1, 3, 448]) {
      const lines = recs.map((l, i) => (i === execAt ? dmesg(4000 + i, 59) : l));
      lines.push('[ 1.0] audit: type=1326 audit(1795818969.767:4450): pid=1 comm="x"'); // no syscall=: malformed
      lines.push(dmesg(4451, 999)); // unknown number: a warning with its line
      const { bytes, at } = log(lines);
      const { one, used } = compare(bytes, [at(10), at(300), at(449), at(450)], { format: 'audit' });
      expect(used).toEqual([at(10), at(300), at(449), undefined]); // at(450): the part starts with a gap (4450 was malformed)
      expect(one.loss.some((l) => l.kind === 'mid-workload' && l.line === 452)).toBe(execAt < 0);
      expect(one.counters.malformedAt).toEqual([`${join(TMP, `in-${n - 1}.log`)}:451`]);
      expect(one.diagnostics.find((d) => d.code === 'UNKNOWN_SYSCALL_NUMBER')?.line).toBe(452);
    }
  });

  it('the loss-signal cap and the process cap apply across the split as in one pass', () => {
    // 150 suppression notices before the split and 150 after: the list keeps the first 200, the totals count all 300.
    // (Not serial gaps: one still pending at the split makes one thread parse the rest.)
    const lines = Array.from({ length: 600 }, (_, i) => (i % 2 === 1 ? '[ 14.0] kauditd_printk_skb: 2 callbacks suppressed' : dmesg(i >> 1)));
    const a = log(lines);
    const r = compare(a.bytes, [a.at(300), a.at(450)], { format: 'audit' });
    expect(r.used.every((u) => u !== undefined)).toBe(true);
    expect(r.one.loss.length).toBe(MAX_LOSS_SIGNALS);
    expect(r.one.lossTotals['printk-suppressed']).toBe(300);
    // The same with gaps everywhere: every split falls back, the result is the same.
    const g = log(Array.from({ length: 600 }, (_, i) => dmesg(i * 3)));
    const rg = compare(g.bytes, [g.at(150), g.at(450)], { format: 'audit' });
    expect(rg.used).toEqual([undefined, undefined]);
    expect(rg.one.lossTotals['serial-gap']).toBe(599);
    // 4000 processes before the split, 300 after (200 new): the first 96 new ones fit, the rest overflow.
    const procs = [...Array.from({ length: 4000 }, (_, i) => dmesg(i, 0, 100_000 + i)), ...Array.from({ length: 300 }, (_, i) => dmesg(4000 + i, 1, 103_900 + i))];
    const b = log(procs);
    const p = compare(b.bytes, [b.at(4000)]);
    expect(p.used).toEqual([b.at(4000)]);
    expect(p.one.processes.length).toBe(MAX_PROCESSES);
    expect(p.one.processesOverflow).toBe(104);
    // More than MAX_PROCESSES new processes in the worker's part alone: not mergeable, same result anyway.
    const c = log(Array.from({ length: 4200 }, (_, i) => dmesg(i, 0, 200_000 + i)));
    expect(compare(c.bytes, [c.at(2)], { format: 'audit' }).used).toEqual([undefined]);
  });

  it('loss kinds first seen in another order in the worker\'s part: the same totals, in the same order', () => {
    // found by the property below: the boundary's serial gap is inserted after the part's suppression notice
    const a = log([auditd(5002), auditd(5004), '[ 14.0] kauditd_printk_skb: 2 callbacks suppressed', dmesg(5004, 0, 13)]);
    const r = compare(a.bytes, [a.at(1), a.at(2)], { format: 'audit' });
    expect(r.used).toEqual([undefined, undefined]); // the part starts with the gap / the gap is pending at the split
    expect(Object.keys(r.one.lossTotals)).toEqual(['mid-workload', 'printk-suppressed', 'serial-gap']);
  });

  it('property: random logs of records, gaps, loss messages and noise, split anywhere', async () => {
    const line = fc.oneof(
      { weight: 6, arbitrary: fc.tuple(fc.nat(2), fc.constantFrom(0, 59, 232, 999)).map(([d, nr]) => ({ kind: 'rec' as const, d, nr })) },
      { weight: 1, arbitrary: fc.integer({ min: -1200, max: 40 }).map((d) => ({ kind: 'jump' as const, d })) },
      { weight: 1, arbitrary: fc.nat(20).map((v) => ({ kind: 'lost' as const, v })) },
      { weight: 2, arbitrary: fc.constantFrom('noise', 'suppressed', 'malformed', 'other', 'journald', 'kmsg').map((kind) => ({ kind })) },
    );
    // Async, yielding between runs: a minute of synchronous work on a loaded machine starves vitest's RPC.
    await fc.assert(fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 300 }), fc.nat(), fc.boolean(), async (spec, s, forced) => {
      await new Promise((r) => setImmediate(r));
      let serial = 5000;
      const lines = spec.map((x, i) => {
        switch (x.kind) {
          case 'rec': serial += x.d; return x.d === 2 ? auditd(serial, x.nr) : dmesg(serial, x.nr, 10 + (i % 7));
          case 'jump': serial = Math.max(0, serial + x.d); return dmesg(serial);
          case 'lost': return auditLost(x.v);
          case 'noise': return noise(i);
          case 'suppressed': return `[ 14.0] kauditd_printk_skb: ${i} callbacks suppressed`;
          case 'malformed': return `[ 1.0] audit: type=1326 audit(1.1:${serial}): pid=1`;
          case 'other': return otherRecord(++serial);
          case 'journald': return `Nov 27 22:59:00 node-1 audit[7]: SECCOMP auid=0 uid=0 pid=7 comm="j" exe="/j" sig=0 arch=c000003e syscall=3 compat=0 ip=0x1 code=0x7ffc0000`;
          case 'kmsg': return `12,${900 + i},5000,-;audit: type=1326 audit(1.1:${++serial}): pid=8 comm="k" exe="/k" sig=0 arch=c000003e syscall=4 compat=0 ip=0x1 code=0x7ffc0000`;
        }
      });
      const bytes = Buffer.from(lines.join('\n') + (s % 2 ? '\n' : '')); // also: a last line without newline
      compare(bytes, [1 + (s % bytes.length)], forced ? { format: 'audit' } : {});
    }), { numRuns: 25 });
  });
});

describe('a worker that fails', () => {
  // The fault strikes at the worker's second 4 MiB buffer, so its part must be longer than that.
  const lines: string[] = [];
  for (let i = 0; lines.length < 90_000; i++) lines.push(dmesg(1000 + i, [0, 1, 3, 232, 257][i % 5]!, 7000 + (i % 50)), otherRecord(1000 + ++i));
  const file = join(TMP, 'faults.log');
  writeFileSync(file, lines.join('\n') + '\n');
  const size = statSync(file).size;
  const one = new Ingester({ nativeArch: 'x86_64', twoThreads: false });
  one.pushFileSync(file);
  const want = full(one.result());
  it.each(['throw', 'exit', 'stall'] as const)('(%s) leaves this thread to parse the rest: the same result, no hang', (fault) => {
    expect(size - Math.floor(size / 4)).toBeGreaterThan(9 << 20);
    const ing = new Ingester({ nativeArch: 'x86_64', twoThreads: { minBytes: 1, splitAt: Math.floor(size / 4), stallMs: 500, fault } });
    ing.pushFileSync(file);
    expect(ing.twoThreadSplit).toBeUndefined();
    expect(full(ing.result())).toEqual(want);
  });
  it('without a fault the same file does use the worker (the fault tests test the fallback)', () => {
    const ing = new Ingester({ nativeArch: 'x86_64', twoThreads: { minBytes: 1, splitAt: Math.floor(size / 4), stallMs: 500 } });
    ing.pushFileSync(file);
    expect(ing.twoThreadSplit).toBeGreaterThan(0);
    expect(full(ing.result())).toEqual(want);
  });
});
