// `seccompctl k8s patch`: set securityContext.seccompProfile in manifests (stdout, -i, --dry-run, --check). The route:
// typed flags → one library call (patchFiles: read, plan, refusals, apply, write or diff) → print → exit code.
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import type { Command } from 'commander';
import { formatDiagnostic, refusalError, UserError, type Diagnostic } from '../../common/index.js';
import { describeSetting, objectLabel, patchFiles, type PatchMode, type PatchPlan, type SeccompSetting } from '../../k8s/index.js';
import { println, type CliIO, type ExitCode } from '../io.js';
import { collect } from './flags.js';

export function addPatchCommand(k8s: Command, io: CliIO, setExit: (code: ExitCode) => void): void {
  (k8s.command('patch') as unknown as TypedCommand)
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
    .action(async (files, opts) => {
      // Which flags go together is the command line's business; what the files allow is patchFiles'.
      if (Boolean(opts.runtimeDefault) === (opts.localhost !== undefined)) throw new UserError('give exactly one of --runtime-default or --localhost PATH');
      const modes = [opts.inPlace && 'in-place', opts.dryRun && 'dry-run', opts.check && 'check'].filter((m): m is PatchMode => typeof m === 'string');
      if (modes.length > 1) throw new UserError('-i, --dry-run and --check exclude each other');
      if (opts.json && !opts.dryRun && !opts.check) throw new UserError('--json works with --dry-run or --check');
      const profile: SeccompSetting = opts.localhost !== undefined ? { type: 'Localhost', localhostProfile: opts.localhost } : { type: 'RuntimeDefault' };
      const r = await patchFiles(files, {
        profile, mode: modes[0] ?? 'print', cwd: io.cwd, stdin: io.stdin,
        ...(opts.container ? { containers: opts.container } : {}), ...(opts.initContainers ? { initContainers: true } : {}), ...(opts.force ? { force: true } : {}),
      });
      printWarnings(io, r.diagnostics);
      if (r.outcome === 'refused') throw refusalError(r);
      if (opts.dryRun) {
        if (opts.json) println(io.stdout, JSON.stringify(r.files.map((i) => ({ file: i.file, changes: i.plan.changes, removedAnnotations: i.plan.removedAnnotations, warnings: i.plan.warnings }))));
        else for (const i of r.files) printPlan(io, i.plan);
        return;
      }
      if (opts.check) {
        if (opts.json) {
          println(io.stdout, JSON.stringify(r.files.map((o) => ({ file: o.file, changed: o.diff !== '', changes: o.plan.changes, removedAnnotations: o.plan.removedAnnotations, warnings: o.plan.warnings, diff: o.diff }))));
        } else for (const o of r.files) io.stdout.write(o.diff ?? '');
        io.stderr.write(`${r.changed} of ${r.files.length} file(s) would change\n`);
        if (r.outcome === 'failed') setExit(1);
        return;
      }
      if (opts.inPlace) {
        for (const o of r.files) io.stderr.write(`${o.file}: ${o.plan.changes.length} field(s) set, ${o.plan.removedAnnotations.length} annotation(s) removed\n`);
        return;
      }
      // Each file's bytes exactly as they are (no final newline added); between files only what YAML needs.
      r.files.forEach((o, n) => {
        if (n > 0) {
          const prev = r.files[n - 1]!.out!;
          if (prev !== '' && !prev.endsWith('\n')) io.stdout.write('\n');
          if (!/^---/.test(o.out!)) io.stdout.write('---\n');
        }
        io.stdout.write(o.out!);
      });
    });
}

/** The plans' warnings as diagnostics; "no pod specs" in the command's own words. */
function printWarnings(io: CliIO, ds: readonly Diagnostic[]): void {
  for (const d of ds) {
    if (d.severity === 'error') continue;
    io.stderr.write(d.code === 'PATCH_NO_POD_SPECS' ? `seccompctl: ${d.message}\n` : formatDiagnostic(d) + '\n');
  }
}

function printPlan(io: CliIO, p: PatchPlan): void {
  if (p.changes.length === 0 && p.removedAnnotations.length === 0) println(io.stdout, `${p.file}: nothing to change`);
  for (const c of p.changes) {
    println(io.stdout, `${p.file}:${c.line}: ${objectLabel(c.object)} ${c.container !== undefined ? `container ${c.container}` : 'pod'}: ${c.reason === 'migrate' ? 'deprecated annotation' : describeSetting(c.from)} → ${describeSetting(c.to)} (${c.reason})`);
  }
  for (const a of p.removedAnnotations) println(io.stdout, `${p.file}:${a.line}: ${objectLabel(a.object)}: remove annotation ${a.key}`);
}
