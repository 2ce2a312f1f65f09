// Folds observations into bounded per-arch syscall sets, per-process sets, loss signals and counters.
import type { Diagnostic } from '../common/index.js';
import type { ArchId } from '../syscalls/index.js';
import type {
  IngestCounters, IngestOptions, IngestResult, LossSignal, Observation, ProcessFilter, ProcessStat, Rendering,
  SyscallStat,
} from './types.js';

/** Bounds that keep memory constant on any input size. */
export const MAX_PROCESSES = 4096;
export const MAX_ARG_SAMPLES = 16;
export const MAX_LOSS_SIGNALS = 200;
export const MAX_MALFORMED_LINES = 100;
const MAX_ARG_TEXT = 512;
const KIND_AUDIT_LOST = 'audit-lost';

/** The key of a syscall in the maps: its name, or `#NR` when the tables have no name for the number. */
export function syscallKey(name: string | undefined, nr: number | undefined): string {
  return name ?? `#${nr ?? '?'}`;
}

/** Does an observation pass the filter? Comm and exe compare exactly; exe also matches by basename. */
export function matchesFilter(o: { pid?: number | undefined; comm?: string | undefined; exe?: string | undefined }, f: ProcessFilter | undefined): boolean {
  if (!f) return true;
  if (f.pid && f.pid.length > 0 && (o.pid === undefined || !f.pid.includes(o.pid))) return false;
  if (f.comm && f.comm.length > 0 && (o.comm === undefined || !f.comm.includes(o.comm))) return false;
  if (f.exe && f.exe.length > 0) {
    if (o.exe === undefined) return false;
    const base = o.exe.slice(o.exe.lastIndexOf('/') + 1);
    if (!f.exe.some((e) => e === o.exe || (!e.includes('/') && e === base))) return false;
  }
  return true;
}

/** Where an observation landed in the aggregate (see Aggregator.addSlot); `stat` undefined: filtered out. */
export interface Slot {
  readonly o: Observation;
  readonly stat: SyscallStat | undefined;
  readonly compat: { compat: number; native: number; unknown: number } | undefined;
  readonly proc: ProcessStat | undefined;
  readonly procSyscalls: Map<string, number> | undefined;
  readonly key: string;
  readonly hasProcess: boolean;
}

/** Changes to the loss signals of a part parsed on its own (see AuditParser.absorb); `at` indexes its signals. */
export interface LossEdits {
  /** Signals to insert before the part's signal `at` (in this order). */
  inserts: { at: number; signal: LossSignal }[];
  /** The part's signal `at` becomes `signal` (undefined: dropped). */
  replace: { at: number; signal: LossSignal | undefined } | undefined;
}

/** Mutable accumulator behind every ingest run. */
export class Aggregator {
  readonly counters: IngestCounters = {
    files: 0, bytes: 0, lines: 0, matched: 0, filtered: 0, skipped: 0, malformed: 0, malformedAt: [], lostAtLeast: 0,
  };
  private readonly syscalls = new Map<ArchId, Map<string, SyscallStat>>();
  private readonly processes: ProcessStat[] = [];
  private readonly processesByPid = new Map<number | undefined, ProcessStat[]>();
  /** Each process's index in `processes` (for processIndex: no linear search per registration). */
  private readonly processIndexes = new Map<ProcessStat, number>();
  private readonly archCompat = new Map<ArchId, { compat: number; native: number; unknown: number }>();
  private processesOverflow = 0;
  private readonly loss: LossSignal[] = [];
  private readonly lossTotals: IngestResult['lossTotals'] = {};
  private readonly diagnostics = new Map<string, Diagnostic>();
  private readonly observations: Observation[] = [];
  private readonly formats = new Set<Rendering>();
  private readonly opts: IngestOptions;
  /** Called before a process's maps are updated (wasm-agg.ts puts the cells it holds back for it in first). */
  beforeProcessUpdate: ((p: ProcessStat) => void) | undefined;

  constructor(opts: IngestOptions = {}) {
    this.opts = opts;
  }

  /**
   * Adds one observation and returns where it landed, for `repeat`: a record seen again (same payload, so the same
   * observation but for its line) then updates the same counters without a single lookup.
   */
  addSlot(o: Observation): Slot {
    return this.place(o, true)!;
  }

