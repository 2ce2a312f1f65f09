// `seccompctl validate PROFILE...`: parse each profile and report what each runtime would do with it.
import { Option } from 'commander';
import { formatDiagnostic, UserError, type Diagnostic } from '../../common/index.js';
import { RUNTIMES, safeParseProfile, validateProfile, type RuntimeName } from '../../profile/index.js';
import { println } from '../io.js';
import { colours } from '../terminal.js';
import { capsOption, readCommandProfile } from './profile-ref.js';
import type { Register } from './types.js';

interface FileReport {
  file: string;
  dialect?: string;
  parsed: boolean;
  diagnostics: Diagnostic[];
  runtimes: Record<string, { errors: number; warnings: number; ok: boolean }>;
}

export const registervalidate: Register = (program, io, setExit) => {
  program.command('validate')
    .description('Check seccomp profiles (OCI, Docker or SPO SeccompProfile; JSON or YAML) against what each container runtime does with them.')
    .argument('<profile...>', 'profile files, - for standard input, or runtime-default[:containerd|cri-o|docker]')
    .addOption(new Option('-r, --runtime <runtime>', 'runtime(s) to check for, repeatable or comma-separated (default: all)')
      .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',')]))
    .addOption(new Option('-a, --arch <arch>', 'check syscall names against these architectures (default: the profile\'s, else this machine\'s)')
      .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',')]))
    .addOption(capsOption())
    .option('--info', 'also print info-level findings (they are always counted)')
    .option('--json', 'print [{"file", "dialect", "parsed", "diagnostics": [...], "runtimes": {name: {errors, warnings, ok}}}]')
    .addHelpText('after', `
Examples:
  seccompctl validate profile.json                      # every runtime: containerd, cri-o, docker, runc, crun
  seccompctl validate --runtime containerd docker.json  # exit 1: containerd ignores Docker's includes/excludes
  kubectl get sp web -o yaml | seccompctl validate -    # an SPO SeccompProfile from the cluster

Each finding has a code (e.g. RULE_DROPPED_BY_CONTAINERD), a JSON path and file:line:col; docs/profile.md lists them.
Exit 0 when no runtime has an error, 1 when one has, 2 when a file cannot be read or parsed.`)
    .action(async (files: string[], opts: { runtime?: string[]; arch?: string[]; caps?: string[]; info?: boolean; json?: boolean }) => {
      const runtimes = (opts.runtime ?? [...RUNTIMES]).map((r) => {
        const x = r.trim().toLowerCase() === 'crio' ? 'cri-o' : r.trim().toLowerCase();
        if (!(RUNTIMES as readonly string[]).includes(x)) throw new UserError(`unknown runtime "${r}"; use one of ${RUNTIMES.join(', ')}`);
        return x as RuntimeName;
      });
      const reports: FileReport[] = [];
      let worst: 0 | 1 | 2 = 0;
      for (const f of files) {
        const { text } = await readCommandProfile(f, io, { arch: opts.arch?.[0], caps: opts.caps });
        const r = safeParseProfile(text, { file: f });
        if (!r.ok) {
          reports.push({ file: f, parsed: false, diagnostics: [...r.diagnostics], runtimes: {} });
          if (!opts.json) for (const d of r.diagnostics) println(io.stderr, formatDiagnostic(d, text));
          worst = 2;
          continue;
        }
        const found = [...r.diagnostics, ...validateProfile(r.profile, {
          runtimes, source: r.source, dialect: r.dialect, parsedRaw: r.raw, ...(opts.arch ? { arches: opts.arch } : {}),
        })];
        const summary: FileReport['runtimes'] = {};
        for (const rt of runtimes) {
          const mine = found.filter((d) => d.runtime === undefined || d.runtime === rt);
          const errors = mine.filter((d) => d.severity === 'error').length;
          summary[rt] = { errors, warnings: mine.filter((d) => d.severity === 'warning').length, ok: errors === 0 };
          if (errors > 0 && worst === 0) worst = 1;
        }
        reports.push({ file: f, dialect: r.dialect, parsed: true, diagnostics: found, runtimes: summary });
        if (opts.json) continue;
        println(io.stdout, `${f}: ${r.dialect.toUpperCase()} profile (${r.format})`);
        for (const d of groupByRuntime(found)) if (d.severity !== 'info' || opts.info) println(io.stdout, formatDiagnostic(d, text));
        const infos = found.filter((d) => d.severity === 'info').length;
        for (const rt of runtimes) {
          const s = summary[rt]!;
          const c = colours(io).out;
          println(io.stdout, `  ${rt.padEnd(10)} ${s.ok ? c.green('ok  ') : c.red(c.bold('FAIL'))}  ${s.errors} error${s.errors === 1 ? '' : 's'}, ${s.warnings} warning${s.warnings === 1 ? '' : 's'}`);
        }
        if (infos > 0 && !opts.info) println(io.stdout, `  (${infos} info finding${infos === 1 ? '' : 's'} hidden; --info shows them)`);
      }
      if (opts.json) println(io.stdout, JSON.stringify(reports, null, 2));
      if (worst !== 0) setExit(worst);
    });
};

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
