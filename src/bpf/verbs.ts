// `check` and `compile` as one library call each: read the profile reference (a file, `-` or runtime-default[:RT]),
// apply the command's rules and answer. The refusals (standard input asked for twice, no syscall given, --explain
// with several calls, raw bytes to a terminal) and the findings (names runc skips, rules libseccomp merges) come back
// as diagnostics with an outcome; nothing is printed or written, so a library user gets what the CLI user gets.
import { readInput, refusal, refusedWith, type Diagnostic, type DiagnosticCode, type Refusable } from '../common/index.js';
import { readProfileRef, type ProfileRefOptions } from '../generate/index.js';
import { parseProfile, type Profile } from '../profile/index.js';
import { checkSyscalls, type CheckResult } from './check.js';
import { compileProfile, type CompiledFilter } from './compile.js';
import { disassemble } from './disasm.js';
import { toJson, toRaw } from './insn.js';

/** Options for checkProfileCalls: where the profile reference is read from, and the check's target. */
export interface CheckCallsOptions extends ProfileRefOptions {
  /** The ABI of the calling process when it differs from the native arch (`arch`), e.g. `x86` on x86_64. */
  abi?: string;
  /** The caller wants the executed instructions: only one call can be explained at a time. */
  explain?: boolean;
}

/**
 * What checking calls against a profile gives: `ok`: every call is allowed (ALLOW/LOG); `failed`: one is denied
 * (exit 1); `refused`: a rule stopped it (exit 2).
 */
export type CheckCallsResult = Refusable<{
  /** The refusal (code STDIN_USED_TWICE, NO_SYSCALLS_GIVEN or EXPLAIN_NEEDS_ONE_CALL), when refused. */
  readonly diagnostics: readonly Diagnostic[];
  /** One verdict per call, in order (a call text given twice gets the same object). Empty when refused. */
  readonly results: readonly CheckResult[];
  /** Several verdicts: more than one call, or calls read from standard input (one line per verdict). */
  readonly many: boolean;
}>;

const refusedCheck = (code: DiagnosticCode, message: string): CheckCallsResult => ({ ...refusal(code, message), results: [], many: true });

/**
 * `seccompctl check PROFILE [CALL...]` as one call: no calls means one per line on `stdin` (blank lines and `#`
 * comments skipped). Unreadable profiles and calls that cannot be parsed throw UserError, as the parsers do.
 */
export async function checkProfileCalls(ref: string, calls: readonly string[], opts: CheckCallsOptions = {}): Promise<CheckCallsResult> {
  const fromStdin = calls.length === 0;
  if (fromStdin && ref === '-') {
    return refusedCheck('STDIN_USED_TWICE', 'the profile comes from standard input, so give the syscalls as arguments');
  }
  const { text } = await readProfileRef(ref, opts);
  const { profile, source } = parseProfile(text, { file: ref });
  let list = calls;
  if (fromStdin) {
    list = (await readInput('-', opts.stdin)).split('\n').map((l) => l.replace(/(^|\s)#.*$/, '').trim()).filter((l) => l !== '');
    if (list.length === 0) {
      return refusedCheck('NO_SYSCALLS_GIVEN', 'no syscall given: name one after the profile, or write one per line on standard input');
    }
  }
  const many = fromStdin || list.length > 1;
  if (many && opts.explain === true) {
    return refusedCheck('EXPLAIN_NEEDS_ONE_CALL', '--explain shows one syscall at a time: give a single syscall');
  }
  const results = checkSyscalls(profile, list, { ...(opts.arch !== undefined ? { arch: opts.arch } : {}), ...(opts.abi !== undefined ? { abi: opts.abi } : {}), source });
  return { outcome: results.some((r) => !r.allowed) ? 'failed' : 'ok', diagnostics: [], results, many };
}

/** Output formats of compileProfileRef. */
export type CompileFormat = 'disasm' | 'json' | 'raw';

/** Options for compileProfileRef. */
export interface CompileRefOptions extends ProfileRefOptions {
  /** disasm (default): one instruction a line; json: `[{code, jt, jf, k}]`; raw: struct sock_filter bytes. */
  format?: CompileFormat;
  /** Where the output goes: a terminal refuses raw bytes (RAW_TO_TERMINAL). Default `stream` (a file or pipe). */
  destination?: 'stream' | 'terminal';
}

/** What compiling a profile reference gives: `ok`, or `refused` (exit 2) with the refusal last in `diagnostics`. */
export type CompileRefResult = Refusable<CompiledFilter & {
  /** Findings (UNKNOWN_SYSCALL: runc skips the name; LIBSECCOMP_RULE_MERGE), then the refusal, if any. */
  readonly diagnostics: readonly Diagnostic[];
  /** The program in the asked format: text for disasm and json, bytes in the node's byte order for raw. */
  readonly output: string | Uint8Array;
  /** The profile that was compiled. */
  readonly profile: Profile;
}, 'ok'>;

/**
 * `seccompctl compile PROFILE` as one call: read, parse, compile for `arch` (default: this machine's) and render.
 * A profile the compiler cannot express exactly throws (UnsupportedFeatureError / UserError, exit 2), as compileProfile does.
 */
export async function compileProfileRef(ref: string, opts: CompileRefOptions = {}): Promise<CompileRefResult> {
  const { text } = await readProfileRef(ref, opts);
  const { profile } = parseProfile(text, { file: ref });
  const compiled = compileProfile(profile, opts.arch === undefined ? {} : { arch: opts.arch });
  const { program, model } = compiled;
  const diagnostics: Diagnostic[] = model.skippedNames.map((p) => ({ code: 'UNKNOWN_SYSCALL', severity: 'warning', path: p, message: `${p}: unknown syscall, runc skips it` }));
  const byName = new Map<string, Set<string>>();
  for (const h of model.hazards) byName.set(h.name, new Set([...(byName.get(h.name) ?? []), ...h.rules]));
  for (const [name, rules] of byName) {
    diagnostics.push({
      code: 'LIBSECCOMP_RULE_MERGE', severity: 'info',
      message: `${[...rules].join(', ')} test the same argument of ${name} with range/NE comparisons; libseccomp <= 2.6.0 merges such rules into one tree and can differ from what is written (docs/bpf.md); this program follows the rules as written`,
    });
  }
  const format = opts.format ?? 'disasm';
  const output = format === 'json' ? toJson(program) : format === 'raw' ? toRaw(program, model.native.endian) : disassemble(program, { endian: model.native.endian });
  if (format === 'raw' && opts.destination === 'terminal') {
    diagnostics.push({ code: 'RAW_TO_TERMINAL', severity: 'error', message: 'refusing to write raw BPF to a terminal; use -o FILE or a pipe' });
    return { ...compiled, ...refusedWith(diagnostics), output, profile };
  }
  return { ...compiled, outcome: 'ok', diagnostics, output, profile };
}