  /** Whether observations are kept or handed out (then each must be its own object: see AuditParser.decoded). */
  get retainsObservations(): boolean {
    return (this.opts.keepObservations ?? 0) > 0 || this.opts.onObservation !== undefined;
  }

  /** The observation of `slot` seen again at `line`: exactly what add() would do with it. */
  repeat(slot: Slot, line: number): void {
    const o = slot.o;
    this.counters.matched++;
    const st = slot.stat;
    if (st === undefined) {
      this.counters.filtered++;
      return;
    }
    st.count += o.count;
    const ac = slot.compat!;
    if (o.compat === true) ac.compat++;
    else if (o.compat === false) ac.native++;
    else ac.unknown++;
    st.actions[o.action] = (st.actions[o.action] ?? 0) + o.count;
    // (args: repeats come only from audit records, which have none)
    if (slot.proc) {
      slot.proc.records += o.count;
      slot.procSyscalls!.set(slot.key, slot.procSyscalls!.get(slot.key)! + o.count);
    } else if (slot.hasProcess) {
      this.processesOverflow++;
    }
    const keep = this.opts.keepObservations ?? 0;
    if (this.observations.length < keep || this.opts.onObservation) {
      const again = { ...o, line };
      if (this.observations.length < keep) this.observations.push(again);
      this.opts.onObservation?.(again);
    }
  }

  /** Adds one observation (applies the filter). */
  add(o: Observation): void {
    this.place(o, false);
  }

  /**
   * add(), returning where the observation landed when `slot` (one set of lookups for both). Without `slot`, `o` is
   * not kept beyond keep() (so a caller may reuse one object when retainsObservations is false).
   */
  private place(o: Observation, slot: boolean): Slot | undefined {
    this.counters.matched++;
    this.formats.add(o.rendering);
    if (this.opts.filter !== undefined && !matchesFilter(o, this.opts.filter)) {
      this.counters.filtered++;
      return slot ? { o, stat: undefined, compat: undefined, proc: undefined, procSyscalls: undefined, key: '', hasProcess: false } : undefined;
    }
    const key = syscallKey(o.name, o.nr);
    let perArch = this.syscalls.get(o.arch);
    if (!perArch) this.syscalls.set(o.arch, (perArch = new Map()));
    let st = perArch.get(key);
    if (!st) perArch.set(key, (st = { arch: o.arch, name: o.name, nr: o.nr, count: 0, actions: {}, argSamples: [] }));
    st.count += o.count;
    let ac = this.archCompat.get(o.arch);
    if (!ac) this.archCompat.set(o.arch, (ac = { compat: 0, native: 0, unknown: 0 }));
    if (o.compat === true) ac.compat++;
    else if (o.compat === false) ac.native++;
    else ac.unknown++;
    st.actions[o.action] = (st.actions[o.action] ?? 0) + o.count;
    if (o.args && st.argSamples.length < MAX_ARG_SAMPLES) {
      const args = o.args.map((a) => (a.length > MAX_ARG_TEXT ? a.slice(0, MAX_ARG_TEXT) + '...' : a));
      const j = JSON.stringify(args);
      if (!st.argSamples.some((s) => JSON.stringify(s) === j)) st.argSamples.push(args);
    }
    const hasProcess = o.pid !== undefined || o.comm !== undefined || o.exe !== undefined;
    let p: ProcessStat | undefined;
    let m: Map<string, number> | undefined;
    if (hasProcess) {
      // Processes by pid, then (comm, exe): no string key to build per record.
      let same = this.processesByPid.get(o.pid);
      if (same !== undefined) {
        for (let i = 0; i < same.length; i++) {
          const x = same[i]!;
          if (x.comm === o.comm && x.exe === o.exe) {
            p = x;
            break;
          }
        }
      }
      if (!p) {
        if (this.processes.length >= MAX_PROCESSES) {
          this.processesOverflow++;
        } else {
          p = { pid: o.pid, comm: o.comm, exe: o.exe, records: 0, syscalls: new Map() };
          this.processIndexes.set(p, this.processes.push(p) - 1);
          if (!same) this.processesByPid.set(o.pid, (same = []));
          same.push(p);
        }
      }
      if (p) {
        this.beforeProcessUpdate?.(p);
        p.records += o.count;
        m = p.syscalls.get(o.arch);
        if (!m) p.syscalls.set(o.arch, (m = new Map()));
        m.set(key, (m.get(key) ?? 0) + o.count);
      }
    }
    this.keep(o);
    return slot ? { o, stat: st, compat: ac, proc: p, procSyscalls: m, key, hasProcess } : undefined;
  }

