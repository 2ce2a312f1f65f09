// The node agent: containers' syscalls → (namespace, workload, container) recordings, attributed from the
// runtime's on-node files, flushed atomically to a state directory, served read-only on a local endpoint.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, watch, writeFileSync, type FSWatcher } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { EnvironmentError, UserError, writeFileAtomic } from '../common/index.js';
import { auditLostCount, detectKernelLogSource, disablePrintkRatelimit, ebpfAvailability } from '../runtime/index.js';
import { archFromAudit, hostArch, X32_SYSCALL_BIT } from '../syscalls/index.js';
import { detectCgroupMode, leafOfPath, leafOfProcCgroup, scanContainerCgroups, type CgroupLeaf, type CgroupMode } from './cgroups.js';
import { LiveAuditLog, LiveKmsg } from './kmsg.js';
import { profilePath, recordingProfile, recordingSpoYaml, localhostProfileOf, safeElement } from './output.js';
import { kernfsParentField, startAgentProbe, type AgentProbe, type ProbeEvent } from './probe.js';
import { DEFAULT_RUNTIME_PATHS, readContainerInfo, specCandidates, type ContainerInfo, type RuntimePaths } from './runtimes.js';
import { MAX_LOSS_WINDOWS, RecordingStore, readStateFile, type AgentStateFile, type LossWindow, type RecordingData, type ReplicaStat } from './store.js';
import { deriveWorkload, optedIn } from './workload.js';

export type AgentSource = 'auto' | 'ebpf' | 'audit';

export interface AgentOptions {
  source?: AgentSource;
  /** Default /var/lib/seccompctl. */
  stateDir?: string;
  /** Record every container, not only opted-in pods. */
  all?: boolean;
  /** Default 5000 ms. */
  flushIntervalMs?: number;
  /** Default /sys/fs/cgroup. */
  cgroupRoot?: string;
  /** Force a cgroup version (1 = a v1 controller's ids even on a hybrid host). */
  cgroupVersion?: 1 | 2;
  /** Kubelet cgroup prefixes; default ['/kubepods'] (matches `/kubepods.slice` too). */
  cgroupPrefixes?: readonly string[];
  runtimePaths?: RuntimePaths;
  /** Node name written into replicas; default the host name (NODE_NAME in the DaemonSet). */
  node?: string;
  /** Profiles assume no-new-privileges (smaller runc base set). */
  noNewPrivileges?: boolean;
  /** Containers tracked at once (memory bound); default 10000. */
  maxContainers?: number;
  /** eBPF: keys per kernel map; default 131072. */
  mapKeys?: number;
  /** eBPF: count every call (events metric); default true. */
  counts?: boolean;
  /** eBPF: pages per CPU of bpftrace's output buffer; default bpftrace's 64 (tests shrink it to force loss). */
  perfPages?: number;
  /** Seconds an unresolved container is retried before its events count as unattributed; default 10. */
  resolveTimeoutSec?: number;
  /**
   * Audit source: `auto` (default) reads auditd's log when an audit daemon is registered (records then go there, not
   * to the kernel log), else /dev/kmsg; a path reads that auditd log; `kmsg` the kernel log.
   */
  auditLog?: string;
  /** Progress and warnings. */
  log?: (msg: string) => void;
}

/** Counters served as Prometheus metrics. */
export interface AgentMetrics {
  events: number;
  /** eBPF probe renewals (kernel maps full of exited containers' keys). */
  rotations: number;
  newSyscalls: number;
  drops: Record<string, number>;
  flushes: number;
  flushErrors: number;
}

