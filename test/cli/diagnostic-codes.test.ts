// The closed set of diagnostic codes. That every code the library emits is in it is the compiler's job
// (Diagnostic.code: DiagnosticCode); here: the list itself is well-formed, and a code outside it does not compile.
import { expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, type Diagnostic } from '../../src/common/index.js';

it('lists each code once, sorted, in SCREAMING_SNAKE', () => {
  expect(new Set(DIAGNOSTIC_CODES).size).toBe(DIAGNOSTIC_CODES.length);
  expect([...DIAGNOSTIC_CODES]).toEqual([...DIAGNOSTIC_CODES].sort());
  for (const c of DIAGNOSTIC_CODES) expect(c).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
});

it('a diagnostic with a code not in the set is a type error', () => {
  // @ts-expect-error 'NOT_A_CODE' is not a DiagnosticCode
  const d: Diagnostic = { code: 'NOT_A_CODE', severity: 'error', message: 'x' };
  expect(d.code).toBe('NOT_A_CODE');
});
