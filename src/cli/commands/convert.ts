// `seccompctl convert PROFILE --to oci|docker|spo`: between dialects; Docker is expanded as the Docker daemon does.
import { Option } from 'commander';
import { release } from 'node:os';
import { basename, resolve } from 'node:path';
import { UserError, writeFileAtomic, type Diagnostic } from '../../common/index.js';
import {
  DOCKER_DEFAULT_CAPS, dockerToOci, normalizeProfile, pruneForArches, ociToDocker, ociToSpo, parseProfile, printDockerProfile, printProfile,
  printSpoProfile, spoToOci, type Profile,
} from '../../profile/index.js';
import { hostArch, resolveArch } from '../../syscalls/index.js';
import { println } from '../io.js';
import { readCommandProfile } from './profile-ref.js';
import type { Register } from './types.js';

interface ConvertOpts {
  to: 'oci' | 'docker' | 'spo';
  arch?: string;
  caps?: string[];
  kernel?: string;
  name?: string;
  namespace?: string;
  format?: 'yaml' | 'json';
  normalize: boolean;
  allowBase?: boolean;
  output?: string;
}

export const registerconvert: Register = (program, io) => {
  program.command('convert')
    .description('Convert a profile between OCI, Docker and SPO SeccompProfile; Docker profiles are expanded exactly as the Docker daemon does for one arch, capability set and kernel.')
    .argument('<profile>', 'profile file (JSON or YAML, any dialect), - for standard input, or runtime-default[:containerd|cri-o|docker] (expanded for --arch, --caps, --kernel)')
    .addOption(new Option('-t, --to <dialect>', 'output dialect').choices(['oci', 'docker', 'spo']).makeOptionMandatory())
    .option('-a, --arch <arch>', 'Docker expansion: the host architecture (x86_64, arm64, SCMP_ARCH_AARCH64, …; default: this machine\'s)')
    .addOption(new Option('--caps <caps>', 'Docker expansion: the container\'s bounding capabilities, comma-separated (default: Docker\'s default set; "" for none)')
      .argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), ...v.split(',').map((c) => c.trim()).filter(Boolean)]))
    .option('--kernel <X.Y>', 'Docker expansion: the host kernel version for minKernel (default: this machine\'s)')
    .option('--name <name>', 'SPO: metadata.name (default: the file name without extension)')
    .option('--namespace <ns>', 'SPO: metadata.namespace (SPO >= 0.9 profiles are cluster-scoped; omit it then)')
    .addOption(new Option('--format <format>', 'SPO output format').choices(['yaml', 'json']).default('yaml'))
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
    .action(async (file: string, opts: ConvertOpts) => {
      const ref = await readCommandProfile(file, io, opts);
      const text = ref.text;
      const r = parseProfile(text, { file });
      const expandFlags = opts.arch !== undefined || opts.caps !== undefined || opts.kernel !== undefined;
      if (expandFlags && r.dialect !== 'docker' && !ref.runtimeDefault) println(io.stderr, `note: ${file} is an ${r.dialect.toUpperCase()} profile; --arch/--caps/--kernel only apply to Docker profiles`);
      if (opts.arch !== undefined && !resolveArch(opts.arch)) throw new UserError(`unknown architecture "${opts.arch}"; try x86_64, aarch64, arm64 or SCMP_ARCH_X86_64`);
      let p: Profile;
      if (r.dialect === 'docker') {
        const kernel = opts.kernel ?? (/^\d+\.\d+/.test(release()) ? release() : undefined);
        if (opts.kernel !== undefined && !/^\d+\.\d+/.test(opts.kernel)) throw new UserError(`--kernel "${opts.kernel}" is not X.Y (e.g. 6.1)`);
        p = dockerToOci(r.raw, { arch: opts.arch ?? hostArch().id, caps: opts.caps ?? DOCKER_DEFAULT_CAPS, ...(kernel !== undefined ? { kernelVersion: kernel } : {}) });
      } else if (r.dialect === 'spo') {
        p = spoToOci(r.spo!, { allowBase: opts.allowBase === true });
      } else {
        p = r.profile;
      }
      if (opts.normalize) {
        // Names that exist on none of the profile's arches (a multi-arch Docker profile's recv, pciconfig_read…)
        // make no filter rule: the canonical form leaves them out.
        const pruned = pruneForArches(p);
        if (pruned.dropped.length > 0) println(io.stderr, `note: left out ${pruned.dropped.length} syscall(s) that do not exist on ${(p.architectures ?? []).join(', ')} (they change nothing there): ${pruned.dropped.join(' ')}`);
        p = normalizeProfile(pruned.profile);
      }
      let out: string;
      if (opts.to === 'oci') out = printProfile(p);
      // Docker → Docker without expansion flags keeps archMap, includes/excludes etc. (only the layout changes).
      else if (opts.to === 'docker' && r.dialect === 'docker' && !expandFlags) out = printDockerProfile(r.raw);
      else if (opts.to === 'docker') out = printDockerProfile(ociToDocker(p));
      else {
        const name = opts.name ?? defaultName(file);
        const report = (d: Diagnostic): void => println(io.stderr, `note: ${d.message}`);
        out = printSpoProfile(ociToSpo(p, { name, report, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) }), opts.format ?? 'yaml');
      }
      if (opts.output) writeFileAtomic(resolve(io.cwd, opts.output), out);
      else io.stdout.write(out);
    });
};

function defaultName(file: string): string {
  if (file === '-') throw new UserError('--to spo from standard input needs --name');
  const n = basename(file).replace(/\.(json|ya?ml)$/i, '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  if (!n) throw new UserError(`cannot derive a resource name from "${file}"; pass --name`);
  return n;
}
