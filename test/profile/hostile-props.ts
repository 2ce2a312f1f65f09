// The hostile-input properties of test/profile/parse.test.ts, run by that test in a worker with a deadline
// (test/helpers/watchdog.ts) so that a parser hang fails instead of blocking the run. Checks with node:assert
// (vitest's expect needs its runner); each property returns how many inputs parsed and how many were refused.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { safeParseProfile } from '../../src/profile/index.js';

/** Raw control bytes that must never reach a terminal (tab is fine). */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/;

interface Tally { parsed: number; refused: number }

/**
 * What a user sees for any input: never a crash (safeParseProfile's last-resort INTERNAL_PARSE_ERROR), either a
 * profile with no errors or at least one error; every message is one line without raw control bytes, and every
 * position lies inside the input.
 */
function check(text: string, t: Tally): boolean {
  const r = safeParseProfile(text);
  assert.deepEqual(r.diagnostics.filter((d) => d.code === 'INTERNAL_PARSE_ERROR'), []);
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (r.ok) {
    assert.equal(errors.length, 0, 'a parsed profile carries no errors');
    assert.equal(typeof r.profile.defaultAction, 'string', 'a parsed profile has its defaultAction');
    t.parsed++;
  } else {
    assert.ok(errors.length > 0, 'a refusal says why');
    t.refused++;
  }
  const lines = text.split(/\r\n|\n|\r/).length;
  for (const d of r.diagnostics) {
    assert.ok(!CONTROL.test(d.message), `no raw control bytes or line breaks in ${JSON.stringify(d.message)}`);
    if (d.line !== undefined) assert.ok(d.line >= 1 && d.line <= lines, `line ${d.line} inside the ${lines}-line input`);
    if (d.col !== undefined) assert.ok(d.col >= 1, `col ${d.col}`);
  }
  return r.ok;
}

export function randomStrings(): Tally {
  const t = { parsed: 0, refused: 0 };
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { check(s, t); }), { numRuns: 400 });
  return t;
}

export function randomBytesAndFragments(): Tally {
  const t = { parsed: 0, refused: 0 };
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => { check(Buffer.from(b).toString('utf8'), t); }), { numRuns: 300 });
  const frag = fc.constantFrom('{', '}', '[', ']', ':', ',', '"defaultAction"', '"SCMP_ACT_ALLOW"', '"syscalls"', '"names"', '"args"', '-1', '1e400', '18446744073709551616', 'null', 'true', ' ', '\n', '- ', '  ', '&a', '*a', '!!binary', '---');
  fc.assert(fc.property(fc.array(frag, { maxLength: 60 }), (xs) => { check(xs.join(''), t); }), { numRuns: 500 });
  return t;
}

/** containers-common's profile cut anywhere parses only when nothing but whitespace was cut; byte flips never crash. */
export function truncatedAndFlipped(): Tally {
  const t = { parsed: 0, refused: 0 };
  const real = readFileSync('test/fixtures/profile/containers-common/seccomp.json', 'utf8');
  fc.assert(fc.property(fc.nat(real.length), fc.nat(real.length), fc.integer({ min: 0, max: 255 }), (cut, at, byte) => {
    assert.equal(check(real.slice(0, cut), t), cut === real.length || /^\s*$/.test(real.slice(cut)), `cut at ${cut}`);
    check(real.slice(0, at) + String.fromCharCode(byte) + real.slice(at + 1), t);
  }), { numRuns: 300 });
  return t;
}

export function randomJson(): Tally {
  const t = { parsed: 0, refused: 0 };
  fc.assert(fc.property(fc.json(), (s) => { check(s, t); }), { numRuns: 300 });
  return t;
}
