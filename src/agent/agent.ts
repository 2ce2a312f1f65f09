// The node agent: containers' syscalls → (namespace, workload, container) recordings. This file owns the lifecycle
// (start, sweep, flush, stop), the eBPF probe and its events; attribution.ts names containers from the runtime's
// files, audit-source.ts is the audit source, statedir.ts the state directory, metrics.ts the /metrics text.
import { mkdirSync } from 'node:fs';
import { EnvironmentError } from '../common/index.js';
import { ebpfAvailability } from '../runtime/index.js';
import { hostArch, X32_SYSCALL_BIT } from '../syscalls/index.js';
import { Attribution, PENDING_MAX, type Entry } from './attribution.js';
import { AuditSource } from './audit-source.js';
import { detectCgroupMode, leafOfPath, scanContainerCgroups, type CgroupLeaf, type CgroupMode } from './cgroups.js';
import { metricsText, type AgentMetrics } from './metrics.js';
import { resolveAgentOptions, type AgentOptions, type ResolvedAgentOptions } from './options.js';
import { profilePath, recordingProfile, recordingSpoYaml, localhostProfileOf } from './output.js';
import { kernfsParentField, startAgentProbe, type AgentMap, type AgentProbe, type ProbeEvent } from './probe.js';
import { releaseStateLock, stateFilePath, takeStateLock, writeStateDir } from './statedir.js';
import { MAX_LOSS_WINDOWS, RecordingStore, readStateFile, type AgentStateFile, type LossWindow } from './store.js';

/** What a full map of the agent's probe loses (probe.ts). */
const MAP_LOSS: Record<AgentMap, { name: string; lost: string }> = {
  seen: { name: '@s (seen-set)', lost: 'first sightings not kept in the kernel map, so a syscall line dropped on the way cannot be re-read from it; the probe is renewed' },
  watched: { name: '@w (watched cgroups)', lost: 'container cgroups created meanwhile are not watched and their containers not recorded' },
  live: { name: '@l (live cgroups)', lost: 'containers whose payload started meanwhile are not recorded' },
  armed: { name: '@arm (container starts in flight)', lost: 'containers started meanwhile may not be recorded' },
};

/** A running agent. */
export class Agent {
  readonly opts: ResolvedAgentOptions;
  readonly store = new RecordingStore();
  readonly metrics: AgentMetrics = { events: 0, rotations: 0, newSyscalls: 0, drops: { perf: 0, unattributed: 0, kmsg: 0, capacity: 0, map: 0 }, flushes: 0, flushErrors: 0 };
  source: 'ebpf' | 'audit' = 'ebpf';
  mode: CgroupMode | undefined;
  startedAt = new Date().toISOString();
  lastFlush: string | undefined;
  lossWindows: LossWindow[] = [];
  private timers: NodeJS.Timeout[] = [];
  private probe: AgentProbe | undefined;
  private audit: AuditSource | undefined;
  private stopped = false;
  /** The state file was read: only then may a flush replace it (a failed start must not clobber another agent's). */
  private loaded = false;
  private ownsLock = false;
  private failure: string | undefined;

  private attribution: Attribution;
  private entries: Map<string, Entry>;

  constructor(opts: AgentOptions = {}) {
    this.opts = resolveAgentOptions(opts);
    this.attribution = new Attribution(this.opts, this.store, this.metrics, (m) => this.log(m));
    this.entries = this.attribution.entries;
  }

  private log(m: string): void {
    this.opts.log?.(m);
  }

  get statePath(): string {
    return stateFilePath(this.opts.stateDir);
  }

