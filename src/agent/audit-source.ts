// The audit source: the records of containers under a LOG profile, read from auditd's log or the kernel log,
// attributed to a container by the pid's cgroup; the kernel log's losses are marked on the recordings.
import { readFileSync } from 'node:fs';
import { auditLostCount, detectKernelLogSource, disablePrintkRatelimit } from '../runtime/index.js';
import { archFromAudit, hostArch } from '../syscalls/index.js';
import { PENDING_MAX, type Attribution, type Entry } from './attribution.js';
import { leafOfProcCgroup, type CgroupLeaf } from './cgroups.js';
import { LiveAuditLog, LiveKmsg } from './kmsg.js';
import type { AgentMetrics } from './metrics.js';
import type { RecordingStore } from './store.js';

/** The agent's audit source. */
export class AuditSource {
  private kmsg: LiveKmsg | LiveAuditLog | undefined;
  private restorePrintk: (() => void) | undefined;
  /** The auditd log the audit source reads (undefined: the kernel log). */
  auditFile: string | undefined;
  private pidCache = new Map<number, { start: string; key: string | undefined }>();
  private readonly auditLog: string;
  private readonly attribution: Attribution;
  private readonly store: RecordingStore;
  private readonly metrics: AgentMetrics;
  private readonly log: (m: string) => void;

  constructor(auditLog: string, attribution: Attribution, store: RecordingStore, metrics: AgentMetrics, log: (m: string) => void) {
    this.auditLog = auditLog;
    this.attribution = attribution;
    this.store = store;
    this.metrics = metrics;
    this.log = log;
  }

  /** Opens auditd's log or the kernel log (`auditLog`: auto, kmsg or a path). */
  async start(): Promise<void> {
    const src = this.auditLog === 'kmsg' ? { kind: 'kmsg' as const }
      : this.auditLog === 'auto' ? detectKernelLogSource() : { kind: 'auditd' as const, file: this.auditLog };
    if (src.kind === 'auditd') {
      this.kmsg = new LiveAuditLog(src.file, auditLostCount);
      await this.kmsg.open();
      this.auditFile = src.file;
      this.log(`audit source: ${src.file} (auditd)`);
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
  }

  /** Reads the records that arrived since the last poll. */
  poll(): void {
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
      const e = this.attribution.entry(key);
      if (!e || e.state === 'ignored') return;
      this.metrics.events++;
      const arch = r.arch !== undefined ? archFromAudit(r.arch, r.syscall) : hostArch();
      if (!arch) return;
      const nr = r.syscall;
      if (e.state === 'recording') {
        this.attribution.noteNr(e, arch.id, nr, now);
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
      for (const e of this.attribution.entries.values()) {
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
      const e = this.attribution.entry(key);
      if (e && !e.leaf) {
        e.leaf = leaf;
        this.attribution.resolve(e);
      }
    }
    return key;
  }

  /** Reads what is left, closes the log, restores the kernel's printk rate limit. */
  async stop(): Promise<void> {
    if (this.kmsg) {
      this.poll();
      await this.kmsg.close();
    }
    this.restorePrintk?.();
  }
}
