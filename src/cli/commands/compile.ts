// `seccompctl compile PROFILE|-`: the classic BPF program runc + libseccomp would load, as disassembly, JSON or raw bytes.
import { resolve } from 'node:path';
import { Option } from 'commander';
import { UserError, writeFileAtomic } from '../../common/index.js';
import { compileProfile, disassemble, toJson, toRaw } from '../../bpf/index.js';
import { parseProfile } from '../../profile/index.js';
import { println } from '../io.js';
import { capsOption, PROFILE_REF_HELP, readCommandProfile } from './profile-ref.js';
import type { Register } from './types.js';

export const registercompile: Register = (program, io) => {
  program.command('compile')
    .description('Compile a profile to the seccomp classic BPF program runc + libseccomp would load (same verdicts, smaller and faster).')
    .argument('<profile>', PROFILE_REF_HELP)
    .option('-a, --arch <arch>', 'native architecture of the node: SCMP_ARCH_AARCH64, aarch64, arm64… (default: this machine\'s)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['disasm', 'json', 'raw']).default('disasm'))
    .addOption(capsOption())
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
    .action(async (file: string, opts: { arch?: string; caps?: string[]; format: 'disasm' | 'json' | 'raw'; output?: string }) => {
      const { text } = await readCommandProfile(file, io, opts);
      const { profile } = parseProfile(text, { file });
      const { program: prog, model } = compileProfile(profile, opts.arch === undefined ? {} : { arch: opts.arch });
      for (const p of model.skippedNames) io.stderr.write(`warning: ${p}: unknown syscall, runc skips it\n`);
      const byName = new Map<string, Set<string>>();
      for (const h of model.hazards) byName.set(h.name, new Set([...(byName.get(h.name) ?? []), ...h.rules]));
      for (const [name, rules] of byName) {
        io.stderr.write(`note: ${[...rules].join(', ')} test the same argument of ${name} with range/NE comparisons; libseccomp <= 2.6.0 merges such rules into one tree and can differ from what is written (docs/bpf.md); this program follows the rules as written\n`);
      }
      const out: string | Uint8Array = opts.format === 'json' ? toJson(prog) : opts.format === 'raw' ? toRaw(prog, model.native.endian) : disassemble(prog, { endian: model.native.endian });
      if (opts.output) {
        writeFileAtomic(resolve(io.cwd, opts.output), out);
        io.stderr.write(`${prog.length} instructions written to ${opts.output}\n`);
      } else if (typeof out === 'string') {
        io.stdout.write(out);
      } else {
        if (io.isTTY && 'isTTY' in io.stdout && io.stdout.isTTY) throw new UserError('refusing to write raw BPF to a terminal; use -o FILE or a pipe');
        io.stdout.write(out);
      }
      if (opts.format === 'disasm' && !opts.output) println(io.stdout, `# ${prog.length} instructions, native ${model.native.scmp}, arches ${model.arches.map((a) => a.scmp).join(' ')}`);
    });
};
