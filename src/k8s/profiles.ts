// Parsing and validating the profile files that k8s commands install, reference or sync.
import type { Diagnostic } from '../common/index.js';
import { printProfile, safeParseProfile, validateProfile, type Profile } from '../profile/index.js';

/** A profile file after parse + validate. `profile` is set when it parsed; `errors` empty means usable. */
export interface CheckedProfile {
  readonly file: string;
  readonly profile?: Profile;
  /** Canonical OCI JSON of the profile (what we write to nodes), when it parsed. */
  readonly canonical?: string;
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
}

/**
 * Parses and validates profile text. `asWritten` validates what the runtime would read from this very file
 * (Docker-only keys are errors for containerd); otherwise the canonical OCI form we would write is validated.
 */
export function checkProfileText(text: string, file: string, opts: { asWritten?: boolean } = {}): CheckedProfile {
  const r = safeParseProfile(text, { file });
  if (!r.ok) return { file, errors: r.diagnostics.filter((d) => d.severity === 'error'), warnings: r.diagnostics.filter((d) => d.severity !== 'error') };
  const ds = opts.asWritten
    ? validateProfile(r.profile, { source: r.source, dialect: r.dialect, parsedRaw: r.raw })
    : validateProfile(r.profile);
  const all = [...r.diagnostics, ...ds].map((d) => (d.file === undefined ? { ...d, file } : d));
  return {
    file, profile: r.profile, canonical: printProfile(r.profile),
    errors: all.filter((d) => d.severity === 'error'), warnings: all.filter((d) => d.severity !== 'error'),
  };
}