interface Entry {
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

const PENDING_MAX = 2048;

/** A running agent. */
export class Agent {
  readonly opts: Required<Omit<AgentOptions, 'log' | 'cgroupVersion' | 'perfPages'>> & { log: AgentOptions['log'] | undefined; cgroupVersion: 1 | 2 | undefined; perfPages: number | undefined };
  readonly store = new RecordingStore();
  readonly metrics: AgentMetrics = { events: 0, rotations: 0, newSyscalls: 0, drops: { perf: 0, unattributed: 0, kmsg: 0, capacity: 0 }, flushes: 0, flushErrors: 0 };
  source: 'ebpf' | 'audit' = 'ebpf';
  mode: CgroupMode | undefined;
  startedAt = new Date().toISOString();
  lastFlush: string | undefined;
  lossWindows: LossWindow[] = [];
  private entries = new Map<string, Entry>();
  private snapshots = new Map<string, ContainerInfo>();
  private timers: NodeJS.Timeout[] = [];
  private probe: AgentProbe | undefined;
  private kmsg: LiveKmsg | LiveAuditLog | undefined;
  private restorePrintk: (() => void) | undefined;
  /** The auditd log the audit source reads (undefined: the kernel log). */
  auditFile: string | undefined;
  private pidCache = new Map<number, { start: string; key: string | undefined }>();
  private stopped = false;
  /** The state file was read: only then may a flush replace it (a failed start must not clobber another agent's). */
  private loaded = false;
  private ownsLock = false;
  private failure: string | undefined;

  constructor(opts: AgentOptions = {}) {
    this.opts = {
      source: opts.source ?? 'auto',
      stateDir: opts.stateDir ?? '/var/lib/seccompctl',
      all: opts.all ?? false,
      flushIntervalMs: opts.flushIntervalMs ?? 5000,
      cgroupRoot: opts.cgroupRoot ?? '/sys/fs/cgroup',
      cgroupVersion: opts.cgroupVersion,
      cgroupPrefixes: opts.cgroupPrefixes ?? ['/kubepods'],
      runtimePaths: opts.runtimePaths ?? DEFAULT_RUNTIME_PATHS,
      node: opts.node ?? hostname(),
      noNewPrivileges: opts.noNewPrivileges ?? false,
      maxContainers: opts.maxContainers ?? 10000,
      mapKeys: opts.mapKeys ?? 131072,
      counts: opts.counts ?? true,
      perfPages: opts.perfPages,
      resolveTimeoutSec: opts.resolveTimeoutSec ?? 10,
      auditLog: opts.auditLog ?? 'auto',
      log: opts.log,
    };
    if (this.opts.flushIntervalMs < 100) throw new UserError(`--flush-interval ${this.opts.flushIntervalMs} ms is too short (at least 100 ms)`);
    for (const p of this.opts.cgroupPrefixes) if (!p.startsWith('/')) throw new UserError(`--cgroup-prefix "${p}" must start with "/"`);
  }

  private log(m: string): void {
    this.opts.log?.(m);
  }

  get statePath(): string {
    return join(this.opts.stateDir, 'state.json');
  }

  /** Loads the state, attaches the source, starts the flush loop. Resolves once recording. */
  async start(): Promise<void> {
    mkdirSync(this.opts.stateDir, { recursive: true });
    this.takeLock();
    this.ownsLock = true;
    const prev = readStateFile(this.statePath);
    this.loaded = true;
    const now = new Date();
    if (prev) {
      this.store.load(prev.recordings);
      this.lossWindows = prev.lossWindows.slice(-MAX_LOSS_WINDOWS + 1);
      // Everything up to the last flush is in the file; between it and now the agent was not running (or its last
      // flush did not happen): syscalls first made in that window by containers still running may be missing.
      this.lossWindows.push({ from: prev.lastFlush, to: now.toISOString(), reason: 'agent not running: events after its last flush and before this start are not recorded' });
      this.log(`loaded ${prev.recordings.length} recording(s) from ${this.statePath}; loss window ${prev.lastFlush} .. ${now.toISOString()}`);
    }
    this.watchRuntimes();
    if (this.opts.source === 'auto') {
      const a = ebpfAvailability();
      this.source = a.ok ? 'ebpf' : 'audit';
      if (!a.ok) this.log(`eBPF unavailable (${a.reason}); using the audit source`);
    } else this.source = this.opts.source;
    this.mode = detectCgroupMode({ root: this.opts.cgroupRoot, ...(this.opts.cgroupVersion ? { force: this.opts.cgroupVersion } : {}) });
    if (this.source === 'ebpf') await this.startEbpf();
    else await this.startAudit();
    this.timers.push(setInterval(() => this.sweep(), 250));
    this.timers.push(setInterval(() => this.flush(), this.opts.flushIntervalMs));
    this.flush();
  }

