// `k8s lint`: seccomp findings for manifests and live objects, with the kubelet's precedence (container over pod;
// init and ephemeral containers included) and the kubelet's SeccompDefault; plus every other Pod Security Standards
// control (pss.ts), baseline and restricted.
import { isMap, isSeq, type Node, type YAMLMap } from 'yaml';
import { UserError, type Diagnostic, type DiagnosticCode, type Severity } from '../common/index.js';
import { parseManifest, type ParsedManifest } from './manifest.js';
import { deref, findPodSpecs, getChild, objectLabel, type FieldRead, type ObjectRef, type PodSpecSite } from './podspecs.js';
import { checkPodSecurity, PSS_RULES } from './pss.js';
import { describeSetting, localhostPathProblem, type SeccompSetting } from './seccomp.js';

/** Pod Security Standards level to check against. */
export type PssLevel = 'baseline' | 'restricted';

/** What a Localhost profile lookup found. */
export type ProfileLookup =
  | { readonly found: false }
  | { readonly found: true; readonly errors: readonly Diagnostic[]; readonly defaultAction?: string };

/** Options for lint. */
export interface LintOptions {
  /** Default `baseline`. With `restricted`, a container without a profile is an error. */
  readonly level?: PssLevel;
  /** Looks up a localhostProfile path (relative to the kubelet's seccomp dir); omit to skip file checks. */
  readonly lookupProfile?: (localhostProfile: string) => ProfileLookup;
  /**
   * The node's kubelet runs with SeccompDefault (`--seccomp-default`, `seccompDefault: true`): a container without
   * a profile gets the runtime's RuntimeDefault, not Unconfined (info at baseline; restricted still wants the field).
   */
  readonly seccompDefault?: boolean;
  /**
   * Advice for a container that runs RuntimeDefault (`runs`: explicitly or by seccompDefault) or has no profile,
   * from its recording (`k8s lint --recordings DIR`, the advise stage); undefined when there is none.
   */
  readonly adviseContainer?: (object: ObjectRef, container: string, runs: boolean) => { severity: Severity; message: string; fix: string } | undefined;
}

/** One lint finding: a Diagnostic plus the object and container it is about. `code` is the rule id. */
export interface LintFinding extends Diagnostic {
  readonly object: ObjectRef;
  readonly container?: string;
  readonly fix: string;
}

/** The rules, for help texts and SARIF's rule table. */
export const LINT_RULES: Readonly<Record<string, { readonly severity: Severity; readonly summary: string }>> = {
  SECCOMP_NOT_SET: { severity: 'warning', summary: 'No seccomp profile: the container runs Unconfined unless the kubelet enables SeccompDefault (an error under --level restricted).' },
  SECCOMP_KUBELET_DEFAULT: { severity: 'info', summary: 'No seccomp profile, but the kubelet\'s SeccompDefault (--seccomp-default / --kubelet-config) runs the container under RuntimeDefault.' },
  SECCOMP_UNCONFINED: { severity: 'error', summary: 'Explicit Unconfined seccomp profile (violates Pod Security Standards baseline).' },
  SECCOMP_DEPRECATED_ANNOTATION: { severity: 'warning', summary: 'Deprecated seccomp annotation, ignored by kubelets since 1.25 and the API server since 1.27.' },
  SECCOMP_LOCALHOST_NOT_FOUND: { severity: 'error', summary: 'Localhost profile missing from the profile directory: the container would fail with CreateContainerError.' },
  SECCOMP_LOCALHOST_INVALID: { severity: 'error', summary: 'Localhost profile file is not a valid seccomp profile.' },
  SECCOMP_LOCALHOST_PERMISSIVE: { severity: 'warning', summary: 'Localhost profile allows or only logs every syscall by default (passes Pod Security restricted, restricts little).' },
  SECCOMP_LOCALHOST_BAD_PATH: { severity: 'error', summary: 'localhostProfile is absolute or contains "..": the API server rejects it.' },
  SECCOMP_FIELD_INVALID: { severity: 'error', summary: 'Malformed seccompProfile (type missing or unknown, localhostProfile without Localhost or the reverse).' },
  SECCOMP_RUNTIME_DEFAULT_ADVICE: { severity: 'error', summary: 'With --recordings: the container\'s recording checked against RuntimeDefault (advise): an error when it runs RuntimeDefault and a call it made is denied, a warning when it would be once turned on, info when safe.' },
  SECCOMP_WINDOWS: { severity: 'info', summary: 'Windows pod (spec.os.name: windows, or a hostProcess pod): seccomp does not apply; the field must not be set.' },
  ...Object.fromEntries(Object.entries(PSS_RULES).map(([k, v]) => [k, { severity: 'error' as Severity, summary: v.level === 'restricted' ? `${v.summary} Checked with --level restricted.` : v.summary }])),
};

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Whether a severity is at or above a threshold. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return RANK[s] >= RANK[threshold];
}

