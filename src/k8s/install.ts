// `k8s install`: the manifests that keep profiles on every node without touching application pods — a ConfigMap
// with the profiles and a hardened DaemonSet running `seccompctl node sync` into <kubelet-root>/seccomp/<subdir>.
import { stringify } from 'yaml';
import { UserError } from '../common/index.js';
import { CONFIGMAP_KEY, nameProblem } from './names.js';

/** The image the DaemonSet runs by default (build it from the repository's Dockerfile and push it). */
export const DEFAULT_IMAGE = 'seccompctl:0.1.0';
/** Where the kubelet keeps its state; profiles live under `<root>/seccomp/`. */
export const DEFAULT_KUBELET_ROOT = '/var/lib/kubelet';
export const DEFAULT_SUBDIR = 'seccompctl';
export const DEFAULT_NAMESPACE = 'seccompctl-system';
/** A ConfigMap holds at most 1 MiB. */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

/** One profile to install: its file name on the node and its (canonical JSON) text. */
export interface InstallProfile {
  readonly name: string;
  readonly text: string;
}

/** Options for buildInstall. */
export interface InstallOptions {
  /** Default `seccompctl-system`. */
  readonly namespace?: string;
  /** Default `/var/lib/kubelet`. */
  readonly kubeletRoot?: string;
  /** Directory under `<kubelet-root>/seccomp/` (one path element). Default `seccompctl`. */
  readonly subdir?: string;
  /** Extra node labels the DaemonSet must match (`kubernetes.io/os: linux` is always required). */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Default DEFAULT_IMAGE. */
  readonly image?: string;
}

