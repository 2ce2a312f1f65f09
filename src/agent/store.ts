// Recordings keyed by (namespace, workload, container), with per-replica counts; the state file the agent flushes
// atomically and reloads after a restart; merging recordings from several nodes (pull).
import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../common/index.js';

/** One replica (pod) of a workload on one node. */
export interface ReplicaStat {
  pod: string;
  podUid: string;
  node: string;
  containerIds: string[];
  /** Distinct (arch, syscall) pairs this replica made. */
  syscalls: number;
  /** Syscalls this replica made (eBPF with counts; audit: records). */
  calls: number;
  firstSeen: string;
  lastSeen: string;
}

/** One recording. Syscalls are numbers per arch (`x86_64`, `x86`, `x32`, …), sorted. */
export interface RecordingData {
  namespace: string;
  workload: string;
  workloadKind: string;
  /** How the workload was derived (annotation, labels, name-pattern, pod). */
  workloadBy: string;
  container: string;
  images: string[];
  syscalls: Record<string, number[]>;
  calls: number;
  replicas: ReplicaStat[];
  /** Replicas beyond MAX_REPLICAS (counted, not listed). */
  replicasDropped: number;
  /** Evidence of lost events while this container was recorded (empty = none known). */
  loss: string[];
  lossCount: number;
  firstSeen: string;
  lastSeen: string;
}

/** A window during which nothing was recorded (agent down between its last flush and its restart). */
export interface LossWindow {
  from: string;
  to: string;
  reason: string;
}

/** The state file, `<state-dir>/state.json`. */
export interface AgentStateFile {
  version: 1;
  node: string;
  source: string;
  startedAt: string;
  lastFlush: string;
  flushIntervalMs: number;
  lossWindows: LossWindow[];
  recordings: RecordingData[];
}

export const MAX_REPLICAS = 256;
export const MAX_LOSS_MESSAGES = 16;
export const MAX_LOSS_WINDOWS = 64;

export function recordingKey(ns: string, workload: string, container: string): string {
  return `${ns}/${workload}/${container}`;
}

/** The recordings of one agent. */
export class RecordingStore {
  readonly recordings = new Map<string, RecordingData>();
  /** Keys changed since the last `takeDirty()`. */
  private dirty = new Set<string>();

  get(key: string): RecordingData | undefined {
    return this.recordings.get(key);
  }

  ensure(r: Pick<RecordingData, 'namespace' | 'workload' | 'workloadKind' | 'workloadBy' | 'container'>, now: string): RecordingData {
    const key = recordingKey(r.namespace, r.workload, r.container);
    let rec = this.recordings.get(key);
    if (!rec) {
      rec = { ...r, images: [], syscalls: {}, calls: 0, replicas: [], replicasDropped: 0, loss: [], lossCount: 0, firstSeen: now, lastSeen: now };
      this.recordings.set(key, rec);
      this.dirty.add(key);
    }
    return rec;
  }

  replica(rec: RecordingData, pod: string, podUid: string, node: string, containerId: string, now: string): ReplicaStat | undefined {
    let rep = rec.replicas.find((x) => x.podUid === podUid && x.pod === pod && x.node === node);
    if (!rep) {
      if (rec.replicas.length >= MAX_REPLICAS) {
        rec.replicasDropped++;
        return undefined;
      }
      rep = { pod, podUid, node, containerIds: [], syscalls: 0, calls: 0, firstSeen: now, lastSeen: now };
      rec.replicas.push(rep);
      this.dirty.add(recordingKey(rec.namespace, rec.workload, rec.container));
    }
    if (!rep.containerIds.includes(containerId) && rep.containerIds.length < 64) rep.containerIds.push(containerId);
    return rep;
  }

