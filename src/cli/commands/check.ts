// `seccompctl check PROFILE 'SYSCALL(ARG, ...)'`: the verdict the kernel would give, and the rule that decides it. The
// route: typed flags → one library call (checkProfileCalls: read, the refusals, the verdicts) → print → exit code.
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { refusalError } from '../../common/index.js';
import { checkProfileCalls, ERRNO_NAMES, formatRet, type CheckResult } from '../../bpf/index.js';
import { archFromAudit, argSpec, formatArgValue, type ArchId } from '../../syscalls/index.js';
import { println } from '../io.js';
import { colours, type Colours } from '../terminal.js';
import { capsOption, PROFILE_REF_HELP } from './profile-ref.js';
import type { Register } from './types.js';

export const registercheck: Register = (program, io, setExit) => {
  (program.command('check') as unknown as TypedCommand)
    .description('Would this profile allow a syscall? Prints the action, errno and deciding rule; exit 0 when allowed (ALLOW/LOG), 1 otherwise. Many syscalls: one verdict per line.')
    .argument('<profile>', PROFILE_REF_HELP)
    .argument('[syscall...]', 'calls such as \'socket(AF_VSOCK, SOCK_STREAM, 0)\', \'openat(AT_FDCWD, 0, O_RDWR|O_CREAT)\', or just names or numbers; none: one per line on standard input')
    .option('-a, --arch <arch>', 'native architecture of the node (default: this machine\'s)')
    .option('--abi <arch>', 'ABI of the calling process when it differs from the node\'s, e.g. x86 for a 32-bit program on x86_64')
    .addOption(capsOption() as unknown as Option<'--caps <caps>', undefined, undefined, string[]>)
    .option('--explain', 'show every BPF instruction the kernel executes for this call')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', `
Arguments: decimal, 0x hex, negative numbers, and constants like AF_INET, AF_VSOCK, SOCK_STREAM, O_RDONLY, O_CREAT,
CLONE_NEWUSER, AT_FDCWD, combined with |. Pointers are plain numbers (seccomp cannot look behind them).

Examples:
  seccompctl check profile.json 'socket(AF_VSOCK, SOCK_STREAM, 0)' --arch arm64   # exit 1 when denied
  seccompctl check profile.json 'personality(0xffffffff)' --explain   # exit 1: denied, and how
  seccompctl check profile.json 'clone3' --json          # exit 1: ENOSYS, so glibc falls back to clone
  seccompctl check runtime-default:docker 'clone(CLONE_NEWUSER)'   # exit 1: RuntimeDefault denies it
  seccompctl check profile.json read write 'socket(AF_INET, SOCK_STREAM, 0)'   # one verdict per line; exit 1 if one is denied
  printf 'read\nopenat\nexecve\n' | seccompctl check profile.json --json   # from stdin: a JSON array, one per line

Many syscalls (several arguments, or one per line on standard input, blank lines and # comments skipped): one
line per verdict, exit 0 only when every one is allowed; --json prints an array with one verdict per line.
The verdict is computed twice, by walking the profile and by emulating the compiled BPF; a disagreement is reported
as an internal error.`)
    .action(async (file, calls, opts) => {
      const c = await checkProfileCalls(file, calls, {
        cwd: io.cwd, stdin: io.stdin, explain: opts.explain === true,
        ...(opts.arch !== undefined ? { arch: opts.arch } : {}), ...(opts.abi !== undefined ? { abi: opts.abi } : {}), ...(opts.caps !== undefined ? { caps: opts.caps } : {}),
      });
      if (c.outcome === 'refused') throw refusalError(c);
      const rs = c.results;
      if (!c.many) {
        const r = rs[0]!;
        if (opts.json) println(io.stdout, JSON.stringify(toJson(r, opts.explain === true)));
        else printText(r, file, opts.explain === true, (s) => println(io.stdout, s), colours(io).out);
      } else if (opts.json) {
        const memo = new Map<CheckResult, string>();
        const json = (r: CheckResult): string => {
          let t = memo.get(r);
          if (t === undefined) memo.set(r, (t = JSON.stringify(toJson(r, false))));
          return t;
        };
        io.stdout.write(`[\n${rs.map(json).join(',\n')}\n]\n`);
      } else {
        // One write for all verdicts; a call text seen before reuses its line.
        const col = colours(io).out;
        const memo = new Map<CheckResult, string>();
        const out: string[] = [];
        for (const r of rs) {
          let line = memo.get(r);
          if (line === undefined) {
            const lines: string[] = [];
            printText(r, file, false, (s) => lines.push(s.trim()), col);
            line = lines.join('  ');
            memo.set(r, line);
          }
          out.push(line);
        }
        io.stdout.write(`${out.join('\n')}\n`);
      }
      if (c.outcome === 'failed') setExit(1);
    });
};

/** The call's arguments, with symbolic names for the curated ones (`AF_PACKET`, `SOCK_STREAM|SOCK_CLOEXEC`). */
function symbolicArgs(name: string, abi: ArchId, args: readonly bigint[]): string[] {
  const spec = argSpec(name, abi);
  const byIndex = new Map(args.map((v, i) => [i, v]));
  return args.map((a, i) => {
    const s = spec?.args.find((x) => x.index === i);
    if (s) return formatArgValue(abi, s.format, a, byIndex);
    return a < 4096n ? a.toString() : `0x${a.toString(16)}`;
  });
}

function toJson(r: CheckResult, explain: boolean): unknown {
  return {
    syscall: r.call.name, nr: r.call.nr, arch: archFromAudit(r.data.arch, r.data.nr)?.scmp ?? r.call.abi,
    args: r.call.args.map((a) => `0x${a.toString(16)}`),
    call: `${r.call.name}(${symbolicArgs(r.call.name, r.call.abi, r.call.args).join(', ')})`,
    action: r.verdict.action, ret: r.verdict.text, ...(r.verdict.errno !== undefined ? { errno: r.verdict.errno } : {}),
    allowed: r.allowed, reason: r.verdict.reason, decidedBy: r.decidedBy,
    executed: r.executed,
    ...(explain ? { path: r.path.map((s) => ({ pc: s.pc, a: s.a, insn: s.text })) } : {}),
  };
}

function printText(r: CheckResult, file: string, explain: boolean, out: (s: string) => void, c?: Colours): void {
  const errno = r.verdict.errno !== undefined ? ` (errno ${r.verdict.errno}${ERRNO_NAMES[r.verdict.errno] ? ` ${ERRNO_NAMES[r.verdict.errno]}` : ''})` : '';
  const args = symbolicArgs(r.call.name, r.call.abi, r.call.args).join(', ');
  const arch = archFromAudit(r.data.arch, r.data.nr)?.scmp ?? r.call.abi;
  const verdict = `${formatRet(r.verdict.ret)}${errno}`;
  out(`${r.call.name}(${args}) [${arch}, nr ${r.call.nr}] → ${c ? (r.allowed ? c.green(verdict) : c.red(verdict)) : verdict}`);
  const d = r.decidedBy;
  const where = d.line !== undefined ? ` (${file}:${d.line}:${d.col})` : '';
  const why = r.verdict.reason === 'rule' ? `rule ${d.namePath ?? d.path}${where}${d.conditions.length ? ` with ${d.conditions.join(', ')}` : ''}`
    : r.verdict.reason === 'default' ? `defaultAction${where} (no rule matched)`
      : r.verdict.reason === 'enosys' ? 'runc\'s -ENOSYS stub (the number is above the highest syscall the profile names)'
        : `architecture not in the filter${where}: libseccomp's bad-arch action`;
  out(`  decided by ${why}`);
  if (explain) {
    out(`  executed ${r.path.length} instructions:`);
    for (const s of r.path) out(`    ${String(s.pc).padStart(4, '0')}: ${s.text.replace(/^\d+:\s*/, '').padEnd(48)} ; A = 0x${s.a.toString(16)}`);
  }
}
