// `record --args` with the eBPF backend: the probe's distinct argument tuples (runtime/probe-args.ts) → an
// ArgRecording for generate's argument rules.
import type { Observation } from '../ingest/index.js';
import { ArgCollector, type ArgRecording } from '../generate/index.js';
import type { ProbeResult } from '../runtime/index.js';
import { argSpec, syscallName, type ArchId } from '../syscalls/index.js';

/**
 * Folds the probe's argument samples into an ArgRecording. Calls of curated syscalls the probe did not capture
 * (compat and x32 ABIs: only the native one is captured) make that syscall name-only; a full kernel map makes every
 * curated syscall name-only (the probe counted refused tuples: values may be missing).
 */
export function ebpfArgs(obs: readonly Observation[], r: ProbeResult, host: ArchId): ArgRecording {
  const c = new ArgCollector();
  const samples = r.args ?? [];
  // The map refused tuples (the probe counted them): any curated syscall may have values the samples lack.
  const full = r.mapLoss?.find((m) => m.map === 'args');
  const why = full ? `the probe's argument map filled up (${full.mapKeys} keys, ${full.failed} tuple(s) refused)` : '';
  for (const s of samples) {
    const name = syscallName(host, s.nr);
    if (name === undefined) continue;
    if (full) {
      c.addUnreadable(host, name, why);
      continue;
    }
    if (name === 'clone3') c.addClone3(host, s.values[0], 'clone3');
    else c.addValues(host, name, s.values);
  }
  for (const o of obs) {
    if (o.name === undefined) continue;
    if (o.arch === host) {
      // A full map: even a native call whose every tuple was refused is name-only, said as such.
      if (full && o.name === 'clone3') c.addClone3(host, undefined, why);
      else if (full && argSpec(o.name, host)) c.addUnreadable(host, o.name, why);
      continue;
    }
    if (o.name === 'clone3') c.addClone3(o.arch, undefined, `clone3 from a ${o.arch} process (only ${host} calls are captured)`);
    else if (argSpec(o.name, o.arch)) c.addUnreadable(o.arch, o.name, `${o.name} from a ${o.arch} process (only ${host} calls are captured)`);
  }
  return c.result();
}
