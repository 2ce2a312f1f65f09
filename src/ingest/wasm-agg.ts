// The JS side of the WebAssembly record loop (native/ingest-wasm/ingest.c `run`): AuditParser's byte-level path for
// whole buffers at a time. The module settles the lines whose outcome it knows exactly (lines without `audit`,
// other record types, and seccomp records whose arch, syscall, action, process and rendering were registered here)
// and counts them in its own tables; it stops at any other line, which the Ingester hands to the JS path
// (fastLine/fastOther/line) as before, and then (status NEED_REG) registers here what that line created in the
// aggregate (its stat, process, action, rendering), so that the next records like it stay in the module. New
// (process, syscall) cells the module creates are logged and added to the process maps at each return (so the
// maps keep their first-seen order); the counts are added into the aggregate by `flush` (end of each read range).
// One session per scanner use: the tables refer to this Aggregator's stats and processes by index.
import { archFromAudit, syscallName, type ArchId } from '../syscalls/index.js';
import { MAX_PROCESSES, matchesFilter, syscallKey, type Aggregator } from './aggregate.js';
import { untrusted } from './audit-fields.js';
import type { AuditParser } from './audit.js';
import type { WasmScanner } from './scan.js';
import type { ProcessStat, Rendering, SeenAction, SyscallStat } from './types.js';

/** ingest.c's io[] indexes (R_*), statuses (ST_*), action indexes (action_of) and rendering codes (REND_*). */
const R_LINES = 4, R_SKIPPED = 5, R_MATCHED = 6, R_FILTERED = 7, R_RECORDS = 8, R_OVERFLOW = 9, R_EXEC = 10;
const R_PREV_REND = 11, R_STATUS = 12, R_LS = 13, R_LE = 14, R_HIT = 15;
const R_ARCH = 16, R_X32 = 17, R_NR = 18, R_PID = 20, R_COMM = 21, R_EXE = 22, R_REND = 23, R_NEWCELLS = 24, R_PENDING = 25;
export const ST_END = 0, ST_ODD = 1, ST_NEED_REG = 2, ST_FLUSH = 3;
const ACTIONS: readonly SeenAction[] = ['kill_process', 'kill_thread', 'trap', 'errno', 'notify', 'trace', 'log', 'allow', 'unknown'];
const RENDERINGS: readonly (Rendering | undefined)[] = [undefined, 'dmesg', 'syslog', 'journald', 'auditd'];
const REND_OTHER = 5;
/** ingest.c's bounds. */
const MAX_ARCH = 16, MAX_NR = 8192, MAX_STAT = 4096, MAX_CELLS = 1 << 18, X32_BIT = 0x40000000;
const P_FILTERED = -2, P_NOPROC = -3, P_OVERFLOW = -4;
/** More than there are arch ids (ARCH_IDS). */
const PROC_ARCHES = 32;

function renderingCode(r: Rendering | undefined): number {
  if (r === undefined) return 0;
  const i = RENDERINGS.indexOf(r);
  return i > 0 ? i : REND_OTHER;
}

