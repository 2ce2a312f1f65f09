// advise's input: text read as a profile (any dialect) or a recording (audit log or strace output), or the
// diagnostics that refuse it.
import { refusalError, refusedWith, type Diagnostic } from '../common/index.js';
import { ingestText } from '../ingest/index.js';
import { safeParseProfile } from '../profile/index.js';
import type { ArchId } from '../syscalls/index.js';
import type { AdviseInput } from './advise.js';

/**
 * Reads advise's input: a profile (any dialect; Docker expanded for `arch`) or a recording (audit log or strace
 * output). Text that is neither is a UserError naming what was tried.
 */
export function readAdviseInput(text: string, label: string, opts: { arch?: ArchId } = {}): AdviseInput {
  const r = inspectAdviseInput(text, label, opts);
  if (!r.input) throw refusalError(refusedWith(r.diagnostics), { notes: true });
  return r.input;
}

/**
 * readAdviseInput without the throw: the input, or the diagnostics that refuse it — the parser's findings then
 * INVALID_PROFILE, or INPUT_UNRECOGNIZED (neither a profile nor a recording).
 */
export function inspectAdviseInput(text: string, label: string, opts: { arch?: ArchId } = {}): { input?: AdviseInput; diagnostics: Diagnostic[] } {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || /^(apiVersion|kind|defaultAction)\s*:/m.test(trimmed.slice(0, 2000))) {
    const r = safeParseProfile(text, { file: label, ...(opts.arch ? { docker: { arch: opts.arch } } : {}) });
    if (r.ok) return { input: { kind: 'profile', label, profile: r.profile }, diagnostics: [] };
    return { diagnostics: [...r.diagnostics, { code: 'INVALID_PROFILE', severity: 'error', message: `${label}: not a valid seccomp profile`, fix: 'fix the errors above' }] };
  }
  const ingest = ingestText(text, { file: label, ...(opts.arch ? { nativeArch: opts.arch } : {}) });
  if (ingest.counters.matched === 0) {
    return {
      diagnostics: [{
        code: 'INPUT_UNRECOGNIZED', severity: 'error',
        message: `${label}: neither a seccomp profile nor a recording (no seccomp audit records or strace syscall lines found); give a profile, an audit log or strace -f output`,
      }],
    };
  }
  return { input: { kind: 'recording', label, ingest }, diagnostics: [] };
}

