// Agent: the node process that records pods where they run. Containers' syscalls (eBPF scoped by cgroup id, or the
// audit log under a LOG profile) → (namespace, workload, container) recordings attributed from the runtime's
// on-node files, flushed atomically, served on a local endpoint; plus what `record start|stop|pull` needs.
export type { AgentOptions, AgentSource } from './options.js';
export type { AgentMetrics } from './metrics.js';
export { Agent } from './agent.js';
export type { CgroupLeaf, CgroupMode, ExistingCgroup } from './cgroups.js';
export { detectCgroupMode, leafOfPath, leafOfProcCgroup, processCgroupPath, scanContainerCgroups, segmentContainer, segmentPodUid } from './cgroups.js';
export type { ContainerInfo, RuntimePaths } from './runtimes.js';
export { DEFAULT_RUNTIME_PATHS, fromContainerdSpec, fromCrioSpec, readContainerInfo } from './runtimes.js';
export type { Workload } from './workload.js';
export { deriveWorkload, optedIn, RECORD_ANNOTATION, WORKLOAD_ANNOTATION } from './workload.js';
export type { AgentProbeOptions, ProbeEvent } from './probe.js';
export { agentProgram, parseProbeLine } from './probe.js';
export type { AgentStateFile, LossWindow, RecordingData, ReplicaStat } from './store.js';
export { mergeRecordings, parseStateFile, readStateFile, RecordingStore, recordingKey } from './store.js';
export type { ProfileOptions } from './output.js';
export { flatProfileName, localhostProfileOf, profilePath, recordingProfile, recordingSpoYaml } from './output.js';
export type { AgentServer, ListenAddress } from './server.js';
export { parseListen, serveAgent } from './server.js';
export type { PulledProfile, WorkloadRef } from './pull.js';
export { kubectl, parseWorkloadRef, recordPatch, selectRecordings, statesFromCluster, statesFromDirs, workloadRef, writePulled } from './pull.js';
export type { AnnotateOptions, AnnotateResult, PullOptions, PullResult, RunAgentOptions, RunAgentResult } from './commands.js';
export { AGENT_MINIMUMS, annotateWorkload, pullRecordings, runAgent } from './commands.js';
