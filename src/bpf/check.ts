// Verdict questions: "what does this profile do to `socket(AF_VSOCK, 1, 0)` on arm64, and which rule decides?"
// Answered twice — by the reference evaluator and by emulating the compiled program — and the two must agree.
import { InternalError, UserError } from '../common/index.js';
import type { Profile, ProfileSource } from '../profile/index.js';
import { constantValue, resolveArch, syscallName, syscallNumber, isKnownSyscall, archesWith, type ArchId, type ArchInfo } from '../syscalls/index.js';
import { formatRet, isAllowLike } from './actions.js';
import { compileModel } from './compile.js';
import { ARG_CONSTANTS } from './constants.js';
import { disassemble } from './disasm.js';
import { emulate, validateProgram, type SeccompData, type TraceStep } from './emulate.js';
import { evaluateModel, type Verdict } from './evaluate.js';
import type { Insn } from './insn.js';
import { nativeArch, prepareProfile, type Cond, type TargetOptions } from './model.js';
import { effectiveConds } from './overlap.js';

/** Options for checkSyscall. */
export interface CheckOptions extends TargetOptions {
  /** The ABI of the calling process when it differs from the native arch (e.g. `x86` on an x86_64 node). */
  abi?: string;
  /** Where the profile came from, to give the deciding rule a line and column. */
  source?: ProfileSource;
}

/** A parsed call: `socket(AF_VSOCK, 1, 0)`. */
export interface SyscallCall {
  name: string;
  nr: number;
  abi: ArchId;
  args: bigint[];
}

/** The deciding part of the profile. */
export interface DecidingRule {
  /** JSON path: `syscalls[3]`, or `defaultAction`. */
  path: string;
  /** The name that matched, e.g. `syscalls[3].names[1]`. */
  namePath?: string;
  line?: number;
  col?: number;
  /** The argument conditions that held (JSON paths). */
  conditions: string[];
}

/** The answer to one verdict question. */
export interface CheckResult {
  call: SyscallCall;
  data: SeccompData;
  verdict: Verdict;
  /** ALLOW or LOG: the syscall runs. */
  allowed: boolean;
  decidedBy: DecidingRule;
  /** How many instructions the kernel would execute (the final return included). */
  executed: number;
  /**
   * Every instruction the kernel would execute, with A after it and its disassembly. Built when first read (the
   * bulk path of `check` does not need it).
   */
  path: (TraceStep & { text: string })[];
  program: Insn[];
}

