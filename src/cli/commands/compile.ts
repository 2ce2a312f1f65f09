// `seccompctl compile PROFILE|-`: the classic BPF program runc + libseccomp would load, as disassembly, JSON or raw bytes.
// The route: typed flags → one library call (compileProfileRef: read, compile, findings, the raw-to-terminal
// refusal) → print → exit code.
import { resolve } from 'node:path';
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { refusalError, writeFileAtomic } from '../../common/index.js';
import { compileProfileRef } from '../../bpf/index.js';
import { println } from '../io.js';
import { capsOption, PROFILE_REF_HELP } from './profile-ref.js';
import { noteLine } from './notes.js';
import type { Register } from './types.js';

export const registercompile: Register = (program, io) => {
  (program.command('compile') as unknown as TypedCommand)
    .description('Compile a profile to the seccomp classic BPF program runc + libseccomp would load (same verdicts, smaller and faster).')
    .argument('<profile>', PROFILE_REF_HELP)
    .option('-a, --arch <arch>', 'native architecture of the node: SCMP_ARCH_AARCH64, aarch64, arm64… (default: this machine\'s)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['disasm', 'json', 'raw'] as const).default('disasm' as const))
    .addOption(capsOption() as unknown as Option<'--caps <caps>', undefined, undefined, string[]>)
    .option('-o, --output <file>', 'write to a file (atomically) instead of standard output')
    .addHelpText('after', `
Formats:
  disasm  one instruction a line with its meaning:  0001: 0x15 0x00 0x08 0xc000003e  if (A != ARCH_X86_64) goto 0010
  json    [{"code": 32, "jt": 0, "jf": 0, "k": 4}, ...]
  raw     the binary struct sock_filter array (8 bytes an instruction, the node's byte order)

Examples:
  seccompctl compile profile.json
  seccompctl compile --arch arm64 --format raw -o filter.bpf profile.json
  cat profile.json | seccompctl compile - --format json
  seccompctl compile runtime-default:containerd --arch arm64   # the filter containerd's RuntimeDefault loads

Semantics are runc's (rules equal to the default skipped, repeated argument index → OR, -ENOSYS above the highest
named syscall) over libseccomp's (arch checks, x32 handling, 32-bit arches compare the low word only).
A profile the compiler cannot express exactly, or that does not fit in 4096 instructions, is an error (exit 2).`)
    .action(async (file, opts) => {
      const toTerminal = opts.output === undefined && io.isTTY && 'isTTY' in io.stdout && io.stdout.isTTY === true;
      const c = await compileProfileRef(file, {
        cwd: io.cwd, stdin: io.stdin, format: opts.format, destination: toTerminal ? 'terminal' : 'stream',
        ...(opts.arch !== undefined ? { arch: opts.arch } : {}), ...(opts.caps !== undefined ? { caps: opts.caps } : {}),
      });
      for (const d of c.diagnostics) if (d.severity !== 'error') io.stderr.write(`${noteLine(d)}\n`);
      if (c.outcome === 'refused') throw refusalError(c);
      if (opts.output) {
        writeFileAtomic(resolve(io.cwd, opts.output), c.output);
        io.stderr.write(`${c.program.length} instructions written to ${opts.output}\n`);
      } else {
        io.stdout.write(c.output);
      }
      if (opts.format === 'disasm' && !opts.output) println(io.stdout, `# ${c.program.length} instructions, native ${c.model.native.scmp}, arches ${c.model.arches.map((a) => a.scmp).join(' ')}`);
    });
};
