// Profile model: parse (OCI, Docker, SPO dialects) → typed Profile; validate; normalize; print; convert; schema.
export type { Action, Operator, Flag, SyscallArg, SyscallRule, Profile } from './types.js';
export { ACTIONS, OPERATORS, FLAGS } from './types.js';
export type { Dialect, RuntimeName, ProfileSource, ParseResult, ParseOptions } from './api.js';
export { safeParseProfile, parseProfile, printProfile } from './api.js';
