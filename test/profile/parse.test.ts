import { describe, expect, it } from 'vitest';
import { inWorker } from '../helpers/watchdog.js';
import { UserError } from '../../src/common/index.js';
import { normalizeProfile, parseProfile, printProfile, safeParseProfile, type Profile } from '../../src/profile/index.js';

const MAX_U64 = 18446744073709551615n;

describe('parse: JSON', () => {
  it('keeps uint64 values exact (a JS number would round 2^64-1 to 2^64)', () => {
    const text = `{"defaultAction":"SCMP_ACT_ERRNO","flags":[],"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW",
      "args":[{"index":0,"value":18446744073709551615,"valueTwo":9007199254740993,"op":"SCMP_CMP_MASKED_EQ"}]}]}`;
    const r = parseProfile(text);
    expect(r.dialect).toBe('oci');
    expect(r.profile.syscalls![0]!.args![0]!.value).toBe(MAX_U64);
    expect(r.profile.syscalls![0]!.args![0]!.valueTwo).toBe(9007199254740993n);
    expect(printProfile(r.profile)).toContain('"value": 18446744073709551615');
    expect(printProfile(r.profile)).toContain('"valueTwo": 9007199254740993');
  });

  it('reports invalid JSON with file, line, column and the offending text', () => {
    const r = safeParseProfile('{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [ , ]\n}', { file: 'bad.json' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'INVALID_JSON', file: 'bad.json', line: 3, col: 17 });
    expect(r.diagnostics[0]!.message).toContain('found ", ]"');
  });

  it('rejects values that are not uint64 with a JSON path', () => {
    for (const v of ['-1', '18446744073709551616', '1.5', '"7"']) {
      const r = safeParseProfile(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":${v},"op":"SCMP_CMP_EQ"}]}]}`);
      expect(r.ok).toBe(false);
      expect(r.diagnostics[0]).toMatchObject({ code: 'INVALID_VALUE', path: 'syscalls[0].args[0].value', line: 1 });
    }
  });

  it('a missing arg index/value is 0, as Go decodes it (SPO writes value 0 with omitempty); a missing op is an error', () => {
    const ok = parseProfile('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"op":"SCMP_CMP_EQ"}]}]}');
    expect(ok.profile.syscalls![0]!.args).toEqual([{ index: 0, value: 0n, op: 'SCMP_CMP_EQ' }]);
    const bad = safeParseProfile('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"index":1,"value":2}]}]}');
    expect(bad.diagnostics.map((d) => [d.code, d.path])).toEqual([['MISSING_FIELD', 'syscalls[0].args[0].op']]);
  });

  it('reports a missing defaultAction and wrong types as errors (exit 2 from parseProfile)', () => {
    const r = safeParseProfile('{"syscalls": {}}');
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code).sort()).toEqual(['INVALID_TYPE', 'MISSING_FIELD']);
    expect(() => parseProfile('{"syscalls": {}}', { file: 'p.json' })).toThrow(UserError);
  });

  it('warns about unknown and duplicate keys (Go silently drops / takes the last)', () => {
    const r = parseProfile('{"defaultAction":"SCMP_ACT_ERRNO","defaultAction":"SCMP_ACT_KILL","flagz":[]}');
    expect(r.profile.defaultAction).toBe('SCMP_ACT_KILL');
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([['DUPLICATE_KEY', 'defaultAction'], ['UNKNOWN_KEY', 'flagz']]);
  });

  it('locates JSON paths in the source', () => {
    const text = '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": [\n    {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW"}\n  ]\n}\n';
    const r = parseProfile(text);
    expect(r.source.locate('syscalls[0].names[1]')).toEqual({ line: 4, col: 24 });
    expect(r.source.locate('defaultAction')).toEqual({ line: 2, col: 20 });
    expect(r.source.locate('syscalls[7]')).toBeUndefined();
  });

  it('rejects absurd nesting with a diagnostic instead of overflowing the stack', () => {
    const r = safeParseProfile('['.repeat(100_000));
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]!.code).toBe('TOO_DEEP');
  });
});

