// `k8s install`: the manifests that keep profiles on every node without touching application pods — a ConfigMap
// with the profiles and a hardened DaemonSet running `seccompctl node sync` into <kubelet-root>/seccomp/<subdir>.
import { stringify } from 'yaml';
import { UserError, type Diagnostic, type DiagnosticCode } from '../common/index.js';
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

/** What is wrong with the options or profiles of an install (INVALID_OPTION, INVALID_RESOURCE_NAME, …); empty when usable. */
export function installProblems(profiles: readonly InstallProfile[], opts: InstallOptions = {}): Diagnostic[] {
  const root = (opts.kubeletRoot ?? DEFAULT_KUBELET_ROOT).replace(/\/+$/, '') || '/';
  const subdir = opts.subdir ?? DEFAULT_SUBDIR;
  const [ns, image] = commonProblems(opts.namespace ?? DEFAULT_NAMESPACE, opts.image ?? DEFAULT_IMAGE);
  const out: Diagnostic[] = ns ? [ns] : [];
  if (!root.startsWith('/') || root.split('/').includes('..')) out.push(problem('INVALID_OPTION', `--kubelet-root "${root}" must be an absolute path without ".."`));
  const sp = nameProblem(subdir);
  if (sp) out.push(problem('INVALID_OPTION', `--subdir "${subdir}": ${sp}; it is one directory name under <kubelet-root>/seccomp/`));
  if (image) out.push(image);
  if (profiles.length === 0) out.push(problem('NO_PROFILES_GIVEN', 'no profiles given'));
  const seen = new Set<string>();
  let bytes = 0;
  for (const p of profiles) {
    const np = nameProblem(p.name);
    if (np || !CONFIGMAP_KEY.test(p.name)) {
      out.push(problem('INVALID_RESOURCE_NAME', `profile file name "${p.name}" cannot be a ConfigMap key${np ? `: ${np}` : ' (use letters, digits, "-", "_" and ".")'}; rename the file`));
    }
    if (seen.has(p.name)) out.push(problem('DUPLICATE_RESOURCE_NAME', `two profiles would both be installed as "${p.name}"; rename one`));
    seen.add(p.name);
    bytes += Buffer.byteLength(p.name) + Buffer.byteLength(p.text);
  }
  if (bytes > CONFIGMAP_MAX_BYTES) {
    out.push(problem('CONFIGMAP_TOO_LARGE', `the profiles add up to ${bytes} bytes, over the ConfigMap limit of 1 MiB; install them in several runs with different --subdir values`));
  }
  return out;
}

