// A watchdog for hostile-input tests: parsers run synchronously, so a hang would block the test's own thread and
// vitest's timeout could never fire. `inWorker` runs one exported function of a test module in a worker thread with
// a heap limit and a deadline; a hang (past the deadline) or a heap blow-up ends the worker and fails the test with
// a message naming the function. The deadline is generous (a loaded 2-core machine): it turns a hang into a failure
// and is never a speed assertion. The function may return a structured-cloneable value (e.g. counts) for the test
// to check; it reports failures by throwing (node:assert inside the worker: vitest's `expect` needs its runner).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface WorkerBudget {
  /** Wall-clock deadline for the whole function; generous, only there to make a hang fail. */
  deadlineMs: number;
  /** Heap limit of the worker (default 512 MiB). */
  heapMb?: number;
}

/** Runs `exportName` from the TypeScript module `file` in a worker with a deadline and a heap limit. */
export function inWorker<T = unknown>(file: URL, exportName: string, budget: WorkerBudget): Promise<T> {
  const tsx = createRequire(import.meta.url).resolve('tsx/cjs/api');
  const path = fileURLToPath(file);
  const code = `
    const { parentPort } = require('node:worker_threads');
    require(${JSON.stringify(tsx)}).register();
    Promise.resolve()
      .then(() => require(${JSON.stringify(path)})[${JSON.stringify(exportName)}]())
      .then((value) => parentPort.postMessage({ value }), (e) => parentPort.postMessage({ error: String((e && e.stack) || e) }));
  `;
  const w = new Worker(code, { eval: true, resourceLimits: { maxOldGenerationSizeMb: budget.heapMb ?? 512 } });
  const what = `${exportName} (${path.slice(path.lastIndexOf('/test/') + 1)})`;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      void w.terminate();
      reject(new Error(`${what} ran past its ${budget.deadlineMs} ms deadline: a hang on hostile input`));
    }, budget.deadlineMs);
    const done = (f: () => void) => { clearTimeout(timer); void w.terminate(); f(); };
    w.on('message', (m: { value?: T; error?: string }) => {
      done(() => (m.error !== undefined ? reject(new Error(`${what} failed in its worker:\n${m.error}`)) : resolve(m.value as T)));
    });
    w.on('error', (e) => done(() => reject(new Error(`${what}: the worker died (heap limit ${budget.heapMb ?? 512} MiB?): ${e.message}`))));
    w.on('exit', (c) => done(() => reject(new Error(`${what}: the worker exited (code ${c}) without an answer`))));
  });
}
