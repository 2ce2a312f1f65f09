// `seccompctl advise RECORDING_OR_PROFILE`: would each runtime's RuntimeDefault allow everything the workload did?
import { resolve } from 'node:path';
import { Option } from 'commander';
import { readInput, UserError } from '../../common/index.js';
import { advise, adviseCommands, readAdviseInput, type AdviseResult } from '../../advise/index.js';
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
  program.command('advise')
    .description('Would RuntimeDefault break this workload? Checks a recording (audit log, strace output) or a profile against each runtime\'s exact RuntimeDefault.')
    .argument('<input>', 'a recording (audit log or strace -f output) or an allow-list profile, or - for standard input')
    .addOption(new Option('-r, --runtime <runtime>', 'which RuntimeDefault').choices(['containerd', 'cri-o', 'crio', 'docker', 'all']).default('all'))
    .option('-a, --arch <arch>', 'the node\'s architecture (default: this machine\'s)')
    .addOption(capsOption())
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
    .action(async (file: string, opts: { runtime: string; arch?: string; caps?: string[]; json?: boolean }) => {
      let arch;
      if (opts.arch !== undefined) {
        const a = resolveArch(opts.arch);
        if (!a) throw new UserError(`--arch: unknown architecture "${opts.arch}"; try one of: ${ARCHES.map((x) => x.id).join(', ')}`);
        arch = a.id;
      }
      const rt = opts.runtime === 'crio' ? 'cri-o' : opts.runtime;
      const runtimes: readonly RuntimeDefaultName[] = rt === 'all' ? RUNTIME_DEFAULTS : [rt as RuntimeDefaultName];
      const text = await readInput(file === '-' ? '-' : resolve(io.cwd, file), io.stdin);
      const input = readAdviseInput(text, file, arch ? { arch } : {});
      const r = advise(input, { runtimes, ...(arch ? { arch } : {}), ...(opts.caps ? { caps: opts.caps } : {}) });
      if (opts.json) {
        println(io.stdout, JSON.stringify({ ...r, runtimes: r.runtimes.map((a) => ({ ...a, commands: adviseCommands(a, r.input, r.kind) })) }, null, 2));
      } else {
        printText(r, (s) => println(io.stdout, s));
      }
      if (r.runtimes.some((a) => a.verdict !== 'safe')) setExit(1);
    });
};
