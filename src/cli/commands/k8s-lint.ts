// `seccompctl k8s lint`: seccomp and Pod Security findings for manifests and live objects.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { formatDiagnostic, readInput, UserError, type Severity } from '../../common/index.js';
import { atLeast, lintManifest, profileDirLookup, readKubeletConfig, toSarif, LINT_RULES, type CheckedProfile, type LintFinding, type ObjectRef, type PssLevel } from '../../k8s/index.js';
import { nodeProfileFindings, parseNodeFacts } from '../../node/index.js';
import { containerAdvisor } from '../../advise/index.js';
import { println, type CliIO, type ExitCode } from '../io.js';
import { VERSION } from '../version.js';

interface LintFlags {
  level: PssLevel; profiles?: string; format: 'text' | 'json' | 'sarif'; failOn: Severity; json?: boolean;
  seccompDefault?: boolean; kubeletConfig?: string; nodeFacts?: string; recordings?: string; runtime: 'containerd' | 'cri-o' | 'docker';
}

/** Rule ids wrapped for the help text. */
function ruleList(): string {
  const lines: string[] = [];
  let cur = '';
  for (const id of Object.keys(LINT_RULES)) {
    if (cur.length + id.length > 108) { lines.push(cur.trimEnd()); cur = ''; }
    cur += `${id}, `;
  }
  lines.push(cur.replace(/, $/, '.'));
  return lines.join('\n');
}

export function addLintCommand(k8s: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  const abs = (p: string): string => (p === '-' ? p : resolve(io.cwd, p));
  k8s.command('lint')
    .description('Check manifests or live objects against the Pod Security Standards (baseline or restricted, every control) and for seccomp problems: no profile, Unconfined, deprecated annotations, missing or invalid Localhost profiles, Windows pods.')
    .argument('<file...>', 'manifest files, or - for standard input (kubectl get pods,deploy,ds,sts,jobs,cronjobs -A -o json | seccompctl k8s lint -)')
    .addOption(new Option('--level <level>', 'Pod Security Standards level (Kubernetes v1.37 rules)').choices(['baseline', 'restricted']).default('baseline'))
    .option('--profiles <dir>', 'a copy of <kubelet-root>/seccomp/: Localhost profiles must exist there and validate')
    .option('--seccomp-default', 'the nodes\' kubelets run with SeccompDefault: a container without a profile gets RuntimeDefault (info), not Unconfined')
    .option('--node-facts <file>', 'with --profiles: judge each profile for the node `seccompctl doctor --json` described (its libseccomp, kernel actions, runc)')
    .option('--recordings <dir>', 'recorded profiles or logs per container (the agent\'s <ns>/<workload>/<container>.json, or record pull\'s <ns>_<workload>_<container>.json): check containers that run or would run RuntimeDefault against it (advise)')
    .addOption(new Option('--runtime <runtime>', 'with --recordings: the nodes\' container runtime').choices(['containerd', 'cri-o', 'docker']).default('containerd'))
    .option('--kubelet-config <file>', 'read seccompDefault from this KubeletConfiguration (the kubelet\'s --config file)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['error', 'warning', 'info']).default('error'))
    .option('--json', 'same as --format json')
    .addHelpText('after', `
Examples:
  seccompctl k8s lint --level restricted k8s/*.yaml   # exit 1: a pod without a profile is an error here
  kubectl get pods,deploy,ds,sts,jobs,cronjobs -A -o json | seccompctl k8s lint -
  seccompctl k8s lint --profiles ./node-seccomp --format sarif manifests.yaml > seccomp.sarif
  seccompctl k8s lint --kubelet-config /var/lib/kubelet/config.yaml deploy.yaml
  seccompctl doctor --json > node.json && seccompctl k8s lint --profiles ./node-seccomp --node-facts node.json deploy.yaml

Rules (every Pod Security control is an error at its level; restricted includes baseline):
${ruleList()}
The container field wins over the pod field; init and ephemeral containers count. Without --seccomp-default a
container with no profile runs Unconfined (warning; an error under restricted, which requires the field even
when the kubelet would apply RuntimeDefault). Exit 2 for input holding no Kubernetes object.`)
    .action(async (files: string[], opts: LintFlags) => {
      const format = opts.json ? 'json' : opts.format;
      if (opts.seccompDefault && opts.kubeletConfig !== undefined) throw new UserError('give --seccomp-default or --kubelet-config FILE, not both');
      const seccompDefault = opts.kubeletConfig !== undefined
        ? readKubeletConfig(await readInput(abs(opts.kubeletConfig), io.stdin), opts.kubeletConfig).seccompDefault
        : Boolean(opts.seccompDefault);
      if (opts.nodeFacts !== undefined && opts.profiles === undefined) throw new UserError('--node-facts needs --profiles DIR (the profiles to judge for that node)');
      const facts = opts.nodeFacts !== undefined ? parseNodeFacts(await readInput(abs(opts.nodeFacts), io.stdin), opts.nodeFacts) : undefined;
      // A name the node's libseccomp does not know is skipped by runc there: an error for a profile pods rely on.
      const checkProfile = facts ? { checkProfile: (c: CheckedProfile) => (c.profile ? nodeProfileFindings(c.profile, facts).map((d) => ({ ...d, severity: 'error' as const })) : []) } : {};
      const lookup = opts.profiles !== undefined ? profileDirLookup(abs(opts.profiles), checkProfile) : undefined;
      const advisor = opts.recordings !== undefined ? containerAdvisor(abs(opts.recordings), opts.runtime) : undefined;
      const adviseContainer = advisor ? { adviseContainer: (o: ObjectRef, c: string, runs: boolean) => advisor(o.namespace ?? 'default', o.name ?? '', c, runs) } : {};
      const findings: LintFinding[] = [];
      for (const f of files) {
        const text = await readInput(abs(f), io.stdin);
        findings.push(...lintManifest(text, f, { level: opts.level, seccompDefault, ...(lookup ? { lookupProfile: lookup } : {}), ...adviseContainer }));
      }
      if (format === 'sarif') println(io.stdout, JSON.stringify(toSarif(findings, VERSION), null, 2));
      else if (format === 'json') println(io.stdout, JSON.stringify(findings, null, 2));
      else {
        for (const f of findings) println(io.stdout, formatDiagnostic(f));
        const n = (s: Severity) => findings.filter((f) => f.severity === s).length;
        io.stderr.write(`${findings.length} finding(s): ${n('error')} error, ${n('warning')} warning, ${n('info')} info${seccompDefault ? ' (kubelet seccompDefault on)' : ''}\n`);
      }
      if (findings.some((f) => atLeast(f.severity, opts.failOn))) setExit(1);
    });
}
