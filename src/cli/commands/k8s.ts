// `seccompctl k8s patch|lint|install|spo`: put profiles on Kubernetes (also `kubectl seccomp …`). Each subcommand is a
// route: typed flags → one library call (patchFiles, lintFiles, installFiles, spoFiles) → print → exit code.
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { formatDiagnostic, refusalError, UserError, type Diagnostic, type Refusal } from '../../common/index.js';
import {
  installFiles, renderInstallYaml, renderRecordInstallYaml, renderSpoYaml, spoFiles, DEFAULT_IMAGE, DEFAULT_KUBELET_ROOT,
  DEFAULT_NAMESPACE, DEFAULT_SUBDIR,
} from '../../k8s/index.js';
import { printSpoProfile } from '../../profile/index.js';
import { println } from '../io.js';
import { addLintCommand } from './k8s-lint.js';
import { addPatchCommand } from './k8s-patch.js';
import type { Register } from './types.js';
import { collect } from './flags.js';

export const registerk8s: Register = (program, io, setExit) => {
  const k8s = program.command('k8s')
    .description('Put profiles on Kubernetes: patch manifests, lint workloads, install profiles on every node, emit security-profiles-operator resources.')
    .addHelpText('after', `
As a kubectl plugin (the kubectl-seccomp bin): kubectl seccomp patch|lint|install|spo …`);

  // The profiles' warnings (not their infos), then a refusal's errors and its summary.
  const printWarnings = (ds: readonly Diagnostic[]): void => {
    for (const d of ds) if (d.severity === 'warning') io.stderr.write(formatDiagnostic(d) + '\n');
  };
  const refused = (r: Refusal): UserError => {
    printWarnings(r.diagnostics);
    return refusalError(r);
  };

  addPatchCommand(k8s, io, setExit);
  addLintCommand(k8s, io, setExit);

  (k8s.command('install') as unknown as TypedCommand)
    .description('Emit a ConfigMap with the profiles and a hardened DaemonSet that keeps <kubelet-root>/seccomp/<subdir>/ in sync on every node (seccompctl node sync); prints the localhostProfile each pod uses.')
    .argument('[profile...]', 'profile files (OCI, Docker or SPO; written to nodes as OCI JSON named <basename>.json)')
    .option('-n, --namespace <ns>', 'namespace for the ConfigMap and DaemonSet', DEFAULT_NAMESPACE)
    .option('--record', 'emit the recording DaemonSet instead (seccompctl agent on every node; see docs/agent.md)')
    .addOption(new Option('--source <source>', 'with --record: the agent\'s source (decides its capabilities)').choices(['ebpf', 'audit', 'auto'] as const).default('ebpf' as const))
    .option('--all', 'with --record: record every container, not only annotated pods')
    .option('--state-dir <dir>', 'with --record: the agent\'s state directory on the nodes', '/var/lib/seccompctl')
    .option('--kubelet-root <dir>', 'the kubelet root directory on the nodes', DEFAULT_KUBELET_ROOT)
    .option('--subdir <name>', 'directory under <kubelet-root>/seccomp/', DEFAULT_SUBDIR)
    .addOption(new Option('--node-selector <k=v>', 'only nodes with this label (repeatable)').argParser(collect))
    .option('--image <image>', 'the seccompctl image (build it from the Dockerfile; with --record the default is seccompctl-agent:0.1.0, its agent target)', DEFAULT_IMAGE)
    .option('--json', 'print {"manifests": List, "localhostProfiles": {...}} instead of YAML')
    .addHelpText('after', `
Examples:
  seccompctl k8s install nginx.json redis.json --image registry.example/seccompctl:0.1.0 | kubectl apply -f -
  kubectl -n seccompctl-system rollout status ds/seccompctl-profiles     # then roll out the pods
  seccompctl k8s patch --localhost seccompctl/nginx.json -i deploy/nginx.yaml
  seccompctl k8s install --record --image registry.example/seccompctl:0.1.0 | kubectl apply -f -   # the recording agents

The namespace gets pod-security.kubernetes.io/enforce=privileged (the DaemonSet mounts a hostPath).`)
    .action(async (files, opts) => {
      const r = await installFiles(files, {
        namespace: opts.namespace, kubeletRoot: opts.kubeletRoot, subdir: opts.subdir, nodeSelector: opts.nodeSelector ?? [], cwd: io.cwd,
        // The flag's default stands for "not given": with --record the library picks the agent image.
        ...(opts.image !== DEFAULT_IMAGE ? { image: opts.image } : {}),
        ...(opts.record ? { record: true, source: opts.source, all: opts.all === true, stateDir: opts.stateDir } : {}),
      });
      if (r.outcome === 'refused') throw refused(r);
      printWarnings(r.diagnostics);
      if (r.mode === 'record') {
        if (opts.json) println(io.stdout, JSON.stringify({ manifests: { apiVersion: 'v1', kind: 'List', items: r.record.objects }, grants: r.record.grants }, null, 2));
        else io.stdout.write(renderRecordInstallYaml(r.record));
        return;
      }
      if (opts.json) println(io.stdout, JSON.stringify({ manifests: { apiVersion: 'v1', kind: 'List', items: r.install.objects }, localhostProfiles: r.install.localhostProfiles }, null, 2));
      else io.stdout.write(renderInstallYaml(r.install));
      for (const [k, v] of Object.entries(r.install.localhostProfiles)) io.stderr.write(`${k}: localhostProfile: ${v}\n`);
    });

  (k8s.command('spo') as unknown as TypedCommand)
    .description('Emit security-profiles-operator SeccompProfile resources (security-profiles-operator.x-k8s.io/v1beta1) for clusters that run the operator.')
    .argument('<profile...>', 'profile files')
    .option('-n, --namespace <ns>', 'metadata.namespace (operators before 0.9 have namespaced SeccompProfiles; later ones are cluster-scoped: leave it out)')
    .option('--name <name>', 'metadata.name (one profile only; default: from the file name)')
    .option('--json', 'print a List as JSON')
    .addHelpText('after', `
Examples:
  seccompctl k8s spo nginx.json | kubectl apply -f -        # pods then use localhostProfile: operator/nginx.json
  seccompctl convert --to oci sp.yaml                        # read a SeccompProfile back as an OCI profile`)
    .action(async (files, opts) => {
      const r = await spoFiles(files, { cwd: io.cwd, ...(opts.name !== undefined ? { name: opts.name } : {}), ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) });
      if (r.outcome === 'refused') throw refused(r);
      printWarnings(r.diagnostics);
      const rs = r.resources;
      // printSpoProfile keeps uint64 argument values exact; JSON.stringify would not.
      if (opts.json) println(io.stdout, `{"apiVersion": "v1", "kind": "List", "items": [\n${rs.map((x) => printSpoProfile(x.resource, 'json').trimEnd()).join(',\n')}\n]}`);
      else io.stdout.write(renderSpoYaml(rs));
      for (const x of rs) io.stderr.write(`${x.resource.metadata.name}: localhostProfile: ${x.localhostProfile}\n`);
    });
};
