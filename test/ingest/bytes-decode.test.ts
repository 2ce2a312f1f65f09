// decodeRawBytes (the byte-level payload decode of the audit fast path) against decodePayload (the string path) on
// random payloads: wherever it decodes, it gives exactly the string path's fields, and it never decodes a payload
// the string path finds malformed or warns about. The file-level differential (pushFileSync = ingestText) is in
// fastpath.test.ts; here the realistic mix of records (many processes, arches, hex-encoded comm/exe, missing
// fields, odd values, CRLF, lines across read-buffer ends) goes through both paths too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Ingester, ingestText } from '../../src/ingest/index.js';
import { decodeRawBytes, FIELDS } from '../../src/ingest/audit-fast.js';
import { decodePayload } from '../../src/ingest/audit-record.js';
import { fullResult } from './full-result.js';

const TMP = mkdtempSync(join(tmpdir(), 'seccompctl-bytes-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const hexOf = (s: string) => Buffer.from(s).toString('hex').toUpperCase();
const value = fc.oneof(
  fc.constantFrom('c000003e', 'C000003E', '40000003', 'c00000b7', '16', '14', '8', 'ffffffff', '', 'x', '"c000003e"', 'c000003e0',
    '0', '1', '59', '232', '999', '1073741824', '1073742071', '0059', '123456789012345678', '"5"', 'execve', 'unknown-syscall(5)',
    '0x7ffc0000', '0X7FFC0000', '0x80000000AUID="unset"', '0x50001', '0x', '0xZ', 'log', 'kill', '"0x0"', '0x7fff00001',
    '"nginx"', '"runc:[2:INIT]"', `${hexOf('my worker')}`, `${hexOf('caf\u00e9')}`, 'ABC', '(null)', '"(null)"', '?', '"?"', '"a b"',
    '"a pid=3"', '"unterminated', '"x"y', '2'),
  fc.string({ maxLength: 12 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
);
const key = fc.constantFrom('arch', 'syscall', 'compat', 'code', 'pid', 'comm', 'exe', 'ip', 'sig', 'xarch', 'ses', 'subj');
const field = fc.oneof(
  fc.tuple(key, value).map(([k, v]) => `${k}=${v}`),
  fc.constantFrom('(enforce)', '\x1d', '\x1dAUID="unset" ARCH=x86_64', '', 'arch=', 'syscall=', 'pid= 5', 'comm="'),
);
/** Mostly well-formed values per key (so the byte path decodes often), odd ones now and then. */
const good = {
  arch: fc.constantFrom('c000003e', 'c000003e', '40000003', 'c00000b7', '16', 'C000003E'),
  syscall: fc.oneof(fc.nat(460).map(String), fc.constantFrom('1073741825', '1073742336')),
  compat: fc.constantFrom('0', '1', '2', '01'),
  code: fc.constantFrom('0x7ffc0000', '0x50001', '0x80000000', '0x0', '0x7fff0000', '0x80000000AUID="unset"', '0X7FFC0000', '0x7ffc00001'),
  pid: fc.oneof(fc.nat(4_000_000).map(String), fc.constantFrom('', 'x1', '1234567890123456')),
  comm: fc.constantFrom('"nginx"', '"runc:[2:INIT]"', hexOf('my worker'), hexOf('caf\u00e9'), '(null)', '"(null)"', '?', 'ABC', 'abc', '"a pid=3"', '""'),
  exe: fc.constantFrom('"/usr/sbin/nginx"', '"/"', hexOf('/opt/my worker'), '(null)', '"/x y"', 'ABCD'),
};
const goodField = fc.constantFrom(...(Object.keys(good) as (keyof typeof good)[])).chain((k) => good[k].map((v) => `${k}=${v}`));
const payload = fc.tuple(
  fc.shuffledSubarray(Object.keys(good) as (keyof typeof good)[]).chain((ks) => fc.tuple(...ks.map((k) => good[k].map((v) => `${k}=${v}`)))),
  fc.array(fc.tuple(fc.nat(), fc.oneof(field, goodField)), { maxLength: 4 }),
  fc.constantFrom(' ', ' ', '  '),
).map(([base, extra, sep]) => {
  const fs: string[] = [...base];
  for (const [at, f] of extra) fs.splice(at % (fs.length + 1), 0, f);
  return fs.join(sep);
});

describe('decodeRawBytes = decodePayload (raw rendering)', () => {
  const buf = Buffer.alloc(4096);
  let decoded = 0;
  const check = (p: string) => {
    const b = Buffer.from(p, 'latin1');
    buf.fill(0x20);
    b.copy(buf, 16);
    const d = decodePayload(p, 0, false, 'x86_64');
    if (decodeRawBytes(buf, 16, 16 + b.length)) {
      decoded++;
      expect(d.ok, p).toBe(true);
      expect(d.warnings, p).toEqual([]);
      if (!d.ok) return;
      expect({ ...FIELDS }, p).toEqual({ arch: d.arch, nr: d.nr, name: d.name, action: d.action, pid: d.pid, comm: d.comm, exe: d.exe, compat: d.compat });
    }
    return d.ok;
  };

  it('the common shapes are decoded on the bytes', () => {
    for (const p of [
      'auid=4294967295 uid=0 gid=0 ses=4294967295 subj=cri-containerd.apparmor.d (enforce) pid=10638 comm="runc:[2:INIT]" exe="/" sig=0 arch=c000003e syscall=257 compat=0 ip=0x40828e code=0x7ffc0000',
      `pid=2 comm=${hexOf('my worker')} exe=${hexOf('/opt/app/bin/my worker')} arch=40000003 syscall=102 compat=1 code=0x50001`,
      'pid=3 arch=c000003e syscall=1073741825 code=0x80000000\x1dAUID="unset"',
      'pid=4 comm="(null)" exe=(null) arch=c00000b7 syscall=56 code=0x7ffc0000',
    ]) {
      const b = Buffer.from(p, 'latin1');
      b.copy(buf, 16);
      expect(decodeRawBytes(buf, 16, 16 + b.length), p).toBe(true);
      check(p);
    }
  });

  it('property: random payloads (any field order, quoting, hex, missing and repeated fields, 0x1d) decode alike', () => {
    fc.assert(fc.property(payload, (p) => {
      check(p);
    }), { numRuns: 5000 });
    expect(decoded).toBeGreaterThan(200); // the byte path is exercised, not only its refusals
  });
});

describe('realistic records: pushFileSync (byte decode) = ingestText (general path)', () => {
  const comms = ['nginx', 'redis-server', 'runc:[2:INIT]', 'my worker', 'caf\u00e9', 'a"b', '(null)', 'x'];
  const arches = [['c000003e', 0, 400], ['40000003', 1, 400], ['c000003e', 0, 1073741824 + 300], ['c00000b7', 0, 300], ['16', 0, 300], ['ffff', 0, 1]] as const;
  const record = fc.tuple(fc.nat(5000), fc.nat(comms.length - 1), fc.nat(arches.length - 1), fc.nat(460), fc.constantFrom('0x7ffc0000', '0x50001', '0x80000000', '0x0', '0x7fff0000'),
    fc.nat(3), fc.nat(3), fc.nat(2), fc.nat(99999))
    .map(([pid, ci, ai, nr, code, render, quirk, cr, sn]) => {
      const comm = comms[ci]!;
      const [arch, compat, base] = arches[ai]!;
      const enc = (k: string, v: string) => (/[\s"\x80-\uffff]/.test(v) ? `${k}=${hexOf(v)}` : v === '(null)' ? `${k}=(null)` : `${k}="${v}"`);
      const fields = [`pid=${pid}`, enc('comm', comm), enc('exe', `/usr/bin/${comm}`), 'sig=0', `arch=${arch}`, `syscall=${base + (nr % 50)}`, `compat=${compat}`, `ip=0x${(pid * 7919).toString(16)}`, `code=${code}`];
      if (quirk === 1) fields.splice(quirk + pid % 7, 1); // a field missing
      if (quirk === 2) fields.reverse();
      const p = fields.join(' ') + (quirk === 3 ? '\x1dARCH=x86_64 SYSCALL=read AUID="unset"' : '');
      const line = render === 0 ? `Nov 27 22:59:00 n1 audit[${pid}]: SECCOMP auid=4294967295 uid=0 ses=1 subj=x (enforce) ${p}`
        : render === 1 ? `[  51.2] audit: type=1326 audit(1795818969.767:${sn}): ${p}`
          : render === 2 ? `type=SECCOMP msg=audit(1795818969.767:${sn}): ${p}`
            : `type=PROCTITLE msg=audit(1795818969.767:${sn}): proctitle=${hexOf(comm)}`;
      return line + (cr === 0 ? '\r\n' : '\n');
    });

  it('20 000 distinct records (the memo pauses; observations neither kept nor handed out: one reused object) give the general result', () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const comm = i % 3 === 0 ? `comm=${hexOf(`w ${i % 50}`)}` : `comm="w${i % 70}"`;
      lines.push(`type=SECCOMP msg=audit(1795818969.767:${i}): pid=${i % 997} ${comm} exe="/w${i % 13}" sig=0 arch=${i % 5 === 0 ? '40000003' : 'c000003e'} syscall=${(i * 7) % 330} compat=${i % 5 === 0 ? 1 : 0} ip=0x${i.toString(16)} code=${i % 11 === 0 ? '0x50001' : '0x7ffc0000'}`);
    }
    const text = lines.join('\n') + '\n';
    const file = join(TMP, 'distinct.log');
    writeFileSync(file, text);
    for (const extra of [{}, { filter: { comm: ['w1', 'w 2'] } }, { filter: { pid: [5, 6] } }, { keepObservations: 5 }]) {
      const o = { nativeArch: 'x86_64' as const, format: 'audit' as const, twoThreads: false as const, ...extra };
      const ing = new Ingester(o);
      ing.pushFileSync(file);
      expect(fullResult(ing.result())).toEqual(fullResult(ingestText(text, { ...o, file })));
    }
  });

  it('property: random realistic logs, alone and repeated past a 4 MiB read buffer', () => {
    let n = 0;
    fc.assert(fc.property(fc.array(record, { minLength: 1, maxLength: 60 }), fc.boolean(), (lines, big) => {
      let text = lines.join('');
      if (big) while (text.length < (4 << 20) + 1000) text += lines.join('');
      const file = join(TMP, `r-${n++}.log`);
      writeFileSync(file, text);
      const o = { nativeArch: 'x86_64' as const, format: 'audit' as const, twoThreads: false as const };
      const ing = new Ingester(o);
      ing.pushFileSync(file);
      expect(fullResult(ing.result())).toEqual(fullResult(ingestText(text, { ...o, file })));
      rmSync(file);
    }), { numRuns: 40 });
  });
});
