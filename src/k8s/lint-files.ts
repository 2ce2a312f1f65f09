// `k8s lint FILE...` as one library call: the kubelet's setting (flag or KubeletConfiguration file), the Localhost
// profile directory judged for a node's facts, recordings to advise from, every manifest linted, and the verdict
// against a severity threshold. Nothing is printed.
import { resolve } from 'node:path';
import { readInput, refusal, refusalOf, type Diagnostic, type Refusal, type Severity } from '../common/index.js';
import { containerAdvisor } from '../advise/index.js';
import type { RuntimeDefaultName } from '../generate/index.js';
import { nodeProfileFindings, parseKubeletConfig, parseNodeFacts } from '../node/index.js';
import { atLeast, lintParsed, noObjectMessage, type LintFinding, type LintOptions, type PssLevel } from './lint.js';
import { profileDirLookup } from './lookup.js';
import { safeParseManifest } from './manifest.js';
import type { CheckedProfile } from './profiles.js';

/** Options for lintFiles (the `k8s lint` flags). */
export interface LintFilesOptions {
  /** Default `baseline`. */
  readonly level?: PssLevel;
  /** The nodes' kubelets run with SeccompDefault. Excludes `kubeletConfig`. */
  readonly seccompDefault?: boolean;
  /** Read seccompDefault from this KubeletConfiguration file (the kubelet's --config). */
  readonly kubeletConfig?: string;
  /** A copy of <kubelet-root>/seccomp/: Localhost profiles must exist there and validate. */
  readonly profiles?: string;
  /** With `profiles`: `seccompctl doctor --json` output; each profile is judged for that node. */
  readonly nodeFacts?: string;
  /** Recorded profiles or logs per container: containers that run or would run RuntimeDefault are checked (advise). */
  readonly recordings?: string;
  /** With `recordings`: the nodes' runtime. Default containerd. */
  readonly runtime?: RuntimeDefaultName;
  /** The verdict fails when a finding is at least this severe. Default `error`. */
  readonly failOn?: Severity;
  /** Relative paths resolve here (default the process's). */
  readonly cwd?: string;
  /** Standard input, for the path `-`. */
  readonly stdin?: NodeJS.ReadableStream;
}

/** The findings of every file, sorted per file; `failed` when one is at least `failOn`. */
export type LintFilesResult = Refusal | {
  readonly outcome: 'ok' | 'failed';
  readonly findings: readonly LintFinding[];
  /** The kubelet setting the findings assume. */
  readonly seccompDefault: boolean;
  readonly diagnostics: readonly Diagnostic[];
};

/**
 * Lints manifest files. Refused: `seccompDefault` with `kubeletConfig` (CONFLICTING_OPTIONS), `nodeFacts` without
 * `profiles` (MISSING_OPTION), unparsable manifests (MANIFEST_SYNTAX, MANIFEST_TEMPLATE), input holding no Kubernetes
 * object (NO_KUBERNETES_OBJECT). Unreadable files, a bad KubeletConfiguration, node facts or profile directory throw
 * a UserError naming them.
 */
export async function lintFiles(files: readonly string[], opts: LintFilesOptions = {}): Promise<LintFilesResult> {
  const abs = (p: string): string => (p === '-' ? p : resolve(opts.cwd ?? process.cwd(), p));
  if (opts.seccompDefault && opts.kubeletConfig !== undefined) return refusal('CONFLICTING_OPTIONS', 'give --seccomp-default or --kubelet-config FILE, not both');
  const seccompDefault = opts.kubeletConfig !== undefined
    ? parseKubeletConfig(await readInput(abs(opts.kubeletConfig), opts.stdin), opts.kubeletConfig).seccompDefault === true
    : opts.seccompDefault === true;
  if (opts.nodeFacts !== undefined && opts.profiles === undefined) return refusal('MISSING_OPTION', '--node-facts needs --profiles DIR (the profiles to judge for that node)');
  const facts = opts.nodeFacts !== undefined ? parseNodeFacts(await readInput(abs(opts.nodeFacts), opts.stdin), opts.nodeFacts) : undefined;
  // A name the node's libseccomp does not know is skipped by runc there: an error for a profile pods rely on.
  const checkProfile = facts ? { checkProfile: (c: CheckedProfile) => (c.profile ? nodeProfileFindings(c.profile, facts).map((d) => ({ ...d, severity: 'error' as const })) : []) } : {};
  const lookup = opts.profiles !== undefined ? profileDirLookup(abs(opts.profiles), checkProfile) : undefined;
  const advisor = opts.recordings !== undefined ? containerAdvisor(abs(opts.recordings), opts.runtime ?? 'containerd') : undefined;
  const lintOpts: LintOptions = {
    level: opts.level ?? 'baseline', seccompDefault,
    ...(lookup ? { lookupProfile: lookup } : {}),
    ...(advisor ? { adviseContainer: (o, c, runs) => advisor(o.namespace ?? 'default', o.name ?? '', c, runs) } : {}),
  };
  const findings: LintFinding[] = [];
  for (const f of files) {
    const m = safeParseManifest(await readInput(abs(f), opts.stdin), f, 'lint');
    if (!m.ok) return refusalOf(m.summary, m.diagnostics);
    const found = lintParsed(m.manifest, lintOpts);
    if (!found) return refusal('NO_KUBERNETES_OBJECT', noObjectMessage(f));
    findings.push(...found);
  }
  const failOn = opts.failOn ?? 'error';
  return { outcome: findings.some((f) => atLeast(f.severity, failOn)) ? 'failed' : 'ok', findings, seccompDefault, diagnostics: [] };
}
