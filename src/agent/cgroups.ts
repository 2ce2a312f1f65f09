// Cgroups on a Kubernetes node: which hierarchy the agent keys events on (v2, or a v1 controller on v1-only hosts),
// container ids and pod UIDs from cgroup path segments (both kubelet drivers, containerd and CRI-O leaves), and the
// containers already running when the agent starts (a walk of the hierarchy, ids = directory inode numbers).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../common/index.js';

/** The hierarchy whose cgroup ids key the events. */
export interface CgroupMode {
  /** 2: the unified hierarchy (bpf_get_current_cgroup_id); 1: one v1 controller's hierarchy (BTF kernfs id). */
  version: 1 | 2;
  /** Mount point of that hierarchy (e.g. /sys/fs/cgroup/unified on a hybrid host, /sys/fs/cgroup/memory for v1). */
  mount: string;
  /** Hierarchy id as the cgroup tracepoints report it (`root`): 0 for the unified hierarchy. */
  hierarchy: number;
  /** v1 only: the controller's index in the task's css_set (line order of /proc/cgroups). */
  subsysIndex?: number;
  /** v1 only: the controller name. */
  controller?: string;
}

/**
 * Picks the hierarchy: the cgroup2 mount when there is one (pure v2 or hybrid: runc joins the unified hierarchy in
 * hybrid mode too), else the v1 `memory` controller (or `controller`). `force` = 1 uses v1 even on a hybrid host.
 */
export function detectCgroupMode(opts: { root?: string; force?: 1 | 2; controller?: string; mounts?: string; cgroups?: string } = {}): CgroupMode {
  const mounts = opts.mounts ?? readFileSync('/proc/self/mounts', 'utf8');
  const root = (opts.root ?? '/sys/fs/cgroup').replace(/\/+$/, '');
  const lines = mounts.split('\n').map((l) => l.split(' ')).filter((f) => f.length >= 4);
  const v2 = lines.find((f) => f[2] === 'cgroup2' && (f[1] === root || f[1]!.startsWith(root + '/')));
  if (v2 && opts.force !== 1) return { version: 2, mount: v2[1]!, hierarchy: 0 };
  if (opts.force === 2) throw new UserError(`--cgroup-version 2: no cgroup2 file system is mounted under ${root}`);
  const controller = opts.controller ?? 'memory';
  const table = (opts.cgroups ?? readFileSync('/proc/cgroups', 'utf8')).split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const idx = table.findIndex((l) => l.split(/\s+/)[0] === controller);
  if (idx < 0) throw new UserError(`the kernel has no cgroup v1 controller "${controller}" (/proc/cgroups)`);
  const hierarchy = Number(table[idx]!.split(/\s+/)[1]);
  const m = lines.find((f) => f[2] === 'cgroup' && f[3]!.split(',').includes(controller));
  if (!m || hierarchy === 0) throw new UserError(`no cgroup2 mount and the v1 "${controller}" hierarchy is not mounted under ${root}`);
  return { version: 1, mount: m[1]!, hierarchy, subsysIndex: idx, controller };
}

