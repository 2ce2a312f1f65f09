// Flattens an IngestResult to plain data, keeping every order (maps and objects as entry lists), so two parse
// paths can be compared with toEqual down to first-seen order.
import type { IngestResult } from '../../src/ingest/index.js';

/** Everything a result holds, in order. */
export function fullResult(r: IngestResult): unknown {
  return {
    formats: r.formats,
    counters: r.counters,
    syscalls: [...r.syscalls].map(([a, m]) => [a, [...m].map(([k, s]) => [k, s.name, s.nr, s.count, Object.entries(s.actions), s.argSamples])]),
    archCompat: [...r.archCompat],
    processes: r.processes.map((p) => [p.pid, p.comm, p.exe, p.records, [...p.syscalls].map(([a, m]) => [a, [...m]])]),
    processesOverflow: r.processesOverflow,
    loss: r.loss,
    lossTotals: Object.entries(r.lossTotals),
    diagnostics: r.diagnostics,
    observations: r.observations,
  };
}