/** The objects to apply, and the localhostProfile value of each profile. */
export interface InstallResult {
  readonly objects: readonly Record<string, unknown>[];
  /** profile file name → value for `securityContext.seccompProfile.localhostProfile`. */
  readonly localhostProfiles: Readonly<Record<string, string>>;
  /** Absolute directory on every node. */
  readonly nodeDir: string;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Builds the Namespace (when not kube-system), ConfigMap and DaemonSet. Throws a UserError on bad options. */
export function buildInstall(profiles: readonly InstallProfile[], opts: InstallOptions = {}): InstallResult {
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  const root = (opts.kubeletRoot ?? DEFAULT_KUBELET_ROOT).replace(/\/+$/, '') || '/';
  const subdir = opts.subdir ?? DEFAULT_SUBDIR;
  const image = opts.image ?? DEFAULT_IMAGE;
  if (!DNS1123_LABEL.test(namespace) || namespace.length > 63) throw new UserError(`--namespace "${namespace}" is not a valid namespace name (lower-case letters, digits, "-")`);
  if (!root.startsWith('/') || root.split('/').includes('..')) throw new UserError(`--kubelet-root "${root}" must be an absolute path without ".."`);
  const sp = nameProblem(subdir);
  if (sp) throw new UserError(`--subdir "${subdir}": ${sp}; it is one directory name under <kubelet-root>/seccomp/`);
  if (image.trim() === '' || /\s/.test(image)) throw new UserError(`--image "${image}" is not an image reference`);
  if (profiles.length === 0) throw new UserError('no profiles given');
  const seen = new Set<string>();
  let bytes = 0;
  for (const p of profiles) {
    const np = nameProblem(p.name);
    if (np || !CONFIGMAP_KEY.test(p.name)) {
      throw new UserError(`profile file name "${p.name}" cannot be a ConfigMap key${np ? `: ${np}` : ' (use letters, digits, "-", "_" and ".")'}; rename the file`);
    }
    if (seen.has(p.name)) throw new UserError(`two profiles would both be installed as "${p.name}"; rename one`);
    seen.add(p.name);
    bytes += Buffer.byteLength(p.name) + Buffer.byteLength(p.text);
  }
  if (bytes > CONFIGMAP_MAX_BYTES) {
    throw new UserError(`the profiles add up to ${bytes} bytes, over the ConfigMap limit of 1 MiB; install them in several runs with different --subdir values`);
  }
  const nodeDir = `${root === '/' ? '' : root}/seccomp/${subdir}`;
  const name = subdir === DEFAULT_SUBDIR ? 'seccompctl-profiles' : `seccompctl-profiles-${subdir.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '')}`.slice(0, 63).replace(/-+$/, '');
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'seccompctl' };
  const objects: Record<string, unknown>[] = [];
  if (namespace !== 'kube-system') {
    objects.push({
      apiVersion: 'v1', kind: 'Namespace',
      metadata: {
        name: namespace,
        // The DaemonSet mounts a hostPath, which Pod Security baseline forbids: this namespace must be privileged.
        labels: { 'pod-security.kubernetes.io/enforce': 'privileged', 'app.kubernetes.io/managed-by': 'seccompctl' },
      },
    });
  }
  objects.push({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name, namespace, labels },
    data: Object.fromEntries(profiles.map((p) => [p.name, p.text])),
  });
  objects.push({
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name, namespace, labels },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': name } },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          priorityClassName: 'system-node-critical',
          terminationGracePeriodSeconds: 10,
          nodeSelector: { 'kubernetes.io/os': 'linux', ...(opts.nodeSelector ?? {}) },
          // Reach every node, tainted or not: a node without the profiles fails pods with CreateContainerError.
          tolerations: [{ operator: 'Exists' }],
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'sync',
            image,
            imagePullPolicy: 'IfNotPresent',
            command: ['seccompctl', 'node', 'sync', '--from', '/profiles', '--to', nodeDir, '--ready-file', '/run/seccompctl/ready'],
            // Ready only once this node holds every profile (and nothing was refused), and `doctor` finds nothing that
            // would break a profile on this node (kernel seccomp actions, each profile judged for it): rollout status means it.
            readinessProbe: {
              exec: { command: ['sh', '-c', `cat /run/seccompctl/ready >/dev/null && exec seccompctl doctor --quiet --kubelet-root '${root.replace(/'/g, `'\\''`)}'`] },
              periodSeconds: 10, failureThreshold: 1, timeoutSeconds: 10,
            },
            securityContext: {
              // uid 0 owns <kubelet-root>/seccomp, so writing there needs no capability at all.
              runAsUser: 0,
              runAsGroup: 0,
              runAsNonRoot: false,
              privileged: false,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
              seccompProfile: { type: 'RuntimeDefault' },
            },
            // Measured: ~60 MiB RSS for the built CLI syncing; V8's heap cap keeps GC ahead of the cgroup limit.
            env: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=128' }],
            resources: {
              requests: { cpu: '5m', memory: '64Mi' },
              limits: { cpu: '100m', memory: '192Mi' },
            },
            volumeMounts: [
              { name: 'profiles', mountPath: '/profiles', readOnly: true },
              { name: 'node-seccomp', mountPath: nodeDir },
              { name: 'state', mountPath: '/run/seccompctl' },
            ],
          }],
          volumes: [
            { name: 'profiles', configMap: { name } },
            // Only the subdirectory is mounted: the pod cannot touch other profiles on the node.
            { name: 'node-seccomp', hostPath: { path: nodeDir, type: 'DirectoryOrCreate' } },
            { name: 'state', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } },
          ],
        },
      },
    },
  });
  return { objects, localhostProfiles: Object.fromEntries(profiles.map((p) => [p.name, `${subdir}/${p.name}`])), nodeDir };
}

/** Multi-document YAML for `kubectl apply -f -`, with the localhostProfile values in a header comment. */
export function renderInstallYaml(r: InstallResult): string {
  const head = [
    '# Generated by seccompctl k8s install. Apply with: kubectl apply -f <this file>',
    `# The DaemonSet keeps ${r.nodeDir}/ on every node in sync with the ConfigMap.`,
    '# Wait until it is ready on every node (kubectl rollout status) before rolling out pods that use the profiles.',
    '# Pods reference them as securityContext.seccompProfile {type: Localhost, localhostProfile: <value>}:',
    ...Object.entries(r.localhostProfiles).map(([k, v]) => `#   ${k}: localhostProfile: ${v}`),
  ];
  return head.join('\n') + '\n' + r.objects.map((o) => '---\n' + stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('');
}

/** Options for the recording DaemonSet (`k8s install --record`). */
export interface RecordInstallOptions {
  readonly namespace?: string;
  readonly image?: string;
  /** ebpf (default) or audit; `auto` gets the union of both sources' needs. */
  readonly source?: 'ebpf' | 'audit' | 'auto';
  /** Record every container (not only annotated pods). */
  readonly all?: boolean;
  /** The agent's state directory on every node. Default /var/lib/seccompctl. */
  readonly stateDir?: string;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** Default 5 s. */
  readonly flushIntervalSec?: number;
}

/** One thing the agent is given, and why it needs it. */
export interface Grant {
  readonly what: string;
  readonly why: string;
}

export interface RecordInstallResult {
  readonly objects: readonly Record<string, unknown>[];
  readonly grants: readonly Grant[];
  readonly stateDir: string;
}

export const AGENT_NAME = 'seccompctl-agent';
/** The agent image (the Dockerfile's `agent` target: the CLI plus bpftrace). */
export const DEFAULT_AGENT_IMAGE = 'seccompctl-agent:0.1.0';
export const DEFAULT_AGENT_STATE_DIR = '/var/lib/seccompctl';

/**
 * The recording DaemonSet: `seccompctl agent` on every node with the least it needs for its source. Not privileged:
 * capabilities are added one by one, each with its reason (`grants`), and host paths are mounted read-only except the
 * state directory.
 */
export function buildRecordInstall(opts: RecordInstallOptions = {}): RecordInstallResult {
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  const image = opts.image ?? DEFAULT_AGENT_IMAGE;
  const source = opts.source ?? 'ebpf';
  const stateDir = (opts.stateDir ?? DEFAULT_AGENT_STATE_DIR).replace(/\/+$/, '');
  if (!DNS1123_LABEL.test(namespace) || namespace.length > 63) throw new UserError(`--namespace "${namespace}" is not a valid namespace name (lower-case letters, digits, "-")`);
  if (image.trim() === '' || /\s/.test(image)) throw new UserError(`--image "${image}" is not an image reference`);
  if (!stateDir.startsWith('/') || stateDir.split('/').includes('..') || stateDir === '') throw new UserError(`--state-dir "${stateDir}" must be an absolute path without ".."`);
  const flush = opts.flushIntervalSec ?? 5;
  if (!(flush >= 0.1)) throw new UserError(`--flush-interval ${flush}: at least 0.1 s`);
  const ebpf = source !== 'audit';
  const audit = source !== 'ebpf';
  const grants: Grant[] = [
    { what: 'hostPID: true', why: 'the audit source maps a record\'s host pid to its container through /proc/<pid>/cgroup; the eBPF source reads task fields of host processes by pid' },
    { what: 'runAsUser: 0, capabilities drop ALL', why: 'root owns the runtime state and cgroup files read here; no capability beyond the ones added below' },
  ];
  const caps: string[] = [];
  if (ebpf) {
    // Measured with bpftrace 0.17 on Linux 6.18 (test/agent/lifecycle.test.ts runs the agent under exactly this set):
    // CAP_BPF + CAP_PERFMON alone fail, because bpftrace enumerates the kernel's BTF objects (BPF_BTF_GET_NEXT_ID),
    // which the kernel allows only with CAP_SYS_ADMIN. CAP_SYS_ADMIN also covers bpf(2) and perf_event_open(2).
    caps.push('SYS_ADMIN', 'SYS_RESOURCE');
    grants.push(
      { what: 'CAP_SYS_ADMIN', why: 'eBPF: bpftrace 0.17 lists the kernel\'s BTF objects (bpf BPF_BTF_GET_NEXT_ID needs CAP_SYS_ADMIN; CAP_BPF+CAP_PERFMON were measured not to be enough); it also covers loading the program (CAP_BPF) and attaching to tracepoints (CAP_PERFMON)' },
      { what: 'CAP_SYS_RESOURCE', why: 'eBPF: bpftrace raises RLIMIT_MEMLOCK for its maps on kernels that still charge them to memlock (< 5.11)' },
      { what: 'seccompProfile: Unconfined', why: 'eBPF: bpf(2) and perf_event_open(2) are the agent\'s job; runtimes\' default profiles allow them only conditionally (by capability, and not in every runtime version)' },
      { what: 'hostPath /sys/kernel/tracing (read-only)', why: 'eBPF: tracepoint ids; a pod cannot mount tracefs itself' },
    );
  }
  if (audit) {
    caps.push('SYSLOG');
    grants.push(
      { what: 'CAP_SYSLOG', why: 'audit: read seccomp audit records from /dev/kmsg' },
      { what: 'hostPath /dev/kmsg (read-only)', why: 'audit: the kernel log, where SCMP_ACT_LOG records go when auditd does not run' },
      { what: '(not granted) kernel.printk_ratelimit', why: 'audit: the agent cannot lower the printk rate limit from a pod; set kernel.printk_ratelimit=0 on the nodes, or records are lost (the agent reports the loss per recording)' },
    );
  }
  grants.push(
    { what: 'hostPath /sys/fs/cgroup → /host/sys/fs/cgroup (read-only)', why: 'the host\'s cgroup tree (the pod\'s own /sys/fs/cgroup is its cgroup namespace): containers already running at start' },
    { what: 'hostPath /run/containerd/io.containerd.runtime.v2.task (read-only)', why: 'containerd: each container\'s config.json with its io.kubernetes.cri.* annotations (pod, namespace, UID, container, image)' },
    { what: 'hostPath /run/containers/storage, /var/lib/containers/storage (read-only)', why: 'CRI-O: each container\'s config.json with its io.kubernetes.* annotations and the sandbox\'s pod labels' },
    { what: `hostPath ${stateDir} (read-write)`, why: 'recordings survive agent restarts and pod deletion; profiles are written there' },
  );
  const labels = { 'app.kubernetes.io/name': AGENT_NAME, 'app.kubernetes.io/managed-by': 'seccompctl' };
  const ro = (name: string, path: string, type: string, mountPath = path): { volume: Record<string, unknown>; mount: Record<string, unknown> } => ({
    volume: { name, hostPath: { path, type } },
    mount: { name, mountPath, readOnly: true, ...(name === 'cgroup' ? { mountPropagation: 'HostToContainer' } : {}) },
  });
  const mounts = [
    ro('cgroup', '/sys/fs/cgroup', 'Directory', '/host/sys/fs/cgroup'),
    ro('containerd-tasks', '/run/containerd/io.containerd.runtime.v2.task', 'DirectoryOrCreate'),
    ro('crio-run', '/run/containers/storage', 'DirectoryOrCreate'),
    ro('crio-lib', '/var/lib/containers/storage', 'DirectoryOrCreate'),
    ...(ebpf ? [ro('tracefs', '/sys/kernel/tracing', 'Directory')] : []),
    ...(audit ? [ro('kmsg', '/dev/kmsg', 'CharDevice')] : []),
  ];
  const args = [
    'agent', '--source', source, '--state-dir', stateDir, '--cgroup-root', '/host/sys/fs/cgroup',
    '--flush-interval', String(flush), '--listen', `unix:${stateDir}/agent.sock`, ...(opts.all ? ['--all'] : []),
  ];
  const objects: Record<string, unknown>[] = [];
  if (namespace !== 'kube-system') {
    objects.push({
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'privileged', 'app.kubernetes.io/managed-by': 'seccompctl' } },
    });
  }
  objects.push({
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name: AGENT_NAME, namespace, labels },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': AGENT_NAME } },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels },
        spec: {
          hostPID: true,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          priorityClassName: 'system-node-critical',
          terminationGracePeriodSeconds: 15,
          nodeSelector: { 'kubernetes.io/os': 'linux', ...(opts.nodeSelector ?? {}) },
          // Every node, tainted or not: a pod on a node without an agent would not be recorded.
          tolerations: [{ operator: 'Exists' }],
          containers: [{
            name: 'agent',
            image,
            imagePullPolicy: 'IfNotPresent',
            command: ['seccompctl'],
            args,
            env: [
              { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'NODE_OPTIONS', value: '--max-old-space-size=256' },
            ],
            // Ready once the first flush wrote the state file (the source is attached by then).
            readinessProbe: { exec: { command: ['cat', `${stateDir}/state.json`] }, periodSeconds: 10, failureThreshold: 1 },
            securityContext: {
              runAsUser: 0,
              runAsGroup: 0,
              runAsNonRoot: false,
              privileged: false,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'], add: caps },
              seccompProfile: { type: ebpf ? 'Unconfined' : 'RuntimeDefault' },
            },
            resources: {
              requests: { cpu: '50m', memory: '128Mi' },
              limits: { cpu: '1', memory: '512Mi' },
            },
            volumeMounts: [...mounts.map((m) => m.mount), { name: 'state', mountPath: stateDir }, { name: 'tmp', mountPath: '/tmp' }],
          }],
          volumes: [
            ...mounts.map((m) => m.volume),
            { name: 'state', hostPath: { path: stateDir, type: 'DirectoryOrCreate' } },
            // bpftrace's scratch space (the root file system is read-only)
            { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
          ],
        },
      },
    },
  });
  return { objects, grants, stateDir };
}

/** YAML for `kubectl apply -f -`, with every grant and its reason in the header. */
export function renderRecordInstallYaml(r: RecordInstallResult): string {
  const head = [
    '# Generated by seccompctl k8s install --record. Apply with: kubectl apply -f <this file>',
    `# The seccompctl agent on every node records opted-in pods into ${r.stateDir} on the node.`,
    '# Opt a workload in: kubectl seccomp record start deployment/NAME -n NS; gather: kubectl seccomp record pull ...',
    '# What the agent is given, and why:',
    ...r.grants.map((g) => `#   ${g.what}: ${g.why}`),
  ];
  return head.join('\n') + '\n' + r.objects.map((o) => '---\n' + stringify(o, { lineWidth: 0, aliasDuplicateObjects: false })).join('');
}
