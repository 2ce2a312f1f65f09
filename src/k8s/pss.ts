// The Pod Security Standards controls other than seccomp (seccomp is lint.ts's own part), baseline and restricted,
// as pod-security-admission enforces them for the newest Kubernetes version (v1.37). Rules were read from the
// admission plugin's policy checks (k8s.io/pod-security-admission/policy/check_*.go) and are proven against its
// own test fixtures (test/fixtures/k8s/pss/, test/k8s/pss.test.ts). Pure: works on the parsed pod spec.
import type { DiagnosticCode } from '../common/index.js';
import { isMap, isSeq, type Document, type Node, type YAMLMap } from 'yaml';
import { deref, getChild, type ContainerSite, type PodSpecSite } from './podspecs.js';
import type { PssLevel } from './lint.js';

/** One violated control. `node` is where it is written (for file:line:col). */
export interface PssViolation {
  readonly rule: DiagnosticCode;
  readonly message: string;
  readonly fix: string;
  readonly node: Node;
  readonly container?: string;
}

/** The controls, for help texts and SARIF (all are errors at the level that has them). */
export const PSS_RULES: Readonly<Record<string, { readonly level: PssLevel; readonly summary: string }>> = {
  PSS_HOST_NAMESPACES: { level: 'baseline', summary: 'hostNetwork, hostPID or hostIPC is true (Pod Security baseline: host namespaces).' },
  PSS_PRIVILEGED: { level: 'baseline', summary: 'Privileged container: it runs without seccomp whatever the profile says (Pod Security baseline: privileged containers).' },
  PSS_CAPABILITIES: { level: 'baseline', summary: 'Capabilities beyond the default set added (baseline); restricted also requires drop ["ALL"] and allows adding only NET_BIND_SERVICE.' },
  PSS_HOST_PATH_VOLUMES: { level: 'baseline', summary: 'hostPath volume (Pod Security baseline: HostPath volumes).' },
  PSS_HOST_PORTS: { level: 'baseline', summary: 'Container port with a hostPort (Pod Security baseline: host ports).' },
  PSS_HOST_PROBES: { level: 'baseline', summary: 'Probe or lifecycle handler with a host set (Pod Security baseline: host probes / lifecycle hooks, 1.34+).' },
  PSS_APPARMOR: { level: 'baseline', summary: 'AppArmor profile type other than RuntimeDefault or Localhost, or an annotation that is not runtime/default or localhost/* (Pod Security baseline: AppArmor).' },
  PSS_SELINUX: { level: 'baseline', summary: 'seLinuxOptions with a forbidden type, or a user or role set (Pod Security baseline: SELinux).' },
  PSS_PROC_MOUNT: { level: 'baseline', summary: 'procMount other than Default (baseline allows it in a user namespace, hostUsers: false; restricted never).' },
  PSS_SYSCTLS: { level: 'baseline', summary: 'A sysctl outside the safe set (Pod Security baseline: sysctls).' },
  PSS_WINDOWS_HOST_PROCESS: { level: 'baseline', summary: 'Windows hostProcess container (Pod Security baseline: HostProcess).' },
  PSS_VOLUME_TYPES: { level: 'restricted', summary: 'A volume type other than configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret (Pod Security restricted: volume types).' },
  PSS_PRIVILEGE_ESCALATION: { level: 'restricted', summary: 'allowPrivilegeEscalation is not set to false (Pod Security restricted: privilege escalation).' },
  PSS_RUN_AS_NON_ROOT: { level: 'restricted', summary: 'runAsNonRoot is not true on the pod or the container (Pod Security restricted: running as non-root).' },
  PSS_RUN_AS_USER: { level: 'restricted', summary: 'runAsUser is 0 (Pod Security restricted: running as non-root user).' },
};

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat',
]);
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

