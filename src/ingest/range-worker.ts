// The worker thread of a two-thread parse (Ingester.pushFileSync): parses a file from a line start to its end with
// the same parser code and posts the part's aggregate; the first thread merges it (AuditParser.absorb).
import { workerData, type MessagePort } from 'node:worker_threads';
import { Ingester } from './ingester.js';
import { TailCrash, TailProgress, type TailFault, type TailMessage } from './twothreads.js';
import type { IngestOptions } from './types.js';

const { path, start, state, port, opts, fault } = workerData as {
  path: string; start: number; state: Int32Array; port: MessagePort; opts: IngestOptions; fault: TailFault | undefined;
};
Atomics.store(state, 0, 1);
Atomics.notify(state, 0);
let message: TailMessage;
try {
  message = new Ingester(opts).parseTail(path, start, new TailProgress(state, fault));
} catch (e) {
  if (e instanceof TailCrash) throw e; // uncaught: the thread ends here, as in a real crash
  message = { error: e instanceof Error ? e.message : String(e) };
}
port.postMessage(message);
port.close();
Atomics.store(state, 0, 2);
Atomics.notify(state, 0);