  private takeLock(): void {
    const lock = join(this.opts.stateDir, 'agent.pid');
    if (existsSync(lock)) {
      const pid = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        let alive = false;
        try {
          process.kill(pid, 0);
          alive = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('agent');
        } catch {
          alive = false;
        }
        if (alive) throw new UserError(`another agent (pid ${pid}) uses the state directory ${this.opts.stateDir}; stop it or pass another --state-dir`);
      }
    }
    writeFileSync(lock, `${process.pid}\n`);
  }

  private async startEbpf(): Promise<void> {
    const a = ebpfAvailability();
    if (!a.ok) throw new EnvironmentError(a.reason, `${a.hint.replace(/--backend strace/g, '--source audit')}`);
    const mode = this.mode!;
    const existing = scanContainerCgroups(mode.mount, this.opts.cgroupPrefixes);
    for (const e of existing) {
      const en = this.entry(`cg:${e.id}`);
      if (en && !en.leaf) {
        en.leaf = e.leaf;
        this.resolve(en);
      }
    }
    this.log(`cgroup v${mode.version} (${mode.mount}); ${existing.length} container cgroup(s) already running`);
    this.parentField = kernfsParentField();
    const p = this.launchProbe(existing.map((e) => ({ id: e.id, live: e.populated })));
    await p.ready;
  }

  private parentField = 'parent';
  private generation = 0;
  /** First sightings the current probe has stored in its kernel map (its `@s` size). */
  private probeKeys = 0;
  private rotating = false;
  private retiring: AgentProbe | undefined;

  private launchProbe(existing: { id: number; live: boolean }[]): AgentProbe {
    const gen = ++this.generation;
    this.probeKeys = 0;
    const probe = startAgentProbe({
      mode: this.mode!, prefixes: this.opts.cgroupPrefixes, existing, counts: this.opts.counts, parentField: this.parentField,
      ...(this.opts.perfPages ? { perfPages: this.opts.perfPages } : {}),
    }, (ev) => {
      if (ev.kind === 'syscall' && !ev.dump && gen === this.generation) this.probeKeys++;
      this.onProbe(ev, gen);
    }, this.opts.mapKeys);
    void probe.closed.then((r) => {
      if (!this.stopped && probe === this.probe) {
        this.failure = `the eBPF probe stopped${r.error ? `: ${r.error}` : ''}`;
        this.log(this.failure);
      }
    });
    this.probe = probe;
    return probe;
  }

  /**
   * The kernel maps keep the keys of exited containers (bpftrace cannot delete them by cgroup). When the current
   * probe's first-sighting map is three quarters full, a fresh probe is started, seeded with the live containers,
   * and the old one is stopped only once the new one is attached: no gap, duplicates are harmless (sets).
   */
  private async maybeRotate(): Promise<void> {
    if (this.rotating || this.stopped || !this.probe || this.probeKeys < this.opts.mapKeys * 0.75) return;
    this.rotating = true;
    try {
      const live = new Map<number, boolean>();
      for (const e of scanContainerCgroups(this.mode!.mount, this.opts.cgroupPrefixes)) live.set(e.id, false);
      for (const [k, e] of this.entries) {
        const id = Number(k.slice(3));
        if (k.startsWith('cg:') && e.removedAt === undefined && e.leaf !== undefined && live.has(id)) live.set(id, true);
      }
      const old = this.probe;
      this.retiring = old;
      const fresh = this.launchProbe([...live].map(([id, l]) => ({ id, live: l })));
      await fresh.ready;
      await old.stop();
      this.retiring = undefined;
      this.metrics.rotations++;
      this.log(`eBPF maps renewed (${live.size} container cgroup(s) carried over)`);
    } catch (e) {
      this.log(`eBPF map renewal failed: ${(e as Error).message}`);
    } finally {
      this.rotating = false;
    }
  }

