// One description of the profile format (src/profile/format.ts): the shipped JSON Schema is generated from it, the
// decoder's known keys come from it, and the JSON parser decodes like Go's encoding/json (what containerd, CRI-O
// and runc read profiles with).
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { profileJsonSchemaText } from '../../src/profile/format-schema.js';
import { ARG_FIELDS, FILTER_FIELDS, keysIn, PROFILE_FIELDS, RULE_FIELDS } from '../../src/profile/format.js';
import { safeParseProfile } from '../../src/profile/index.js';
import { parseJson, type TNode } from '../../src/profile/tree.js';

describe('the format table', () => {
  it('is what schema/seccomp-profile.schema.json says (regenerate with `npm run gen:schema`)', () => {
    expect(readFileSync('schema/seccomp-profile.schema.json', 'utf8')).toBe(profileJsonSchemaText());
  });

  const schema = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(profileJsonSchemaText()) as object);
  const values: Record<string, string> = {
    defaultAction: '"SCMP_ACT_ERRNO"', defaultErrnoRet: '1', defaultErrno: '"EPERM"', architectures: '["SCMP_ARCH_X86_64"]',
    archMap: '[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}]', flags: '[]', listenerPath: '"/run/l.sock"',
    listenerMetadata: '"m"', syscalls: '[]', baseProfileName: '"base"', state: '"Enabled"', disabled: 'false',
  };

  for (const dialect of ['oci', 'docker'] as const) {
    it(`${dialect}: every key the table gives the dialect decodes without an unknown-key warning, and the schema accepts it`, () => {
      for (const key of keysIn(PROFILE_FIELDS, dialect)) {
        // A Docker-only key makes the file Docker; an OCI file with it would be detected as Docker, as intended.
        const text = key === 'defaultAction' ? '{"defaultAction":"SCMP_ACT_ERRNO"}' : `{"defaultAction":"SCMP_ACT_ERRNO","${key}":${values[key]}}`;
        const r = safeParseProfile(text, { dialect });
        expect(r.ok, `${dialect} ${key}`).toBe(true);
        expect(r.diagnostics.filter((d) => d.code === 'UNKNOWN_KEY'), `${dialect} ${key}`).toEqual([]);
        expect(schema(JSON.parse(text)), `${dialect} ${key}`).toBe(true);
      }
    });
  }

  it('oci: a key the table gives only to Docker or SPO is unknown to the OCI decoder', () => {
    const others = PROFILE_FIELDS.filter((f) => !(f.dialects as readonly string[]).includes('oci')).map((f) => f.key);
    expect(others.sort()).toEqual(['archMap', 'baseProfileName', 'defaultErrno', 'disabled', 'state']);
    for (const key of others) {
      const r = safeParseProfile(`{"defaultAction":"SCMP_ACT_ERRNO","${key}":${values[key]}}`, { dialect: 'oci' });
      expect(r.diagnostics.map((d) => d.code), key).toContain('UNKNOWN_KEY');
    }
  });

  it('rules, arguments and filters: the decoder knows exactly the table keys', () => {
    const rule = (extra: string): string => `{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"${extra}}]}`;
    const ruleValues: Record<string, string> = { name: '"read"', errnoRet: '1', errno: '"EPERM"', args: '[]', comment: '"c"', includes: '{}', excludes: '{}' };
    for (const key of keysIn(RULE_FIELDS, 'docker').filter((k) => k !== 'names' && k !== 'action')) {
      const r = safeParseProfile(rule(`,"${key}":${ruleValues[key]}`), { dialect: 'docker' });
      expect(r.diagnostics.filter((d) => d.code === 'UNKNOWN_KEY'), key).toEqual([]);
    }
    const argKeys = keysIn(ARG_FIELDS, 'oci');
    expect(argKeys).toEqual(['index', 'value', 'valueTwo', 'op']);
    const r = safeParseProfile(rule(',"args":[{"index":0,"value":1,"valueTwo":1,"op":"SCMP_CMP_MASKED_EQ","valueThree":2}]'));
    expect(r.diagnostics.filter((d) => d.code === 'UNKNOWN_KEY').map((d) => d.path)).toEqual(['syscalls[0].args[0].valueThree']);
    const f = safeParseProfile(rule(`,"includes":{${keysIn(FILTER_FIELDS, 'docker').map((k) => `"${k}":${k === 'minKernel' ? '"4.8"' : '[]'}`).join(',')},"maxKernel":"6.1"}`), { dialect: 'docker' });
    expect(f.diagnostics.filter((d) => d.code === 'UNKNOWN_KEY').map((d) => d.path)).toEqual(['syscalls[0].includes.maxKernel']);
  });
});

