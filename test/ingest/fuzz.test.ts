// Fuzzing the parsers of untrusted input (issue 11 item 8): the audit and strace parsers (through the Ingester, in
// 64 KiB chunks) and the profile parser (JSON and YAML). On hand-made hostile inputs (deep nesting, YAML alias
// bombs, huge numbers, NUL bytes, invalid UTF-8, CRLF, 10 MB single lines, 1 MB inputs) and fast-check's random
// ones: no crash (the only error an ingest may raise is the one-line "not a text file"; the profile parser never
// throws and never reports an internal error), no raw control bytes in messages, bounds kept. Each target runs in a
// worker thread with a 512 MiB heap limit (bounded memory: exceeding it ends the worker and fails the test) and a
// watchdog that fails the test when one input runs past a generous budget (no hang). Times are not asserted.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

/** Per-input budget: generous (a loaded 2-core machine), only there to turn a hang into a failure. */
const BUDGET_MS = 30_000;
const RUNS = Number(process.env.SECCOMPCTL_FUZZ_RUNS ?? 300);

type Msg = { i: number; label: string; bytes: number } | { i: number; ok: true } | { i: number; failure: string; label: string; sample: string } | { done: number };

function fuzz(target: string, seed: number): Promise<{ cases: number; failures: string[] }> {
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const file = fileURLToPath(new URL('./fuzz-worker.ts', import.meta.url));
  const w = new Worker(`require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(file)});`, {
    eval: true, workerData: { target, runs: RUNS, seed }, resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  return new Promise((resolve, reject) => {
    const failures: string[] = [];
    let current: { i: number; label: string; bytes: number } | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        void w.terminate();
        reject(new Error(`${target}: input ${current?.i} (${current?.label}, ${current?.bytes} bytes) ran past ${BUDGET_MS} ms`));
      }, BUDGET_MS);
    };
    arm(); // also bounds the worker's start-up
    w.on('message', (m: Msg) => {
      if ('done' in m) {
        clearTimeout(timer);
        void w.terminate();
        resolve({ cases: m.done, failures });
      } else if ('bytes' in m) {
        current = m;
        arm();
      } else if ('failure' in m) {
        failures.push(`${target} #${m.i} (${m.label}): ${m.failure}; input starts ${m.sample}`);
      }
    });
    w.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`${target}: the worker died on input ${current?.i} (${current?.label}, ${current?.bytes} bytes): ${e.message}`));
    });
  });
}

describe('fuzzing the parsers of untrusted input', () => {
  it.each([
    ['audit', 11], ['strace', 12], ['profile-json', 13], ['profile-yaml', 14],
  ])('%s: no crash, no hang, bounded memory', async (target, seed) => {
    const r = await fuzz(target, seed);
    expect(r.failures).toEqual([]);
    expect(r.cases).toBeGreaterThan(RUNS);
    process.stdout.write(`fuzz ${target}: ${r.cases} cases\n`); // the count for the closing note
  }, 20 * 60_000);
});
