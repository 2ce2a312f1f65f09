// Record stage: run a command and observe its syscalls (eBPF, strace, or the kernel audit log under a LOG profile).
export type { RecordBackend, RecordOptions, RecordResult, WorkloadExit, WorkloadIO, WorkloadOptions } from './record.js';
export {
  addImplicitSyscalls, archOfProbe, BeforeStartError, IMPLICIT_SYSCALLS, chooseBackend, nativeScmpArches, probeObservations, recordObservations, recordWorkload, resolveCommand, runWithKernelLog,
  runProbedContainer, runWorkloadContainer, workloadBundle,
} from './record.js';
export type { ExecMarker, ProbeCount, ProbeResult, RunningProbe } from './bpftrace.js';
export { ebpfAvailability, ensureTracefs, parseProbeOutput, probeProgram, startProbe } from './bpftrace.js';
export type { KmsgLoss, SeccompRecord } from './kmsg.js';
export { KmsgReader, lossIn, parseSeccompRecord } from './kmsg.js';
export { disablePrintkRatelimit } from './printk.js';
export type { SessionChild } from './session.js';
export { spawnInSession } from './session.js';
export type { MeasuredBaseSets } from './basesets.js';
export { GO_RUNTIME_ASYNC, measureRuncBaseSets, renderBaseSetsModule, RUNC_INIT_COMM, withGoRuntime } from './basesets.js';