  private async startAudit(): Promise<void> {
    const src = this.opts.auditLog === 'kmsg' ? { kind: 'kmsg' as const }
      : this.opts.auditLog === 'auto' ? detectKernelLogSource() : { kind: 'auditd' as const, file: this.opts.auditLog };
    if (src.kind === 'auditd') {
      this.kmsg = new LiveAuditLog(src.file, auditLostCount);
      await this.kmsg.open();
      this.auditFile = src.file;
      this.log(`audit source: ${src.file} (auditd)`);
      this.timers.push(setInterval(() => this.pollAudit(), 20));
      return;
    }
    this.kmsg = new LiveKmsg();
    await this.kmsg.open();
    try {
      this.restorePrintk = disablePrintkRatelimit();
    } catch (e) {
      // In a pod /proc/sys is read-only: records beyond printk's burst are then lost, and reported as loss.
      this.log(`cannot set kernel.printk_ratelimit=0 (${(e as Error).message}); set it on the node, or records will be lost (reported per recording)`);
    }
    this.timers.push(setInterval(() => this.pollAudit(), 20));
  }

  /**
   * Snapshot config.json of containers as they are created: containerd deletes it right after a short container
   * exits. A task directory that does not exist yet (a fresh node: containerd creates `k8s.io/` with its first task)
   * is awaited by watching its nearest existing ancestor, then watched and scanned as soon as it appears.
   */
  private watchRuntimes(): void {
    this.watchDirs = [
      ...this.opts.runtimePaths.containerdNamespaces.map((ns) => join(this.opts.runtimePaths.containerdTasks, ns)),
      ...this.opts.runtimePaths.crioRoots.map((r) => join(r, 'overlay-containers')),
    ];
    for (const d of this.watchDirs) this.ensureWatch(d);
  }

  private watchDirs: string[] = [];
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

