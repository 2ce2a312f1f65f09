// `convert PROFILE --to oci|docker|spo` as one library call: a profile's text → the text in another dialect, with
// every rule of the command here (Docker expanded as the daemon does, the canonical form, the SPO name) and its notes
// and refusals returned as diagnostics with an outcome. Nothing is printed or written.
import { release } from 'node:os';
import { basename } from 'node:path';
import { refusedWith, UserError, type Diagnostic, type Refusable } from '../common/index.js';
import { hostArch, resolveArch } from '../syscalls/index.js';
import { parseProfile } from './api.js';
import { DOCKER_DEFAULT_CAPS, dockerToOci, ociToDocker } from './docker.js';
import { normalizeProfile, pruneForArches } from './normalize.js';
import { printDockerProfile, printProfile, printSpoProfile } from './print.js';
import { ociToSpo, spoToOci } from './spo.js';
import type { Profile } from './types.js';

/** The dialects convert writes. */
export type ConvertTarget = 'oci' | 'docker' | 'spo';

/** Options for convertProfile. */
export interface ConvertOptions {
  to: ConvertTarget;
  /** The file name, for diagnostics and SPO's default metadata.name (`-` is standard input). Default `-`. */
  file?: string;
  /** The text is an expanded RuntimeDefault: the Docker-expansion flags were used for it, so no note about them. */
  runtimeDefault?: boolean;
  /** Docker expansion: the host architecture (default: this machine's). */
  arch?: string;
  /** Docker expansion: the container's bounding capabilities (default: Docker's default set). */
  caps?: readonly string[];
  /** Docker expansion: the host kernel "X.Y" for minKernel (default: this machine's). */
  kernel?: string;
  /** SPO: metadata.name (default: the file name without extension). */
  name?: string;
  /** SPO: metadata.namespace. */
  namespace?: string;
  /** SPO output: yaml (default) or json. */
  format?: 'yaml' | 'json';
  /** Canonical form (default true): names on none of the profile's arches left out, rules grouped, "flags": []. */
  normalize?: boolean;
  /** SPO input: convert even if spec.baseProfileName is set (its syscalls are not included). */
  allowBase?: boolean;
}

/** What converting gives: `ok`: `text` holds the converted profile; `refused` (exit 2): the last diagnostic says why. */
export type ConvertResult = Refusable<{
  /**
   * In order: notes (info: CONVERT_FLAGS_IGNORED, SYSCALLS_PRUNED, SPO_DEFAULT_ERRNO_SPELLED_OUT), then on refusal
   * the converter's findings (errors, e.g. SPO_BASE_PROFILE) and the refusal itself (UNKNOWN_ARCH,
   * INVALID_KERNEL_VERSION, SPO_NAME_NEEDED or CONVERSION_REFUSED).
   */
  readonly diagnostics: readonly Diagnostic[];
  /** The converted profile's text (absent when refused). */
  readonly text?: string;
}, 'ok'>;

const KERNEL = /^\d+\.\d+/;

/**
 * Converts a profile text (any dialect) to `opts.to`. Docker → OCI follows the daemon's setupSeccomp for one arch,
 * capability set and kernel; OCI → SPO spells out a default errno the CRD cannot hold. A text that is not a profile
 * throws UserError (exit 2), as parseProfile does.
 */
export function convertProfile(text: string, opts: ConvertOptions): ConvertResult {
  const file = opts.file ?? '-';
  const diagnostics: Diagnostic[] = [];
  const refuse = (d: Omit<Diagnostic, 'severity'>): ConvertResult => refusedWith([...diagnostics, { ...d, severity: 'error' }]);
  const r = parseProfile(text, { file });
  const expandFlags = opts.arch !== undefined || opts.caps !== undefined || opts.kernel !== undefined;
  if (expandFlags && r.dialect !== 'docker' && opts.runtimeDefault !== true) {
    diagnostics.push({ code: 'CONVERT_FLAGS_IGNORED', severity: 'info', file, message: `${file} is an ${r.dialect.toUpperCase()} profile; --arch/--caps/--kernel only apply to Docker profiles` });
  }
  if (opts.arch !== undefined && !resolveArch(opts.arch)) return refuse({ code: 'UNKNOWN_ARCH', message: `unknown architecture "${opts.arch}"; try x86_64, aarch64, arm64 or SCMP_ARCH_X86_64` });
  try {
    let p: Profile;
    if (r.dialect === 'docker') {
      if (opts.kernel !== undefined && !KERNEL.test(opts.kernel)) return refuse({ code: 'INVALID_KERNEL_VERSION', message: `--kernel "${opts.kernel}" is not X.Y (e.g. 6.1)` });
      const kernel = opts.kernel ?? (KERNEL.test(release()) ? release() : undefined);
      p = dockerToOci(r.raw, { arch: opts.arch ?? hostArch().id, caps: opts.caps ?? DOCKER_DEFAULT_CAPS, ...(kernel !== undefined ? { kernelVersion: kernel } : {}) });
    } else if (r.dialect === 'spo') {
      p = spoToOci(r.spo!, { allowBase: opts.allowBase === true });
    } else {
      p = r.profile;
    }
    if (opts.normalize !== false) {
      // Names that exist on none of the profile's arches (a multi-arch Docker profile's recv, pciconfig_read…)
      // make no filter rule: the canonical form leaves them out.
      const pruned = pruneForArches(p);
      if (pruned.dropped.length > 0) {
        diagnostics.push({
          code: 'SYSCALLS_PRUNED', severity: 'info',
          message: `left out ${pruned.dropped.length} syscall(s) that do not exist on ${(p.architectures ?? []).join(', ')} (they change nothing there): ${pruned.dropped.join(' ')}`,
        });
      }
      p = normalizeProfile(pruned.profile);
    }
    // Docker → Docker without expansion flags keeps archMap, includes/excludes etc. (only the layout changes).
    if (opts.to === 'oci') return { outcome: 'ok', diagnostics, text: printProfile(p) };
    if (opts.to === 'docker') return { outcome: 'ok', diagnostics, text: printDockerProfile(r.dialect === 'docker' && !expandFlags ? r.raw : ociToDocker(p)) };
    let name = opts.name;
    if (name === undefined) {
      if (file === '-') return refuse({ code: 'SPO_NAME_NEEDED', message: '--to spo from standard input needs --name' });
      name = basename(file).replace(/\.(json|ya?ml)$/i, '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
      if (!name) return refuse({ code: 'SPO_NAME_NEEDED', message: `cannot derive a resource name from "${file}"; pass --name` });
    }
    const spo = ociToSpo(p, { name, report: (d) => diagnostics.push(d), ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) });
    return { outcome: 'ok', diagnostics, text: printSpoProfile(spo, opts.format ?? 'yaml') };
  } catch (e) {
    // The converters refuse with a UserError (an SPO base profile, a value the CRD cannot hold, a bad resource name):
    // the notes gathered so far stay, then the converter's findings and its reason.
    if (!(e instanceof UserError)) throw e;
    diagnostics.push(...e.diagnostics);
    return refuse({ code: 'CONVERSION_REFUSED', message: e.message });
  }
}
