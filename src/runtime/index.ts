// Runtime stage: OCI bundles from the host's directories and a runc driver (see docs/runtime.md).
export type { BindMount, HostBundle, HostBundleOptions } from './bundle.js';
export { createHostBundle, DEFAULT_CAPABILITIES, HOST_DIRS } from './bundle.js';
export type { ContainerOptions, ContainerResult, RunningContainer } from './runc.js';
export { parseRuncVersion, readAuditSession, resolveSignal, requireRunc, runcAvailability, runContainer, startContainer, uniqueContainerId } from './runc.js';
