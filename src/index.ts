// seccompctl's library API: everything the CLI does, a program can do.
export * as syscalls from './syscalls/index.js';
export * as profile from './profile/index.js';
export * as common from './common/index.js';
export * as runtime from './runtime/index.js';
export * as record from './record/index.js';
export * as ingest from './ingest/index.js';
export * as generate from './generate/index.js';
export * as bpf from './bpf/index.js';
export * as k8s from './k8s/index.js';
export * as agent from './agent/index.js';
export * as verify from './verify/index.js';
export * as advise from './advise/index.js';
export * as node from './node/index.js';
export * as report from './report/index.js';
