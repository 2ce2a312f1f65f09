// `seccompctl validate PROFILE...`: parse each profile and report what each runtime would do with it. The route:
// typed flags → one library call per file (judgeProfile: parse, validate, per-runtime verdicts) → print → exit code.
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { formatDiagnostic, type Diagnostic } from '../../common/index.js';
import { judgeProfile, parseRuntimeName, RUNTIMES, type ProfileVerdict, type RuntimeName } from '../../profile/index.js';
import { println, type CliIO } from '../io.js';
import { colours } from '../terminal.js';
import { commaList } from './flags.js';
import { capsOption, readCommandProfile } from './profile-ref.js';
import type { Register } from './types.js';

export const registervalidate: Register = (program, io, setExit) => {
  (program.command('validate') as unknown as TypedCommand)
    .description('Check seccomp profiles (OCI, Docker or SPO SeccompProfile; JSON or YAML) against what each container runtime does with them.')
    .argument('<profile...>', 'profile files, - for standard input, or runtime-default[:containerd|cri-o|docker]')
    .addOption(new Option('-r, --runtime <runtime>', 'runtime(s) to check for, repeatable or comma-separated (default: all)').argParser(commaList))
    .addOption(new Option('-a, --arch <arch>', 'check syscall names against these architectures (default: the profile\'s, else this machine\'s)').argParser(commaList))
    .addOption(capsOption() as unknown as Option<'--caps <caps>', undefined, undefined, string[]>)
    .option('--info', 'also print info-level findings (they are always counted)')
    .option('--json', 'print [{"file", "dialect", "parsed", "diagnostics": [...], "runtimes": {name: {errors, warnings, ok}}}]')
    .addHelpText('after', `
Examples:
  seccompctl validate profile.json                      # every runtime: containerd, cri-o, docker, runc, crun
  seccompctl validate --runtime containerd docker.json  # exit 1: containerd ignores Docker's includes/excludes
  kubectl get sp web -o yaml | seccompctl validate -    # an SPO SeccompProfile from the cluster

Each finding has a code (e.g. RULE_DROPPED_BY_CONTAINERD), a JSON path and file:line:col; docs/profile.md lists them.
Exit 0 when no runtime has an error, 1 when one has, 2 when a file cannot be read or parsed.`)
    .action(async (files, opts) => {
      const runtimes = (opts.runtime ?? [...RUNTIMES]).map(parseRuntimeName);
      const verdicts: ProfileVerdict[] = [];
      for (const f of files) {
        const { text } = await readCommandProfile(f, io, { arch: opts.arch?.[0], caps: opts.caps });
        const v = judgeProfile(text, { file: f, runtimes, ...(opts.arch ? { arches: opts.arch } : {}) });
        verdicts.push(v);
        if (!opts.json) printVerdict(io, v, text, runtimes, opts.info === true);
      }
      if (opts.json) {
        println(io.stdout, JSON.stringify(verdicts.map((v) => ({
          file: v.file, ...(v.dialect !== undefined ? { dialect: v.dialect } : {}), parsed: v.parsed, diagnostics: v.diagnostics, runtimes: v.runtimes,
        })), null, 2));
      }
      const worst = verdicts.some((v) => v.outcome === 'unreadable') ? 2 : verdicts.some((v) => v.outcome === 'failed') ? 1 : 0;
      if (worst !== 0) setExit(worst);
    });
};

/** One file's findings and the per-runtime verdict lines (text output). */
function printVerdict(io: CliIO, v: ProfileVerdict, text: string, runtimes: readonly RuntimeName[], info: boolean): void {
  if (!v.parsed) {
    for (const d of v.diagnostics) println(io.stderr, formatDiagnostic(d, text));
    return;
  }
  println(io.stdout, `${v.file}: ${v.dialect!.toUpperCase()} profile (${v.format})`);
  for (const d of groupByRuntime(v.diagnostics)) if (d.severity !== 'info' || info) println(io.stdout, formatDiagnostic(d, text));
  const infos = v.diagnostics.filter((d) => d.severity === 'info').length;
  const c = colours(io).out;
  for (const rt of runtimes) {
    const s = v.runtimes[rt]!;
    println(io.stdout, `  ${rt.padEnd(10)} ${s.ok ? c.green('ok  ') : c.red(c.bold('FAIL'))}  ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}`);
  }
  if (infos > 0 && !info) println(io.stdout, `  (${infos} info finding${infos === 1 ? '' : 's'} hidden; --info shows them)`);
}

/** Merges findings that differ only in runtime into one, listing the runtimes (text output only). */
function groupByRuntime(ds: readonly Diagnostic[]): Diagnostic[] {
  const out = new Map<string, { d: Diagnostic; rts: string[] }>();
  for (const d of ds) {
    const key = [d.severity, d.code, d.path, d.line, d.col, d.message].join('\0');
    const g = out.get(key);
    if (g && d.runtime !== undefined) g.rts.push(d.runtime);
    else out.set(g ? key + '\0' + String(out.size) : key, { d, rts: d.runtime !== undefined ? [d.runtime] : [] });
  }
  return [...out.values()].map(({ d, rts }) => (rts.length ? { ...d, runtime: rts.join(', ') } : d));
}
