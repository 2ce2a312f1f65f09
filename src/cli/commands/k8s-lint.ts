// `seccompctl k8s lint`: seccomp and Pod Security findings for manifests and live objects. The route: typed flags →
// one library call (lintFiles: kubelet setting, profile directory, recordings, every manifest, the verdict) → print →
// exit code.
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import type { Command } from 'commander';
import { formatDiagnostic, refusalError, type Severity } from '../../common/index.js';
import { lintFiles, toSarif, LINT_RULES } from '../../k8s/index.js';
import { println, type CliIO, type ExitCode } from '../io.js';
import { VERSION } from '../version.js';

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
  (k8s.command('lint') as unknown as TypedCommand)
    .description('Check manifests or live objects against the Pod Security Standards (baseline or restricted, every control) and for seccomp problems: no profile, Unconfined, deprecated annotations, missing or invalid Localhost profiles, Windows pods.')
    .argument('<file...>', 'manifest files, or - for standard input (kubectl get pods,deploy,ds,sts,jobs,cronjobs -A -o json | seccompctl k8s lint -)')
    .addOption(new Option('--level <level>', 'Pod Security Standards level (Kubernetes v1.37 rules)').choices(['baseline', 'restricted'] as const).default('baseline' as const))
    .option('--profiles <dir>', 'a copy of <kubelet-root>/seccomp/: Localhost profiles must exist there and validate')
    .option('--seccomp-default', 'the nodes\' kubelets run with SeccompDefault: a container without a profile gets RuntimeDefault (info), not Unconfined')
    .option('--node-facts <file>', 'with --profiles: judge each profile for the node `seccompctl doctor --json` described (its libseccomp, kernel actions, runc)')
    .option('--recordings <dir>', 'recorded profiles or logs per container (the agent\'s <ns>/<workload>/<container>.json, or record pull\'s <ns>_<workload>_<container>.json): check containers that run or would run RuntimeDefault against it (advise)')
    .addOption(new Option('--runtime <runtime>', 'with --recordings: the nodes\' container runtime').choices(['containerd', 'cri-o', 'docker'] as const).default('containerd' as const))
    .option('--kubelet-config <file>', 'read seccompDefault from this KubeletConfiguration (the kubelet\'s --config file)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif'] as const).default('text' as const))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['error', 'warning', 'info'] as const).default('error' as const))
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
    .action(async (files, opts) => {
      const format = opts.json ? 'json' : opts.format;
      const r = await lintFiles(files, {
        level: opts.level, failOn: opts.failOn, runtime: opts.runtime, cwd: io.cwd, stdin: io.stdin,
        ...(opts.seccompDefault ? { seccompDefault: true } : {}), ...(opts.kubeletConfig !== undefined ? { kubeletConfig: opts.kubeletConfig } : {}),
        ...(opts.profiles !== undefined ? { profiles: opts.profiles } : {}), ...(opts.nodeFacts !== undefined ? { nodeFacts: opts.nodeFacts } : {}),
        ...(opts.recordings !== undefined ? { recordings: opts.recordings } : {}),
      });
      if (r.outcome === 'refused') throw refusalError(r);
      const findings = r.findings;
      if (format === 'sarif') println(io.stdout, JSON.stringify(toSarif(findings, VERSION), null, 2));
      else if (format === 'json') println(io.stdout, JSON.stringify(findings, null, 2));
      else {
        for (const f of findings) println(io.stdout, formatDiagnostic(f));
        const n = (s: Severity) => findings.filter((f) => f.severity === s).length;
        io.stderr.write(`${findings.length} finding(s): ${n('error')} error, ${n('warning')} warning, ${n('info')} info${r.seccompDefault ? ' (kubelet seccompDefault on)' : ''}\n`);
      }
      if (r.outcome === 'failed') setExit(1);
    });
}
