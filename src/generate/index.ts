// Generate: aggregated observations + policy (default errno, arches, runtime base set) → Profile.
export type { GenerateOptions, GenerateResult, GenerateRuntime, DefaultErrno } from './generate.js';
export { generate, generateProfile, profileArches } from './generate.js';
export { RUNC_BASE_SETS } from './runc-base-sets.generated.js';
