// The decoder and the shipped JSON Schema are both made from the format tables (src/profile/format.ts); this checks
// that they read the tables the same way: on documents generated from the tables, right and wrong at every field
// (test/profile/format-arbitraries.ts), ajv with schema/seccomp-profile.schema.json accepts a document exactly when
// the decoder reports none of the diagnostics that say "not this format". The few places where they differ on
// purpose are pinned below, each with its reason.
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { judgeProfile, safeParseProfile } from '../../src/profile/index.js';
import { documentOf, toJson, type Doc } from './format-arbitraries.js';

const schema = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync('schema/seccomp-profile.schema.json', 'utf8')) as object);
/** What the decoder says when a document is not of the format: the schema's kinds of error. */
const NOT_THE_FORMAT = new Set(['INVALID_TYPE', 'INVALID_VALUE', 'MISSING_FIELD', 'UNKNOWN_KEY', 'SPO_NO_DEFAULT_ERRNO']);

function verdicts(doc: Doc): { text: string; decoder: boolean; ajv: boolean; codes: string[] } {
  const text = toJson(doc);
  const r = safeParseProfile(text, { file: 'gen.json' });
  const codes = r.diagnostics.filter((d) => NOT_THE_FORMAT.has(d.code)).map((d) => `${d.code} ${d.path ?? ''}`);
  return { text, decoder: codes.length === 0, ajv: schema(JSON.parse(text)), codes };
}

describe('the decoder and the generated schema accept the same documents', () => {
  for (const dialect of ['oci', 'docker', 'spo'] as const) {
    for (const faultEvery of [15, 60]) {
      it(`${dialect}, one field in ${faultEvery} written wrong`, () => {
        let accepted = 0;
        let rejected = 0;
        fc.assert(fc.property(documentOf(dialect, { faultEvery }), (doc) => {
          const v = verdicts(doc);
          expect({ ajv: v.ajv, errors: v.ajv ? [] : schema.errors, decoder: v.codes, text: v.text }).toMatchObject({ ajv: v.decoder });
          if (v.decoder) accepted++;
          else rejected++;
        }), { numRuns: 400 });
        // Both outcomes are exercised, or the agreement would say little.
        expect(accepted, 'documents both accept').toBeGreaterThan(10);
        expect(rejected, 'documents both reject').toBeGreaterThan(10);
      });
    }
  }

  it('every field of the tables is seen wrong in a rejected document', () => {
    // Paths with the indices taken out: which fields the decoder found wrong over many documents.
    const seen = new Set<string>();
    fc.assert(fc.property(fc.oneof(documentOf('oci', { faultEvery: 3 }), documentOf('docker', { faultEvery: 3 }), documentOf('spo', { faultEvery: 3 })), (doc) => {
      for (const c of verdicts(doc).codes) seen.add(c.replace(/\[\d+\]/g, '[]').replace(/^(\w+) spec\./, '$1 '));
    }), { numRuns: 2000 });
    for (const f of ['defaultAction', 'defaultErrnoRet', 'defaultErrno', 'architectures', 'flags', 'listenerPath', 'listenerMetadata', 'archMap', 'archMap[].architecture', 'archMap[].subArchitectures',
      'syscalls', 'syscalls[].names', 'syscalls[].name', 'syscalls[].action', 'syscalls[].errnoRet', 'syscalls[].errno', 'syscalls[].comment', 'syscalls[].args',
      'syscalls[].args[].index', 'syscalls[].args[].value', 'syscalls[].args[].valueTwo', 'syscalls[].args[].op', 'syscalls[].includes', 'syscalls[].includes.caps',
      'syscalls[].includes.minKernel', 'baseProfileName', 'state', 'disabled', 'apiVersion', 'kind', 'metadata', 'metadata.name', 'metadata.namespace', 'metadata.labels', 'metadata.annotations', 'spec']) {
      expect([...seen].some((s) => s.endsWith(` ${f}`)), f).toBe(true);
    }
  });
});

describe('where they differ, on purpose', () => {
  const profile = (errno: string): string => `{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":${errno}}`;
  it("number forms: a uint is what Go's strconv.ParseUint takes; a validator on doubles cannot see the difference", () => {
    // Go: "cannot unmarshal number 1.0 into Go struct field … of type uint32"; JSON Schema's "integer" is 1.0 too.
    for (const n of ['1.0', '1e2', '-0']) {
      expect(verdicts(JSON.parse(profile('0')) as Doc).decoder).toBe(true);
      const r = safeParseProfile(profile(n));
      expect(r.diagnostics.map((d) => d.code), n).toEqual(['INVALID_VALUE']);
      expect(schema(JSON.parse(profile(n))), n).toBe(true);
    }
    // 2^64 is one past uint64; as a double it equals 2^64-1, so ajv (on JSON.parse) takes it.
    const big = '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551616,"op":"SCMP_CMP_EQ"}]}]}';
    expect(safeParseProfile(big).diagnostics.map((d) => d.code)).toEqual(['INVALID_VALUE']);
    expect(schema(JSON.parse(big))).toBe(true);
  });

  it('enum strings, empty names and argument index > 5: the schema refuses them, the decoder keeps them and validate reports them', () => {
    const cases: [string, string][] = [
      ['{"defaultAction":"SCMP_ACT_DENY","flags":[]}', 'UNKNOWN_ACTION'],
      ['{"defaultAction":"SCMP_ACT_ERRNO","flags":["SECCOMP_FILTER_FLAG_NOPE"]}', 'UNKNOWN_FLAG'],
      ['{"defaultAction":"SCMP_ACT_ERRNO","flags":[],"architectures":["x86_64"]}', 'UNKNOWN_ARCH'],
      ['{"defaultAction":"SCMP_ACT_ERRNO","flags":[],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"EQ"}]}]}', 'UNKNOWN_OPERATOR'],
      ['{"defaultAction":"SCMP_ACT_ERRNO","flags":[],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}', 'ARG_INDEX_OUT_OF_RANGE'],
      ['{"defaultAction":"SCMP_ACT_ERRNO","flags":[],"syscalls":[{"names":[],"action":"SCMP_ACT_ALLOW"}]}', 'EMPTY_NAMES'],
      ['{"defaultAction":"SCMP_ACT_ERRNO","flags":[],"syscalls":[{"names":[""],"action":"SCMP_ACT_ALLOW"}]}', 'EMPTY_SYSCALL_NAME'],
    ];
    for (const [text, code] of cases) {
      expect(verdicts(JSON.parse(text) as Doc), code).toMatchObject({ decoder: true, ajv: false });
      expect(judgeProfile(text, { file: 'x.json' }).diagnostics.map((d) => d.code), code).toContain(code);
    }
  });

  it('the SPO state: the schema knows Enabled / Disabled, the decoder passes any string through (the API server judges it)', () => {
    const cr = (state: string): Doc => ({ apiVersion: 'security-profiles-operator.x-k8s.io/v1', kind: 'SeccompProfile', metadata: { name: 'p' }, spec: { defaultAction: 'SCMP_ACT_ERRNO', state } });
    expect(verdicts(cr('Enabled'))).toMatchObject({ decoder: true, ajv: true });
    expect(verdicts(cr('On'))).toMatchObject({ decoder: true, ajv: false });
  });
});