  // ---- for the WebAssembly record loop (wasm-agg.ts): what it registers, and where it adds its counts ----

  /** The stat of (arch, key), if any. */
  statOf(arch: ArchId, key: string): SyscallStat | undefined {
    return this.syscalls.get(arch)?.get(key);
  }

  hasFormat(r: Rendering): boolean {
    return this.formats.has(r);
  }

  archCompatOf(arch: ArchId): { compat: number; native: number; unknown: number } | undefined {
    return this.archCompat.get(arch);
  }

  get filter(): ProcessFilter | undefined {
    return this.opts.filter;
  }

  /** The index in `processes` of (pid, comm, exe), or -1. */
  processIndex(pid: number | undefined, comm: string | undefined, exe: string | undefined): number {
    const same = this.processesByPid.get(pid);
    if (same === undefined) return -1;
    for (const x of same) if (x.comm === comm && x.exe === exe) return this.processIndexes.get(x)!;
    return -1;
  }

  get processCount(): number {
    return this.processes.length;
  }

  processAt(i: number): ProcessStat {
    return this.processes[i]!;
  }

  addOverflow(n: number): void {
    this.processesOverflow += n;
  }

  /** Keeps the first observations (IngestOptions.keepObservations) and hands each to onObservation. */
  private keep(o: Observation): void {
    const keep = this.opts.keepObservations ?? 0;
    if (this.observations.length < keep) this.observations.push(o);
    this.opts.onObservation?.(o);
  }

  /** How many loss signals were added (also those past MAX_LOSS_SIGNALS). */
  get lossCount(): number {
    let n = 0;
    for (const k in this.lossTotals) n += this.lossTotals[k as LossSignal['kind']] ?? 0;
    return n;
  }

  /** Records a loss signal. */
  addLoss(s: LossSignal): void {
    this.lossTotals[s.kind] = (this.lossTotals[s.kind] ?? 0) + 1;
    if (s.count !== undefined && s.certain) this.counters.lostAtLeast += s.count;
    if (this.loss.length < MAX_LOSS_SIGNALS) this.loss.push(s);
  }

  /** Counts a malformed line (kept: the first MAX_MALFORMED_LINES positions). */
  malformed(file: string, line: number): void {
    this.counters.malformed++;
    if (this.counters.malformedAt.length < MAX_MALFORMED_LINES) this.counters.malformedAt.push(`${file}:${line}`);
  }

  /** Adds a warning once per code (later ones only bump a count in the message). */
  warn(d: Diagnostic): void {
    if (!this.diagnostics.has(d.code)) this.diagnostics.set(d.code, d);
  }

  /** Notes that a rendering was seen even without records (for the summary). */
  sawRendering(r: Rendering): void {
    this.formats.add(r);
  }

