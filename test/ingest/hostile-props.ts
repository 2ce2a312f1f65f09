// The property of test/ingest/hostile.test.ts that feeds the parsers arbitrary text, run by the test in a worker
// with a deadline (test/helpers/watchdog.ts) so that a hang fails instead of blocking the run. Checks with
// node:assert (vitest's expect needs its runner); returns counts for the test to check.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { ingestText } from '../../src/ingest/index.js';

const REC = readFileSync('test/fixtures/ingest/audit-dmesg-nginx-runc-complete.log', 'utf8').split('\n')[2]!;

// Fragments that exercise every branch: real records, strace lines, loss messages, prefixes, garbage.
export const FRAGMENTS = [
  REC, `5,7,1,-;${REC.slice(REC.indexOf('audit:'))}`, 'kauditd_printk_skb: 3 callbacks suppressed', 'audit: type=1326 audit(',
  'type=SECCOMP msg=audit(1.1:2): arch=c000003e syscall=', '{"MESSAGE":"SECCOMP syscall=1 arch=c000003e"}', '{"MESSAGE":[1,2,', 'audit[1]: SECCOMP ',
  '123 openat(AT_FDCWD, "/x", O_RDONLY) = 3', '[pid 5] read(3, <unfinished ...>', '<... read resumed>"", 1) = 0', '% time     seconds  usecs/call     calls    errors syscall',
  '------ ----------- ----------- --------- --------- ----------------', ' 10.00 0.1 1 2 3 4 5', '[ Process PID=1 runs in 32 bit mode. ]', 'syscall=', 'comm="', 'arch=ffffffff',
  'syscall=99999999999999999999', '\x00\x01\xff', 'exe=ZZ', '"', '(', ')', '=', ' ', 'audit', 'SECCOMP', 'type=1326',
];

/**
 * On any mix of fragments and random text, in any format: text with a NUL is refused with the one-line "not a text
 * file" error naming the first NUL's byte offset; anything else parses, and the counters account for the input
 * (every byte, every line; each line counted at most once as matched, skipped or malformed; every match an
 * observation), with at most 100 malformed line numbers kept.
 */
export function neverThrows(): { refused: number; parsed: number; matched: number } {
  const n = { refused: 0, parsed: 0, matched: 0 };
  fc.assert(fc.property(
    fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string(), fc.string({ unit: 'binary' })), { maxLength: 40 }),
    fc.constantFrom('auto', 'audit', 'strace') as fc.Arbitrary<'auto' | 'audit' | 'strace'>,
    fc.constantFrom('\n', '', ' ', '\r\n'),
    (parts, format, sep) => {
      const text = parts.join(sep);
      if (text.includes('\0')) {
        const at = Buffer.byteLength(text.slice(0, text.indexOf('\0')));
        assert.throws(() => ingestText(text, { format, nativeArch: 'x86_64' }), (e: Error) =>
          new RegExp(`^-: not a text file: NUL byte \\(0x00\\) at byte offset ${at};`).test(e.message) && !e.message.includes('\n'));
        n.refused++;
        return;
      }
      const r = ingestText(text, { format, nativeArch: 'x86_64' });
      const c = r.counters;
      const lines = (text.match(/\n/g) ?? []).length + (text.length > 0 && !text.endsWith('\n') ? 1 : 0);
      assert.equal(c.bytes, Buffer.byteLength(text), 'bytes counted');
      assert.equal(c.lines, lines, 'lines counted');
      assert.ok(c.matched + c.skipped + c.malformed <= c.lines, `each line at most once: ${JSON.stringify(c)}`);
      let observed = 0;
      for (const [, m] of r.syscalls) for (const [, s] of m) observed += s.count;
      assert.equal(observed, c.matched - c.filtered, 'every match is an observation');
      assert.equal(c.malformedAt.length, Math.min(c.malformed, 100), 'malformed line numbers kept, at most 100');
      n.parsed++;
      n.matched += c.matched;
    },
  ), { numRuns: 400 });
  return n;
}
