// Attribution: which container a cgroup or pid belongs to, from the runtime's on-node files (config.json snapshots
// taken as containers are created), and the table of tracked containers whose events become recordings.
import { existsSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { hostArch } from '../syscalls/index.js';
import type { CgroupLeaf } from './cgroups.js';
import type { AgentMetrics } from './metrics.js';
import type { ResolvedAgentOptions } from './options.js';
import { safeElement } from './output.js';
import { readContainerInfo, specCandidates, type ContainerInfo } from './runtimes.js';
import type { RecordingData, RecordingStore, ReplicaStat } from './store.js';
import { deriveWorkload, optedIn } from './workload.js';

export interface Entry {
  key: string;
  leaf?: CgroupLeaf;
  info?: ContainerInfo;
  recording?: RecordingData;
  replica?: ReplicaStat | undefined;
  state: 'pending' | 'recording' | 'ignored';
  pending: Set<string>;
  pendingCalls: number;
  since: number;
  lastCalls: number;
  callsGen?: number;
  removedAt?: number;
}

export const PENDING_MAX = 2048;

/** The tracked containers of an agent and the runtime metadata that names them. */
export class Attribution {
  readonly entries = new Map<string, Entry>();
  private snapshots = new Map<string, ContainerInfo>();
  /** Set when the agent stops: no new watches or snapshots. */
  stopped = false;

  private readonly opts: Pick<ResolvedAgentOptions, 'runtimePaths' | 'maxContainers' | 'all' | 'node'>;
  private readonly store: RecordingStore;
  private readonly metrics: AgentMetrics;
  private readonly log: (m: string) => void;

  constructor(opts: Pick<ResolvedAgentOptions, 'runtimePaths' | 'maxContainers' | 'all' | 'node'>, store: RecordingStore, metrics: AgentMetrics, log: (m: string) => void) {
    this.opts = opts;
    this.store = store;
    this.metrics = metrics;
    this.log = log;
  }

  /**
   * Snapshot config.json of containers as they are created: containerd deletes it right after a short container
   * exits. A task directory that does not exist yet (a fresh node: containerd creates `k8s.io/` with its first task)
   * is awaited by watching its nearest existing ancestor, then watched and scanned as soon as it appears.
   */
  watchRuntimes(): void {
    this.watchDirs = [
      ...this.opts.runtimePaths.containerdNamespaces.map((ns) => join(this.opts.runtimePaths.containerdTasks, ns)),
      ...this.opts.runtimePaths.crioRoots.map((r) => join(r, 'overlay-containers')),
    ];
    for (const d of this.watchDirs) this.ensureWatch(d);
  }

  watchDirs: string[] = [];
  private watched = new Map<string, FSWatcher>();

  private ensureWatch(dir: string): void {
    if (this.stopped || this.watched.has(dir)) return;
    if (existsSync(dir)) {
      try {
        const w = watch(dir, (_ev, name) => {
          if (typeof name === 'string' && /^[0-9a-f]{64}$/.test(name)) this.snapshot(name, 0);
        });
        w.on('error', () => undefined);
        this.watched.set(dir, w);
        // Containers created before the watch: snapshot them now.
        for (const name of readdirSync(dir)) if (/^[0-9a-f]{64}$/.test(name)) this.snapshot(name, 0);
      } catch {
        // not watchable: resolution falls back to reading at exec time
      }
      return;
    }
    let anc = dirname(dir);
    while (anc !== dirname(anc) && !existsSync(anc)) anc = dirname(anc);
    const key = `ancestor:${dir}`;
    if (this.watched.has(key)) return;
    try {
      const w = watch(anc, { recursive: false }, () => {
        if (existsSync(dir)) {
          this.watched.get(key)?.close();
          this.watched.delete(key);
          this.ensureWatch(dir);
        } else if (!existsSync(dirname(dir)) || dirname(dir) !== anc) {
          // a deeper ancestor appeared: move down
          this.watched.get(key)?.close();
          this.watched.delete(key);
          this.ensureWatch(dir);
        }
      });
      w.on('error', () => undefined);
      this.watched.set(key, w);
    } catch {
      // polled by sweep()
    }
  }

  private snapshot(id: string, attempt: number): void {
    if (this.snapshots.has(id) || this.stopped) return;
    const info = readContainerInfo(id, this.opts.runtimePaths);
    if (info) {
      if (this.snapshots.size >= this.opts.maxContainers) this.snapshots.delete(this.snapshots.keys().next().value!);
      this.snapshots.set(id, info);
      for (const e of this.entries.values()) if (e.state === 'pending' && e.leaf?.containerId === id) this.resolve(e);
      return;
    }
    // The directory exists before config.json is written into it.
    if (attempt < 50 && specCandidates(id, this.opts.runtimePaths).some((c) => existsSync(dirname(c.path)))) setTimeout(() => this.snapshot(id, attempt + 1), 2).unref();
  }

  entry(key: string): Entry | undefined {
    let e = this.entries.get(key);
    if (e) return e;
    if (this.entries.size >= this.opts.maxContainers) {
      // Forget the oldest removed container first.
      for (const [k, v] of this.entries) {
        if (v.removedAt !== undefined) {
          this.entries.delete(k);
          break;
        }
      }
      if (this.entries.size >= this.opts.maxContainers) {
        this.metrics.drops.capacity!++;
        return undefined;
      }
    }
    e = { key, state: 'pending', pending: new Set(), pendingCalls: 0, since: Date.now(), lastCalls: 0 };
    this.entries.set(key, e);
    return e;
  }

  resolve(e: Entry): void {
    if (e.state !== 'pending' || !e.leaf) return;
    const id = e.leaf.containerId;
    const info = this.snapshots.get(id) ?? readContainerInfo(id, this.opts.runtimePaths, e.leaf.runtime);
    if (!info) return;
    if (!this.snapshots.has(id)) this.snapshots.set(id, info);
    e.info = info;
    if (!optedIn(info, this.opts.all)) {
      e.state = 'ignored';
      e.pending.clear();
      return;
    }
    const podUid = info.podUid || e.leaf.podUid || '';
    const wl = deriveWorkload(info.pod, info.labels, info.annotations);
    if (![info.namespace, wl.name, info.container].every(safeElement)) {
      this.log(`container ${id}: namespace/workload/container "${info.namespace}/${wl.name}/${info.container}" is not usable as a path; ignored`);
      e.state = 'ignored';
      return;
    }
    const now = new Date().toISOString();
    const rec = this.store.ensure({ namespace: info.namespace, workload: wl.name, workloadKind: wl.kind, workloadBy: wl.by, container: info.container }, now);
    this.store.noteImage(rec, info.image);
    e.recording = rec;
    e.replica = this.store.replica(rec, info.pod, podUid, this.opts.node, id, now);
    e.state = 'recording';
    this.log(`recording ${info.namespace}/${wl.name}/${info.container} (pod ${info.pod}, container ${id.slice(0, 12)})`);
    // The exec that made the container live happened before the probe could note it.
    this.noteNr(e, hostArch().id, hostArch().id === 'x86_64' ? 59 : 221, now);
    for (const p of e.pending) {
      const [arch, nr] = p.split(':');
      this.noteNr(e, arch!, Number(nr), now);
    }
    e.pending.clear();
    if (e.pendingCalls > 0) this.store.noteCalls(rec, e.replica, e.pendingCalls, now);
    e.pendingCalls = 0;
  }

  noteNr(e: Entry, arch: string, nr: number, now: string): void {
    if (this.store.noteSyscall(e.recording!, e.replica, arch, nr, now)) this.metrics.newSyscalls++;
  }

  /** Watches directories that did not exist at the last try (called by the agent's sweep). */
  rewatch(): void {
    for (const d of this.watchDirs) if (!this.watched.has(d)) this.ensureWatch(d);
  }

  /** Stops watching the runtime's directories. */
  close(): void {
    this.stopped = true;
    for (const w of this.watched.values()) w.close();
  }
}