type J = Record<string, unknown>;
const obj = (v: unknown): J | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as J) : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
// kubectl reads manifests with YAML 1.1 booleans (yes/on/y); the yaml package's 1.2 core schema leaves them strings.
const isTrue = (v: unknown): boolean => v === true || (typeof v === 'string' && /^(y|yes|on|true)$/i.test(v));
const isFalse = (v: unknown): boolean => v === false || (typeof v === 'string' && /^(n|no|off|false)$/i.test(v));
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** The node at a path under `root` (through aliases), or the deepest one found on the way. */
function nodeAt(doc: Document, root: Node, path: readonly (string | number)[]): Node {
  let cur: Node = root;
  for (const k of path) {
    let next: Node | null | undefined;
    if (typeof k === 'number') next = isSeq(cur) ? deref(doc, cur.items[k] as Node) : undefined;
    else next = isMap(cur) ? getChild(doc, cur as YAMLMap, k) : undefined;
    if (!next) return cur;
    cur = next;
  }
  return cur;
}

/** Checks one pod spec against every non-seccomp control of `level` (restricted includes baseline). */
export function checkPodSecurity(site: PodSpecSite, level: PssLevel): PssViolation[] {
  const doc = site.doc;
  const spec = obj(site.podSpec.toJS(doc)) ?? {};
  const podSc = obj(spec.securityContext);
  const restricted = level === 'restricted';
  const osWindows = str(obj(spec.os)?.name) === 'windows';
  const userNamespace = isFalse(spec.hostUsers);
  const out: PssViolation[] = [];
  const at = (path: readonly (string | number)[]): Node => nodeAt(doc, site.podSpec, path);
  const add = (rule: DiagnosticCode, path: readonly (string | number)[], message: string, fix: string, c?: ContainerSite): void => {
    out.push({ rule, message, fix, node: at(c ? [c.list, c.index, ...path] : path), ...(c ? { container: c.name } : {}) });
  };
  const containers = site.containers.map((c) => ({ c, js: obj(arr(spec[c.list])[c.index]) ?? {} }));

  // Host namespaces.
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (isTrue(spec[k])) add('PSS_HOST_NAMESPACES', [k], `${k}: true shares the host's namespace (forbidden by Pod Security baseline)`, `remove ${k} (or set it to false)`);
  }
  // Volumes: baseline forbids hostPath; restricted allows only the listed types.
  arr(spec.volumes).forEach((v, i) => {
    const vol = obj(v) ?? {};
    const name = str(vol.name) || `#${i}`;
    if (restricted) {
      if (RESTRICTED_VOLUMES.some((t) => obj(vol[t]) !== undefined)) return;
      const type = Object.keys(vol).find((k) => k !== 'name' && obj(vol[k]) !== undefined);
      // The API server defaults a volume without a source to emptyDir before admission sees it.
      if (type === undefined && Object.keys(vol).every((k) => k === 'name' || vol[k] === null)) return;
      add('PSS_VOLUME_TYPES', ['volumes', i], `volume "${name}" is of type ${type ?? 'unknown'}; Pod Security restricted allows only ${RESTRICTED_VOLUMES.join(', ')}`,
        'use a persistentVolumeClaim (or another allowed type) instead');
    } else if (obj(vol.hostPath) !== undefined) {
      add('PSS_HOST_PATH_VOLUMES', ['volumes', i, 'hostPath'], `volume "${name}" is a hostPath (forbidden by Pod Security baseline)`,
        'use a persistentVolumeClaim, emptyDir or configMap instead; node agents belong in a namespace labelled pod-security.kubernetes.io/enforce=privileged');
    }
  });
  // Sysctls.
  arr(podSc?.sysctls).forEach((s, i) => {
    const name = str(obj(s)?.name);
    if (!SAFE_SYSCTLS.has(name)) {
      add('PSS_SYSCTLS', ['securityContext', 'sysctls', i], `sysctl "${name}" is not in the safe set Pod Security baseline allows`, 'drop it, or set it on the node instead');
    }
  });
  // Pod-level AppArmor, SELinux, hostProcess, runAsNonRoot, runAsUser.
  appArmor(podSc, ['securityContext'], 'pod', add);
  seLinux(podSc, ['securityContext'], 'pod', add);
  if (isTrue(obj(podSc?.windowsOptions)?.hostProcess)) {
    add('PSS_WINDOWS_HOST_PROCESS', ['securityContext', 'windowsOptions', 'hostProcess'], 'pod sets windowsOptions.hostProcess: true (forbidden by Pod Security baseline)', 'run it as a normal Windows container');
  }
  for (const [k, v] of Object.entries(obj(site.metadata?.toJS(doc))?.annotations ?? {})) {
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !(str(v) === '' || str(v) === 'runtime/default' || str(v).startsWith('localhost/'))) {
      out.push({ rule: 'PSS_APPARMOR', node: site.metadata ?? site.podSpec, message: `annotation ${k}: ${str(v)} (Pod Security baseline allows only runtime/default and localhost/*)`, fix: 'use securityContext.appArmorProfile with type RuntimeDefault or Localhost' });
    }
  }
  const podNonRoot = podSc?.runAsNonRoot;
  if (restricted && !userNamespace) {
    if (podNonRoot !== undefined && podNonRoot !== null && !isTrue(podNonRoot)) add('PSS_RUN_AS_NON_ROOT', ['securityContext', 'runAsNonRoot'], 'pod sets runAsNonRoot: false (Pod Security restricted requires true)', 'set securityContext.runAsNonRoot: true');
    if (podSc?.runAsUser === 0) add('PSS_RUN_AS_USER', ['securityContext', 'runAsUser'], 'pod sets runAsUser: 0 (Pod Security restricted forbids root)', 'set runAsUser to a non-zero uid, or remove it and set runAsNonRoot: true');
  }

  for (const { c, js } of containers) {
    const sc = obj(js.securityContext);
    const scPath = ['securityContext'];
    if (isTrue(sc?.privileged)) {
      add('PSS_PRIVILEGED', [...scPath, 'privileged'], 'privileged: true, so the runtime runs it without seccomp whatever the profile says (forbidden by Pod Security baseline)',
        'drop privileged: true; add only the capabilities it needs', c);
    }
    // Restricted's capability rule replaces baseline's, and does not apply to Windows pods.
    if (!(restricted && osWindows)) capabilities(obj(sc?.capabilities), restricted, c, add);
    arr(js.ports).forEach((p, i) => {
      const hp = obj(p)?.hostPort;
      if (hp !== undefined && hp !== null && hp !== 0) add('PSS_HOST_PORTS', ['ports', i, 'hostPort'], `hostPort ${str(hp)} (forbidden by Pod Security baseline)`, 'remove hostPort; expose it with a Service', c);
    });
    for (const [path, h] of handlers(js)) {
      const host = str(obj(h)?.host);
      if (host !== '') add('PSS_HOST_PROBES', [...path, 'host'], `${path.join('.')}.host is "${host}" (Pod Security baseline forbids a host in probes and lifecycle handlers)`, 'remove host (it defaults to the pod IP)', c);
    }
    appArmor(sc, scPath, `container "${c.name}"`, add, c);
    seLinux(sc, scPath, `container "${c.name}"`, add, c);
    const pm = sc?.procMount;
    if (pm !== undefined && pm !== null && str(pm) !== 'Default' && (restricted || !userNamespace)) {
      add('PSS_PROC_MOUNT', [...scPath, 'procMount'], `procMount: ${str(pm)} unmasks /proc (Pod Security ${restricted ? 'restricted allows only Default' : 'baseline allows it only with hostUsers: false'})`, 'remove procMount (Default)', c);
    }
    if (isTrue(obj(sc?.windowsOptions)?.hostProcess)) {
      add('PSS_WINDOWS_HOST_PROCESS', [...scPath, 'windowsOptions', 'hostProcess'], 'windowsOptions.hostProcess: true (forbidden by Pod Security baseline)', 'run it as a normal Windows container', c);
    }
    if (!restricted) continue;
    if (!osWindows && !isFalse(sc?.allowPrivilegeEscalation)) {
      add('PSS_PRIVILEGE_ESCALATION', sc?.allowPrivilegeEscalation === undefined ? (sc ? scPath : []) : [...scPath, 'allowPrivilegeEscalation'],
        'allowPrivilegeEscalation is not false (Pod Security restricted requires securityContext.allowPrivilegeEscalation: false)', 'set securityContext.allowPrivilegeEscalation: false', c);
    }
    if (!userNamespace) {
      const own = sc?.runAsNonRoot;
      if (own !== undefined && own !== null) {
        if (!isTrue(own)) add('PSS_RUN_AS_NON_ROOT', [...scPath, 'runAsNonRoot'], 'runAsNonRoot: false (Pod Security restricted requires true)', 'set securityContext.runAsNonRoot: true', c);
      } else if (!isTrue(podNonRoot)) {
        add('PSS_RUN_AS_NON_ROOT', sc ? scPath : [], 'runAsNonRoot is set neither on the container nor on the pod (Pod Security restricted requires true)', 'set securityContext.runAsNonRoot: true on the pod', c);
      }
      if (sc?.runAsUser === 0) add('PSS_RUN_AS_USER', [...scPath, 'runAsUser'], 'runAsUser: 0 (Pod Security restricted forbids root)', 'set runAsUser to a non-zero uid', c);
    }
  }
  return out;
}

