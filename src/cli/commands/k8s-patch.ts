// `seccompctl k8s patch`: set securityContext.seccompProfile in manifests (stdout, -i, --dry-run, --check).
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { formatDiagnostic, readInput, UserError, writeFileAtomic } from '../../common/index.js';
import { applyPatch, describeSetting, objectLabel, planPatch, unifiedDiff, type PatchPlan, type SeccompSetting } from '../../k8s/index.js';
import { println, type CliIO, type ExitCode } from '../io.js';
import { collect } from './flags.js';


interface PatchFlags {
  runtimeDefault?: boolean; localhost?: string; container?: string[]; initContainers?: boolean;
  inPlace?: boolean; dryRun?: boolean; check?: boolean; force?: boolean; json?: boolean;
}

export function addPatchCommand(k8s: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  const abs = (p: string): string => (p === '-' ? p : resolve(io.cwd, p));
  k8s.command('patch')
    .description('Set securityContext.seccompProfile in every pod spec (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, PodTemplate, List); everything else stays byte-for-byte.')
    .argument('<file...>', 'manifest files (YAML, multi-document, JSON); - reads standard input (helm template … | seccompctl k8s patch -)')
    .option('--runtime-default', 'set type RuntimeDefault')
    .option('--localhost <path>', 'set type Localhost with this localhostProfile (relative to <kubelet-root>/seccomp/, no "..")')
    .addOption(new Option('--container <name>', 'set it on this container instead of the pod (repeatable)').argParser(collect))
    .option('--init-containers', 'with --container: match init containers too; alone: set it on every init container')
    .option('-i, --in-place', 'rewrite the files in place (atomically)')
    .option('--dry-run', 'print the plan (what would change), write nothing')
    .option('--check', 'CI: print a unified diff of what would change and exit 1 when something would; write nothing')
    .option('--force', 'allow loosening an existing setting (Localhost → RuntimeDefault)')
    .option('--json', 'with --dry-run or --check: the plan (and diff) as JSON')
    .addHelpText('after', `
Examples:
  seccompctl k8s patch --runtime-default deploy.yaml > deploy.patched.yaml
  helm template my-chart | seccompctl k8s patch --localhost seccompctl/app.json - | kubectl apply -f -
  seccompctl k8s patch --localhost seccompctl/app.json --container app -i k8s/*.yaml
  seccompctl k8s patch --runtime-default --dry-run k8s/*.yaml
  seccompctl k8s patch --runtime-default --check k8s/*.yaml     # in CI: exit 1 and a diff when a file lacks it

Deprecated seccomp.security.alpha.kubernetes.io annotations are migrated to fields and removed. An existing
stricter setting is never loosened without --force; replacing an explicit profile with a different one (another
Localhost path, RuntimeDefault → Localhost) is done and reported on stderr per container. Bytes outside the
edits are kept exactly (line endings, final newline, comments). Unrendered templates ({{ }}) are refused: render
them first. Exit 2 (nothing written) when any object cannot be patched.`)
    .action(async (files: string[], opts: PatchFlags) => {
      if (Boolean(opts.runtimeDefault) === (opts.localhost !== undefined)) throw new UserError('give exactly one of --runtime-default or --localhost PATH');
      if (opts.inPlace && files.includes('-')) throw new UserError('-i cannot rewrite standard input; drop -i to print the result');
      if ([opts.inPlace, opts.dryRun, opts.check].filter(Boolean).length > 1) throw new UserError('-i, --dry-run and --check exclude each other');
      if (opts.json && !opts.dryRun && !opts.check) throw new UserError('--json works with --dry-run or --check');
      if (files.filter((f) => f === '-').length > 1) throw new UserError('standard input (-) can be read only once');
      const profile: SeccompSetting = opts.localhost !== undefined ? { type: 'Localhost', localhostProfile: opts.localhost } : { type: 'RuntimeDefault' };
      const popts = { profile, ...(opts.container ? { containers: opts.container } : {}), ...(opts.initContainers ? { initContainers: true } : {}), ...(opts.force ? { force: true } : {}) };
      const inputs: { file: string; text: string; plan: PatchPlan }[] = [];
      for (const f of files) {
        const text = await readInput(abs(f), io.stdin);
        inputs.push({ file: f, text, plan: planPatch(text, f, popts) });
      }
      for (const i of inputs) for (const d of i.plan.warnings) io.stderr.write(formatDiagnostic(d) + '\n');
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
        else for (const i of inputs) printPlan(io, i.plan);
        return;
      }
      const outputs = inputs.map((i) => ({ ...i, out: applyPatch(i.text, i.plan) }));
      if (opts.check) {
        const diffs = outputs.map((o) => ({ o, diff: unifiedDiff(o.file, o.text, o.out) }));
        if (opts.json) {
          println(io.stdout, JSON.stringify(diffs.map(({ o, diff }) => ({ file: o.file, changed: diff !== '', changes: o.plan.changes, removedAnnotations: o.plan.removedAnnotations, warnings: o.plan.warnings, diff }))));
        } else for (const { diff } of diffs) io.stdout.write(diff);
        const changed = diffs.filter((d) => d.diff !== '').length;
        io.stderr.write(`${changed} of ${outputs.length} file(s) would change\n`);
        if (changed > 0) setExit(1);
        return;
      }
      if (opts.inPlace) {
        for (const o of outputs) {
          if (o.out !== o.text) writeFileAtomic(abs(o.file), o.out);
          io.stderr.write(`${o.file}: ${o.plan.changes.length} field(s) set, ${o.plan.removedAnnotations.length} annotation(s) removed\n`);
        }
        return;
      }
      // Each file's bytes exactly as they are (no final newline added); between files only what YAML needs.
      outputs.forEach((o, n) => {
        if (n > 0) {
          const prev = outputs[n - 1]!.out;
          if (prev !== '' && !prev.endsWith('\n')) io.stdout.write('\n');
          if (!/^---/.test(o.out)) io.stdout.write('---\n');
        }
        io.stdout.write(o.out);
      });
    });
}

function printPlan(io: CliIO, p: PatchPlan): void {
  if (p.changes.length === 0 && p.removedAnnotations.length === 0) println(io.stdout, `${p.file}: nothing to change`);
  for (const c of p.changes) {
    println(io.stdout, `${p.file}:${c.line}: ${objectLabel(c.object)} ${c.container !== undefined ? `container ${c.container}` : 'pod'}: ${c.reason === 'migrate' ? 'deprecated annotation' : describeSetting(c.from)} → ${describeSetting(c.to)} (${c.reason})`);
  }
  for (const a of p.removedAnnotations) println(io.stdout, `${p.file}:${a.line}: ${objectLabel(a.object)}: remove annotation ${a.key}`);
}
