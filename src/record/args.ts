// `record --args` with the eBPF backend: the probe's distinct argument tuples (runtime/probe-args.ts) → an
// ArgRecording for generate's argument rules.
import type { Observation } from '../ingest/index.js';
import { ArgCollector, type ArgRecording } from '../generate/index.js';
import { ARG_MAP_KEYS, type ProbeResult } from '../runtime/index.js';
import { argSpec, syscallName, type ArchId } from '../syscalls/index.js';

/**
 * Folds the probe's argument samples into an ArgRecording. Calls of curated syscalls the probe did not capture
 * (compat and x32 ABIs: only the native one is captured) make that syscall name-only; a full kernel map makes every
 * curated syscall name-only (values may have been dropped).
 */
export function ebpfArgs(obs: readonly Observation[], r: ProbeResult, host: ArchId): ArgRecording {
  const c = new ArgCollector();
  const samples = r.args ?? [];
  const full = samples.length >= ARG_MAP_KEYS;
  for (const s of samples) {
    const name = syscallName(host, s.nr);
    if (name === undefined) continue;
    if (full) {
      c.addUnreadable(host, name, `the probe's argument map filled up (${ARG_MAP_KEYS} keys)`);
      continue;
    }
    if (name === 'clone3') c.addClone3(host, s.values[0], 'clone3');
    else c.addValues(host, name, s.values);
  }
  for (const o of obs) {
    if (o.name === undefined || o.arch === host) continue;
    if (o.name === 'clone3') c.addClone3(o.arch, undefined, `clone3 from a ${o.arch} process (only ${host} calls are captured)`);
    else if (argSpec(o.name, o.arch)) c.addUnreadable(o.arch, o.name, `${o.name} from a ${o.arch} process (only ${host} calls are captured)`);
  }
  return c.result();
}
