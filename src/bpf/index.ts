// bpf stage: profile → classic BPF (runc + libseccomp semantics), the kernel's loader checks and interpreter,
// a disassembler, a reference evaluator over the profile, and verdict checks that use both.
export type { Insn } from './insn.js';
export { BPF, MAX_INSNS, toJson, toRaw, fromJson, fromRaw } from './insn.js';
export type { KernelAction } from './actions.js';
export { RET, actionValue, kernelAction, formatRet, errnoOf, isAllowLike } from './actions.js';
export type { SeccompData, EmulationResult, EmulateOptions, TraceStep } from './emulate.js';
export { emulate, validateProgram, seccompDataWords, BpfLoadError } from './emulate.js';
export type { DisasmOptions } from './disasm.js';
export { disassemble } from './disasm.js';
export type { Cond, RuncRule, FilterModel, TargetOptions, MergeHazard } from './model.js';
export { prepareProfile, stubNumber, UnsupportedFeatureError, RET_ENOSYS, MUX_ARCHES, SOCKETCALL_CALLS, IPC_CALLS } from './model.js';
export { mergeHazards, effectiveConds } from './overlap.js';
export type { Verdict, VerdictReason, Leaf } from './evaluate.js';
export { evaluateProfile, evaluateModel, classify } from './evaluate.js';
export type { CompiledFilter } from './compile.js';
export { compileProfile, compileModel } from './compile.js';
export type { CheckOptions, CheckResult, SyscallCall, DecidingRule } from './check.js';
export { checkSyscall, checkSyscalls, parseCall, parseArg } from './check.js';
export { ARG_CONSTANTS, ERRNO_NAMES } from './constants.js';
export type { CheckCallsOptions, CheckCallsResult, CompileFormat, CompileRefOptions, CompileRefResult } from './verbs.js';
export { checkProfileCalls, compileProfileRef } from './verbs.js';
