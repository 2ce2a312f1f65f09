// Profile model: parse (OCI, Docker, SPO dialects) → typed Profile; validate; normalize; print; convert; schema.
export type { Action, Operator, Flag, SyscallArg, SyscallRule, Profile } from './types.js';
export { ACTIONS, OPERATORS, FLAGS } from './types.js';
