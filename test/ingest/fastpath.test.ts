// The fast paths give exactly the general path's result: the WebAssembly scanner against the Buffer.indexOf
// reference, and files read through pushFileSync (SIMD prefilter + byte-level record path + payload memo) against
// the same bytes fed as a string through ingestText (line by line, decoded, no byte-level path) — on every fixture
// and on random input built from record shapes and their near misses.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Ingester, ingestText, type IngestOptions } from '../../src/ingest/index.js';
import { fullResult } from './full-result.js';
import { jsFindAudit, MARKER_TRIPLES, wasmScanner, type FindResult } from '../../src/ingest/scan.js';

const FX = join(import.meta.dirname, '..', 'fixtures', 'ingest');
const TMP = mkdtempSync(join(tmpdir(), 'seccompctl-fastpath-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const full = fullResult;

let n = 0;
/** The same bytes through both paths: a file read by pushFileSync, and the decoded text through ingestText. */
function bothPaths(bytes: Buffer, opts: IngestOptions): { fast: unknown; general: unknown } {
  const file = join(TMP, `in-${n++}.log`);
  writeFileSync(file, bytes);
  const o = { nativeArch: 'x86_64' as const, keepObservations: 100_000, ...opts };
  const ing = new Ingester(o);
  ing.pushFileSync(file);
  const fast = full(ing.result());
  const general = full(ingestText(bytes.toString('utf8'), { ...o, file }));
  rmSync(file);
  return { fast, general };
}

describe('WebAssembly scanner', () => {
  const sc = wasmScanner();

  it('is available on this Node (SIMD), so the fast path is what the other tests exercise', () => {
    expect(sc).toBeDefined();
  });

  it('property: find, eol and ascii agree with Buffer.indexOf and a byte loop on any bytes and range', () => {
    const piece = fc.oneof(
      fc.constantFrom('audit', 'audi', 'udit', 'a', 't', 'd', '\n', ' ', 'xaudit\n', 'aud\nit', '\xe9', '\xff', 'audit['),
      fc.string({ unit: 'binary', maxLength: 40 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }), fc.nat(), fc.nat(), (parts, x, y) => {
      const b = Buffer.from(parts.join(''), 'latin1');
      b.copy(sc!.buffer, 0);
      const from = b.length === 0 ? 0 : x % (b.length + 1);
      const to = from + (b.length - from === 0 ? 0 : y % (b.length - from + 1));
      const want: FindResult = { hit: 0, newlines: 0, lastNewline: 0 };
      const got: FindResult = { hit: 0, newlines: 0, lastNewline: 0 };
      jsFindAudit(sc!.buffer, from, to, want);
      sc!.find(from, to, got);
      expect(got).toEqual(want);
      let nl = sc!.buffer.indexOf(10, from);
      if (nl >= to) nl = -1;
      let ascii = true;
      for (let i = from; i < (nl < 0 ? to : nl); i++) if (sc!.buffer[i]! >= 0x80) ascii = false;
      expect(sc!.eol(from, to)).toBe(nl);
      expect(sc!.ascii).toBe(ascii);
    }), { numRuns: 1000 });
  });

  it('property: plain is false whenever a marker triple starts in the range, true when none starts in it or the 16 bytes after', () => {
    const piece = fc.oneof(
      fc.constantFrom(...MARKER_TRIPLES, 'SECCOMP', '1326', 'printk_skb', 'backlog', 'rate limit exceeded', 'hold queue overflow',
        'audit_lost=', 'DAEMON_', 'CC', 'CO', '32', 'k_', 'kl', 'xc', 'rf', 't_', 'MO', ' ', '\n'),
      fc.string({ maxLength: 20 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), fc.nat(), fc.nat(), (parts, x, y) => {
      const b = Buffer.from(parts.join(''), 'latin1');
      sc!.buffer.fill(0, 0, b.length + 64);
      b.copy(sc!.buffer, 0);
      const from = b.length === 0 ? 0 : x % (b.length + 1);
      const to = from + (b.length - from === 0 ? 0 : y % (b.length - from + 1));
      const startsIn = (lo: number, hi: number) => {
        for (let i = lo; i < hi; i++) if (MARKER_TRIPLES.some((t) => sc!.buffer.toString('latin1', i, i + 3) === t)) return true;
        return false;
      };
      const plain = sc!.plain(from, to);
      if (startsIn(from, to)) expect(plain).toBe(false);
      if (!startsIn(from, to + 16)) expect(plain).toBe(true);
    }), { numRuns: 1000 });
  });

  it('hash depends on every byte and on the length', () => {
    const b = sc!.buffer;
    b.write('pid=7468 comm="nginx" exe="/usr/sbin/nginx" sig=0 arch=c000003e syscall=232 compat=0', 0, 'latin1');
    const h = sc!.hash(0, 87);
    expect(sc!.hash(0, 87)).toBe(h);
    expect(sc!.hash(0, 86)).not.toBe(h);
    for (const i of [0, 3, 42, 85, 86]) {
      b[i] = b[i]! ^ 1;
      expect(sc!.hash(0, 87)).not.toBe(h);
      b[i] = b[i]! ^ 1;
    }
  });
});

describe('pushFileSync (fast path) = ingestText (general path)', () => {
  const fixtures = readdirSync(FX).filter((f) => statSync(join(FX, f)).isFile());

  it.each(fixtures)('fixture %s', (f) => {
    const bytes = readFileSync(join(FX, f));
    for (const format of ['auto', 'audit'] as const) {
      const { fast, general } = bothPaths(bytes, { format });
      expect(fast).toEqual(general);
    }
  });

  it('the audit fixtures concatenated many times (several read buffers, lines across buffer ends, memo reuse)', () => {
    const parts = fixtures.filter((f) => f.startsWith('audit-')).map((f) => readFileSync(join(FX, f), 'utf8'));
    let text = '';
    while (text.length < 9 << 20) text += parts.join('\n');
    for (const filter of [undefined, { comm: ['nginx'] }, { pid: [10638] }]) {
      const { fast, general } = bothPaths(Buffer.from(text), { format: 'audit', keepObservations: 50, ...(filter ? { filter } : {}) });
      expect(fast).toEqual(general);
    }
  });

  it('more distinct payloads than the memo and its arena hold (both start over) still give the same result', () => {
    const lines: string[] = [];
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9000; i++) {
        const pad = 'x'.repeat(i % 300);
        lines.push(`[  1.0] audit: type=1326 audit(1.1:${round * 9000 + i}): pid=${i} comm="w${pad}" exe="/w" arch=c000003e syscall=${i % 300} compat=0 code=0x7ffc0000`);
      }
    }
    const { fast, general } = bothPaths(Buffer.from(lines.join('\n') + '\n'), { format: 'audit', keepObservations: 10 });
    expect(fast).toEqual(general);
  });

  it('the memo pauses on a run of distinct payloads and resumes on repeats: same result', () => {
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(`[  1.0] audit: type=1326 audit(1.1:${i}): pid=${i} comm="w" exe="/w" arch=c000003e syscall=${i % 300} compat=0 ip=0x${i.toString(16)} code=0x7ffc0000`);
    for (let i = 0; i < 80000; i++) lines.push(`[  1.0] audit: type=1326 audit(1.1:${5000 + i}): pid=${i % 7} comm="r" exe="/r" arch=c000003e syscall=${i % 5} compat=0 ip=0x1 code=0x7ffc0000`);
    for (let i = 0; i < 5000; i++) lines.push(`[  1.0] audit: type=1326 audit(1.1:${85000 + i}): pid=${i} comm="v" exe="/v" arch=c000003e syscall=${i % 300} compat=0 ip=0x2 code=0x50001`);
    const { fast, general } = bothPaths(Buffer.from(lines.join('\n') + '\n'), { format: 'audit', keepObservations: 10 });
    expect(fast).toEqual(general);
  });

  it('onObservation sees the same observations in the same order through both paths', () => {
    const text = readFileSync(join(FX, 'audit-dmesg-nginx-runc-complete.log'));
    const file = join(TMP, 'obs.log');
    writeFileSync(file, text);
    const fast: unknown[] = [];
    const general: unknown[] = [];
    const ing = new Ingester({ nativeArch: 'x86_64', onObservation: (o) => fast.push(o) });
    ing.pushFileSync(file);
    ingestText(text.toString(), { nativeArch: 'x86_64', file, onObservation: (o) => general.push(o) });
    expect(fast.length).toBeGreaterThan(100);
    expect(fast).toEqual(general);
  });

  // Record shapes the byte-level path handles, and near misses it must hand to the general path unchanged.
  const PAYLOAD = 'auid=4294967295 uid=0 gid=0 ses=4294967295 pid=10638 comm="runc:[2:INIT]" exe="/" sig=0 arch=c000003e syscall=257 compat=0 ip=0x40828e code=0x7ffc0000';
  const payload = fc.oneof(
    fc.constant(PAYLOAD),
    fc.constantFrom(
      'pid=1 comm="nginx" exe="/usr/sbin/nginx" arch=c000003e syscall=59 compat=0 code=0x7ffc0000',
      'pid=2 comm=6E67696E78 exe="/x" arch=40000003 syscall=102 compat=1 code=0x50001',
      'pid=3 comm="caf\u00e9" exe="/b" arch=c00000b7 syscall=56 code=0x7ffc0000',
      'pid=4 comm="a" arch=ffffffff syscall=1 code=0x0',
      'pid=5 comm="b" syscall=1 code=0x7ffc0000',
      'pid=6 comm="c" arch=c000003e syscall=999 code=0x7ffc0000',
      'pid=7 comm="d" arch=c000003e code=0x7ffc0000',
      'pid=8 comm="e" arch=c000003e syscall=0 compat=0 type=1326 code=0x7ffc0000',
      'pid=9 comm="f" arch=c000003e syscall=0 ) : code=log',
      'subj==cri-containerd.apparmor.d (enforce) pid=10 comm="g" exe="/g" arch=c000003e syscall=232 code=0x7ffc0000',
      'pid=11 arch=c000003e syscall=3 code=0x7ffc0000\x1dAUID="unset" ARCH=x86_64',
      'audit_lost=5 pid=12 arch=c000003e syscall=3',
      '',
    ),
    fc.string({ maxLength: 30 }),
  );
  const serial = fc.oneof(fc.integer({ min: 0, max: 2000 }).map(String), fc.constantFrom('', 'x', '007', '1e3', ' 5', '99999999999999999', '1.5'));
  const stamp = fc.tuple(fc.constantFrom('1795818969.767:', '11/27/26 22:59:00.123:', '', '1:2:'), serial).map(([a, b]) => a + b);
  const sep = fc.constantFrom('): ', '):', ') : ', ')\t: ', '):\t', ')  :  ', ') x');
  const line = fc.oneof(
    fc.tuple(fc.constantFrom('[  518.2] ', '[Fri Nov 27] ', 'Nov 27 22:59:00 n1 kernel: ', '<4>1 2026-11-27 n1 kernel - - - ', 'type=x ', '5,1043,70,-;', '12 ', 'node=n1 ', '\u00e9 '), stamp, sep, payload)
      .map(([pre, st, sp, p]) => `${pre}audit: type=1326 audit(${st}${sp}${p}`),
    fc.tuple(fc.constantFrom('', 'node=n1 ', 'x'), stamp, sep, payload).map(([pre, st, sp, p]) => `${pre}type=SECCOMP msg=audit(${st}${sp}${p}`),
    fc.tuple(fc.constantFrom('Nov 27 22:59:00 n1 ', '2026-11-27T22:59:00+0000 n1 ', 'xaudit ', 'type=1326 ', '[1] ', '{', 'naudit ', ''),
      fc.constantFrom('audit[10638]: SECCOMP ', 'audit[]: SECCOMP ', 'audit[1]:SECCOMP ', 'xaudit[1]: SECCOMP ', 'audit[1]: SECCOMP  '), payload)
      .map(([pre, mid, p]) => `${pre}${mid}${p}`),
    fc.constantFrom(
      'kauditd_printk_skb: 7 callbacks suppressed', 'audit: backlog limit exceeded', 'audit: audit_lost=3 audit_rate_limit=0',
      'audit: type=1300 audit(1795818969.767:470): arch=c000003e syscall=59 success=yes', 'plain text line', '',
      `5,1044,708952700,-;audit: type=1326 audit(1795818969.767:471): ${PAYLOAD}`, '{"MESSAGE":"SECCOMP syscall=1 arch=c000003e"}',
    ),
    fc.string({ maxLength: 40 }),
  );
  const eol = fc.constantFrom('\n', '\n', '\n', '\r\n');

  // Each near miss alone and twice in a row (the second one through the memo), with a good record around it.
  const NEAR_MISSES = [
    `type=SECCOMP msg=audit(1795818969.767:5): pid=9 comm="f" arch=c000003e syscall=0 ) : code=log`, // ausearch spelling
    `type=SECCOMP msg=audit(1795818969.767:5) : ${PAYLOAD}`,
    `Nov 27 22:59:00 n1 audit[1]: SECCOMP pid=8 arch=c000003e syscall=0 type=1326 code=0x7ffc0000`, // kernel form wins
    `Nov 27 type=SECCOMP n1 audit[1]: SECCOMP ${PAYLOAD}`,
    `Nov 27 22:59:00 n1 xaudit[1]: SECCOMP ${PAYLOAD}`,
    `[  518.2] audit: type=1326 audit(1795818969.767:5):\t${PAYLOAD}`,
    `[  518.2] audit: type=1326 audit(1795818969.767:5)\t: ${PAYLOAD}`,
    `[  518.2] audit: type=1326 audit(1795818969.767:): ${PAYLOAD}`,
    `[  518.2] audit: type=1326 audit(1795818969.767:1e3): ${PAYLOAD}`,
    `[  518.2] audit: type=1326 audit(1795818969.767:12345678901234567): ${PAYLOAD}`,
    `[  518.2] audit: type=1326 audit(1795818969.767:5): ${PAYLOAD}\r`,
    `[  518.2] audit: type=1326 audit(1795818969.767:5): ${PAYLOAD.replace('runc:[2:INIT]', 'caf\u00e9')}`,
    `type=x audit: type=1326 audit(1795818969.767:5): ${PAYLOAD}`,
    `5,1043,708952635,-;audit: type=1326 audit(1795818969.767:5): ${PAYLOAD}`,
    `node=n1 type=SECCOMP msg=audit(1795818969.767:5): ${PAYLOAD}`,
  ];
  const GOOD = `[  518.2] audit: type=1326 audit(1795818969.767:4): ${PAYLOAD}`;

  it.each(NEAR_MISSES)('near miss: %s', (l) => {
    for (const text of [`${l}\n`, `${GOOD}\n${l}\n${l}\n${GOOD}\n`]) {
      for (const format of ['auto', 'audit'] as const) {
        const { fast, general } = bothPaths(Buffer.from(text), { format });
        expect(fast).toEqual(general);
      }
    }
  });

  // Audit lines that are not seccomp records (fastOther): their serials fill the sequence, so a wrong serial shows
  // as a serial gap (or a missing one) at the next seccomp record; markers anywhere send them to the general path.
  const OTHER = fc.tuple(
    fc.constantFrom('type=PROCTITLE msg=', 'type=SYSCALL msg=', 'type=DAEMON_ROTATE msg=', '[  9.1] audit: type=1300 ', 'Nov 27 22:59:00 n1 audit[5]: AVC ',
      'Nov 27 22:59:00 n1 kube-apiserver[9]: "audit.k8s.io/v1" ', 'x ', '7 ', '{'),
    fc.constantFrom('audit(', 'audit (', 'audit(('),
    fc.oneof(fc.integer({ min: 0, max: 60 }).map(String), fc.constantFrom('', 'x', '1e3', ' 5', '99999999999999999', '1.5', '007')),
    fc.constantFrom('): ', '):', ') :', ')\t:', ') x', '', ')audit(1:9): '),
    fc.constantFrom('proctitle=2F62696E', 'arch=c000003e syscall=59 success=yes pid=7 comm="a b"', 'apparmor="DENIED" pid=1326',
      'SECCOMP', 'printk_skb', 'backlog', 'rate limit exceeded', 'hold queue overflow', 'audit_lost=3', 'xCCOx', 'k_s', 't_l', 'MON', ''),
    fc.constantFrom('', '\r', ' \xe9'),
  ).map(([pre, open, sn, close, rest, tail]) => `${pre}${open}1795818969.767:${sn}${close}${rest}${tail}`);
  const RECORD = fc.integer({ min: 0, max: 60 }).map((sn) => `type=SECCOMP msg=audit(1795818969.767:${sn}): ${PAYLOAD}`);

  // Between records with serials 1, 2 and 52, a line whose serial 50 counts moves the gap before 52.
  const OTHER_CASES = [
    'type=PROCTITLE msg=audit(1795818969.767:50): proctitle=2F62696E', 'type=DAEMON_ROTATE msg=audit(1795818969.767:50): op=rotate',
    '[  9.1] audit: type=1300 audit(1795818969.767:50): arch=c000003e syscall=59', 'Nov 27 n1 audit[5]: AVC audit(1795818969.767:50): x',
    'type=SYSCALL msg=audit(1795818969.767:50) : x', 'type=SYSCALL msg=audit(1795818969.767:50)\t: x', 'type=SYSCALL msg=audit(1795818969.767:50)x',
    'type=SYSCALL msg=audit(1795818969.767:50) x audit(1:50): y', 'type=SYSCALL msg=audit(1795818969.767:) : x',
    'type=SYSCALL msg=audit(1795818969.767:5e1): x', 'type=SYSCALL msg=audit(1795818969.767:50): x\r', '{"x": "audit(1:50): "}',
    '50,1,2,-;audit(1795818969.767:50): x', 'kube-apiserver[9]: "audit.k8s.io/v1" uri=/x', 'audit_lost=3 audit(1:50): x',
    ...['SECCOMP', 'printk_skb', 'backlog', 'rate limit exceeded', 'hold queue overflow', '1326', 'DAEMON_'].map((m) => `type=AVC msg=audit(1795818969.767:50): ${m}`),
  ];
  it.each(OTHER_CASES)('other record: %s', (l) => {
    const rec = (sn: number) => `type=SECCOMP msg=audit(1795818969.767:${sn}): ${PAYLOAD}\n`;
    const { fast, general } = bothPaths(Buffer.from(rec(1) + l + '\n' + rec(2) + rec(52)), { format: 'audit' });
    expect(fast).toEqual(general);
  });

  it('property: other audit record types and their near misses track serials as the general path does', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.oneof(OTHER, OTHER, RECORD), eol), { maxLength: 30 }),
      fc.constantFrom('auto', 'audit') as fc.Arbitrary<'auto' | 'audit'>,
      (lines, format) => {
        const { fast, general } = bothPaths(Buffer.from(lines.map(([l, e]) => l + e).join('')), { format });
        expect(fast).toEqual(general);
      },
    ), { numRuns: 400 });
  });

  it('property: random logs of record shapes and near misses give the same result through both paths', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(line, eol), { maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 40 }),
      fc.constantFrom('auto', 'audit') as fc.Arbitrary<'auto' | 'audit'>,
      fc.boolean(),
      fc.constantFrom<IngestOptions['filter']>(undefined, { comm: ['runc:[2:INIT]'] }, { pid: [1, 10638] }, { exe: ['nginx'] }),
      fc.constantFrom(3, 100_000),
      (lines, repeats, format, cutLast, filter, keepObservations) => {
        // Repeat some lines so the memo is hit, with other lines between.
        const all = lines.flatMap(([l, e], i) => Array.from({ length: 1 + ((repeats[i] ?? 0) % 3) }, () => l + e));
        let text = all.join('');
        if (cutLast) text = text.replace(/\r?\n$/, '');
        const { fast, general } = bothPaths(Buffer.from(text), { format, keepObservations, ...(filter ? { filter } : {}) });
        expect(fast).toEqual(general);
      },
    ), { numRuns: 300 });
  });
});