  /** Notes one syscall; returns true when it is new for the recording. */
  noteSyscall(rec: RecordingData, rep: ReplicaStat | undefined, arch: string, nr: number, now: string): boolean {
    const list = (rec.syscalls[arch] ??= []);
    rec.lastSeen = now;
    if (rep) {
      rep.lastSeen = now;
      rep.syscalls++;
    }
    // sorted insert
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]! < nr) lo = mid + 1;
      else hi = mid;
    }
    if (list[lo] === nr) return false;
    list.splice(lo, 0, nr);
    this.dirty.add(recordingKey(rec.namespace, rec.workload, rec.container));
    return true;
  }

  noteCalls(rec: RecordingData, rep: ReplicaStat | undefined, n: number, now: string): void {
    rec.calls += n;
    rec.lastSeen = now;
    if (rep) {
      rep.calls += n;
      rep.lastSeen = now;
    }
  }

  noteLoss(rec: RecordingData, message: string, count = 1): void {
    rec.lossCount += count;
    if (rec.loss.length < MAX_LOSS_MESSAGES && !rec.loss.includes(message)) rec.loss.push(message);
    this.dirty.add(recordingKey(rec.namespace, rec.workload, rec.container));
  }

  noteImage(rec: RecordingData, image: string): void {
    if (image !== '' && !rec.images.includes(image) && rec.images.length < 16) rec.images.push(image);
  }

  takeDirty(): string[] {
    const d = [...this.dirty];
    this.dirty = new Set();
    return d;
  }

  list(): RecordingData[] {
    return [...this.recordings.values()].sort((a, b) => recordingKey(a.namespace, a.workload, a.container).localeCompare(recordingKey(b.namespace, b.workload, b.container)));
  }

  load(recs: readonly RecordingData[]): void {
    for (const r of recs) this.recordings.set(recordingKey(r.namespace, r.workload, r.container), structuredClone(r));
  }
}

/** Parses a state file's text; a clear error for anything else. */
export function parseStateFile(text: string, where: string): AgentStateFile {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${where}: not JSON (${(e as Error).message}); expected an agent state file (state.json)`);
  }
  const s = v as Partial<AgentStateFile>;
  if (typeof v !== 'object' || v === null || s.version !== 1 || !Array.isArray(s.recordings)) {
    throw new UserError(`${where}: not a seccompctl agent state file (expected {"version": 1, "recordings": [...]})`);
  }
  s.recordings.forEach((r, i) => {
    if (typeof r !== 'object' || r === null || typeof r.namespace !== 'string' || typeof r.workload !== 'string' || typeof r.container !== 'string' || typeof r.syscalls !== 'object') {
      throw new UserError(`${where}: $.recordings[${i}]: missing namespace, workload, container or syscalls`);
    }
    for (const [arch, nrs] of Object.entries(r.syscalls)) {
      if (!Array.isArray(nrs) || !nrs.every((n) => Number.isInteger(n) && n >= 0)) throw new UserError(`${where}: $.recordings[${i}].syscalls.${arch}: expected an array of syscall numbers`);
    }
  });
  return { lossWindows: [], ...s } as AgentStateFile;
}

export function readStateFile(path: string): AgentStateFile | undefined {
  if (!existsSync(path)) return undefined;
  return parseStateFile(readFileSync(path, 'utf8'), path);
}

/** Merges recordings of the same key from several nodes: union of syscalls, replicas side by side, loss kept. */
export function mergeRecordings(recs: readonly RecordingData[]): RecordingData {
  if (recs.length === 0) throw new UserError('nothing to merge');
  const out: RecordingData = structuredClone(recs[0]!);
  for (const r of recs.slice(1)) {
    for (const [arch, nrs] of Object.entries(r.syscalls)) out.syscalls[arch] = [...new Set([...(out.syscalls[arch] ?? []), ...nrs])].sort((a, b) => a - b);
    out.calls += r.calls;
    for (const rep of r.replicas) {
      const same = out.replicas.find((x) => x.podUid === rep.podUid && x.pod === rep.pod && x.node === rep.node);
      if (same) {
        same.calls = Math.max(same.calls, rep.calls);
        same.syscalls = Math.max(same.syscalls, rep.syscalls);
      } else out.replicas.push(structuredClone(rep));
    }
    out.replicasDropped += r.replicasDropped;
    for (const i of r.images) if (!out.images.includes(i)) out.images.push(i);
    for (const l of r.loss) if (!out.loss.includes(l)) out.loss.push(l);
    out.lossCount += r.lossCount;
    if (r.firstSeen < out.firstSeen) out.firstSeen = r.firstSeen;
    if (r.lastSeen > out.lastSeen) out.lastSeen = r.lastSeen;
  }
  return out;
}