/** One aggregate session of a scanner's module for one Aggregator. */
export class WasmAgg {
  private readonly sc: WasmScanner;
  private readonly agg: Aggregator;
  private readonly io: Int32Array;
  private readonly serial: Float64Array;
  private readonly names: Int32Array;
  private readonly statCount: Uint32Array;
  private readonly statAction: Uint32Array;
  private readonly statMask: Uint32Array;
  private readonly archCompat: Uint32Array;
  private readonly procRecords: Uint32Array;
  /** The cell table: per slot, key + 1 (0: free) and count. */
  private readonly cellTab: Uint32Array;
  private readonly cellLog: Int32Array;
  private readonly internOff: Int32Array;
  private readonly internLen: Int32Array;
  private readonly internQuoted: Int32Array;
  private readonly internBytes: Buffer;
  private readonly stats: SyscallStat[] = [];
  /** Per stat: its key in the maps, and the index of its arch in `archIds`. */
  private readonly statKey: string[] = [];
  private readonly statArch: number[] = [];
  private readonly archIds: ArchId[] = [];
  /** Per (process index × PROC_ARCHES + arch index): the process's map for that arch, once looked up. */
  private readonly procMaps: (Map<string, number> | undefined)[] = [];
  private readonly statIndex = new Map<SyscallStat, number>();
  private readonly archOfSlot: (ArchId | undefined)[] = [];
  private readonly values = new Map<number, string | undefined>();
  /** Per cell (in creation order): its slot, its key (process << 12 | stat), whether it is in its process map. */
  private readonly cellSlot = new Int32Array(MAX_CELLS);
  private readonly cellKey = new Int32Array(MAX_CELLS);
  private readonly cellIn = new Uint8Array(MAX_CELLS);
  private nCells = 0;
  /** Per process index: its cells not yet in its maps (creation order); the registered processes' indexes. */
  private readonly pending: (number[] | undefined)[] = [];
  private readonly procIndex = new Map<ProcessStat, number>();
  /** What the last run() stopped at (status ODD, NEED_REG: the line [ls, le) with its first `audit` at hit). */
  status = ST_END;
  ls = 0;
  le = 0;
  hit = 0;

  constructor(sc: WasmScanner, agg: Aggregator) {
    this.sc = sc;
    this.agg = agg;
    const c = sc.core;
    c.fn.reset();
    sc.coreOwner = this;
    agg.beforeProcessUpdate = (p) => this.beforeProcess(p);
    const i32 = (name: string, n: number) => new Int32Array(c.mem, c.ptr(name), n);
    const u32 = (name: string, n: number) => new Uint32Array(c.mem, c.ptr(name), n);
    this.io = i32('io_ptr', 64);
    this.serial = new Float64Array(c.mem, c.ptr('serial_ptr'), 3);
    this.names = i32('names_ptr', MAX_ARCH * MAX_NR);
    this.statCount = u32('stat_count_ptr', MAX_STAT);
    this.statAction = u32('stat_action_ptr', MAX_STAT * ACTIONS.length);
    this.statMask = u32('stat_mask_ptr', MAX_STAT);
    this.archCompat = u32('arch_compat_ptr', MAX_ARCH * 3);
    this.procRecords = u32('proc_records_ptr', MAX_PROCESSES);
    this.cellTab = u32('cell_tab_ptr', 2 << 19);
    this.cellLog = i32('cell_log_ptr', 16384);
    this.internOff = i32('intern_off_ptr', 16384);
    this.internLen = i32('intern_len_ptr', 16384);
    this.internQuoted = i32('intern_quoted_ptr', 16384);
    this.internBytes = Buffer.from(c.mem, c.ptr('intern_bytes_ptr'), 1 << 20);
  }

  /** Whether this session still owns its scanner's tables. */
  get live(): boolean {
    return this.sc.coreOwner === this;
  }

  /**
   * Runs the module's loop over buffer[pos, len) (pos a line start) with `p`'s serial state; adds the counters of
   * the lines it settled; returns where it stopped and how many lines it passed (status etc. in this object).
   */
  run(p: AuditParser, pos: number, len: number): { pos: number; lines: number } {
    const io = this.io;
    const rendIn = renderingCode(p.prevSerialRendering);
    io[R_PREV_REND] = rendIn;
    this.serial[0] = p.prevSerial;
    // Pending serial gaps (AuditParser.pendingGaps): the module hands JS every serial that may fill or settle one.
    io[R_PENDING] = p.pendingGaps.size > 0 ? 1 : 0;
    this.serial[1] = p.pendingGaps.settleAt;
    this.serial[2] = p.pendingGaps.lateBelow;
    io.fill(0, R_LINES, R_EXEC + 1);
    const at = this.sc.core.fn.run(pos, len);
    const c = this.agg.counters;
    const lines = io[R_LINES]!;
    c.lines += lines;
    c.skipped += io[R_SKIPPED]!;
    c.matched += io[R_MATCHED]!;
    c.filtered += io[R_FILTERED]!;
    p.records += io[R_RECORDS]!;
    if (io[R_OVERFLOW]! > 0) this.agg.addOverflow(io[R_OVERFLOW]!);
    if (io[R_EXEC]! !== 0) p.sawExec = true;
    p.prevSerial = this.serial[0]!;
    if (io[R_PREV_REND] !== rendIn) p.prevSerialRendering = RENDERINGS[io[R_PREV_REND]!];
    this.replayCells();
    this.status = io[R_STATUS]!;
    this.ls = io[R_LS]!;
    this.le = io[R_LE]!;
    this.hit = io[R_HIT]!;
    return { pos: at, lines };
  }

