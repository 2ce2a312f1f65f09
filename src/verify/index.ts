// Verify stage: run a command in runc under a profile and report every denied syscall (see docs/runtime.md).
export type { Denial, RuntimeFailure, VerifyMethod, VerifyOptions, VerifyResult } from './verify.js';
export { complainProfile, formatVerifyResult, verifyProfile } from './verify.js';
export type { DenialSplit } from './enosys.js';
export { deliberateEnosysNames, splitDeliberateEnosys } from './enosys.js';