type Add = (rule: DiagnosticCode, path: readonly (string | number)[], message: string, fix: string, c?: ContainerSite) => void;

function capabilities(caps: J | undefined, restricted: boolean, c: ContainerSite, add: Add): void {
  const added = arr(caps?.add).map(str);
  const path = ['securityContext', 'capabilities'];
  if (restricted) {
    if (!arr(caps?.drop).map(str).includes('ALL')) {
      add('PSS_CAPABILITIES', caps ? [...path, 'drop'] : [], 'capabilities.drop does not include "ALL" (Pod Security restricted requires it)', 'set securityContext.capabilities.drop: ["ALL"]', c);
    }
    const bad = added.filter((x) => x !== 'NET_BIND_SERVICE');
    if (bad.length > 0) add('PSS_CAPABILITIES', [...path, 'add'], `capabilities.add has ${bad.join(', ')} (Pod Security restricted allows only NET_BIND_SERVICE)`, 'remove them from capabilities.add', c);
    return;
  }
  const bad = added.filter((x) => !BASELINE_CAPABILITIES.has(x));
  if (bad.length > 0) add('PSS_CAPABILITIES', [...path, 'add'], `capabilities.add has ${bad.join(', ')}, beyond the default set (forbidden by Pod Security baseline)`, 'remove them from capabilities.add', c);
}

