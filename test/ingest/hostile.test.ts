// Hostile input never crashes the parsers; chunking never changes the result; memory stays bounded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inWorker } from '../helpers/watchdog.js';
import { FRAGMENTS } from './hostile-props.js';
import { Ingester, ingestStream, ingestText, MAX_LINE_BYTES, MAX_PROCESSES, syscallNames, type IngestResult } from '../../src/ingest/index.js';

const FX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const REC = readFileSync(join(FX, 'audit-dmesg-nginx-runc-complete.log'), 'utf8').split('\n')[2]!;

/** The parts of a result that must not depend on how the input was chunked. */
function digest(r: IngestResult): unknown {
  return {
    counters: r.counters,
    syscalls: [...r.syscalls].map(([a, m]) => [a, [...m].map(([k, s]) => [k, s.count, s.actions])]),
    processes: r.processes.map((p) => [p.pid, p.comm, p.exe, p.records]),
    loss: r.loss.map((l) => [l.kind, l.line, l.count]),
  };
}

describe('hostile input', () => {
  it('property: neither parser ever throws, on any mix of fragments and random text; the counters account for the input (in a worker with a deadline)', async () => {
    const n = await inWorker<{ refused: number; parsed: number; matched: number }>(new URL('./hostile-props.ts', import.meta.url), 'neverThrows', { deadlineMs: 50_000 });
    // Both branches ran, and real records among the fragments were found.
    expect(n.refused).toBeGreaterThan(0);
    expect(n.parsed).toBeGreaterThan(0);
    expect(n.matched).toBeGreaterThan(0);
  });

  it('property: feeding bytes in any chunking gives the same result as the whole text', () => {
    const text = [...FRAGMENTS.filter((f) => !f.includes('\0')), REC, REC, 'kauditd_printk_skb: 2 callbacks suppressed', REC].join('\n') + '\n';
    const whole = digest(ingestText(text, { format: 'audit', nativeArch: 'x86_64' }));
    const buf = Buffer.from(text);
    fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: buf.length }), { maxLength: 12 }), (cuts) => {
      const ing = new Ingester({ format: 'audit', nativeArch: 'x86_64' });
      ing.beginFile('-');
      let prev = 0;
      for (const c of [...cuts].sort((a, b) => a - b)) {
        ing.pushChunk(buf.subarray(prev, c));
        prev = c;
      }
      ing.pushChunk(buf.subarray(prev));
      ing.endFile();
      expect(digest(ing.result())).toEqual(whole);
    }), { numRuns: 200 });
  });

  it('a multi-megabyte line without newline is skipped and the records after it still count', async () => {
    const huge = 'x'.repeat(MAX_LINE_BYTES * 3);
    const chunks = [Buffer.from(`${REC}\n`), ...Array.from({ length: 6 }, () => Buffer.from(huge.slice(0, huge.length / 6))), Buffer.from(`\n${REC}\n`)];
    const r = await ingestStream(Readable.from(chunks), { nativeArch: 'x86_64' });
    expect(r.counters.matched).toBe(2);
    expect(r.diagnostics.map((d) => d.code)).toContain('LINE_TOO_LONG');
  });

  it('binary garbage: refused as not text (one line, the first NUL\'s offset), no crash', () => {
    const junk = Buffer.alloc(1 << 20);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 2654435761) >>> 24;
    expect(() => ingestText(junk.toString('latin1'))).toThrow(/^-: not a text file: NUL byte \(0x00\) at byte offset 0;/);
    const noNul = Buffer.from(junk.map((b) => b || 1));
    const ing = new Ingester({ nativeArch: 'x86_64' });
    ing.beginFile('junk.bin');
    expect(() => ing.pushChunk(noNul)).toThrow(/^junk\.bin: not a text file: invalid UTF-8 \(0x[0-9a-f]{2}\) at byte offset \d+;/);
  });

  it('a file cut in the middle of a record: the complete records count, the cut one is malformed', () => {
    const text = `${REC}\n${REC}\n${REC.slice(0, 60)}`;
    const r = ingestText(text, { file: 'cut.log' });
    expect(r.counters.matched).toBe(2);
    expect(r.counters.malformedAt).toEqual(['cut.log:3']);
  });

  it('a strace file cut mid-line counts the call with a warning', () => {
    const r = ingestText('123 openat(AT_FDCWD, "/etc/hostname", O_RDONLY) = 3\n123 read(3, "abc', { format: 'strace' });
    expect(syscallNames(r, 'x86_64')).toEqual(['openat', 'read']);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['TRUNCATED_LINE']);
  });

  it('memory stays bounded: 20 000 distinct processes are capped, counts stay exact', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(REC.replace('pid=10638', `pid=${100000 + i}`).replace(/audit\(([\d.]+):\d+\)/, `audit($1:${1000 + i})`));
    const r = ingestText(lines.join('\n'));
    expect(r.processes).toHaveLength(MAX_PROCESSES);
    expect(r.processesOverflow).toBe(20_000 - MAX_PROCESSES);
    expect(r.counters.matched).toBe(20_000);
    expect([...r.syscalls.get('x86_64')!.values()].reduce((n, s) => n + s.count, 0)).toBe(20_000);
  });
});
