// Generate: aggregated observations + policy (default errno, arches, runtime base set) → Profile; merge and diff of
// profiles; the bundled RuntimeDefault profiles of containerd, CRI-O and Docker.
export type { GenerateOptions, GenerateResult, GenerateOutcome, GenerateRuntime, DefaultErrno, CrossArchMapping } from './generate.js';
export { generate, generateProfile, profileArches, recordingPolicy, COMPAT_POLICY } from './generate.js';
export type { GenerateFromFilesOptions, GenerateFromFiles } from './files.js';
export { generateFromFiles } from './files.js';
export { RUNC_BASE_SETS } from '../runtime/index.js';
export type { MergeResult, ChangedSyscall, ArchDiff, ProfileDiff } from './compare.js';
export { mergeProfiles, diffProfiles, describeRule, restrictiveness } from './compare.js';
export type { CompareReadOptions, DiffRefsOptions, DiffSide, DiffRefsResult, MergeFilesResult } from './compare-files.js';
export { diffProfileRefs, mergeProfileFiles } from './compare-files.js';
export type { RuntimeDefault, RuntimeDefaultName, RuntimeDefaultOptions, ProfileRefOptions, ProfileRefText } from './runtime-default.js';
export { RUNTIME_DEFAULTS, CRIO_DEFAULT_CAPS, loadRuntimeDefault, parseRuntimeDefaultRef, readProfileRef, runtimeDefaultCaps } from './runtime-default.js';
export type { ArgRecording, ArgValues, ArgRulesOptions, ArgRulesResult, GenerateArgsResult, RestrictedSyscall, RuntimeArgValues } from './args.js';
export { ArgCollector, MAX_ARG_VALUES, applyArgRules, describeArgConditions, formatCall, generateWithArgs, straceValue } from './args.js';
export type { ClosedCall, DangerousCall } from './dangerous-calls.js';
export { allowsCall, closedCalls, DANGEROUS_CALLS, dangerousCallArgs, dangerousCallText } from './dangerous-calls.js';
