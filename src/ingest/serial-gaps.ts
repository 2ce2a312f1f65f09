// Audit serial gaps that may still close. The kernel takes a record's serial in audit_log_start and queues the record
// in audit_log_end, so records of two threads on two CPUs (or of a thread preempted between the two) reach the log
// in swapped order — seen here: 1419233, 1419235, 1419234 from redis-server's threads under load. A jump in the
// serials is therefore loss only once its missing serials have not come by the time a serial REORDER_WINDOW past it
// does (or the input ends, or a live reader decides it waited long enough).

/** How far past a gap (in serials) its missing records may still arrive; then the gap is loss. */
export const REORDER_WINDOW = 512;
/** Gaps waiting at once; a further one settles the oldest first. */
const MAX_PENDING = 64;

/** A jump from `from` to `to`; `late`: the missing serials that came later. `tag`: the caller's (line, rendering…). */
export interface SerialGap<T> {
  readonly from: number;
  readonly to: number;
  readonly tag: T;
  readonly late: Set<number>;
}

/** A gap that settled with records still missing (`missing` ≥ 1). */
export interface SettledGap<T> extends SerialGap<T> {
  readonly missing: number;
}

export class SerialGaps<T> {
  private readonly gaps: SerialGap<T>[] = [];
  private readonly onSettled: (g: SettledGap<T>) => void;

  constructor(onSettled: (g: SettledGap<T>) => void) {
    this.onSettled = onSettled;
  }

  get size(): number {
    return this.gaps.length;
  }

  /** A jump from `from` to `to` (to > from + 1) was seen. */
  open(from: number, to: number, tag: T): void {
    if (this.gaps.length >= MAX_PENDING) this.settle(1);
    this.gaps.push({ from, to, tag, late: new Set() });
  }

  /** A serial was seen: it may fill a gap (a gap all of whose serials came is dropped) or settle the gaps it is past. */
  seen(serial: number): void {
    const gaps = this.gaps;
    if (gaps.length === 0) return;
    for (let i = 0; i < gaps.length; i++) {
      const g = gaps[i]!;
      if (serial > g.from && serial < g.to) {
        g.late.add(serial);
        if (g.late.size === g.to - g.from - 1) gaps.splice(i--, 1);
      }
    }
    let n = 0;
    while (n < gaps.length && serial >= gaps[n]!.to + REORDER_WINDOW) n++;
    if (n > 0) this.settle(n);
  }

  /** The first `n` gaps (default all, in the order they were opened) are settled: what they still miss is loss. */
  settle(n = this.gaps.length): void {
    for (const g of this.gaps.splice(0, n)) this.onSettled({ ...g, missing: g.to - g.from - 1 - g.late.size });
  }

  /** Settles the gaps `keep` returns false for, oldest first (a live reader's time limit). */
  settleUnless(keep: (g: SerialGap<T>) => boolean): void {
    let n = 0;
    while (n < this.gaps.length && !keep(this.gaps[n]!)) n++;
    if (n > 0) this.settle(n);
  }

  /** The serial at which the first gap settles, or -1 without gaps. */
  get settleAt(): number {
    return this.gaps.length > 0 ? this.gaps[0]!.to + REORDER_WINDOW : -1;
  }

  /** Serials below this may fill a gap (the largest gap end), or -1 without gaps. */
  get lateBelow(): number {
    let m = -1;
    for (const g of this.gaps) if (g.to > m) m = g.to;
    return m;
  }
}
