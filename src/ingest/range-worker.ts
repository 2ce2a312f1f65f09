// The worker thread of a two-thread parse (Ingester.pushFileSync): parses a file from a line start to its end with
// the same parser code and posts the part's aggregate; the first thread merges it (AuditParser.absorb).
import { workerData, type MessagePort } from 'node:worker_threads';
import { Ingester, type TailMessage } from './ingester.js';
import type { IngestOptions } from './types.js';

const { path, start, state, port, opts } = workerData as { path: string; start: number; state: Int32Array; port: MessagePort; opts: IngestOptions };
Atomics.store(state, 0, 1);
Atomics.notify(state, 0);
let message: TailMessage;
try {
  message = new Ingester(opts).parseTail(path, start);
} catch (e) {
  message = { error: e instanceof Error ? e.message : String(e) };
}
port.postMessage(message);
port.close();
Atomics.store(state, 0, 2);
Atomics.notify(state, 0);
