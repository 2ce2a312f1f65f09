// `seccompctl convert PROFILE --to oci|docker|spo`: between dialects; Docker is expanded as the Docker daemon does.
// The route: typed flags → one library call (convertProfile: the expansion, canonical form, SPO name, notes and
// refusals) → print → exit code.
import { resolve } from 'node:path';
import { Option, type Command as TypedCommand } from '@commander-js/extra-typings';
import { refusalError, writeFileAtomic } from '../../common/index.js';
import { convertProfile } from '../../profile/index.js';
import { println } from '../io.js';
import { readCommandProfile } from './profile-ref.js';
import { noteLine } from './notes.js';
import type { Register } from './types.js';

export const registerconvert: Register = (program, io) => {
  (program.command('convert') as unknown as TypedCommand)
    .description('Convert a profile between OCI, Docker and SPO SeccompProfile; Docker profiles are expanded exactly as the Docker daemon does for one arch, capability set and kernel.')
    .argument('<profile>', 'profile file (JSON or YAML, any dialect), - for standard input, or runtime-default[:containerd|cri-o|docker] (expanded for --arch, --caps, --kernel)')
    .addOption(new Option('-t, --to <dialect>', 'output dialect').choices(['oci', 'docker', 'spo'] as const).makeOptionMandatory())
    .option('-a, --arch <arch>', 'Docker expansion: the host architecture (x86_64, arm64, SCMP_ARCH_AARCH64, …; default: this machine\'s)')
    .addOption(new Option('--caps <caps>', 'Docker expansion: the container\'s bounding capabilities, comma-separated (default: Docker\'s default set; "" for none)')
      .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',').map((c) => c.trim()).filter(Boolean)]))
    .option('--kernel <X.Y>', 'Docker expansion: the host kernel version for minKernel (default: this machine\'s)')
    .option('--name <name>', 'SPO: metadata.name (default: the file name without extension)')
    .option('--namespace <ns>', 'SPO: metadata.namespace (SPO >= 0.9 profiles are cluster-scoped; omit it then)')
    .addOption(new Option('--format <format>', 'SPO output format').choices(['yaml', 'json'] as const).default('yaml' as const))
    .option('--no-normalize', 'keep rule order and grouping as converted (default: canonical form with "flags": [])')
    .option('--allow-base', 'SPO input: convert even if spec.baseProfileName is set (its syscalls are NOT included)')
    .option('-o, --output <file>', 'write here atomically instead of standard output')
    .addHelpText('after', `
Examples:
  seccompctl convert /usr/share/containers/seccomp.json --to oci --arch x86_64 -o oci.json
  seccompctl convert docker.json --to oci --arch arm64 --caps CAP_SYS_ADMIN,CAP_NET_RAW --kernel 5.15
  seccompctl convert oci.json --to spo --name web -o web-sp.yaml
  seccompctl convert web-sp.yaml --to oci
  seccompctl convert runtime-default:cri-o --to spo --name crio-default   # RuntimeDefault as a starting point

Docker → OCI follows the daemon's setupSeccomp: archMap entry of --arch → architectures; includes/excludes by
arch, capabilities (--caps) and minKernel (--kernel); "name" → "names"; "comment" dropped.

OCI → SPO: the SeccompProfile CRD has no defaultErrnoRet, so a default errno other than EPERM (e.g. ENOSYS) is
spelled out as one rule giving that errno to every other syscall of the profile's architectures (a note says so).
Write with -o: the file is replaced only when the conversion succeeds (a shell redirect leaves an empty file).`)
    .action(async (file, opts) => {
      const ref = await readCommandProfile(file, io, opts);
      const c = convertProfile(ref.text, {
        to: opts.to, file, runtimeDefault: ref.runtimeDefault !== undefined, normalize: opts.normalize, allowBase: opts.allowBase === true, format: opts.format,
        ...(opts.arch !== undefined ? { arch: opts.arch } : {}), ...(opts.caps !== undefined ? { caps: opts.caps } : {}),
        ...(opts.kernel !== undefined ? { kernel: opts.kernel } : {}), ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}),
      });
      for (const d of c.diagnostics) if (d.severity === 'info') println(io.stderr, noteLine(d));
      if (c.outcome === 'refused') throw refusalError(c);
      if (opts.output) writeFileAtomic(resolve(io.cwd, opts.output), c.text!);
      else io.stdout.write(c.text!);
    });
};
