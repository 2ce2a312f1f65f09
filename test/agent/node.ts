// A Kubernetes node's container runtime laid out on disk the way containerd's CRI plugin and CRI-O do it, running
// real runc containers: bundles with config.json and the CRI annotations, runc --root per runtime, cgroupsPath in the
// cgroupfs and systemd forms (runc's fs driver creates the same directories systemd would; no systemd here).
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimePaths } from '../../src/agent/index.js';
import { createHostBundle, startContainer, type BindMount, type RunningContainer } from '../../src/runtime/index.js';

export interface FakeNode {
  dir: string;
  paths: RuntimePaths;
  /** A unique cgroup prefix for this node (so concurrent tests and other users' cgroups never mix). */
  prefix: string;
  cleanup(): void;
}

export function fakeNode(): FakeNode {
  const dir = mkdtempSync(join(tmpdir(), 'seccompctl-node-'));
  const paths: RuntimePaths = {
    containerdTasks: join(dir, 'run/containerd/io.containerd.runtime.v2.task'),
    containerdNamespaces: ['k8s.io'],
    crioRoots: [join(dir, 'run/containers/storage'), join(dir, 'var/lib/containers/storage')],
  };
  mkdirSync(join(paths.containerdTasks, 'k8s.io'), { recursive: true });
  for (const r of paths.crioRoots) mkdirSync(join(r, 'overlay-containers'), { recursive: true });
  // kubelet's --cgroup-root: a per-test prefix, so a test only ever sees its own pods.
  const prefix = `/kubepods-t${randomBytes(3).toString('hex')}`;
  return {
    dir, paths, prefix,
    cleanup() {
      removeCgroupTree(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** rmdir of the (empty) cgroup directories runc left behind under the prefix, on every hierarchy. */
export function removeCgroupTree(prefix: string): void {
  const roots: string[] = [];
  for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
    const f = line.split(' ');
    if (f[2] === 'cgroup' || f[2] === 'cgroup2') roots.push(f[1]!);
  }
  const rm = (d: string): void => {
    let entries: string[] = [];
    try {
      entries = readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      return;
    }
    for (const e of entries) rm(join(d, e));
    try {
      rmdirSync(d);
    } catch {
      // still in use
    }
  };
  for (const r of roots) {
    for (const top of [prefix, `${prefix}.slice`]) {
      try {
        statSync(join(r, top));
      } catch {
        continue;
      }
      rm(join(r, top));
    }
  }
}

export interface PodDef {
  runtime: 'containerd' | 'crio';
  driver: 'cgroupfs' | 'systemd';
  namespace: string;
  pod: string;
  podUid?: string;
  container: string;
  image?: string;
  args: string[];
  /** Pod annotations that reach the spec (CRI-O: always; containerd: with pod_annotations configured). */
  annotations?: Record<string, string>;
  /** Pod labels (CRI-O: in the sandbox's config.json). */
  labels?: Record<string, string>;
  mounts?: BindMount[];
  /** linux.seccomp JSON text (e.g. a LOG profile for the audit source). */
  seccomp?: string;
  qos?: 'besteffort' | 'burstable';
  stopSignal?: NodeJS.Signals;
  /** Remove the bundle (containerd task delete) as soon as the container exits. Default true. */
  deleteBundle?: boolean;
}

export interface PodContainer {
  id: string;
  podUid: string;
  cgroupsPath: string;
  running: RunningContainer;
}

export function hex64(): string {
  return randomBytes(32).toString('hex');
}

export function cgroupsPathOf(node: FakeNode, d: PodDef, id: string, podUid: string): string {
  const qos = d.qos ?? 'besteffort';
  if (d.driver === 'cgroupfs') return `${node.prefix}/${qos}/pod${podUid}/${d.runtime === 'crio' ? `crio-${id}` : id}`;
  const p = node.prefix.slice(1);
  const u = podUid.replace(/-/g, '_');
  return `/${p}.slice/${p}-${qos}.slice/${p}-${qos}-pod${u}.slice/${d.runtime === 'crio' ? `crio-${id}.scope` : `cri-containerd-${id}.scope`}`;
}

function uuid(): string {
  const h = randomBytes(16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Lays out one container of a pod as the runtime would and starts it with runc. */
export function startPodContainer(node: FakeNode, d: PodDef): PodContainer {
  const id = hex64();
  const podUid = d.podUid ?? uuid();
  const sandboxId = hex64();
  const host = createHostBundle({ args: d.args, mounts: d.mounts ?? [], parentDir: node.dir, ...(d.seccomp !== undefined ? { seccomp: d.seccomp } : {}) });
  const spec = JSON.parse(readFileSync(host.configPath, 'utf8')) as { annotations?: Record<string, string>; linux: Record<string, unknown> };
  const cgroupsPath = cgroupsPathOf(node, d, id, podUid);
  spec.linux.cgroupsPath = cgroupsPath;
  let bundle: string;
  let runcRoot: string;
  if (d.runtime === 'containerd') {
    spec.annotations = {
      'io.kubernetes.cri.container-type': 'container',
      'io.kubernetes.cri.container-name': d.container,
      'io.kubernetes.cri.image-name': d.image ?? 'docker.io/library/test:1',
      'io.kubernetes.cri.sandbox-id': sandboxId,
      'io.kubernetes.cri.sandbox-name': d.pod,
      'io.kubernetes.cri.sandbox-namespace': d.namespace,
      'io.kubernetes.cri.sandbox-uid': podUid,
      ...(d.annotations ?? {}),
    };
    bundle = join(node.paths.containerdTasks, 'k8s.io', id);
    runcRoot = join(node.dir, 'run/containerd/runc/k8s.io');
  } else {
    const crioRun = node.paths.crioRoots[0]!;
    spec.annotations = {
      'io.kubernetes.cri-o.ContainerID': id,
      'io.kubernetes.cri-o.ContainerType': 'container',
      'io.kubernetes.cri-o.Name': `k8s_${d.container}_${d.pod}_${d.namespace}_${podUid}_0`,
      'io.kubernetes.cri-o.SandboxID': sandboxId,
      'io.kubernetes.cri-o.SandboxName': `k8s_${d.pod}_${d.namespace}_${podUid}_0`,
      'io.kubernetes.cri-o.ImageName': d.image ?? 'docker.io/library/test:1',
      'io.kubernetes.cri-o.Labels': JSON.stringify({ 'io.kubernetes.container.name': d.container, 'io.kubernetes.pod.name': d.pod, 'io.kubernetes.pod.namespace': d.namespace, 'io.kubernetes.pod.uid': podUid }),
      'io.kubernetes.cri-o.Annotations': JSON.stringify({ 'io.kubernetes.container.restartCount': '0', ...(d.annotations ?? {}) }),
      'io.kubernetes.cri-o.Metadata': JSON.stringify({ name: d.container }),
      'io.kubernetes.pod.name': d.pod,
      'io.kubernetes.pod.namespace': d.namespace,
      'io.kubernetes.pod.uid': podUid,
      'io.kubernetes.container.name': d.container,
      ...(d.annotations ?? {}),
    };
    // The sandbox's config.json carries the pod's labels.
    const sdir = join(crioRun, 'overlay-containers', sandboxId, 'userdata');
    mkdirSync(sdir, { recursive: true });
    writeFileSync(join(sdir, 'config.json'), JSON.stringify({
      ociVersion: '1.0.2',
      annotations: {
        'io.kubernetes.cri-o.ContainerType': 'sandbox', 'io.kubernetes.pod.name': d.pod, 'io.kubernetes.pod.namespace': d.namespace,
        'io.kubernetes.pod.uid': podUid, 'io.kubernetes.cri-o.Labels': JSON.stringify(d.labels ?? {}),
      },
    }));
    bundle = join(crioRun, 'overlay-containers', id, 'userdata');
    runcRoot = join(node.dir, 'run/runc');
  }
  mkdirSync(bundle, { recursive: true });
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
  rmSync(host.configPath);
  const running = startContainer(bundle, { id, stateRoot: runcRoot, stopSignal: d.stopSignal ?? 'SIGTERM', killGraceMs: 5000 });
  void running.done.finally(() => {
    // containerd deletes the bundle at task delete, right after the exit; CRI-O keeps it until the container is removed.
    if (d.runtime === 'containerd' && d.deleteBundle !== false) rmSync(bundle, { recursive: true, force: true });
  });
  return { id, podUid, cgroupsPath, running };
}