// Each input with what Go's encoding/json does with it (golang/go src/encoding/json/scanner.go and decode.go), so a
// profile seccompctl accepts is one containerd / CRI-O / runc accept, and the other way round.
//  accept: Go decodes it (value: what the string decodes to, when that is the point); reject: Go returns an error.
const GO_TABLE: { name: string; text: string; go: 'accept' | 'reject'; why: string; value?: string }[] = [
  { name: 'UTF-8 byte order mark', text: '\ufeff{"defaultAction":"SCMP_ACT_ERRNO"}', go: 'reject', why: "stateBeginValue: byte 0xEF is not a value start (\"invalid character 'ï' looking for beginning of value\")" },
  { name: 'trailing comma in an array', text: '{"a":[1,]}', go: 'reject', why: "after ',' stateBeginValue does not accept ']'" },
  { name: 'trailing comma in an object', text: '{"a":1,}', go: 'reject', why: 'stateBeginString: "looking for beginning of object key string"' },
  { name: '// comment', text: '{"a":1 // c\n}', go: 'reject', why: 'stateEndValue: "after object key:value pair"' },
  { name: '/* comment */', text: '/* c */{"a":1}', go: 'reject', why: 'stateBeginValue: "looking for beginning of value"' },
  { name: 'single-quoted string', text: "{'a':1}", go: 'reject', why: 'stateBeginString accepts only \'"\'' },
  { name: 'unquoted key', text: '{a:1}', go: 'reject', why: 'stateBeginString accepts only \'"\'' },
  { name: 'leading zero', text: '{"a":01}', go: 'reject', why: "state0: after '0' only '.', 'e', 'E' or the end of the number" },
  { name: 'plus sign', text: '{"a":+1}', go: 'reject', why: "stateBeginValue: '+' does not start a value" },
  { name: 'leading dot', text: '{"a":.5}', go: 'reject', why: "stateBeginValue: '.' does not start a value" },
  { name: 'trailing dot', text: '{"a":1.}', go: 'reject', why: 'stateDot: "after decimal point in numeric literal"' },
  { name: 'empty exponent', text: '{"a":1e}', go: 'reject', why: 'stateESign: "in exponent of numeric literal"' },
  { name: 'NaN', text: '{"a":NaN}', go: 'reject', why: "stateBeginValue: 'N' does not start a value" },
  { name: 'Infinity', text: '{"a":Infinity}', go: 'reject', why: "stateBeginValue: 'I' does not start a value" },
  { name: 'True (capitalised)', text: '{"a":True}', go: 'reject', why: "stateBeginValue: 'T' does not start a value" },
  { name: 'raw tab inside a string', text: '{"a":"x\ty"}', go: 'reject', why: 'stateInString: bytes below 0x20 "in string literal"' },
  { name: 'raw newline inside a string', text: '{"a":"x\ny"}', go: 'reject', why: 'stateInString: bytes below 0x20 "in string literal"' },
  { name: '\\x escape', text: '{"a":"\\x41"}', go: 'reject', why: 'stateInStringEsc: only b f n r t \\ / " u' },
  { name: 'short \\u escape', text: '{"a":"\\u41"}', go: 'reject', why: 'stateInStringEscU…: four hex digits' },
  { name: 'form feed as whitespace', text: '{\f"a":1}', go: 'reject', why: "isSpace: only ' ', '\\t', '\\r', '\\n'" },
  { name: 'no-break space as whitespace', text: '{\u00a0"a":1}', go: 'reject', why: "isSpace: only ' ', '\\t', '\\r', '\\n'" },
  { name: 'text after the value', text: '{"a":1} x', go: 'reject', why: 'stateEndTop: "after top-level value"' },
  { name: 'two values', text: '{"a":1}{"a":2}', go: 'reject', why: 'stateEndTop: "after top-level value"' },
  { name: 'unterminated object', text: '{"a":1', go: 'reject', why: 'eof: "unexpected end of JSON input"' },
  { name: 'escaped solidus', text: '{"a":"\\/x"}', go: 'accept', why: "stateInStringEsc accepts '/'", value: '/x' },
  { name: '\\u0000 escape', text: '{"a":"\\u0000"}', go: 'accept', why: 'any four hex digits', value: '\u0000' },
  { name: 'surrogate pair escape', text: '{"a":"\\ud83d\\ude00"}', go: 'accept', why: 'unquote: utf16.DecodeRune joins the pair', value: '\u{1f600}' },
  { name: 'unpaired surrogate escape', text: '{"a":"\\ud800x"}', go: 'accept', why: 'unquote: an invalid surrogate becomes unicode.ReplacementChar', value: '\ufffdx' },
  { name: 'whitespace around', text: ' \t\r\n{"a":1} \n', go: 'accept', why: 'isSpace before and after the top-level value' },
  { name: 'duplicate key', text: '{"a":"1","a":"2"}', go: 'accept', why: 'object(): each key is stored as it comes, so the last one wins', value: '2' },
  { name: 'exponent number', text: '{"a":1E+2}', go: 'accept', why: 'stateE / stateESign / stateE0 (a uint field still rejects it: ParseUint)' },
];