/** Builds the Namespace (when not kube-system), ConfigMap and DaemonSet. Throws a UserError on bad options (installProblems' first). */
export function buildInstall(profiles: readonly InstallProfile[], opts: InstallOptions = {}): InstallResult {
  refuseFirst(installProblems(profiles, opts));
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  const root = (opts.kubeletRoot ?? DEFAULT_KUBELET_ROOT).replace(/\/+$/, '') || '/';
  const subdir = opts.subdir ?? DEFAULT_SUBDIR;
  const image = opts.image ?? DEFAULT_IMAGE;
  const nodeDir = `${root === '/' ? '' : root}/seccomp/${subdir}`;
  const name = subdir === DEFAULT_SUBDIR ? 'seccompctl-profiles' : `seccompctl-profiles-${subdir.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '')}`.slice(0, 63).replace(/-+$/, '');
  const labels = labelsOf(name);
  const objects: Record<string, unknown>[] = [...privilegedNamespace(namespace)];
  objects.push({
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: { name, namespace, labels },
    data: Object.fromEntries(profiles.map((p) => [p.name, p.text])),
  });
  objects.push(nodeDaemonSet({
    name, namespace, labels, gracePeriodSeconds: 10, ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
    podSecurityContext: { seccompProfile: { type: 'RuntimeDefault' } },
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
      // uid 0 owns <kubelet-root>/seccomp, so writing there needs no capability at all.
      securityContext: rootContainerSecurity('RuntimeDefault'),
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
  }));
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

/** What is wrong with the options of a recording install (INVALID_OPTION); empty when usable. */
export function recordInstallProblems(opts: RecordInstallOptions = {}): Diagnostic[] {
  const stateDir = (opts.stateDir ?? DEFAULT_AGENT_STATE_DIR).replace(/\/+$/, '');
  const flush = opts.flushIntervalSec ?? 5;
  const out = commonProblems(opts.namespace ?? DEFAULT_NAMESPACE, opts.image ?? DEFAULT_AGENT_IMAGE).filter((d) => d !== undefined);
  if (!stateDir.startsWith('/') || stateDir.split('/').includes('..') || stateDir === '') out.push(problem('INVALID_OPTION', `--state-dir "${stateDir}" must be an absolute path without ".."`));
  if (!(flush >= 0.1)) out.push(problem('INVALID_OPTION', `--flush-interval ${flush}: at least 0.1 s`));
  return out;
}

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
  refuseFirst(recordInstallProblems(opts));
  const flush = opts.flushIntervalSec ?? 5;
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
  const labels = labelsOf(AGENT_NAME);
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
  const objects: Record<string, unknown>[] = [...privilegedNamespace(namespace)];
  objects.push(nodeDaemonSet({
    name: AGENT_NAME, namespace, labels, hostPID: true, gracePeriodSeconds: 15, ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
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
      securityContext: rootContainerSecurity(ebpf ? 'Unconfined' : 'RuntimeDefault', caps),
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
  }));
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

function problem(code: DiagnosticCode, message: string): Diagnostic {
  return { code, severity: 'error', message };
}

/** Throws the first problem as a UserError (exit 2): the builders' contract for library callers that skip the check. */
function refuseFirst(problems: readonly Diagnostic[]): void {
  if (problems[0]) throw new UserError(problems[0].message);
}

/** What both installs check: the namespace name and the image reference (each problem, or undefined). */
function commonProblems(namespace: string, image: string): [Diagnostic | undefined, Diagnostic | undefined] {
  return [
    !DNS1123_LABEL.test(namespace) || namespace.length > 63 ? problem('INVALID_OPTION', `--namespace "${namespace}" is not a valid namespace name (lower-case letters, digits, "-")`) : undefined,
    image.trim() === '' || /\s/.test(image) ? problem('INVALID_OPTION', `--image "${image}" is not an image reference`) : undefined,
  ];
}

function labelsOf(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/managed-by': 'seccompctl' };
}

/** The namespace (unless kube-system), labelled privileged: both DaemonSets mount hostPaths, which baseline forbids. */
function privilegedNamespace(namespace: string): Record<string, unknown>[] {
  if (namespace === 'kube-system') return [];
  return [{
    apiVersion: 'v1', kind: 'Namespace',
    metadata: { name: namespace, labels: { 'pod-security.kubernetes.io/enforce': 'privileged', 'app.kubernetes.io/managed-by': 'seccompctl' } },
  }];
}

/**
 * A node DaemonSet as both installs emit it: rolling updates, on every Linux node (tainted or not: a node without
 * the profiles fails pods with CreateContainerError, a node without an agent is not recorded), node-critical, no
 * service account token or service links. The pod spec's keys keep this order (the YAML is stable).
 */
function nodeDaemonSet(o: {
  name: string; namespace: string; labels: Record<string, string>; gracePeriodSeconds: number; hostPID?: boolean;
  nodeSelector?: Readonly<Record<string, string>>; podSecurityContext?: Record<string, unknown>;
  containers: Record<string, unknown>[]; volumes: Record<string, unknown>[];
}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'DaemonSet',
    metadata: { name: o.name, namespace: o.namespace, labels: o.labels },
    spec: {
      selector: { matchLabels: { 'app.kubernetes.io/name': o.name } },
      updateStrategy: { type: 'RollingUpdate' },
      template: {
        metadata: { labels: o.labels },
        spec: {
          ...(o.hostPID ? { hostPID: true } : {}),
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          priorityClassName: 'system-node-critical',
          terminationGracePeriodSeconds: o.gracePeriodSeconds,
          nodeSelector: { 'kubernetes.io/os': 'linux', ...(o.nodeSelector ?? {}) },
          tolerations: [{ operator: 'Exists' }],
          ...(o.podSecurityContext ? { securityContext: o.podSecurityContext } : {}),
          containers: o.containers,
          volumes: o.volumes,
        },
      },
    },
  };
}

/** uid 0 with every capability dropped (but `add`), no privilege escalation, a read-only root file system. */
function rootContainerSecurity(seccomp: 'RuntimeDefault' | 'Unconfined', add?: readonly string[]): Record<string, unknown> {
  return {
    runAsUser: 0,
    runAsGroup: 0,
    runAsNonRoot: false,
    privileged: false,
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ['ALL'], ...(add ? { add: [...add] } : {}) },
    seccompProfile: { type: seccomp },
  };
}