  /**
   * Notes the cells the module created since the last return. They go into their process's maps (first-seen order)
   * only when needed: before the JS path updates that process (`beforeProcess`), else at the flush, with their count.
   */
  private replayCells(): void {
    const n = this.io[R_NEWCELLS]!;
    for (let k = 0; k < n; k++) {
      const slot = this.cellLog[k]!;
      const key = this.cellTab[slot * 2]! - 1;
      const pi = key >>> 12;
      const c = this.nCells++;
      this.cellSlot[c] = slot;
      this.cellKey[c] = key;
      (this.pending[pi] ??= []).push(c);
    }
    this.io[R_NEWCELLS] = 0;
  }

  /** The map of process `pi` for the arch of stat `si` (created in the process when absent). */
  private mapOf(pi: number, si: number): Map<string, number> {
    const pm = pi * PROC_ARCHES + this.statArch[si]!;
    let m = this.procMaps[pm];
    if (m === undefined) {
      const proc = this.agg.processAt(pi);
      const arch = this.stats[si]!.arch;
      m = proc.syscalls.get(arch);
      if (!m) proc.syscalls.set(arch, (m = new Map()));
      this.procMaps[pm] = m;
    }
    return m;
  }

  /** Before the JS path updates process `p`: its pending cells go into its maps first (count 0 until the flush). */
  private beforeProcess(p: ProcessStat): void {
    const pi = this.procIndex.get(p);
    if (pi === undefined) return;
    const list = this.pending[pi];
    if (list === undefined || list.length === 0) return;
    for (const c of list) {
      const key = this.cellKey[c]!;
      const m = this.mapOf(pi, key & 0xfff);
      const name = this.statKey[key & 0xfff]!;
      if (!m.has(name)) m.set(name, 0);
      this.cellIn[c] = 1;
    }
    list.length = 0;
  }

  /** The decoded comm/exe value of an interned id (-1: absent). */
  private value(id: number): string | undefined {
    if (id < 0) return undefined;
    if (this.values.has(id)) return this.values.get(id);
    const off = this.internOff[id]!;
    const raw = this.internBytes.toString('latin1', off, off + this.internLen[id]!);
    const v = untrusted(raw, this.internQuoted[id] === 1, false);
    this.values.set(id, v);
    return v;
  }