  private entry(key: string): Entry | undefined {
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

  private resolve(e: Entry): void {
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

  private noteNr(e: Entry, arch: string, nr: number, now: string): void {
    if (this.store.noteSyscall(e.recording!, e.replica, arch, nr, now)) this.metrics.newSyscalls++;
  }

  private onProbe(ev: ProbeEvent, gen = 0): void {
    switch (ev.kind) {
      case 'exec': {
        const e = this.entry(`cg:${ev.cgroup}`);
        if (!e || e.leaf) return;
        const leaf = leafOfPath([ev.names[2], ev.names[1], ev.names[0]]);
        if (!leaf) {
          e.state = 'ignored';
          return;
        }
        e.leaf = leaf;
        this.resolve(e);
        return;
      }
      case 'syscall': {
        // A dump of the seen-set repeats what the lines said (sets: harmless) and fills in what they dropped; it
        // names containers long gone too, which are not tracked again.
        let e = ev.dump ? this.entries.get(`cg:${ev.cgroup}`) : this.entry(`cg:${ev.cgroup}`);
        // A container whose exec line was lost is named from the hierarchy while its cgroup exists.
        if (ev.dump && !e?.leaf) e = this.adopt(ev.cgroup) ?? e;
        if (!e || e.state === 'ignored') return;
        const host = hostArch().id;
        let arch: string = host;
        const nr = ev.nr;
        if (host === 'x86_64' && ev.compat) arch = 'x86';
        else if (host === 'x86_64' && nr >= X32_SYSCALL_BIT) arch = 'x32';
        if (nr < 0) return;
        if (e.state === 'recording') this.noteNr(e, arch, nr, new Date().toISOString());
        else if (e.pending.size < PENDING_MAX) e.pending.add(`${arch}:${nr}`);
        return;
      }
      case 'calls': {
        const e = this.entries.get(`cg:${ev.cgroup}`);
        if (!e) return;
        // Call totals are per probe: a renewed probe counts from zero.
        if (e.callsGen !== gen) {
          e.callsGen = gen;
          e.lastCalls = 0;
        }
        const delta = ev.total - e.lastCalls;
        e.lastCalls = ev.total;
        if (delta <= 0) return;
        this.metrics.events += delta;
        if (e.state === 'recording') this.store.noteCalls(e.recording!, e.replica, delta, new Date().toISOString());
        else if (e.state === 'pending') e.pendingCalls += delta;
        return;
      }
      case 'rmdir': {
        const e = this.entries.get(`cg:${ev.cgroup}`);
        if (e) e.removedAt = Date.now();
        return;
      }
      case 'lost': {
        this.metrics.drops.perf! += ev.count;
        // The syscall set is re-read from the kernel's map (the probe asks bpftrace for a dump); a lost exec or rmdir
        // line is not recoverable that way, so the loss stays on the recordings.
        const msg = `eBPF output lost ${ev.count} event(s) at ${new Date().toISOString()} (perf buffer full; the syscall set was re-read from the kernel map)`;
        for (const e of this.entries.values()) if (e.state === 'recording' && e.removedAt === undefined) this.store.noteLoss(e.recording!, msg, ev.count);
        return;
      }
    }
  }

  private scanned: { at: number; byId: Map<number, CgroupLeaf> } | undefined;

  /**
   * The entry of a container cgroup the probe reports without its exec line (lost in an overflow of bpftrace's output):
   * named from a walk of the hierarchy (ids = directory inodes; at most one walk per 500 ms), undefined once gone.
   */
  private adopt(cgroup: number): Entry | undefined {
    if (!this.mode) return undefined;
    if (!this.scanned || Date.now() - this.scanned.at > 500) {
      this.scanned = { at: Date.now(), byId: new Map(scanContainerCgroups(this.mode.mount, this.opts.cgroupPrefixes).map((c) => [c.id, c.leaf])) };
    }
    const leaf = this.scanned.byId.get(cgroup);
    if (!leaf) return undefined;
    const e = this.entry(`cg:${cgroup}`);
    if (e && !e.leaf) {
      e.leaf = leaf;
      this.resolve(e);
    }
    return e;
  }

  private pollAudit(): void {
    const k = this.kmsg;
    if (!k) return;
    const now = new Date().toISOString();
    k.poll((r) => {
      if (r.comm === 'runc:[2:INIT]') return; // the runtime's own calls: covered by its base set
      if (r.pid === undefined) return;
      const key = this.auditKey(r.pid);
      if (key === undefined) return;
      if (key === '') {
        this.metrics.drops.unattributed!++;
        return;
      }
      const e = this.entry(key);
      if (!e || e.state === 'ignored') return;
      this.metrics.events++;
      const arch = r.arch !== undefined ? archFromAudit(r.arch, r.syscall) : hostArch();
      if (!arch) return;
      const nr = r.syscall;
      if (e.state === 'recording') {
        this.noteNr(e, arch.id, nr, now);
        this.store.noteCalls(e.recording!, e.replica, 1, now);
      } else if (e.pending.size < PENDING_MAX) {
        e.pending.add(`${arch.id}:${nr}`);
        e.pendingCalls++;
      }
      (e as Entry & { lastRecord?: number }).lastRecord = Date.now();
    }, (l) => {
      this.metrics.drops.kmsg! += l.count;
      // Kernel log loss names no process: every container recorded in the last 10 s may have lost records.
      const cutoff = Date.now() - 10_000;
      let n = 0;
      for (const e of this.entries.values()) {
        const last = (e as Entry & { lastRecord?: number }).lastRecord ?? 0;
        if (e.state === 'recording' && (last >= cutoff || e.removedAt === undefined)) {
          this.store.noteLoss(e.recording!, `${now}: ${l.message}`, l.count);
          n++;
        }
      }
      this.log(`kernel log loss (${l.message}); marked ${n} recording(s)`);
    });
  }

  /** The entry key of a pid's container ('' = it is gone, unattributable; undefined = not a container). */
  private auditKey(pid: number): string | undefined {
    let start: string;
    try {
      start = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ')[19]!;
    } catch {
      return '';
    }
    const c = this.pidCache.get(pid);
    if (c && c.start === start) return c.key;
    let leaf: CgroupLeaf | undefined;
    try {
      leaf = leafOfProcCgroup(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
    } catch {
      return '';
    }
    const key = leaf ? `ct:${leaf.containerId}` : undefined;
    if (this.pidCache.size > 65536) this.pidCache.clear();
    this.pidCache.set(pid, { start, key });
    if (leaf && key) {
      const e = this.entry(key);
      if (e && !e.leaf) {
        e.leaf = leaf;
        this.resolve(e);
      }
    }
    return key;
  }

  private sweep(): void {
    const now = Date.now();
    for (const d of this.watchDirs) if (!this.watched.has(d)) this.ensureWatch(d);
    void this.maybeRotate();
    for (const [k, e] of this.entries) {
      if (e.state === 'pending') {
        if (!e.leaf && this.source === 'ebpf' && k.startsWith('cg:')) this.adopt(Number(k.slice(3)));
        this.resolve(e);
        if (e.state === 'pending' && now - e.since > this.opts.resolveTimeoutSec * 1000) {
          if (e.pending.size > 0) {
            this.metrics.drops.unattributed! += e.pending.size;
            this.log(`cgroup ${k}${e.leaf ? ` (container ${e.leaf.containerId.slice(0, 12)})` : ''}: no runtime metadata found within ${this.opts.resolveTimeoutSec} s; its events are dropped`);
          }
          e.state = 'ignored';
          e.pending.clear();
        }
      }
      // Kept a while after rmdir: per-CPU output can deliver a container's last events after its removal.
      if (e.removedAt !== undefined && now - e.removedAt > 10_000) this.entries.delete(k);
    }
  }

  /** Writes state.json, then the profiles of recordings that changed. Atomic renames throughout. */
  flush(): void {
    if (!this.loaded) return;
    try {
      const now = new Date().toISOString();
      const state: AgentStateFile = {
        version: 1, node: this.opts.node, source: this.source, startedAt: this.startedAt, lastFlush: now,
        flushIntervalMs: this.opts.flushIntervalMs, lossWindows: this.lossWindows, recordings: this.store.list(),
      };
      const dirty = this.store.takeDirty();
      writeFileAtomic(this.statePath, JSON.stringify(state) + '\n');
      for (const key of dirty) {
        const r = this.store.get(key);
        if (!r) continue;
        const p = profilePath(this.opts.stateDir, r);
        mkdirSync(dirname(p), { recursive: true });
        const g = recordingProfile(r, { noNewPrivileges: this.opts.noNewPrivileges });
        writeFileAtomic(p, g.text);
        const spo = join(this.opts.stateDir, 'spo', r.namespace, r.workload, `${r.container}.yaml`);
        mkdirSync(dirname(spo), { recursive: true });
        writeFileAtomic(spo, recordingSpoYaml(r, g.profile));
      }
      this.lastFlush = now;
      this.metrics.flushes++;
    } catch (e) {
      this.metrics.flushErrors++;
      this.log(`flush failed: ${(e as Error).message}`);
    }
  }

  /** Health for the endpoint. */
  health(): Record<string, unknown> {
    let watched = 0;
    let recording = 0;
    for (const e of this.entries.values()) {
      if (e.removedAt !== undefined) continue;
      watched++;
      if (e.state === 'recording') recording++;
    }
    return {
      ok: this.failure === undefined, ...(this.failure ? { error: this.failure } : {}),
      source: this.source, ...(this.auditFile ? { auditLog: this.auditFile } : {}), node: this.opts.node, cgroup: this.mode ? `v${this.mode.version} ${this.mode.mount}` : undefined,
      startedAt: this.startedAt, lastFlush: this.lastFlush, flushIntervalMs: this.opts.flushIntervalMs,
      containers: watched, recordingContainers: recording, recordings: this.store.recordings.size,
      lossWindows: this.lossWindows, drops: this.metrics.drops,
    };
  }

  /** A recording with its profile, SPO resource and localhostProfile value. */
  recordingDetail(ns: string, workload: string, container: string): Record<string, unknown> | undefined {
    const r = this.store.get(`${ns}/${workload}/${container}`);
    if (!r) return undefined;
    const g = recordingProfile(r, { noNewPrivileges: this.opts.noNewPrivileges });
    return { recording: r, profile: JSON.parse(g.text) as unknown, profilePath: profilePath(this.opts.stateDir, r), localhostProfile: localhostProfileOf(r), spo: recordingSpoYaml(r, g.profile) };
  }

  /** Prometheus text format. */
  metricsText(): string {
    const h = this.health();
    const lines = [
      '# HELP seccompctl_agent_events_total Syscalls seen in recorded containers (eBPF: every call when counting; audit: records).',
      '# TYPE seccompctl_agent_events_total counter',
      `seccompctl_agent_events_total ${this.metrics.events}`,
      '# HELP seccompctl_agent_new_syscalls_total (recording, arch, syscall) pairs seen for the first time.',
      '# TYPE seccompctl_agent_new_syscalls_total counter',
      `seccompctl_agent_new_syscalls_total ${this.metrics.newSyscalls}`,
      '# HELP seccompctl_agent_containers Containers tracked now (state=recording: opted in and attributed).',
      '# TYPE seccompctl_agent_containers gauge',
      `seccompctl_agent_containers{state="tracked"} ${String(h.containers)}`,
      `seccompctl_agent_containers{state="recording"} ${String(h.recordingContainers)}`,
      '# HELP seccompctl_agent_recordings Recordings (namespace, workload, container).',
      '# TYPE seccompctl_agent_recordings gauge',
      `seccompctl_agent_recordings ${this.store.recordings.size}`,
      '# HELP seccompctl_agent_drops_total Events lost, by reason (perf: eBPF output buffer; kmsg: kernel log; unattributed: no container found; capacity: too many containers).',
      '# TYPE seccompctl_agent_drops_total counter',
      ...Object.entries(this.metrics.drops).map(([k, v]) => `seccompctl_agent_drops_total{reason="${k}"} ${v}`),
      '# HELP seccompctl_agent_probe_renewals_total eBPF probes renewed because their kernel maps filled with exited containers\' keys.',
      '# TYPE seccompctl_agent_probe_renewals_total counter',
      `seccompctl_agent_probe_renewals_total ${this.metrics.rotations}`,
      '# HELP seccompctl_agent_flushes_total State flushes (errors: failed ones).',
      '# TYPE seccompctl_agent_flushes_total counter',
      `seccompctl_agent_flushes_total ${this.metrics.flushes}`,
      `seccompctl_agent_flush_errors_total ${this.metrics.flushErrors}`,
      '# HELP seccompctl_agent_loss_windows Windows in which the agent was not recording (restarts).',
      '# TYPE seccompctl_agent_loss_windows gauge',
      `seccompctl_agent_loss_windows ${this.lossWindows.length}`,
    ];
    return lines.join('\n') + '\n';
  }

  /** Stops the source, flushes a last time. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const w of this.watched.values()) w.close();
    const probes = [this.probe, this.retiring].filter((p): p is AgentProbe => p !== undefined);
    await Promise.all(probes.map((p) => p.stop()));
    for (const p of probes) {
      const r = await p.closed;
      // The last lines and the final dump of the seen-set come as bpftrace exits: a probe that did not exit cleanly may
      // have lost syscalls first made just before the stop.
      if (r.error) {
        const now = new Date().toISOString();
        this.lossWindows.push({ from: this.lastFlush ?? this.startedAt, to: now, reason: `the eBPF probe did not exit cleanly at stop (${r.error}): syscalls first made since the last flush may be missing` });
        this.log(`the eBPF probe did not exit cleanly at stop: ${r.error}`);
      }
    }
    if (this.kmsg) {
      this.pollAudit();
      await this.kmsg.close();
    }
    this.restorePrintk?.();
    this.sweep();
    if (this.loaded) this.flush();
    if (this.ownsLock) rmSync(join(this.opts.stateDir, 'agent.pid'), { force: true });
  }

  /** The pid of the current eBPF probe process (bpftrace), for diagnosis and tests. */
  get probePid(): number | undefined {
    return this.probe?.pid;
  }

  /** Resolves when the source fails on its own (the CLI then exits non-zero). */
  get failed(): string | undefined {
    return this.failure;
  }
}

/** Lists the recordings of a state directory (for tools that read a copied one). */
export function listStateDir(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'profiles'));
  } catch {
    return [];
  }
}
