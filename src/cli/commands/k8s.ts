// `seccompctl k8s patch|lint|install|spo`: put profiles on Kubernetes (also `kubectl seccomp …`).
import { basename, resolve } from 'node:path';
import { Option } from 'commander';
import { formatDiagnostic, readInput, UserError, writeFileAtomic, type Diagnostic, type Severity } from '../../common/index.js';
import {
  atLeast, buildInstall, buildSpoResource, checkProfileText, describeSetting, lintManifest, objectLabel, planPatch, applyPatch,
  profileDirLookup, renderInstallYaml, renderSpoYaml, resourceNameFromFile, toSarif, DEFAULT_IMAGE, DEFAULT_KUBELET_ROOT,
  DEFAULT_NAMESPACE, DEFAULT_SUBDIR, type LintFinding, type PatchPlan, type PssLevel, type SeccompSetting,
} from '../../k8s/index.js';
import { printSpoProfile } from '../../profile/index.js';
import { println } from '../io.js';
import { VERSION } from '../version.js';
import type { Register } from './types.js';

const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), v];

export const registerk8s: Register = (program, io, setExit) => {
  const k8s = program.command('k8s')
    .description('Put profiles on Kubernetes: patch manifests, lint workloads, install profiles on every node, emit security-profiles-operator resources.')
    .addHelpText('after', `
As a kubectl plugin (the kubectl-seccomp bin): kubectl seccomp patch|lint|install|spo …`);

  const abs = (p: string): string => (p === '-' ? p : resolve(io.cwd, p));
  const printDiags = (ds: readonly Diagnostic[]): void => {
    for (const d of ds) io.stderr.write(formatDiagnostic(d) + '\n');
  };

  k8s.command('patch')
    .description('Set securityContext.seccompProfile in every pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate, List); everything else stays byte-for-byte.')
    .argument('<file...>', 'manifest files (YAML, multi-document, JSON); - reads standard input (helm template … | seccompctl k8s patch -)')
    .option('--runtime-default', 'set type RuntimeDefault')
    .option('--localhost <path>', 'set type Localhost with this localhostProfile (relative to <kubelet-root>/seccomp/, no "..")')
    .addOption(new Option('--container <name>', 'set it on this container instead of the pod (repeatable)').argParser(collect))
    .option('--init-containers', 'with --container: match init containers too; alone: set it on every init container')
    .option('-i, --in-place', 'rewrite the files in place (atomically)')
    .option('--dry-run', 'print the plan (what would change), write nothing')
    .option('--force', 'allow loosening an existing setting (Localhost → RuntimeDefault)')
    .option('--json', 'with --dry-run: the plan as JSON')
    .addHelpText('after', `
Examples:
  seccompctl k8s patch --runtime-default deploy.yaml > deploy.patched.yaml
  helm template my-chart | seccompctl k8s patch --localhost seccompctl/app.json - | kubectl apply -f -
  seccompctl k8s patch --localhost seccompctl/app.json --container app -i k8s/*.yaml
  seccompctl k8s patch --runtime-default --dry-run k8s/*.yaml

Deprecated seccomp.security.alpha.kubernetes.io annotations are migrated to fields and removed. An existing
stricter setting is never loosened without --force. Exit 2 (nothing written) when any object cannot be patched.`)
    .action(async (files: string[], opts: { runtimeDefault?: boolean; localhost?: string; container?: string[]; initContainers?: boolean; inPlace?: boolean; dryRun?: boolean; force?: boolean; json?: boolean }) => {
      if (Boolean(opts.runtimeDefault) === (opts.localhost !== undefined)) throw new UserError('give exactly one of --runtime-default or --localhost PATH');
      if (opts.inPlace && files.includes('-')) throw new UserError('-i cannot rewrite standard input; drop -i to print the result');
      if (files.filter((f) => f === '-').length > 1) throw new UserError('standard input (-) can be read only once');
      const profile: SeccompSetting = opts.localhost !== undefined ? { type: 'Localhost', localhostProfile: opts.localhost } : { type: 'RuntimeDefault' };
      const popts = { profile, ...(opts.container ? { containers: opts.container } : {}), ...(opts.initContainers ? { initContainers: true } : {}), ...(opts.force ? { force: true } : {}) };
      const inputs: { file: string; text: string; plan: PatchPlan }[] = [];
      for (const f of files) {
        const text = await readInput(abs(f), io.stdin);
        inputs.push({ file: f, text, plan: planPatch(text, f, popts) });
      }
      for (const i of inputs) printDiags(i.plan.warnings);
      const errors = inputs.flatMap((i) => i.plan.errors);
      if (errors.length > 0) throw new UserError(`${errors.length} problem(s); nothing was written`, errors);
      if (opts.container) {
        const matched = new Set(inputs.flatMap((i) => i.plan.matchedContainers));
        const missing = opts.container.filter((c) => !matched.has(c));
        if (missing.length > 0) throw new UserError(`no container named ${missing.join(', ')} in any pod spec${opts.initContainers ? '' : ' (init containers need --init-containers)'}`);
      }
      if (inputs.every((i) => i.plan.podSpecs === 0)) io.stderr.write('seccompctl: no pod specs found in the input\n');
      if (opts.dryRun) {
        if (opts.json) println(io.stdout, JSON.stringify(inputs.map((i) => ({ file: i.file, changes: i.plan.changes, removedAnnotations: i.plan.removedAnnotations, warnings: i.plan.warnings }))));
        else for (const i of inputs) printPlan(i.plan);
        return;
      }
      const outputs = inputs.map((i) => ({ ...i, out: applyPatch(i.text, i.plan) }));
      if (opts.inPlace) {
        for (const o of outputs) {
          if (o.out !== o.text) writeFileAtomic(abs(o.file), o.out);
          io.stderr.write(`${o.file}: ${o.plan.changes.length} field(s) set, ${o.plan.removedAnnotations.length} annotation(s) removed\n`);
        }
        return;
      }
      outputs.forEach((o, n) => {
        if (n > 0 && !/^---/.test(o.out)) io.stdout.write('---\n');
        io.stdout.write(o.out.endsWith('\n') || o.out === '' ? o.out : o.out + '\n');
      });
    });

  const printPlan = (p: PatchPlan): void => {
    if (p.changes.length === 0 && p.removedAnnotations.length === 0) println(io.stdout, `${p.file}: nothing to change`);
    for (const c of p.changes) {
      println(io.stdout, `${p.file}:${c.line}: ${objectLabel(c.object)} ${c.container !== undefined ? `container ${c.container}` : 'pod'}: ${c.reason === 'migrate' ? 'deprecated annotation' : describeSetting(c.from)} → ${describeSetting(c.to)} (${c.reason})`);
    }
    for (const a of p.removedAnnotations) println(io.stdout, `${p.file}:${a.line}: ${objectLabel(a.object)}: remove annotation ${a.key}`);
  };

  k8s.command('lint')
    .description('Find seccomp problems in manifests or live objects: no profile, Unconfined, Pod Security baseline/restricted violations, deprecated annotations, missing or invalid Localhost profiles, privileged and Windows pods.')
    .argument('<file...>', 'manifest files, or - for standard input (kubectl get pods,deploy,ds,sts,jobs,cronjobs -A -o json | seccompctl k8s lint -)')
    .addOption(new Option('--level <level>', 'Pod Security Standards level').choices(['baseline', 'restricted']).default('baseline'))
    .option('--profiles <dir>', 'a copy of <kubelet-root>/seccomp/: Localhost profiles must exist there and validate')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at least this severe').choices(['error', 'warning', 'info']).default('error'))
    .option('--json', 'same as --format json')
    .addHelpText('after', `
Examples:
  seccompctl k8s lint --level restricted k8s/*.yaml
  kubectl get pods,deploy,ds,sts,jobs,cronjobs -A -o json | seccompctl k8s lint -
  seccompctl k8s lint --profiles ./node-seccomp --format sarif manifests.yaml > seccomp.sarif

Rules: SECCOMP_NOT_SET, SECCOMP_UNCONFINED, SECCOMP_DEPRECATED_ANNOTATION, SECCOMP_LOCALHOST_NOT_FOUND,
SECCOMP_LOCALHOST_INVALID, SECCOMP_LOCALHOST_PERMISSIVE, SECCOMP_LOCALHOST_BAD_PATH, SECCOMP_FIELD_INVALID,
SECCOMP_PRIVILEGED, SECCOMP_WINDOWS. The container field wins over the pod field; init and ephemeral containers count.`)
    .action(async (files: string[], opts: { level: PssLevel; profiles?: string; format: 'text' | 'json' | 'sarif'; failOn: Severity; json?: boolean }) => {
      const format = opts.json ? 'json' : opts.format;
      const lookup = opts.profiles !== undefined ? profileDirLookup(abs(opts.profiles)) : undefined;
      const findings: LintFinding[] = [];
      for (const f of files) {
        const text = await readInput(abs(f), io.stdin);
        findings.push(...lintManifest(text, f, { level: opts.level, ...(lookup ? { lookupProfile: lookup } : {}) }));
      }
      if (format === 'sarif') println(io.stdout, JSON.stringify(toSarif(findings, VERSION), null, 2));
      else if (format === 'json') println(io.stdout, JSON.stringify(findings, null, 2));
      else {
        for (const f of findings) println(io.stdout, formatDiagnostic(f));
        const n = (s: Severity) => findings.filter((f) => f.severity === s).length;
        io.stderr.write(`${findings.length} finding(s): ${n('error')} error, ${n('warning')} warning, ${n('info')} info\n`);
      }
      if (findings.some((f) => atLeast(f.severity, opts.failOn))) setExit(1);
    });

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
    .argument('<profile...>', 'profile files (OCI, Docker or SPO; written to nodes as OCI JSON named <basename>.json)')
    .option('-n, --namespace <ns>', 'namespace for the ConfigMap and DaemonSet', DEFAULT_NAMESPACE)
    .option('--kubelet-root <dir>', 'the kubelet root directory on the nodes', DEFAULT_KUBELET_ROOT)
    .option('--subdir <name>', 'directory under <kubelet-root>/seccomp/', DEFAULT_SUBDIR)
    .addOption(new Option('--node-selector <k=v>', 'only nodes with this label (repeatable)').argParser(collect))
    .option('--image <image>', 'the seccompctl image (build it from the Dockerfile)', DEFAULT_IMAGE)
    .option('--json', 'print {"manifests": List, "localhostProfiles": {...}} instead of YAML')
    .addHelpText('after', `
Examples:
  seccompctl k8s install nginx.json redis.json --image registry.example/seccompctl:0.1.0 | kubectl apply -f -
  kubectl -n seccompctl-system rollout status ds/seccompctl-profiles     # then roll out the pods
  seccompctl k8s patch --localhost seccompctl/nginx.json -i deploy/nginx.yaml

The namespace gets pod-security.kubernetes.io/enforce=privileged (the DaemonSet mounts a hostPath).`)
    .action(async (files: string[], opts: { namespace: string; kubeletRoot: string; subdir: string; nodeSelector?: string[]; image: string; json?: boolean }) => {
      const nodeSelector: Record<string, string> = {};
      for (const kv of opts.nodeSelector ?? []) {
        const i = kv.indexOf('=');
        if (i <= 0) throw new UserError(`--node-selector "${kv}": expected KEY=VALUE`);
        nodeSelector[kv.slice(0, i)] = kv.slice(i + 1);
      }
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
