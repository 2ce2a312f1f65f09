// `record -- CMD` as one library call: check the output before any work, record the workload, apply the recording
// policies (a failed or abandoned run, then generate's: nothing recorded, records lost), build the profile and write
// it atomically. Nothing is printed; every refusal is a Refusal (`outcome: 'refused'`, its summary the error's message).
import { checkWritableFile, refusedWith, UserError, writeFileAtomic, type Diagnostic, type Outcome, type Refusable } from '../common/index.js';
import { generate, generateWithArgs, type GenerateArgsResult, type GenerateOptions, type GenerateResult } from '../generate/index.js';
import { printProfile } from '../profile/index.js';
import { recordWorkload, type RecordOptions, type RecordResult } from './record.js';

/** Options for recordProfile: the recording (recordWorkload's), generate's policy, and where the profile goes. */
export interface RecordProfileOptions extends RecordOptions, Pick<GenerateOptions, 'runtime' | 'defaultErrno' | 'allowLoss'> {
  /**
   * Write the profile here (an absolute path), atomically, only when the outcome is `ok`. Checked before the workload
   * starts (a recording that cannot be written is lost): OUTPUT_NOT_WRITABLE refuses without running anything.
   */
  outputFile?: string;
}

/**
 * `refused`: nothing was written; the error diagnostic says why — OUTPUT_NOT_WRITABLE (before any work, exit 2 in the
 * CLI), COMMAND_FAILED, RECORDING_INTERRUPTED, or generate's NO_RECORDS / RECORDS_LOST (exit 1).
 */
export type RecordOutcome = Exclude<Outcome, 'failed'>;

/** What recordProfile did (see RecordOutcome). */
export type RecordProfileResult = Refusable<{
  /** The recording's refusals (errors) and generate's diagnostics (warnings and notes when the outcome is ok). */
  readonly diagnostics: readonly Diagnostic[];
  /** The recording; absent when the output check refused before anything ran. */
  readonly recording?: RecordResult;
  /** generate's result (with argument rules when `args` was recorded); absent when the recording itself was refused. */
  readonly generated?: GenerateResult | GenerateArgsResult;
  /** Present when argument values were recorded (`args`). */
  readonly args?: GenerateArgsResult;
  /** The profile's text, when the outcome is ok (written to `outputFile` when given). */
  readonly profileText?: string;
  /** The file written, when the outcome is ok and `outputFile` was given. */
  readonly written?: string;
}, 'ok'>;

/** A recording is refused when its command failed: a profile from a failed run would miss what a good run does. */
function recordingRefusal(r: RecordResult, killSignal: AbortSignal | undefined): Diagnostic | undefined {
  // A second stop signal (the kill signal) abandons the recording: the user asked for nothing to be written.
  if (killSignal?.aborted) {
    return { code: 'RECORDING_INTERRUPTED', severity: 'error', message: 'recording interrupted twice: no profile written', fix: 'stop the command with one signal to keep the recording' };
  }
  if (!r.stopped && (r.exitCode !== 0 || r.timedOut)) {
    return {
      code: 'COMMAND_FAILED', severity: 'error',
      message: `the command failed (${r.exitCode === null ? `signal ${r.signal}` : `exit ${r.exitCode}`}): no profile written (a profile from a failed run would miss what a good run does)`,
      fix: 'record a run that succeeds (exit 0, or stopped by the forwarded signal)',
    };
  }
  return undefined;
}

/**
 * generate's RECORDS_LOST advice is about the kernel log (printk rate limit, auditd); a record program's full map
 * (kind probe-map-full) has its own cause and fix, which its loss message names: that message replaces it. A full map
 * that lost no call (process names, argument values: not certain) is a warning of its own, with its fix.
 */
function mapFullDiagnostics(ds: readonly Diagnostic[], r: RecordResult): readonly Diagnostic[] {
  const certain = r.ingest.loss.filter((l) => l.certain);
  const full = certain.filter((l) => l.kind === 'probe-map-full');
  const warnings: Diagnostic[] = r.ingest.loss.filter((l) => l.kind === 'probe-map-full' && !l.certain).map((l) => ({
    code: 'RECORDS_LOST', severity: 'warning', message: `the recording is incomplete: ${l.message}`, fix: 'record again with a larger map (SECCOMPCTL_RECORD_MAP_KEYS)',
  }));
  if (full.length === 0 || certain.length !== full.length) return [...ds, ...warnings];
  const how = full.some((l) => /per-thread storage/.test(l.message)) ? 'as the message says' : 'with a larger map (SECCOMPCTL_RECORD_MAP_KEYS) or fewer processes';
  return [...ds.map((d) => (d.code !== 'RECORDS_LOST' ? d : {
    ...d,
    message: `the recording is incomplete: ${full.map((l) => l.message).join('; ')}. The profile would deny the calls that were not recorded`,
    fix: d.severity === 'error' ? `record again ${how}, or allow the loss (--allow-loss) on purpose` : `record again ${how}`,
  })), ...warnings];
}

/**
 * Records CMD and builds its profile (see recordWorkload for the backends, generate for the policies). Throws
 * UserError/EnvironmentError (exit 2) when the workload cannot be recorded at all (no such command, a missing
 * privilege or tool); refusals of what was recorded come back as diagnostics.
 */
export async function recordProfile(opts: RecordProfileOptions): Promise<RecordProfileResult> {
  const { outputFile: output, runtime, defaultErrno, allowLoss, ...ropts } = opts;
  if (output !== undefined) {
    try {
      checkWritableFile(output);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return refusedWith([{ code: 'OUTPUT_NOT_WRITABLE', severity: 'error', message: e.message, fix: 'give -o a file in a directory you can write' }]);
    }
  }
  const recording = await recordWorkload(ropts);
  const refusal = recordingRefusal(recording, opts.killSignal);
  if (refusal) return { ...refusedWith([refusal]), recording };
  const gopts: GenerateOptions = {
    ...(runtime !== undefined ? { runtime } : {}), ...(defaultErrno !== undefined ? { defaultErrno } : {}),
    noNewPrivileges: opts.noNewPrivileges === true, allowLoss: allowLoss === true,
  };
  const args = recording.args ? generateWithArgs(recording.ingest, recording.args, gopts) : undefined;
  const generated = args ?? generate(recording.ingest, gopts);
  const base = { diagnostics: mapFullDiagnostics(generated.diagnostics, recording), recording, generated, ...(args ? { args } : {}) };
  if (generated.outcome === 'refused') return { ...refusedWith(base.diagnostics), ...base };
  const profileText = printProfile(generated.profile);
  if (output !== undefined) writeFileAtomic(output, profileText);
  return { outcome: 'ok', ...base, profileText, ...(output !== undefined ? { written: output } : {}) };
}