  /**
   * Adds the aggregate `r` of the rest of `file`, parsed on its own with line numbers from 1, as if its lines had
   * followed this aggregate's (line numbers shifted by `lineOffset`, loss signals edited by `edits`). Returns
   * false, having changed nothing, when that cannot be exact: `r` ran out of process slots, or a dropped loss
   * signal would need one that `r` did not keep. Needs `r` without observations (the caller does not keep any).
   */
  absorb(r: IngestResult, file: string, lineOffset: number, edits: LossEdits): boolean {
    const rep = edits.replace;
    if (r.processesOverflow > 0) return false;
    if (rep && rep.signal === undefined && rep.at < r.loss.length && r.loss.length >= MAX_LOSS_SIGNALS) return false;
    const c = this.counters;
    const rc = r.counters;
    c.lines += rc.lines;
    c.matched += rc.matched;
    c.filtered += rc.filtered;
    c.skipped += rc.skipped;
    c.malformed += rc.malformed;
    c.lostAtLeast += rc.lostAtLeast;
    for (const at of rc.malformedAt) {
      if (c.malformedAt.length >= MAX_MALFORMED_LINES) break;
      c.malformedAt.push(`${file}:${Number(at.slice(at.lastIndexOf(':') + 1)) + lineOffset}`);
    }
    for (const f of r.formats) this.formats.add(f);
    for (const [arch, m] of r.syscalls) {
      let perArch = this.syscalls.get(arch);
      if (!perArch) this.syscalls.set(arch, (perArch = new Map()));
      for (const [key, s] of m) {
        const st = perArch.get(key);
        if (!st) {
          perArch.set(key, s);
          continue;
        }
        st.count += s.count;
        for (const [a, n] of Object.entries(s.actions) as [keyof SyscallStat['actions'], number][]) st.actions[a] = (st.actions[a] ?? 0) + n;
        for (const args of s.argSamples) {
          const j = JSON.stringify(args);
          if (st.argSamples.length < MAX_ARG_SAMPLES && !st.argSamples.some((x) => JSON.stringify(x) === j)) st.argSamples.push(args);
        }
      }
    }
    for (const [arch, n] of r.archCompat) {
      const ac = this.archCompat.get(arch);
      if (!ac) this.archCompat.set(arch, { ...n });
      else {
        ac.compat += n.compat;
        ac.native += n.native;
        ac.unknown += n.unknown;
      }
    }
    // Processes in the order the part first saw them: known ones add up, new ones take the free slots.
    for (const p of r.processes) {
      let same = this.processesByPid.get(p.pid);
      const mine = same?.find((x) => x.comm === p.comm && x.exe === p.exe);
      if (mine) {
        mine.records += p.records;
        for (const [arch, m] of p.syscalls) {
          let mm = mine.syscalls.get(arch);
          if (!mm) mine.syscalls.set(arch, (mm = new Map()));
          for (const [k, n] of m) mm.set(k, (mm.get(k) ?? 0) + n);
        }
      } else if (this.processes.length >= MAX_PROCESSES) {
        this.processesOverflow += p.records; // one per record (audit records count 1)
      } else {
        this.processIndexes.set(p, this.processes.push(p) - 1);
        if (!same) this.processesByPid.set(p.pid, (same = []));
        same.push(p);
      }
    }
    // Loss signals: the part's, edited, after these; totals count every signal.
    for (const [k, n] of Object.entries(r.lossTotals) as [LossSignal['kind'], number][]) this.lossTotals[k] = (this.lossTotals[k] ?? 0) + n;
    const shift = (s: LossSignal): LossSignal => ({ ...s, line: s.line + lineOffset });
    const signals: LossSignal[] = [];
    for (let i = 0; i <= r.loss.length; i++) {
      for (const ins of edits.inserts) if (ins.at === i) signals.push(ins.signal);
      if (i === r.loss.length) break;
      if (rep?.at === i) {
        if (rep.signal) signals.push(rep.signal);
      } else {
        signals.push(shift(r.loss[i]!));
      }
    }
    for (const ins of edits.inserts) {
      this.lossTotals[ins.signal.kind] = (this.lossTotals[ins.signal.kind] ?? 0) + 1;
      if (ins.signal.certain && ins.signal.count !== undefined) c.lostAtLeast += ins.signal.count;
    }
    if (rep) {
      if (rep.signal === undefined) {
        const left = (this.lossTotals[KIND_AUDIT_LOST] ?? 0) - 1;
        if (left > 0) this.lossTotals[KIND_AUDIT_LOST] = left;
        else delete this.lossTotals[KIND_AUDIT_LOST];
      } else if (rep.signal.count !== undefined) {
        c.lostAtLeast += rep.signal.count;
      }
    }
    for (const s of signals) if (this.loss.length < MAX_LOSS_SIGNALS) this.loss.push(s);
    for (const d of r.diagnostics) {
      if (!this.diagnostics.has(d.code)) this.diagnostics.set(d.code, d.line !== undefined && d.file === file ? { ...d, line: d.line + lineOffset } : d);
    }
    return true;
  }

  /** The result so far (the maps are shared, not copied). */
  result(): IngestResult {
    return {
      formats: [...this.formats],
      counters: this.counters,
      syscalls: this.syscalls,
      archCompat: this.archCompat,
      processes: [...this.processes],
      processesOverflow: this.processesOverflow,
      loss: this.loss,
      // In a fixed (alphabetical) order: a two-thread parse adds the kinds in another order than one pass would.
      lossTotals: Object.fromEntries(Object.entries(this.lossTotals).sort(([a], [b]) => (a < b ? -1 : 1))),
      diagnostics: [...this.diagnostics.values()],
      observations: this.observations,
    };
  }
}
