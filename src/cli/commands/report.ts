// `seccompctl report PROFILE -o report.html`: one self-contained HTML page (or Markdown) about a profile. The route:
// typed flags → one library call (reportFromFiles: read the inputs, the refusals, render) → print → exit code.
import { resolve } from 'node:path';
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { refusalError, UserError, writeFileAtomic } from '../../common/index.js';
import { reportFromFiles } from '../../report/index.js';
import { VERSION } from '../version.js';
import { PROFILE_REF_HELP } from './profile-ref.js';
import type { Register } from './types.js';

export const registerreport: Register = (program, io) => {
  (program.command('report') as unknown as TypedCommand)
    .description('Write one self-contained HTML page (or Markdown) about a profile: what it allows by category and architecture, its risks, the comparison with RuntimeDefault, where its syscalls came from, each runtime\'s verdict and how to apply it.')
    .argument('<profile>', PROFILE_REF_HELP)
    .option('--against <ref>', 'compare with runtime-default[:containerd|cri-o|docker] or another profile file')
    .option('--recording <file>', 'the JSON printed by "seccompctl record --json" or "seccompctl generate --json" for this profile')
    .addOption(new Option('--format <format>', 'html (default) or md (Markdown, for pull requests)').choices(['html', 'md'] as const))
    .option('-o, --output <file>', 'write the report here (atomically); default: standard output')
    .option('-a, --arch <arch>', 'native architecture for Docker profiles and the RuntimeDefault (default: the profile\'s first)')
    .addHelpText('after', `
The HTML file needs nothing else: inline CSS and SVG pictures, no scripts, no fonts or images from the network
(a Content-Security-Policy forbids any), and a print stylesheet. Everything taken from the profile and the
recording is escaped. Sections: summary; allowed syscalls by category per architecture; risk view
(namespaces, io_uring, bpf, ptrace, keyctl, modules, mount, perf, userfaultfd, …, with argument rules);
comparison (added, removed, changed); the recording's processes and the runtime base set; validate's verdict
per runtime; the lines to apply it on Kubernetes. --format md writes the same content as Markdown.

Examples:
  seccompctl generate examples/audit/nginx-in-runc.dmesg.log --json -o nginx.json > nginx.rec.json
  seccompctl report nginx.json --against runtime-default:containerd --recording nginx.rec.json -o nginx.html
  seccompctl report nginx.json --format md --against runtime-default:docker > nginx-report.md

Exit codes: 0 report written; 2 a profile or recording cannot be read (the file, line and column are named).`)
    .action(async (file, opts) => {
      const r = await reportFromFiles(file, {
        cwd: io.cwd, stdin: io.stdin, format: opts.format ?? 'html', generatedBy: `seccompctl ${VERSION} report`,
        ...(opts.against !== undefined ? { against: opts.against } : {}), ...(opts.recording !== undefined ? { recording: opts.recording } : {}),
        ...(opts.arch !== undefined ? { arch: opts.arch } : {}),
      });
      if (r.outcome === 'refused') throw refusalError(r);
      if (opts.output !== undefined) {
        const out = resolve(io.cwd, opts.output);
        try {
          writeFileAtomic(out, r.text!);
        } catch (e) {
          throw new UserError(`${opts.output}: cannot write the report (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
      } else {
        io.stdout.write(r.text!);
      }
    });
};