describe('parse: YAML and dialects', () => {
  it('parses a YAML OCI profile with exact integers and positions', () => {
    const text = 'defaultAction: SCMP_ACT_ERRNO\nflags: []\nsyscalls:\n  - names: [read]\n    action: SCMP_ACT_ALLOW\n    args:\n      - {index: 1, value: 18446744073709551615, op: SCMP_CMP_EQ}\n';
    const r = parseProfile(text, { file: 'p.yaml' });
    expect(r.format).toBe('yaml');
    expect(r.profile.syscalls![0]!.args![0]!.value).toBe(MAX_U64);
    expect(r.source.locate('syscalls[0].args[0].value')).toEqual({ line: 7, col: 27 });
  });

  it('reports invalid YAML with line and column', () => {
    const r = safeParseProfile('defaultAction: SCMP_ACT_ERRNO\nsyscalls: [a, b\nflags: []\n', { file: 'b.yaml' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'INVALID_YAML', file: 'b.yaml', line: 3 });
  });

  it('refuses alias bombs and multi-document files with a diagnostic', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    const bomb = safeParseProfile(lines.join('\n') + '\n');
    expect(bomb.ok).toBe(false);
    expect(bomb.diagnostics.map((d) => d.code)).toContain('INVALID_YAML');
    const multi = safeParseProfile('defaultAction: SCMP_ACT_LOG\n---\ndefaultAction: SCMP_ACT_ALLOW\n');
    expect(multi.diagnostics[0]).toMatchObject({ code: 'INVALID_YAML', line: 2, col: 1 });
  });

  it('detects Docker (archMap, name, includes...) and SPO CRs', () => {
    expect(parseProfile('{"defaultAction":"SCMP_ACT_ERRNO","archMap":[]}').dialect).toBe('docker');
    expect(parseProfile('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"read","action":"SCMP_ACT_ALLOW"}]}').dialect).toBe('docker');
    expect(parseProfile('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","comment":"x"}]}').dialect).toBe('docker');
    const spo = parseProfile('apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nmetadata: {name: web}\nspec:\n  defaultAction: SCMP_ACT_LOG\n');
    expect(spo.dialect).toBe('spo');
    expect(spo.spo?.metadata.name).toBe('web');
    expect(spo.profile).toEqual({ defaultAction: 'SCMP_ACT_LOG' });
    expect(spo.source.locate('defaultAction')).toEqual({ line: 5, col: 18 });
  });

  it('expands a Docker profile into OCI (singular name → names)', () => {
    const r = parseProfile('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"name":"read","action":"SCMP_ACT_ALLOW"}]}', { docker: { arch: 'x86_64' } });
    expect(r.profile.syscalls).toEqual([{ names: ['read'], action: 'SCMP_ACT_ALLOW' }]);
    expect(r.raw.syscalls![0]!.name).toBe('read');
  });
});

describe('parse: hostile input never throws (each property in a worker with a deadline, so a hang fails)', () => {
  // The properties and what they check (one-line messages without control bytes, positions inside the input,
  // refusals that say why) are in hostile-props.ts. Each must see both outcomes where both are possible.
  const run = (name: string) => inWorker<{ parsed: number; refused: number }>(new URL('./hostile-props.ts', import.meta.url), name, { deadlineMs: 50_000 });
  it('random strings', async () => {
    expect((await run('randomStrings')).refused).toBeGreaterThan(0);
  });
  it('random bytes decoded as UTF-8, and JSON-ish fragments', async () => {
    expect((await run('randomBytesAndFragments')).refused).toBeGreaterThan(0);
  });
  it('truncated and byte-flipped real profiles', async () => {
    const t = await run('truncatedAndFlipped');
    expect(t.parsed).toBeGreaterThan(0);
    expect(t.refused).toBeGreaterThan(0);
  });
  it('random JSON values', async () => {
    expect((await run('randomJson')).refused).toBeGreaterThan(0);
  });
});

describe('print and normalize', () => {
  const p: Profile = {
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64'],
    syscalls: [
      { names: ['write', 'read'], action: 'SCMP_ACT_ALLOW' },
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      { names: ['read', 'close'], action: 'SCMP_ACT_ALLOW', args: [] },
      { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 2n, op: 'SCMP_CMP_EQ' }, { index: 0, value: 1n, op: 'SCMP_CMP_EQ' }] },
      { names: ['bind'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1n, op: 'SCMP_CMP_EQ' }, { index: 1, value: 2n, op: 'SCMP_CMP_EQ' }] },
    ],
  };
  it('normalizes: names sorted/deduplicated, same-action rules merged, flags [] present, arches sorted', () => {
    expect(normalizeProfile(p)).toEqual({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64'],
      flags: [],
      syscalls: [
        { names: ['close', 'read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
        { names: ['bind', 'socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1n, op: 'SCMP_CMP_EQ' }, { index: 1, value: 2n, op: 'SCMP_CMP_EQ' }] },
      ],
    });
    expect(normalizeProfile(normalizeProfile(p))).toEqual(normalizeProfile(p));
  });
  it('prints canonical JSON: fixed key order, 2-space indent, trailing newline', () => {
    const text = printProfile({ syscalls: [{ args: [{ op: 'SCMP_CMP_EQ', value: 5n, index: 0 }], action: 'SCMP_ACT_ALLOW', names: ['a'] }], defaultAction: 'SCMP_ACT_KILL' } as Profile);
    expect(text).toBe('{\n  "defaultAction": "SCMP_ACT_KILL",\n  "syscalls": [\n    {\n      "names": [\n        "a"\n      ],\n      "action": "SCMP_ACT_ALLOW",\n      "args": [\n        {\n          "index": 0,\n          "value": 5,\n          "op": "SCMP_CMP_EQ"\n        }\n      ]\n    }\n  ]\n}\n');
    expect(JSON.parse(text)).toBeTypeOf('object');
  });
});