/** Parses one argument: decimal, 0x hex, 0o octal, negative numbers, constant names, `A|B` combinations. */
export function parseArg(text: string, bits: 32 | 64, arch?: ArchId): bigint {
  const parts = text.split('|').map((p) => p.trim());
  let v = 0n;
  for (const p of parts) {
    let x: bigint;
    if (/^-?(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/i.test(p)) {
      x = p.startsWith('-') ? -BigInt(p.slice(1)) : BigInt(p);
    } else if (arch !== undefined && constantValue(arch, p) !== undefined) {
      // The kernel headers' value on this arch (scripts/gen-constants.ts), e.g. SOCK_STREAM is 2 on MIPS.
      x = constantValue(arch, p)!;
    } else if (p in ARG_CONSTANTS) {
      x = ARG_CONSTANTS[p]!;
    } else if (/^["']/.test(p)) {
      throw new UserError(`argument ${text}: a string is passed as a pointer, which seccomp cannot see; give the pointer value as a number (e.g. 0)`);
    } else {
      throw new UserError(`argument "${p}" is not a number or a known constant (try decimal, 0x hex, or names like AF_INET, O_RDONLY, CLONE_NEWUSER)`);
    }
    v |= BigInt.asUintN(64, x);
  }
  // The kernel passes 32-bit ABIs' arguments as 32-bit values.
  return BigInt.asUintN(bits, v);
}

/** Parses `name(arg, ...)` or `name` or a number, on an ABI. */
export function parseCall(text: string, abi: ArchInfo): SyscallCall {
  const m = /^\s*([A-Za-z0-9_]+)\s*(?:\((.*)\))?\s*$/s.exec(text);
  if (!m) throw new UserError(`"${text}" is not a syscall call; write it like socket(AF_INET, SOCK_STREAM, 0)`);
  const head = m[1]!;
  let name: string;
  let nr: number;
  if (/^(0x[0-9a-f]+|\d+)$/i.test(head)) {
    nr = Number(head);
    name = syscallName(abi.id, nr) ?? `#${nr}`;
  } else {
    const n = syscallNumber(abi.id, head);
    if (n === undefined) {
      if (isKnownSyscall(head)) throw new UserError(`${head} does not exist on ${abi.scmp} (it exists on ${archesWith(head).join(', ')})`);
      throw new UserError(`${head} is not a syscall`);
    }
    name = head;
    nr = n;
  }
  const raw = (m[2] ?? '').trim();
  const args = raw === '' ? [] : raw.split(',').map((a) => parseArg(a, abi.bits, abi.id));
  if (args.length > 6) throw new UserError(`${name}: a syscall has at most 6 arguments, got ${args.length}`);
  return { name, nr, abi: abi.id, args };
}

/** Answers a verdict question about one syscall; throws InternalError when evaluator and emulator disagree. */
export function checkSyscall(profile: Profile, call: string, opts: CheckOptions = {}): CheckResult {
  return checkSyscalls(profile, [call], opts)[0]!;
}

/**
 * Answers many verdict questions against one compiled filter (the profile is compiled once). Throws UserError for
 * a call that cannot be parsed, naming it by its position (1-based) when there are several.
 */
export function checkSyscalls(profile: Profile, calls: readonly string[], opts: CheckOptions = {}): CheckResult[] {
  const native = nativeArch(opts);
  const abi = opts.abi === undefined ? native : resolveArch(opts.abi);
  if (!abi) throw new UserError(`unknown architecture "${opts.abi}"`);
  const model = prepareProfile(profile, { arch: native.id });
  const program = compileModel(model);
  // Per call, only what differs: the profile is compiled and validated once, the disassembly is made when a path is
  // first read, rule positions are looked up once per rule, and a call text seen before gets the same result.
  validateProgram(program);
  let lines: string[] | undefined;
  const disasm = (): readonly string[] => (lines ??= disassemble(program, { raw: false, endian: native.endian }).split('\n'));
  const ctx: CheckContext = { model, program, disasm, abi, located: new Map(), ...(opts.source ? { source: opts.source } : {}) };
  const seen = new Map<string, CheckResult>();
  return calls.map((call, i) => {
    const again = seen.get(call);
    if (again) return again;
    let c: SyscallCall;
    try {
      c = parseCall(call, abi);
    } catch (e) {
      if (calls.length > 1 && e instanceof UserError) throw new UserError(`syscall ${i + 1} of ${calls.length} (${call.trim()}): ${e.message}`);
      throw e;
    }
    const r = checkParsed(ctx, c, call);
    seen.set(call, r);
    return r;
  });
}

interface CheckContext {
  model: ReturnType<typeof prepareProfile>;
  program: Insn[];
  disasm: () => readonly string[];
  abi: ArchInfo;
  source?: ProfileSource;
  /** Rule path → its position in the source. */
  located: Map<string, { line?: number; col?: number }>;
}

function checkParsed(ctx: CheckContext, c: SyscallCall, call: string): CheckResult {
  const { program, abi } = ctx;
  const args = [...c.args, ...new Array<bigint>(6 - c.args.length).fill(0n)];
  const data: SeccompData = { nr: c.nr, arch: abi.auditArch, args };
  const verdict = evaluateModel(ctx.model, data);
  const run = emulate(program, data, { skipValidation: true });
  if (run.ret !== verdict.ret) {
    throw new InternalError(`compiled program says ${formatRet(run.ret)} but the profile says ${verdict.text} for ${call} on ${abi.scmp}`);
  }
  let path: CheckResult['path'] | undefined;
  const result = { call: c, data, verdict, allowed: isAllowLike(verdict.ret), decidedBy: decidingRule(verdict, abi, ctx), executed: run.executed, program } as CheckResult;
  Object.defineProperty(result, 'path', {
    enumerable: true,
    get: () => (path ??= emulate(program, data, { trace: true, skipValidation: true }).trace!.map((s) => ({ ...s, text: (ctx.disasm()[s.pc] ?? '').trim() }))),
  });
  return result;
}

function decidingRule(v: Verdict, abi: ArchInfo, ctx: CheckContext): DecidingRule {
  const at = (p: string): { line?: number; col?: number } => {
    let pos = ctx.located.get(p);
    if (!pos) {
      const l = ctx.source?.locate(p);
      pos = l ? { line: l.line, col: l.col } : {};
      ctx.located.set(p, pos);
    }
    return pos;
  };
  if (v.reason === 'rule' && v.rule) {
    // The rule matched, so every condition libseccomp emits for it held.
    const held = effectiveConds(v.rule, abi).map((cd: Cond) => cd.path);
    return { path: v.rule.path, namePath: v.rule.namePath, ...at(v.rule.namePath), conditions: held };
  }
  if (v.reason === 'default') return { path: 'defaultAction', ...at('defaultAction'), conditions: [] };
  if (v.reason === 'enosys') return { path: 'syscalls', conditions: [] };
  return { path: 'architectures', ...at('architectures'), conditions: [] };
}
