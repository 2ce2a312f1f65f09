// `seccompctl k8s patch|lint|install|spo`: put profiles on Kubernetes (also `kubectl seccomp …`).
import { basename, resolve } from 'node:path';
import { Option } from 'commander';
import { formatDiagnostic, readInput, UserError, type Diagnostic } from '../../common/index.js';
import {
  buildInstall, buildRecordInstall, buildSpoResource, checkProfileText, renderInstallYaml, renderRecordInstallYaml, renderSpoYaml, resourceNameFromFile, DEFAULT_IMAGE,
  DEFAULT_KUBELET_ROOT, DEFAULT_NAMESPACE, DEFAULT_SUBDIR,
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

  const abs = (p: string): string => (p === '-' ? p : resolve(io.cwd, p));
  const printDiags = (ds: readonly Diagnostic[]): void => {
    for (const d of ds) io.stderr.write(formatDiagnostic(d) + '\n');
  };

  addPatchCommand(k8s, io, setExit);
  addLintCommand(k8s, io, setExit);

  const readProfiles = async (files: string[]) => {
    const out: { file: string; text: string; checked: ReturnType<typeof checkProfileText> }[] = [];
    const errors: Diagnostic[] = [];
    for (const f of files) {
      if (f === '-') throw new UserError('profiles must be files (their names become file names on the nodes)');
      const text = await readInput(abs(f), io.stdin);
      const checked = checkProfileText(text, f);
      errors.push(...checked.errors);
      printDiags(checked.warnings.filter((d) => d.severity === 'warning'));
      out.push({ file: f, text, checked });
    }
    if (errors.length > 0) throw new UserError('invalid profile(s); nothing emitted', errors);
    return out;
  };

  k8s.command('install')
    .description('Emit a ConfigMap with the profiles and a hardened DaemonSet that keeps <kubelet-root>/seccomp/<subdir>/ in sync on every node (seccompctl node sync); prints the localhostProfile each pod uses.')
    .argument('[profile...]', 'profile files (OCI, Docker or SPO; written to nodes as OCI JSON named <basename>.json)')
    .option('-n, --namespace <ns>', 'namespace for the ConfigMap and DaemonSet', DEFAULT_NAMESPACE)
    .option('--record', 'emit the recording DaemonSet instead (seccompctl agent on every node; see docs/agent.md)')
    .addOption(new Option('--source <source>', 'with --record: the agent\'s source (decides its capabilities)').choices(['ebpf', 'audit', 'auto']).default('ebpf'))
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
    .action(async (files: string[], opts: { namespace: string; kubeletRoot: string; subdir: string; nodeSelector?: string[]; image: string; json?: boolean; record?: boolean; source: 'ebpf' | 'audit' | 'auto'; all?: boolean; stateDir: string }) => {
      const nodeSelector: Record<string, string> = {};
      for (const kv of opts.nodeSelector ?? []) {
        const i = kv.indexOf('=');
        if (i <= 0) throw new UserError(`--node-selector "${kv}": expected KEY=VALUE`);
        nodeSelector[kv.slice(0, i)] = kv.slice(i + 1);
      }
      if (opts.record) {
        if (files.length > 0) throw new UserError('--record emits the recording DaemonSet and takes no profile files; install profiles in a separate run');
        // Without --image: the agent image (the Dockerfile's agent target, with bpftrace), not the sync one.
        const rr = buildRecordInstall({ namespace: opts.namespace, ...(opts.image !== DEFAULT_IMAGE ? { image: opts.image } : {}), source: opts.source, all: opts.all === true, stateDir: opts.stateDir, nodeSelector });
        if (opts.json) println(io.stdout, JSON.stringify({ manifests: { apiVersion: 'v1', kind: 'List', items: rr.objects }, grants: rr.grants }, null, 2));
        else io.stdout.write(renderRecordInstallYaml(rr));
        return;
      }
      if (files.length === 0) throw new UserError('no profile files given (or pass --record for the recording DaemonSet)');
      const ps = await readProfiles(files);
      const r = buildInstall(ps.map((p) => ({ name: basename(p.file).replace(/\.(json|ya?ml)$/i, '') + '.json', text: p.checked.canonical! })), {
        namespace: opts.namespace, kubeletRoot: opts.kubeletRoot, subdir: opts.subdir, nodeSelector, image: opts.image,
      });
      if (opts.json) println(io.stdout, JSON.stringify({ manifests: { apiVersion: 'v1', kind: 'List', items: r.objects }, localhostProfiles: r.localhostProfiles }, null, 2));
      else io.stdout.write(renderInstallYaml(r));
      for (const [k, v] of Object.entries(r.localhostProfiles)) io.stderr.write(`${k}: localhostProfile: ${v}\n`);
    });

  k8s.command('spo')
    .description('Emit security-profiles-operator SeccompProfile resources (security-profiles-operator.x-k8s.io/v1beta1) for clusters that run the operator.')
    .argument('<profile...>', 'profile files')
    .option('-n, --namespace <ns>', 'metadata.namespace (operators before 0.9 have namespaced SeccompProfiles; later ones are cluster-scoped: leave it out)')
    .option('--name <name>', 'metadata.name (one profile only; default: from the file name)')
    .option('--json', 'print a List as JSON')
    .addHelpText('after', `
Examples:
  seccompctl k8s spo nginx.json | kubectl apply -f -        # pods then use localhostProfile: operator/nginx.json
  seccompctl convert --to oci sp.yaml                        # read a SeccompProfile back as an OCI profile`)
    .action(async (files: string[], opts: { namespace?: string; name?: string; json?: boolean }) => {
      if (opts.name !== undefined && files.length > 1) throw new UserError('--name works with one profile only');
      const ps = await readProfiles(files);
      const rs = ps.map((p) => buildSpoResource(p.checked.profile!, { name: opts.name ?? resourceNameFromFile(p.file), ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) }));
      const names = rs.map((r) => r.resource.metadata.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup) throw new UserError(`two profiles would both be named "${dup}"; rename a file`);
      // printSpoProfile keeps uint64 argument values exact; JSON.stringify would not.
      if (opts.json) println(io.stdout, `{"apiVersion": "v1", "kind": "List", "items": [\n${rs.map((r) => printSpoProfile(r.resource, 'json').trimEnd()).join(',\n')}\n]}`);
      else io.stdout.write(renderSpoYaml(rs));
      for (const r of rs) io.stderr.write(`${r.resource.metadata.name}: localhostProfile: ${r.localhostProfile}\n`);
    });
};