  /** Loads the state, attaches the source, starts the flush loop. Resolves once recording. */
  async start(): Promise<void> {
    mkdirSync(this.opts.stateDir, { recursive: true });
    takeStateLock(this.opts.stateDir);
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
    this.attribution.watchRuntimes();
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


  private async startEbpf(): Promise<void> {
    const a = ebpfAvailability();
    if (!a.ok) throw new EnvironmentError(a.reason, `${a.hint.replace(/--backend strace/g, '--source audit')}`);
    const mode = this.mode!;
    const existing = scanContainerCgroups(mode.mount, this.opts.cgroupPrefixes);
    for (const e of existing) {
      const en = this.attribution.entry(`cg:${e.id}`);
      if (en && !en.leaf) {
        en.leaf = e.leaf;
        this.attribution.resolve(en);
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
  /** The seen-set of the current probe refused a key: renew it now, whatever `probeKeys` says. */
  private rotateNow = false;
  /** Per probe generation: when it started, and the inserts each of its maps refused so far (reported up to there). */
  private mapFailed = new Map<number, { since: string; failed: Partial<Record<AgentMap, number>>; windows: Partial<Record<AgentMap, LossWindow>> }>();

  private launchProbe(existing: { id: number; live: boolean }[]): AgentProbe {
    const gen = ++this.generation;
    this.probeKeys = 0;
    this.rotateNow = false;
    this.mapFailed.set(gen, { since: new Date().toISOString(), failed: {}, windows: {} });
    for (const g of this.mapFailed.keys()) if (g < gen - 1) this.mapFailed.delete(g);
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
    if (this.rotating || this.stopped || !this.probe || (!this.rotateNow && this.probeKeys < this.opts.mapKeys * 0.75)) return;
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
    this.audit = new AuditSource(this.opts.auditLog, this.attribution, this.store, this.metrics, (m) => this.log(m));
    await this.audit.start();
    const audit = this.audit;
    this.timers.push(setInterval(() => audit.poll(), 20));
  }

  private onProbe(ev: ProbeEvent, gen = 0): void {
    switch (ev.kind) {
      case 'exec': {
        const e = this.attribution.entry(`cg:${ev.cgroup}`);
        if (!e || e.leaf) return;
        const leaf = leafOfPath([ev.names[2], ev.names[1], ev.names[0]]);
        if (!leaf) {
          e.state = 'ignored';
          return;
        }
        e.leaf = leaf;
        this.attribution.resolve(e);
        return;
      }
      case 'syscall': {
        // A dump of the seen-set repeats what the lines said (sets: harmless) and fills in what they dropped; it
        // names containers long gone too, which are not tracked again.
        let e = ev.dump ? this.entries.get(`cg:${ev.cgroup}`) : this.attribution.entry(`cg:${ev.cgroup}`);
        // A container whose exec line was lost is named from the hierarchy while its cgroup exists.
        if (ev.dump && !e?.leaf) e = this.adopt(ev.cgroup) ?? e;
        if (!e || e.state === 'ignored') return;
        const host = hostArch().id;
        let arch: string = host;
        const nr = ev.nr;
        if (host === 'x86_64' && ev.compat) arch = 'x86';
        else if (host === 'x86_64' && nr >= X32_SYSCALL_BIT) arch = 'x32';
        if (nr < 0) return;
        if (e.state === 'recording') this.attribution.noteNr(e, arch, nr, new Date().toISOString());
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
      case 'mapfull':
        this.onMapFull(ev.failed, gen);
        return;
    }
  }

  /**
   * A kernel map of the probe refused inserts (it was full): counted in drops_total{reason="map"}, noted on the live
   * recordings, logged. A full seen-set still prints every first sighting it refused (the lines are not lost), but a
   * line dropped on the way (perf buffer, bpftrace's exit) can no longer be re-read from the map: the probe is renewed
   * at once. A full watched/live/armed map (more container cgroups at once than the map holds) means containers
   * started meanwhile are not recorded at all: a loss window says when.
   */
  private onMapFull(failed: Partial<Record<AgentMap, number>>, gen: number): void {
    const g = this.mapFailed.get(gen);
    if (!g) return;
    const now = new Date().toISOString();
    for (const [map, n] of Object.entries(failed) as [AgentMap, number][]) {
      const delta = n - (g.failed[map] ?? 0);
      if (delta <= 0) continue;
      g.failed[map] = n;
      this.metrics.drops.map! += delta;
      const msg = `eBPF map ${MAP_LOSS[map].name} full (${this.opts.mapKeys} keys): ${delta} insert(s) refused by ${now}; ${MAP_LOSS[map].lost}`;
      this.log(msg);
      for (const e of this.entries.values()) if (e.state === 'recording' && e.removedAt === undefined) this.store.noteLoss(e.recording!, msg, delta);
      if (map === 'seen') {
        if (gen === this.generation) this.rotateNow = true;
        continue;
      }
      // One window per probe and map, from the probe's start (the refusal may have come at any time since) to the last report.
      const w: LossWindow = { from: g.since, to: now, reason: `${MAP_LOSS[map].name} map full (${this.opts.mapKeys} keys, ${n} insert(s) refused): ${MAP_LOSS[map].lost}` };
      const i = g.windows[map] ? this.lossWindows.indexOf(g.windows[map]) : -1;
      if (i >= 0) this.lossWindows[i] = w;
      else this.lossWindows = [...this.lossWindows, w].slice(-MAX_LOSS_WINDOWS);
      g.windows[map] = w;
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
    const e = this.attribution.entry(`cg:${cgroup}`);
    if (e && !e.leaf) {
      e.leaf = leaf;
      this.attribution.resolve(e);
    }
    return e;
  }

  private sweep(): void {
    const now = Date.now();
    this.attribution.rewatch();
    void this.maybeRotate();
    for (const [k, e] of this.entries) {
      if (e.state === 'pending') {
        if (!e.leaf && this.source === 'ebpf' && k.startsWith('cg:')) this.adopt(Number(k.slice(3)));
        this.attribution.resolve(e);
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
      writeStateDir(this.opts.stateDir, state, this.store, dirty, { noNewPrivileges: this.opts.noNewPrivileges });
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
    return metricsText(this.metrics, this.health(), this.store.recordings.size, this.lossWindows.length);
  }

  /** Stops the source, flushes a last time. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.attribution.close();
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
    await this.audit?.stop();
    this.sweep();
    if (this.loaded) this.flush();
    if (this.ownsLock) releaseStateLock(this.opts.stateDir);
  }

  /** The auditd log the audit source reads (undefined: the kernel log or the eBPF source). */
  get auditFile(): string | undefined {
    return this.audit?.auditFile;
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
