// Profile model: parse (OCI, Docker, SPO dialects) → typed Profile; validate; normalize; print; convert; schema.
export type {
  Action, Operator, Flag, SyscallArg, SyscallRule, Profile, DockerFilter, DockerArchMap, DockerSyscallRule, DockerProfile,
  SpoSpec, SpoProfile,
} from './types.js';
export { ACTIONS, OPERATORS, FLAGS, SPEC_ARCHES } from './types.js';
export type { Dialect, RuntimeName, ProfileSource, ParseResult, ParseOptions } from './api.js';
export { safeParseProfile, parseProfile, RUNTIMES } from './api.js';
export { printProfile, printDockerProfile, printSpoProfile } from './print.js';
export { normalizeProfile, pruneForArches } from './normalize.js';
export type { ValidateOptions, ValidationRule, RuleContext } from './validate.js';
export { validateProfile, VALIDATION_RULES } from './validate.js';
export type { ProfileVerdict, RuntimeVerdict } from './verdicts.js';
export { judgeProfile, parseRuntimeName } from './verdicts.js';
export type { DockerExpandOptions } from './docker.js';
export { dockerToOci, ociToDocker, DOCKER_DEFAULT_CAPS, normalizeCap } from './docker.js';
export type { OciToSpoOptions } from './spo.js';
export { ociToSpo, spoToOci, SPO_API_VERSION, SPO_INT64_MAX } from './spo.js';
export { detectDialect, SPO_GROUP } from './decode.js';
export type { SyscallCounterpart, EnosysFallback } from './counterparts.js';
export { SYSCALL_COUNTERPARTS, ENOSYS_FALLBACKS, counterpartOf, counterpartsOn, legacyCallersOn } from './counterparts.js';
export { PROFILE_SCHEMA_PATH, readProfileSchema } from './schema.js';
export { LineCounter } from './lines.js';
export type { ConvertTarget, ConvertOptions, ConvertResult } from './convert.js';
export { convertProfile } from './convert.js';