/** Lints one manifest text (YAML, multi-doc, JSON, `kubectl get -o json` Lists). Pure apart from lookupProfile. */
export function lintManifest(text: string, file: string, opts: LintOptions = {}): LintFinding[] {
  const found = lintParsed(parseManifest(text, file, 'lint'), opts);
  if (!found) throw new UserError(noObjectMessage(file));
  return found;
}

/** Why input holding no Kubernetes object is refused (NO_KUBERNETES_OBJECT). */
export function noObjectMessage(file: string): string {
  return `${file === '-' ? 'standard input' : file}: no Kubernetes object (a mapping with a kind) in it; give manifests or kubectl get … -o yaml|json output`;
}

/** Lints a manifest already parsed; undefined when it holds no Kubernetes object. */
export function lintParsed(m: ParsedManifest, opts: LintOptions = {}): LintFinding[] | undefined {
  if (!m.docs.some((d) => holdsObject(d.contents as Node | null, d))) return undefined;
  const out: LintFinding[] = [];
  m.docs.forEach((doc, i) => {
    for (const site of findPodSpecs(doc, i)) lintSite(m, site, opts, out);
  });
  return out.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0));
}

/** Whether a document's root is a Kubernetes object (or a List of them, which counts even when empty). */
function holdsObject(n: Node | null, doc: Parameters<typeof deref>[0]): boolean {
  const root = deref(doc, n);
  if (!root || !isMap(root)) return isSeq(root) && root.items.some((it) => holdsObject(it as Node, doc));
  return getChild(doc, root, 'kind') != null;
}

function pos(m: ParsedManifest, n: Node | null | undefined, fallback: YAMLMap): { line: number; col: number } {
  const r = (n as { range?: [number, number, number] } | null | undefined)?.range ?? fallback.range;
  return r ? m.lines.linePos(r[0]) : { line: 1, col: 1 };
}