function lastValueOfA(tree: TNode | undefined): string | undefined {
  if (tree?.kind !== 'object') return undefined;
  const e = [...tree.entries].reverse().find((x) => x.key === 'a');
  return e?.value.kind === 'string' ? e.value.value : undefined;
}

describe("the JSON parser decodes like Go's encoding/json", () => {
  for (const c of GO_TABLE) {
    it(`${c.go}s: ${c.name} (${c.why})`, () => {
      const r = parseJson(c.text, 'go.json');
      if (c.go === 'reject') {
        expect(r.tree).toBeUndefined();
        expect(r.diagnostics).toHaveLength(1);
        expect(r.diagnostics[0]).toMatchObject({ code: 'INVALID_JSON', severity: 'error', file: 'go.json' });
      } else {
        expect(r.diagnostics).toEqual([]);
        if (c.value !== undefined) expect(lastValueOfA(r.tree)).toBe(c.value);
      }
    });
  }

  it('a byte order mark is reported at 1:1 with a fix, through the public parser', () => {
    const r = safeParseProfile('\ufeff{"defaultAction":"SCMP_ACT_ERRNO"}', { file: 'bom.json' });
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({ code: 'INVALID_JSON', file: 'bom.json', line: 1, col: 1 });
    expect(r.diagnostics[0]!.message).toContain('byte order mark');
    expect(r.diagnostics[0]!.fix).toContain('without a byte order mark');
  });

  it('uint fields take what strconv.ParseUint takes: no exponent, no sign, no fraction (decode.go literalStore)', () => {
    for (const v of ['1E+2', '-0', '1.0', '4294967296']) {
      const r = safeParseProfile(`{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":${v}}`);
      expect(r.ok, v).toBe(false);
      expect(r.diagnostics[0]).toMatchObject({ code: 'INVALID_VALUE', path: 'defaultErrnoRet' });
    }
  });
});
