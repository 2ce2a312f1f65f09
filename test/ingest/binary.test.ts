// Input that is not text (a NUL byte, bytes that are not UTF-8) is refused with one line naming the offset of the
// first offending byte, exit 2 — for ingest (generate) and for profiles (validate); nothing printed carries raw
// control bytes. Offsets are checked against Python's strict UTF-8 decoder and bytes.find(b'\0').
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { findNotText, TextChecker } from '../../src/common/text.js';
import { ingestText } from '../../src/ingest/index.js';
import { cli } from '../helpers/cli.js';
import { DEBIAN_PYTHON } from '../helpers/system.js';

const TMP = mkdtempSync(join(tmpdir(), 'seccompctl-binary-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** Python's answer for each input: the offset of the first NUL or the first byte of the first non-UTF-8 sequence. */
function oracle(inputs: readonly Buffer[]): (number | null)[] {
  const src = `import sys, json
out = []
for h in json.load(sys.stdin):
    b = bytes.fromhex(h)
    cut = len(b)
    try:
        b.decode('utf-8')
    except UnicodeDecodeError as e:
        cut = e.start
    nul = b.find(b'\\0')
    if nul >= 0: cut = min(cut, nul)
    out.append(cut if cut < len(b) else None)
print(json.dumps(out))`;
  return JSON.parse(execFileSync(DEBIAN_PYTHON, ['-c', src], { input: JSON.stringify(inputs.map((b) => b.toString('hex'))), encoding: 'utf8', maxBuffer: 64 << 20 })) as (number | null)[];
}

/** Deterministic pseudo-random bytes. */
function randomBytes(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('text detection against Python\'s decoder', () => {
  it('finds the same first offending byte, whole and in any chunking (property)', () => {
    const texts = ['héllo wörld', '日本語', '🎉 ok', 'plain ascii\n', ''];
    const piece = fc.oneof(
      fc.constantFrom(...texts).map((t) => Buffer.from(t)),
      fc.uint8Array({ minLength: 1, maxLength: 4 }).map((a) => Buffer.from(a)),
      fc.constantFrom(Buffer.from([0xe2, 0x82]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe0, 0x80, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xc0, 0xaf]), Buffer.from([0])),
    );
    const cases = fc.sample(fc.tuple(fc.array(piece, { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 })), { numRuns: 400, seed: 7 });
    const inputs = cases.map(([ps]) => Buffer.concat(ps));
    const want = oracle(inputs);
    cases.forEach(([, sizes], k) => {
      const b = inputs[k]!;
      expect(findNotText(b)?.offset ?? null, b.toString('hex')).toBe(want[k]);
      const c = new TextChecker();
      let got: number | undefined;
      for (let i = 0, s = 0; i < b.length && got === undefined; s++) {
        const n = sizes[s % sizes.length]!;
        got = c.push(b.subarray(i, i + n))?.offset;
        i += n;
      }
      got ??= c.end()?.offset;
      expect(got ?? null, `chunked ${b.toString('hex')}`).toBe(want[k]);
    });
  });
});

describe('100 KB of random bytes', () => {
  const bytes = randomBytes(100_000, 0x1234567);
  const file = join(TMP, 'random.bin');
  writeFileSync(file, bytes);
  const [want] = oracle([bytes]);
  it.each([['validate'], ['generate']])('%s: one line "not a text file" with the offset, exit 2, no raw control bytes', async (cmd) => {
    const r = await cli(cmd === 'generate' ? ['generate', file, '-o', join(TMP, 'p.json')] : ['validate', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/not a text file/);
    expect(lines[0]).toContain(`at byte offset ${want}`);
    expect(r.stderr).not.toMatch(CONTROL);
  });
  it('generate names the offset of a NUL deep in a large log (two threads, after the split)', async () => {
    const line = '[  518.2] audit: type=1326 audit(1795818969.767:1): auid=0 uid=0 gid=0 ses=1 pid=7 comm="t" exe="/t" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000\n';
    const big = Buffer.from(line.repeat(Math.ceil((70 << 20) / line.length)));
    const at = big.length - 1000;
    big[at] = 0;
    const f = join(TMP, 'big.log');
    writeFileSync(f, big);
    const r = await cli(['generate', f, '-o', join(TMP, 'q.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(`NUL byte (0x00) at byte offset ${at}`)]);
    rmSync(f);
  });
  it('ingest from a string (stdin) refuses it too', () => {
    const withNul = `${'x'.repeat(10)}\0tail\n`;
    expect(() => ingestText(withNul)).toThrow(/not a text file: NUL byte \(0x00\) at byte offset 10/);
  });
});

describe('control bytes in a text profile are escaped in messages', () => {
  it('validate quotes an ESC as \\x1b, never raw', async () => {
    const f = join(TMP, 'esc.json');
    writeFileSync(f, '{"defaultAction": "SCMP_ACT_\x1b[31mERRNO", "syscalls": [{"names": ["read\x07"], "action": "SCMP_ACT_ALLOW"}]}\n');
    const r = await cli(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.stdout + r.stderr).not.toMatch(CONTROL);
    expect(r.stdout + r.stderr).toMatch(/\\x1b/);
  });
});