function lintSite(m: ParsedManifest, site: PodSpecSite, opts: LintOptions, out: LintFinding[]): void {
  const level = opts.level ?? 'baseline';
  const add = (code: DiagnosticCode, severity: Severity, where: { line: number; col: number }, message: string, fix: string, container?: string): void => {
    const who = container !== undefined ? ` container "${container}"` : '';
    out.push({
      code, severity, message: `${objectLabel(site.object)}${who}: ${message}`, file: m.file, line: where.line, col: where.col,
      path: site.path, object: site.object, ...(container !== undefined ? { container } : {}), fix,
    });
  };
  for (const v of checkPodSecurity(site, level)) add(v.rule, 'error', pos(m, v.node, site.podSpec), v.message, v.fix, v.container);
  const podWhere = pos(m, site.field.node, site.podSpec);
  if (site.windows) {
    const set = [site.field, ...site.containers.map((c) => c.field)].some((f) => f.node !== undefined);
    if (set) add('SECCOMP_WINDOWS', 'error', podWhere, 'seccompProfile is set on a Windows pod (spec.os.name: windows); the API server rejects it', 'remove securityContext.seccompProfile from Windows pods');
    else add('SECCOMP_WINDOWS', 'info', pos(m, site.podSpec, site.podSpec), `Windows ${site.hostProcess ? 'hostProcess ' : ''}pod: seccomp does not apply; not checked`, 'nothing to do');
    return;
  }
  const file = (f: FieldRead, where: { line: number; col: number }, container?: string): void => {
    if (f.problem) add('SECCOMP_FIELD_INVALID', 'error', where, f.problem, 'set type to RuntimeDefault or Localhost (with localhostProfile)', container);
    const s = f.setting;
    if (s?.type === 'Localhost') checkLocalhost(s, where, container);
  };
  const checkLocalhost = (s: SeccompSetting, where: { line: number; col: number }, container?: string): void => {
    const p = s.localhostProfile ?? '';
    const bad = localhostPathProblem(p);
    if (bad) return add('SECCOMP_LOCALHOST_BAD_PATH', 'error', where, bad, 'use a path relative to <kubelet-root>/seccomp/ without ".."', container);
    if (!opts.lookupProfile) return;
    const r = opts.lookupProfile(p);
    if (!r.found) {
      return add('SECCOMP_LOCALHOST_NOT_FOUND', 'error', where, `Localhost profile "${p}" is not in the profile directory: the container would fail with CreateContainerError`,
        `install it on every node first (seccompctl k8s install ${p.split('/').pop() ?? p}) or fix the path`, container);
    }
    if (r.errors.length > 0) {
      const first = r.errors[0]!;
      return add('SECCOMP_LOCALHOST_INVALID', 'error', where, `Localhost profile "${p}" is not valid: ${first.code}: ${first.message}${r.errors.length > 1 ? ` (+${r.errors.length - 1} more)` : ''}`,
        `run seccompctl validate on it and fix the profile`, container);
    }
    if (r.defaultAction === 'SCMP_ACT_ALLOW' || r.defaultAction === 'SCMP_ACT_LOG') {
      add('SECCOMP_LOCALHOST_PERMISSIVE', 'warning', where, `Localhost profile "${p}" has defaultAction ${r.defaultAction}: it blocks only what its rules list`,
        'generate a least-privilege profile (defaultAction SCMP_ACT_ERRNO) with seccompctl generate', container);
    }
  };

  file(site.field, podWhere);
  const pod = site.field.setting;
  if (pod?.type === 'Unconfined') {
    add('SECCOMP_UNCONFINED', 'error', podWhere, 'pod-level seccompProfile is Unconfined (violates Pod Security baseline); containers that do not set their own run without seccomp',
      'seccompctl k8s patch --runtime-default (tightening an explicit Unconfined needs no --force)');
  }
  for (const a of site.annotationSites) {
    const where = pos(m, a.pair.key as Node, site.podSpec);
    const target = 'pod' in a.target ? 'pod' : `container ${a.target.container}`;
    const fieldSet = 'pod' in a.target ? pod : site.containers.find((c) => 'container' in a.target && c.name === a.target.container)?.field.setting;
    const effect = fieldSet ? `the field (${describeSetting(fieldSet)}) is what applies` : `the ${target} gets no profile from it`;
    add('SECCOMP_DEPRECATED_ANNOTATION', 'warning', where, `annotation ${a.key}: ${a.value} is ignored by kubelets since 1.25 and the API server since 1.27; ${effect}`,
      'seccompctl k8s patch migrates it to securityContext.seccompProfile and removes it');
  }
  for (const c of site.containers) {
    const where = pos(m, c.field.node ?? c.node, c.node);
    file(c.field, where, c.name);
    const own = c.field.setting;
    if (own?.type === 'Unconfined') {
      add('SECCOMP_UNCONFINED', 'error', where, `seccompProfile is Unconfined (violates Pod Security baseline${c.list !== 'containers' ? `; ${c.list} count too` : ''})`,
        `seccompctl k8s patch --runtime-default --container ${c.name}${c.list === 'initContainers' ? ' --init-containers' : ''}`, c.name);
      continue;
    }
    const eff = own ?? pod;
    if (opts.adviseContainer && !c.field.problem && !site.field.problem && (eff === undefined || eff.type === 'RuntimeDefault')) {
      const a = opts.adviseContainer(site.object, c.name, eff !== undefined || opts.seccompDefault === true);
      if (a) add('SECCOMP_RUNTIME_DEFAULT_ADVICE', a.severity, where, a.message, a.fix, c.name);
    }
    if (!own && !pod && !c.field.problem && !site.field.problem) {
      const restricted = level === 'restricted';
      const fix = 'seccompctl k8s patch --runtime-default (or --localhost PATH)';
      if (opts.seccompDefault && !restricted) {
        add('SECCOMP_KUBELET_DEFAULT', 'info', where, 'no seccomp profile on the container or the pod: the kubelet\'s seccompDefault runs it under the container runtime\'s RuntimeDefault profile', fix, c.name);
      } else if (opts.seccompDefault) {
        add('SECCOMP_NOT_SET', 'error', where, 'no seccomp profile on the container or the pod: the kubelet\'s seccompDefault gives it RuntimeDefault on this node, but Pod Security restricted requires the field (RuntimeDefault or Localhost)', fix, c.name);
      } else {
        add('SECCOMP_NOT_SET', restricted ? 'error' : 'warning', where,
          `no seccomp profile on the container or the pod: it runs Unconfined unless the node's kubelet enables SeccompDefault${restricted ? ' (violates Pod Security restricted, which requires RuntimeDefault or Localhost)' : ''}`, fix, c.name);
      }
    }
  }
}