/** A container's leaf as found in a cgroup path. */
export interface CgroupLeaf {
  containerId: string;
  /** Which runtime's naming the leaf uses ('unknown' for a bare 64-hex leaf: containerd or CRI-O with cgroupfs). */
  runtime: 'containerd' | 'crio' | 'unknown';
  /** The pod UID from a `pod<uid>` or `kubepods-…-pod<uid_>.slice` segment (dashes restored). */
  podUid?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/** The container id of one path segment, or undefined (pods, slices, conmon, `container` sub-cgroups). */
export function segmentContainer(seg: string): { id: string; runtime: CgroupLeaf['runtime'] } | undefined {
  if (HEX64.test(seg)) return { id: seg, runtime: 'unknown' };
  let m = /^cri-containerd-([0-9a-f]{64})\.scope$/.exec(seg);
  if (m) return { id: m[1]!, runtime: 'containerd' };
  m = /^crio-([0-9a-f]{64})(\.scope)?$/.exec(seg);
  if (m) return { id: m[1]!, runtime: 'crio' };
  return undefined;
}

/** The pod UID of one path segment, or undefined. */
export function segmentPodUid(seg: string): string | undefined {
  let m = /^pod([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-zA-Z_-]+)$/.exec(seg);
  if (m) return m[1]!;
  m = /^kubepods.*-pod([0-9a-fA-F_]{8,})\.slice$/.exec(seg);
  if (m) return m[1]!.replace(/_/g, '-');
  return undefined;
}

/**
 * The container of a cgroup path (or of its innermost segments, e.g. the names the probe reads in the kernel): the
 * last segment naming a container wins (a nested runtime's outer id is not the container's), so
 * `…/crio-<id>.scope/container` is `<id>`.
 */
export function leafOfPath(path: string | readonly string[]): CgroupLeaf | undefined {
  const segs = typeof path === 'string' ? path.split('/').filter(Boolean) : path.filter(Boolean);
  let found: CgroupLeaf | undefined;
  for (const s of segs) {
    const c = segmentContainer(s);
    if (c) found = { containerId: c.id, runtime: c.runtime };
  }
  if (!found) return undefined;
  for (const s of segs) {
    const uid = segmentPodUid(s);
    if (uid !== undefined) found.podUid = uid;
  }
  return found;
}

/** The cgroup path of a process in the hierarchy of `mode` (host cgroup namespace), from /proc/<pid>/cgroup. */
export function processCgroupPath(text: string, mode: CgroupMode): string | undefined {
  for (const line of text.split('\n')) {
    const [h, ctrls, path] = [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1, line.lastIndexOf(':')), line.slice(line.lastIndexOf(':') + 1)];
    if (mode.version === 2 && h === '0' && ctrls === '') return path;
    if (mode.version === 1 && ctrls.split(',').includes(mode.controller ?? 'memory')) return path;
  }
  return undefined;
}

/** Any container leaf named in /proc/<pid>/cgroup (every hierarchy), for the audit source. */
export function leafOfProcCgroup(text: string): CgroupLeaf | undefined {
  for (const line of text.split('\n')) {
    const path = line.slice(line.lastIndexOf(':') + 1);
    const l = leafOfPath(path);
    if (l) return l;
  }
  return undefined;
}

/** One cgroup directory found by the start-up walk. */
export interface ExistingCgroup {
  id: number;
  path: string;
  leaf: CgroupLeaf;
  /** Processes in it now (cgroup.procs non-empty). */
  populated: boolean;
}

/**
 * Every container cgroup under `prefixes` of the hierarchy at `mount` (ids = directory inodes, which is what
 * bpf_get_current_cgroup_id and the kernfs ids are on 64-bit kernels ≥ 5.5). Bounded: at most `limit` directories.
 */
export function scanContainerCgroups(mount: string, prefixes: readonly string[], limit = 100_000): ExistingCgroup[] {
  const out: ExistingCgroup[] = [];
  let visited = 0;
  const walk = (rel: string, depth: number): void => {
    if (visited++ > limit || depth > 8) return;
    const abs = join(mount, rel);
    const leaf = leafOfPath(rel);
    if (leaf) {
      let populated = false;
      try {
        populated = readFileSync(join(abs, 'cgroup.procs'), 'utf8').trim() !== '';
      } catch {
        // vanished meanwhile
      }
      try {
        out.push({ id: statSync(abs).ino, path: rel, leaf, populated });
      } catch {
        return;
      }
    }
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) walk(`${rel}/${e.name}`, depth + 1);
  };
  let top: string[];
  try {
    top = readdirSync(mount, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return out;
  }
  for (const t of top) if (prefixes.some((p) => `/${t}`.startsWith(p) || p.startsWith(`/${t}/`) || p === `/${t}`)) walk(`/${t}`, 1);
  return out;
}
