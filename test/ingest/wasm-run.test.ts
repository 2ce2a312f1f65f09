// The WebAssembly record loop (native/ingest-wasm/ingest.c `run`, src/ingest/wasm-agg.ts): it settles most records
// of a realistic log in the module, and pushFileSync (with it) gives exactly ingestText's result (the general path,
// every line decoded) — with filters, past the 4096-process cap, across serial gaps and jumps back, over several
// files (one session per file), with two threads. The module's bytes (src/ingest/ingest-wasm.generated.ts) are what
// build.sh makes from ingest.c when clang and wasm-ld are present.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Ingester, ingestFiles, ingestText, type IngestOptions } from '../../src/ingest/index.js';
import { INGEST_WASM_BASE64 } from '../../src/ingest/ingest-wasm.generated.js';
import { ST_END, ST_FLUSH, WasmAgg } from '../../src/ingest/wasm-agg.js';
import { fullResult } from './full-result.js';

const TMP = mkdtempSync(join(tmpdir(), 'seccompctl-wasmrun-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
const ROOT = join(import.meta.dirname, '..', '..');
const hexOf = (s: string) => Buffer.from(s).toString('hex').toUpperCase();

/** A deterministic log: `n` seccomp records of `procs` processes in journald, dmesg and auditd renderings. */
function log(n: number, procs: number, opts: { gapEvery?: number | undefined; seed?: number } = {}): string {
  let x = opts.seed ?? 12345;
  const rnd = (k: number) => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return (x >>> 8) % k;
  };
  const comms = ['nginx', 'redis', 'my worker', 'runc:[2:INIT]', 'caf\u00e9'];
  const arches = [['c000003e', 0, 0], ['40000003', 1, 0], ['c000003e', 0, 0x40000000], ['c00000b7', 0, 0]] as const;
  const lines: string[] = [];
  let serial = 1000;
  for (let i = 0; i < n; i++) {
    const p = rnd(procs);
    const comm = comms[p % comms.length]!;
    const [arch, compat, base] = arches[p % arches.length]!;
    const enc = (k: string, v: string) => (/[\s"\x80-\uffff]/.test(v) ? `${k}=${hexOf(v)}` : `${k}="${v}"`);
    const nr = base + [0, 1, 2, 3, 59, 60, 202, 232, 257, 281][rnd(10)]! + (rnd(8) === 0 ? rnd(300) : 0);
    const code = ['0x7ffc0000', '0x7ffc0000', '0x50001', '0x80000000'][rnd(4)];
    const payload = `auid=4294967295 uid=0 ses=1 pid=${10000 + p} ${enc('comm', comm)} ${enc('exe', `/usr/bin/${comm}`)} sig=0 arch=${arch} syscall=${nr} compat=${compat} ip=0x${rnd(99999).toString(16)} code=${code}`;
    serial += opts.gapEvery && i % opts.gapEvery === opts.gapEvery - 1 ? 5 : 1;
    const r = (i >> 6) % 3;
    lines.push(r === 0 ? `Nov 27 22:59:00 n1 audit[${10000 + p}]: SECCOMP ${payload}`
      : r === 1 ? `[  51.2] audit: type=1326 audit(1795818969.767:${serial}): ${payload}`
        : `type=SECCOMP msg=audit(1795818969.767:${serial}): ${payload}`);
    if (rnd(3) === 0) {
      serial++;
      lines.push(r === 2 ? `type=PROCTITLE msg=audit(1795818969.767:${serial}): proctitle=2F62696E`
        : `[  51.3] audit: type=1300 audit(1795818969.767:${serial}): arch=c000003e syscall=59 success=yes pid=${10000 + p}`);
    }
    if (rnd(5) === 0) lines.push('Nov 27 22:59:00 n1 kubelet[812]: I1127 "SyncLoop (probe)" probe="readiness"');
  }
  return lines.join('\n') + '\n';
}

function same(text: string, name: string, extra: IngestOptions = {}): void {
  const file = join(TMP, name);
  writeFileSync(file, text);
  const o: IngestOptions = { nativeArch: 'x86_64', format: 'audit', twoThreads: false, ...extra };
  const ing = new Ingester(o);
  ing.pushFileSync(file);
  expect(fullResult(ing.result())).toEqual(fullResult(ingestText(text, { ...o, file })));
}

describe('the WebAssembly record loop', () => {
  it('settles most records of a realistic log in the module (few lines go to the JS path) and gives the general result', () => {
    const stops = { end: 0, flush: 0, js: 0 };
    const orig = WasmAgg.prototype.run;
    WasmAgg.prototype.run = function (this: WasmAgg, ...a: Parameters<WasmAgg['run']>) {
      const r = orig.apply(this, a);
      if (this.status === ST_END) stops.end++;
      else if (this.status === ST_FLUSH) stops.flush++;
      else stops.js++;
      return r;
    };
    try {
      same(log(40_000, 60), 'settles.log');
    } finally {
      WasmAgg.prototype.run = orig;
    }
    // registrations: 60 processes, ~1200 (arch, syscall) pairs × up to 3 actions, 3 renderings; and other-record
    // lines with a marker triple (`326` in a pid): without the module, each of the 40 000 records is a JS call
    expect(stops.js).toBeGreaterThan(0);
    expect(stops.js).toBeLessThan(40_000 / 6);
  });

  it('filters (comm, exe, pid), the 4096-process cap, serial gaps: the general result', () => {
    const text = log(30_000, 5000, { gapEvery: 997 });
    same(text, 'cap.log');
    same(text, 'cap-comm.log', { filter: { comm: ['nginx', 'my worker'] } });
    same(text, 'cap-exe.log', { filter: { exe: ['redis'] } });
    same(text, 'cap-pid.log', { filter: { pid: [10001, 10002, 14000] } });
  });

  it('several files (one session each; processes of the first seen again in the second) and two threads', async () => {
    const a = join(TMP, 'a.log');
    const b = join(TMP, 'b.log');
    const ta = log(20_000, 300, { seed: 1 });
    const tb = log(20_000, 300, { seed: 2 });
    writeFileSync(a, ta);
    writeFileSync(b, tb);
    const o = { nativeArch: 'x86_64' as const, twoThreads: false as const };
    const both = await ingestFiles([a, b], o);
    const ing = new Ingester(o);
    for (const [f, t] of [[a, ta], [b, tb]] as const) {
      ing.beginFile(f);
      ing.pushChunk(Buffer.from(t)); // the JS path (not the read buffer of a scanner)
      ing.endFile();
    }
    expect(fullResult(both)).toEqual(fullResult(ing.result()));
    const two = new Ingester({ nativeArch: 'x86_64', twoThreads: { minBytes: 1 } });
    two.pushFileSync(a);
    expect(two.twoThreadSplit).toBeDefined();
    expect(fullResult(two.result())).toEqual(fullResult(ingestText(ta, { nativeArch: 'x86_64', file: a })));
  });

  it('other lines with a marker (loss messages, DAEMON_ records, SECCOMP/1326 in another shape) or only a marker triple: the general result', () => {
    const rec = (sn: number) => `type=SECCOMP msg=audit(1795818969.767:${sn}): pid=7 comm="a" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000`;
    const others = [
      '[  51.3] audit: backlog limit exceeded', '[  51.3] audit: audit_backlog=9000 > audit_backlog_limit=8192',
      '[  51.3] kauditd_printk_skb: 5 callbacks suppressed audit', '[  51.3] audit: audit_lost=5 audit_rate_limit=0 audit_backlog_limit=64',
      '[  51.3] audit: rate limit exceeded', '[  51.3] audit: kauditd hold queue overflow',
      'type=DAEMON_START msg=audit(1795818969.767:SN): op=start ver=3.0', 'type=AVC msg=audit(1795818969.767:SN): SECCOMP-ish',
      'type=AVC msg=audit(1795818969.767:SN): x=1326 y', 'type=AVC msg=audit(1795818969.767:SN): pid=3261 klos xcel rfl MONA k_s t_l CCO',
    ];
    for (const [i, o] of others.entries()) {
      const lines: string[] = [];
      let sn = 100;
      for (let k = 0; k < 200; k++) {
        lines.push(rec(++sn));
        if (k % 7 === 3) lines.push(o.replace('SN', String(sn += 3)));
      }
      same(lines.join('\n') + '\n', `marker-${i}.log`);
    }
  });

  it('a marker at any offset of an other line, up to its last byte and in the block of its newline, and in the last line of the file: the general result', () => {
    // (the module finds a line's end, its non-ASCII bytes and its marker triples in one pass of 16-byte blocks)
    const rec = (sn: number) => `type=SECCOMP msg=audit(1795818969.767:${sn}): pid=7 comm="a" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000`;
    for (const marker of ['SECCOMP', 'audit_lost=5', 'DAEMON_', ' 1326']) {
      const lines: string[] = [];
      let sn = 100;
      for (let pad = 0; pad < 40; pad++) {
        lines.push(rec(++sn), rec(++sn));
        lines.push(`type=AVC msg=audit(1795818969.767:${sn += 5}): x=${'y'.repeat(pad)}${marker}`);
        lines.push(rec(++sn));
        lines.push(`type=AVC msg=audit(1795818969.767:${sn += 5}): ${marker}${'z'.repeat(pad)}`);
      }
      const text = lines.join('\n') + '\n';
      same(text, 'marker-offsets.log');
      for (let pad = 0; pad < 20; pad++) same(text + `type=AVC msg=audit(1795818969.767:${sn + 9}): ${'q'.repeat(pad)}${marker}\n`, 'marker-last.log');
    }
  });

  it('auditd PROCTITLE lines (settled without a marker search when the value is hex): markers, odd values and stamps, every length: the general result', () => {
    const rec = (sn: number) => `type=SECCOMP msg=audit(1795818969.767:${sn}): pid=7 comm="a" exe="/a" sig=0 arch=c000003e syscall=0 compat=0 ip=0x1 code=0x7ffc0000`;
    const pt = (stamp: string, value: string) => `type=PROCTITLE msg=audit(${stamp}): proctitle=${value}`;
    const variants = [
      (sn: number) => pt(`1795818969.767:${sn}`, '2F62696E2F7368'), // plain hex
      (sn: number) => pt(`1795818969.767:${sn}`, '31333236A1326F'), // 1326 in the hex value (a marker the module's search would stop at)
      (sn: number) => pt(`1326.767:${sn}1326`, '2F62'), // 1326 in the stamp
      (sn: number) => pt(`1795818969.767:${sn}`, '2f62696e'), // lowercase: not hex for this path
      (sn: number) => pt(`1795818969.767:${sn}`, '"SECCOMP"'), // a quoted value with a marker (the general path counts it malformed)
      (sn: number) => pt(`1795818969.767:${sn}`, '"audit_lost=7"'), // a loss-message marker in a quoted value
      (sn: number) => pt(`1795818969.767:${sn}`, '2F62\r'), // CR before the newline
      (sn: number) => pt(`1795818969.767:${sn}`, '2F62\u00e9'), // a non-ASCII byte
      (sn: number) => pt(`1795818969.767:${sn}`, ''), // an empty value
      (sn: number) => pt(`1795818969.767:x${sn}`, '2F62'), // an odd serial
      (sn: number) => pt(`SECCOMP:${sn}`, '2F62'), // a marker in the stamp
      (sn: number) => `node=n1 ${pt(`1795818969.767:${sn}`, '2F62')}`, // auditd with node names
      (sn: number) => pt(`1795818969.767:${sn + 50}`, '2F62'), // a serial jump (then a gap for the next record)
    ];
    for (const [i, v] of variants.entries()) {
      for (let pad = 0; pad < 34; pad += 3) { // values of every length around the 16-byte steps
        const lines: string[] = [];
        let sn = 100;
        for (let k = 0; k < 60; k++) {
          lines.push(rec(++sn));
          if (k % 5 === 2) lines.push(v(++sn).replace('proctitle=2F62', `proctitle=2F62${'41'.repeat(pad)}`));
        }
        const text = lines.join('\n') + '\n';
        same(text, `proctitle-${i}.log`);
        if (pad === 0) same(text + v(sn + 1), `proctitle-last-${i}.log`); // the last line, without its newline
      }
    }
  });

  it('property: random logs (processes, gaps, renderings) through the module = the general path', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 200 }), fc.nat(50), fc.nat(1 << 20), (n, procs, gap, seed) => {
      same(log(n, procs, { gapEvery: gap > 1 ? gap : undefined, seed }), 'prop.log');
    }), { numRuns: 40 });
  });
});

describe('the module is built from its source', () => {
  const have = spawnSync('sh', ['-c', 'command -v clang && command -v wasm-ld'], { encoding: 'utf8' }).status === 0;
  const required = process.env.SECCOMPCTL_REQUIRE_SYSTEM === '1';
  it.skipIf(!have && !required)('build.sh makes exactly the bytes in ingest-wasm.generated.ts from ingest.c (clang wasm32 + wasm-ld)', () => {
    const out = join(TMP, 'ingest.wasm');
    execFileSync('sh', [join(ROOT, 'native', 'ingest-wasm', 'build.sh'), out]);
    expect(readFileSync(out).toString('base64')).toBe(INGEST_WASM_BASE64);
  });
});