  /**
   * After the JS path handled the record line of a NEED_REG stop: registers what the aggregate now holds for its
   * arch, syscall, actions, rendering and process, so that the next records like it are settled in the module.
   */
  register(): void {
    const io = this.io;
    const fn = this.sc.core.fn;
    const code = io[R_ARCH]! >>> 0;
    const x32 = io[R_X32]!;
    const nr = io[R_NR]!;
    const a = x32 ? archFromAudit(code, nr) : archFromAudit(code);
    if (a === undefined) return;
    const slot = fn.reg_arch(code, x32, this.agg.archCompatOf(a.id) ? 1 : 0);
    if (slot < 0) return;
    this.archOfSlot[slot] = a.id;
    const name = syscallName(a.id, nr);
    if (name === undefined) return;
    const st = this.agg.statOf(a.id, syscallKey(name, nr));
    let si = -1;
    if (st !== undefined) {
      si = this.statIndex.get(st) ?? -1;
      if (si < 0 && this.stats.length < MAX_STAT) {
        si = this.stats.length;
        this.stats.push(st);
        this.statIndex.set(st, si);
        this.statKey.push(syscallKey(st.name, st.nr));
        let ai = this.archIds.indexOf(st.arch);
        if (ai < 0) ai = this.archIds.push(st.arch) - 1;
        this.statArch.push(ai);
      }
      if (si >= 0) {
        let mask = 0;
        for (const k in st.actions) mask |= 1 << ACTIONS.indexOf(k as SeenAction);
        this.statMask[si] = mask;
      }
    }
    const exec = name === 'execve' || name === 'execveat';
    const idx = nr - (x32 ? X32_BIT : 0);
    if (idx >= MAX_NR) return;
    this.names[slot * MAX_NR + idx] = ((si + 1) << 2) | (exec ? 2 : 0) | 1;
    const rend = io[R_REND]!;
    if (this.agg.hasFormat(RENDERINGS[rend]!)) fn.reg_rendering(rend);
    const pidRaw = io[R_PID]!;
    const pid = pidRaw < 0 ? undefined : pidRaw;
    const comm = this.value(io[R_COMM]!);
    const exe = this.value(io[R_EXE]!);
    let ref: number;
    const f = this.agg.filter;
    if (f !== undefined && !matchesFilter({ pid, comm, exe }, f)) ref = P_FILTERED;
    else if (pid === undefined && comm === undefined && exe === undefined) ref = P_NOPROC;
    else {
      ref = this.agg.processIndex(pid, comm, exe);
      if (ref < 0 && this.agg.processCount >= MAX_PROCESSES) ref = P_OVERFLOW;
      if (ref === -1) return;
    }
    if (ref >= 0) this.procIndex.set(this.agg.processAt(ref), ref);
    fn.reg_proc(pidRaw, io[R_COMM]!, io[R_EXE]!, ref);
  }

  /** Adds the module's counts into the aggregate and zeroes them (the registrations stay). */
  flush(): void {
    const nA = ACTIONS.length;
    for (let i = 0; i < this.stats.length; i++) {
      const n = this.statCount[i]!;
      if (n === 0) continue;
      const st = this.stats[i]!;
      st.count += n;
      for (let a = 0; a < nA; a++) {
        const v = this.statAction[i * nA + a]!;
        if (v !== 0) st.actions[ACTIONS[a]!] = (st.actions[ACTIONS[a]!] ?? 0) + v;
      }
    }
    for (let s = 0; s < this.archOfSlot.length; s++) {
      const id = this.archOfSlot[s];
      const ac = id === undefined ? undefined : this.agg.archCompatOf(id);
      if (!ac) continue;
      ac.compat += this.archCompat[s * 3]!;
      ac.native += this.archCompat[s * 3 + 1]!;
      ac.unknown += this.archCompat[s * 3 + 2]!;
    }
    const np = Math.min(this.agg.processCount, MAX_PROCESSES);
    for (let i = 0; i < np; i++) {
      const n = this.procRecords[i]!;
      if (n !== 0) this.agg.processAt(i).records += n;
    }
    // Cells in creation order: a pending one goes into its map now, with its count (after every JS update of its
    // process: beforeProcess put the earlier ones in), unless the JS path put the key there first.
    const tab = this.cellTab;
    for (let c = 0; c < this.nCells; c++) {
      const at = this.cellSlot[c]! * 2 + 1;
      const n = tab[at]!;
      if (n === 0 && this.cellIn[c] === 1) continue;
      const key = this.cellKey[c]!;
      const m = this.mapOf(key >>> 12, key & 0xfff);
      const k = this.statKey[key & 0xfff]!;
      m.set(k, (m.get(k) ?? 0) + n);
      this.cellIn[c] = 1;
      tab[at] = 0;
    }
    for (const list of this.pending) if (list) list.length = 0;
    this.sc.core.fn.clear_counts();
  }
}
