// Record stage: run a command and observe its syscalls (eBPF, strace, or the kernel audit log under a LOG profile),
// and turn what the backends saw into observations. Running things (containers, the probe, the kernel-log reader,
// the printk guard, the session spawner, base sets) lives in runtime/.
export type { RecordBackend, RecordOptions, RecordProgress, RecordResult } from './record.js';
export {
  addImplicitSyscalls, BeforeStartError, IMPLICIT_SYSCALLS, chooseBackend, probeObservations, recordObservations, recordWorkload,
} from './record.js';
export type { RecordOutcome, RecordProfileOptions, RecordProfileResult } from './profile.js';
export { recordProfile } from './profile.js';
export type { RuncArgsMeasurement } from './runc-args.js';
export { GO_RUNTIME_ARGS, measureRuncArgs, renderRuncArgsModule } from './runc-args.js';

// Moved to runtime/ (issue 12); re-exported here for existing callers. New code imports them from runtime.
export type {
  ExecMarker, KmsgLoss, MeasuredBaseSets, ProbeCount, ProbeResult, RunningProbe, SeccompRecord, SessionChild,
  WorkloadExit, WorkloadIO, WorkloadOptions,
} from '../runtime/index.js';
export {
  archOfProbe, disablePrintkRatelimit, ebpfAvailability, ensureTracefs, GO_RUNTIME_ASYNC, KmsgReader, lossIn,
  measureRuncBaseSets, nativeScmpArches, parseProbeOutput, parseSeccompRecord, probeProgram, renderBaseSetsModule,
  resolveCommand, RUNC_INIT_COMM, runProbedContainer, runWithKernelLog, runWorkloadContainer, spawnInSession, startProbe,
  withGoRuntime, workloadBundle,
} from '../runtime/index.js';
