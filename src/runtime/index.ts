// Runtime stage: everything that runs things — OCI bundles, the runc driver, host workloads and the session spawner,
// the one stop → grace → kill escalation, the eBPF probe, the kernel-log reader, the printk guard, and runc's measured
// base sets (the code that measures them and the generated data). See docs/runtime.md and docs/architecture.md.
export type { BindMount, HostBundle, HostBundleOptions } from './bundle.js';
export { createHostBundle, DEFAULT_CAPABILITIES, HOST_DIRS } from './bundle.js';
export type { ContainerOptions, ContainerResult, RunningContainer } from './runc.js';
export { parseRuncVersion, readAuditSession, resolveSignal, requireRunc, runcAvailability, runContainer, startContainer, uniqueContainerId } from './runc.js';
export type { Escalation } from './escalate.js';
export { killTree, processTree, signalPids, stopGraceKill } from './escalate.js';
export type { SessionChild } from './session.js';
export { spawnInSession } from './session.js';
export type { AutoMount, KernelLogRun, WorkloadExit, WorkloadIO, WorkloadOptions } from './workload.js';
export {
  argumentMounts, bundleRootfs, childrenOf, parseMountSpec, commandExists, hostStdio, logProfile, nativeScmpArches, resolveCommand, runProbedContainer,
  runWithKernelLog, runWorkloadContainer, tempDir, waitHost, workloadBundle, workloadRoot,
} from './workload.js';
export { pidAlive, reapStale, staleContainerIds } from './reap.js';
export type { Cleanup } from '../common/index.js';
export { pendingCleanups, registerCleanup, runCleanups } from '../common/index.js';
export type { ExecMarker, ProbeCount, ProbeOptions, ProbeResult, RunningProbe } from './probe.js';
export { archOfProbe, DEFAULT_RECORD_MAP_KEYS, ebpfAvailability, ensureTracefs, haveAuditSessions, parseProbeOutput, probeProgram, recordMapKeys, startBpftraceProbe, startProbe, stopBpftrace } from './probe.js';
export type { RecordLoader } from './probe-libbpf.js';
export { libbpfLoader, RECORD_BPF_SOURCES, recordBpfCacheDir, recordEbpfAvailability, resetLibbpfLoader, startLibbpfProbe, startRecordProbe } from './probe-libbpf.js';
export type { ArgSample } from './probe-args.js';
export { ARG_MAP_KEYS, argCaptureStatements, parseArgSamples } from './probe-args.js';
export type { KernelLogRecord, KernelLogSource, KmsgLoss, SeccompRecord } from './kernellog.js';
export { auditBacklog, auditLostCount, detectKernelLogSource, KmsgReader, lossIn, parseSeccompRecord, sessionOf } from './kernellog.js';
export type { PrintkPaths } from './printk.js';
export { disablePrintkRatelimit } from './printk.js';
export type { MeasuredBaseSets } from './basesets.js';
export { baseSetNames, GO_RUNTIME_ASYNC, measureRuncBaseSets, renderBaseSetsModule, RUNC_INIT_COMM, withGoRuntime } from './basesets.js';
export { RUNC_BASE_SETS } from './runc-base-sets.generated.js';