function handlers(js: J): [string[], unknown][] {
  const out: [string[], unknown][] = [];
  for (const p of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    for (const h of ['httpGet', 'tcpSocket']) out.push([[p, h], obj(obj(js[p])?.[h])]);
  }
  for (const p of ['postStart', 'preStop']) {
    for (const h of ['httpGet', 'tcpSocket']) out.push([['lifecycle', p, h], obj(obj(obj(js.lifecycle)?.[p])?.[h])]);
  }
  return out.filter(([, h]) => h !== undefined);
}

function appArmor(sc: J | undefined, path: string[], who: string, add: Add, c?: ContainerSite): void {
  const p = sc?.appArmorProfile;
  if (p === undefined || p === null) return;
  const type = str(obj(p)?.type);
  if (type !== 'RuntimeDefault' && type !== 'Localhost') {
    add('PSS_APPARMOR', [...path, 'appArmorProfile'], `${who} sets appArmorProfile.type to "${type}" (Pod Security baseline allows only RuntimeDefault and Localhost)`, 'set appArmorProfile.type: RuntimeDefault', c);
  }
}

function seLinux(sc: J | undefined, path: string[], who: string, add: Add, c?: ContainerSite): void {
  const o = sc?.seLinuxOptions;
  if (o === undefined || o === null) return;
  const opts = obj(o) ?? {};
  const bad: string[] = [];
  if (!SELINUX_TYPES.has(str(opts.type))) bad.push(`type "${str(opts.type)}"`);
  if (str(opts.user) !== '') bad.push('user');
  if (str(opts.role) !== '') bad.push('role');
  if (bad.length > 0) {
    add('PSS_SELINUX', [...path, 'seLinuxOptions'], `${who} sets seLinuxOptions ${bad.join(', ')} (Pod Security baseline allows only the container_* types and no user or role)`,
      'remove user and role; use type container_t (or leave it to the runtime)', c);
  }
}
