// `seccompctl advise RECORDING_OR_PROFILE`: would each runtime's RuntimeDefault allow everything the workload did?
// The route: typed flags → one library call (adviseFile: read, tell profile from recording, advise, outcome) → print
// → exit code.
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { refusalError, UserError } from '../../common/index.js';
import { adviseCommands, adviseFile, type AdviseResult } from '../../advise/index.js';
import { RUNTIME_DEFAULTS, type RuntimeDefaultName } from '../../generate/index.js';
import { ARCHES, resolveArch } from '../../syscalls/index.js';
import { println } from '../io.js';
import { capsOption } from './profile-ref.js';
import type { Register } from './types.js';

const LABEL: Record<string, string> = {
  safe: 'safe', 'safe-with-capability': 'safe with a capability', 'check-arguments': 'check arguments', 'needs-localhost': 'needs a Localhost profile',
};

function printText(r: AdviseResult, out: (s: string) => void): void {
  out(`${r.input}: ${r.kind}, ${r.syscalls} syscall(s)`);
  for (const n of r.notes) out(`note: ${n}`);
  for (const a of r.runtimes) {
    out('');
    out(`${a.runtime}: ${LABEL[a.verdict]} — ${a.recommendation}`);
    out(`  (${a.describes}; ${a.arch}; ${a.checked} call(s) checked)`);
    for (const f of a.findings) {
      const head = f.outcome === 'denied' ? 'DENIED ' : f.outcome === 'fallback' ? 'ENOSYS ' : 'DEPENDS';
      const rec = f.recordedArgs ? `  [recorded: ${f.name}(${f.recordedArgs.join(', ')})]`.slice(0, 160) : '';
      out(`  ${head} ${f.call}${f.verdict ? ` → ${f.verdict}` : ''}${f.decidedBy ? ` by ${f.decidedBy}` : ''}${rec}`);
      out(`          ${f.reason}`);
    }
    for (const c of adviseCommands(a, r.input, r.kind)) out(`  $ ${c}`);
  }
}

export const registeradvise: Register = (program, io, setExit) => {
  (program.command('advise') as unknown as TypedCommand)
    .description('Would RuntimeDefault break this workload? Checks a recording (audit log, strace output) or a profile against each runtime\'s exact RuntimeDefault.')
    .argument('<input>', 'a recording (audit log or strace -f output) or an allow-list profile, or - for standard input')
    .addOption(new Option('-r, --runtime <runtime>', 'which RuntimeDefault').choices(['containerd', 'cri-o', 'crio', 'docker', 'all'] as const).default('all' as const))
    .option('-a, --arch <arch>', 'the node\'s architecture (default: this machine\'s)')
    .addOption(capsOption() as unknown as Option<'--caps <caps>', undefined, undefined, string[]>)
    .option('--json', 'print the advice as JSON (for CI)')
    .addHelpText('after', `
Per runtime, one verdict:
  safe                   RuntimeDefault allows everything the workload did: set type RuntimeDefault
  safe with a capability every denial is a capability-gated rule (e.g. bpf with CAP_BPF): add that capability
  check arguments        nothing is denied for certain, but some calls are decided by arguments the input lacks
                         (audit logs and profiles carry none): confirm with verify runtime-default:RUNTIME
  needs a Localhost profile  RuntimeDefault denies something no capability unlocks (keyctl, personality flags …)

Each finding is a call as \`seccompctl check\` takes it, so
  seccompctl check runtime-default:docker 'clone(0x10000000)'   # exit 1: denied
prints the same verdict. ENOSYS lines (clone3) are answered ENOSYS on purpose: callers fall back to clone.

Examples:
  strace -f -o app.strace ./app && seccompctl advise app.strace
  seccompctl advise --runtime containerd --json /var/log/audit/audit.log
  seccompctl record -o app.json -- ./app && seccompctl advise app.json

Exit 0 when every runtime asked for is safe (or safe after its findings are only ENOSYS fallbacks), 1 when one
needs a capability, a Localhost profile or an argument check, 2 when the input cannot be read.`)
    .action(async (file, opts) => {
      let arch;
      if (opts.arch !== undefined) {
        const a = resolveArch(opts.arch);
        if (!a) throw new UserError(`--arch: unknown architecture "${opts.arch}"; try one of: ${ARCHES.map((x) => x.id).join(', ')}`);
        arch = a.id;
      }
      const rt = opts.runtime === 'crio' ? 'cri-o' : opts.runtime;
      const runtimes: readonly RuntimeDefaultName[] = rt === 'all' ? RUNTIME_DEFAULTS : [rt];
      const a = await adviseFile(file, { runtimes, cwd: io.cwd, stdin: io.stdin, ...(arch ? { arch } : {}), ...(opts.caps ? { caps: opts.caps } : {}) });
      if (a.outcome === 'refused') throw refusalError(a, { notes: true });
      const r = a.result!;
      if (opts.json) {
        println(io.stdout, JSON.stringify({ ...r, runtimes: r.runtimes.map((x) => ({ ...x, commands: adviseCommands(x, r.input, r.kind) })) }, null, 2));
      } else {
        printText(r, (s) => println(io.stdout, s));
      }
      if (a.outcome === 'failed') setExit(1);
    });
};
