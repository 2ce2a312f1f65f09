// seccompctl's library API: the pipeline's verbs and their types. Each returns typed results and diagnostics and
// never prints or exits; bad input is a UserError, a missing tool or privilege an EnvironmentError.
// Internals (parsers, runners, spawners, probes) are not part of it: they change without notice.
//
//   record / ingest → generate → validate / check / compile → verify → advise → k8s → report

// Errors and diagnostics.
export { UserError, EnvironmentError, formatDiagnostic, DIAGNOSTIC_CODES } from './common/index.js';
export type { Diagnostic, DiagnosticCode, Outcome, Outcome as CommandOutcome, Refusal, Severity } from './common/index.js';

// Syscalls and architectures.
export { resolveSyscall, resolveQueries, syscallName, syscallNumber, resolveArch, hostArch, ARCHES } from './syscalls/index.js';
export type { ArchId, Resolution, ResolveQueriesResult } from './syscalls/index.js';

// Profiles: parse (OCI, Docker, SPO; JSON or YAML, with positions), validate per runtime, print, convert.
export {
  parseProfile, safeParseProfile, validateProfile, judgeProfile, normalizeProfile, printProfile, printDockerProfile, printSpoProfile,
  dockerToOci, ociToDocker, ociToSpo, spoToOci, convertProfile, readProfileSchema, PROFILE_SCHEMA_PATH, RUNTIMES,
} from './profile/index.js';
export type {
  Profile, SyscallRule, SyscallArg, Action, Operator, Dialect, RuntimeName, ParseResult, ParseOptions, ValidateOptions,
  DockerProfile, SpoProfile, ProfileVerdict, RuntimeVerdict, ConvertOptions, ConvertResult, ConvertTarget,
} from './profile/index.js';

// Observations: audit logs (every rendering) and strace output → syscalls per arch, processes, loss.
export { ingestText, ingestFiles, certainLoss, describeLoss, recordingJson, LOSS_ADVICE } from './ingest/index.js';
export type { IngestResult, IngestOptions, Observation, LossSignal, ProcessFilter, InputFormat, RecordingJson } from './ingest/index.js';

// Recording a workload (ebpf, strace, audit backends).
export { recordWorkload, recordProfile } from './record/index.js';
export type { RecordOptions, RecordResult, RecordBackend, RecordProfileOptions, RecordProfileResult, RecordOutcome } from './record/index.js';

// Generating, merging and comparing profiles; the runtimes' RuntimeDefault profiles.
export {
  generate, generateFromFiles, generateWithArgs, mergeProfiles, mergeProfileFiles, diffProfiles, diffProfileRefs, loadRuntimeDefault, readProfileRef,
} from './generate/index.js';
export type {
  GenerateOptions, GenerateResult, GenerateOutcome, GenerateFromFilesOptions, GenerateArgsResult, ArgRecording, MergeResult, ProfileDiff, RuntimeDefault, RuntimeDefaultName,
  DiffRefsOptions, DiffRefsResult, DiffSide, MergeFilesResult, CompareReadOptions,
} from './generate/index.js';

// What the kernel will do: compile to classic BPF as libseccomp does, emulate, check a call.
export { compileProfile, compileProfileRef, checkSyscall, checkSyscalls, checkProfileCalls, emulate, disassemble } from './bpf/index.js';
export type {
  CompiledFilter, CheckOptions, CheckResult, EmulationResult, CheckCallsOptions, CheckCallsResult, CompileFormat, CompileRefOptions, CompileRefResult,
} from './bpf/index.js';

// Verifying under enforcement in runc; will RuntimeDefault break it?; what seccomp does on this node.
export { verifyProfile } from './verify/index.js';
export type { VerifyOptions, VerifyResult, Denial } from './verify/index.js';
export { advise, adviseFile } from './advise/index.js';
export type { AdviseInput, AdviseOptions, AdviseResult, AdviseFileOptions, AdviseReport, AdviseOutcome } from './advise/index.js';
export { doctorNode, gatherNodeFacts, judgeNode } from './node/index.js';
export type { NodeFacts, DoctorReport } from './node/index.js';

// Kubernetes: patch manifests, lint them, install profiles on nodes, SPO resources.
export { patchManifest, lintManifest, buildInstall, renderInstallYaml, buildSpoResource, renderSpoYaml, toSarif } from './k8s/index.js';
export type { PatchOptions, PatchPlan, LintOptions, LintFinding, InstallProfile, InstallOptions, InstallResult, SpoResource } from './k8s/index.js';
// The k8s commands as one call each (what the CLI runs): an outcome ok/failed/refused with coded diagnostics.
export { patchFiles, lintFiles, installFiles, spoFiles, renderRecordInstallYaml } from './k8s/index.js';
export type {
  PatchFilesOptions, PatchFilesResult, LintFilesOptions, LintFilesResult, InstallFilesOptions, InstallFilesResult,
  SpoFilesOptions, SpoFilesResult,
} from './k8s/index.js';
// Recording in a cluster: opt a workload in or out, pull its recordings, run the node agent.
export { annotateWorkload, pullRecordings, runAgent } from './agent/index.js';
export type { AnnotateOptions, AnnotateResult, PullOptions, PullResult, RunAgentOptions, RunAgentResult } from './agent/index.js';

// Reports (self-contained HTML or Markdown).
export { createReport, reportFromFiles } from './report/index.js';
export type { ReportInput, ReportFormat, ReportModel, ReportFilesOptions, ReportFilesResult } from './report/index.js';
