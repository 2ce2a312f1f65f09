// The library's public surface, one namespace per pipeline stage. A change here is an API change: review it.
import { expect, it } from 'vitest';
import * as api from '../../src/index.js';

it('exports each stage as a namespace, with a reviewed list of names', () => {
  const surface = Object.fromEntries(Object.entries(api).map(([ns, mod]) => [ns, Object.keys(mod as object).sort().join(' ')]));
  expect(surface).toMatchInlineSnapshot(`
    {
      "advise": "advise adviseCommands containerAdvisor deliberateEnosysNames findRecording readAdviseInput splitDeliberateEnosys straceArgValue",
      "bpf": "ARG_CONSTANTS BPF BpfLoadError ERRNO_NAMES IPC_CALLS MAX_INSNS MUX_ARCHES RET RET_ENOSYS SOCKETCALL_CALLS UnsupportedFeatureError actionValue checkSyscall checkSyscalls classify compileModel compileProfile disassemble effectiveConds emulate errnoOf evaluateModel evaluateProfile formatRet fromJson fromRaw isAllowLike kernelAction mergeHazards parseArg parseCall prepareProfile seccompDataWords stubNumber toJson toRaw validateProgram",
      "common": "EnvironmentError InternalError LineCounter UserError formatDiagnostic readInput withPosition writeFileAtomic",
      "generate": "CRIO_DEFAULT_CAPS RUNC_BASE_SETS RUNTIME_DEFAULTS describeRule diffProfiles generate generateProfile loadRuntimeDefault mergeProfiles parseRuntimeDefaultRef profileArches readProfileRef restrictiveness runtimeDefaultCaps",
      "ingest": "Aggregator AuditParser Ingester LOSS_ADVICE MAX_ARG_SAMPLES MAX_LINE_BYTES MAX_LOSS_SIGNALS MAX_PROCESSES StraceParser TWO_THREAD_MIN_BYTES actionOfCode certainLoss describeLoss detectFormat ingestFiles ingestStream ingestText matchesFilter observedArches parseAuditLine parseFields parseRawFields pushStream splitArgs syscallKey syscallNames",
      "k8s": "AGENT_NAME CONFIGMAP_KEY CONFIGMAP_MAX_BYTES CONTAINER_ANNOTATION_PREFIX DEFAULT_AGENT_STATE_DIR DEFAULT_IMAGE DEFAULT_KUBELET_ROOT DEFAULT_NAMESPACE DEFAULT_SUBDIR LINT_RULES MAX_PROFILE_BYTES MAX_SYNTAX_ERRORS OWNERSHIP_FILE POD_ANNOTATION POD_TEMPLATE_PATHS PSS_RULES SECCOMP_TYPES applyEdits applyPatch atLeast buildInstall buildRecordInstall buildSpoResource checkPatchOptions checkPodSecurity checkProfileText describeSetting findPodSpecs lintManifest localhostPathProblem markReady nameProblem objectLabel parseManifest patchManifest planPatch profileDirLookup readKubeletConfig readSourceDir renderInstallYaml renderRecordInstallYaml renderSpoYaml reportIsQuiet resourceNameFromFile settingFromAnnotation strictness syncEntries syncOnce toSarif unifiedDiff watchSync",
      "node": "DEFAULT_KUBELET_ROOT_DIR NODE_FACTS_SCHEMA checkProfileFile doctorFromFacts findKubelet gatherNodeFacts judgeNode nodeAbis nodeProfileFindings parseKubeletArgs parseNodeFacts parseRuntimeVersion probeLibseccomp readKubeletConfig readProfileDir tracefsMount",
      "profile": "ACTIONS DOCKER_DEFAULT_CAPS FLAGS OPERATORS PROFILE_SCHEMA_PATH RUNTIMES SPEC_ARCHES SPO_API_VERSION SPO_GROUP SPO_INT64_MAX VALIDATION_RULES detectDialect dockerToOci normalizeCap normalizeProfile ociToDocker ociToSpo parseProfile printDockerProfile printProfile printSpoProfile readProfileSchema safeParseProfile spoToOci validateProfile",
      "record": "BeforeStartError GO_RUNTIME_ASYNC IMPLICIT_SYSCALLS KmsgReader RUNC_INIT_COMM addImplicitSyscalls archOfProbe chooseBackend disablePrintkRatelimit ebpfAvailability ensureTracefs lossIn measureRuncBaseSets nativeScmpArches parseProbeOutput parseSeccompRecord probeObservations probeProgram recordObservations recordWorkload renderBaseSetsModule resolveCommand runProbedContainer runWithKernelLog runWorkloadContainer spawnInSession startProbe withGoRuntime workloadBundle",
      "report": "CATEGORIES CATEGORY_TITLES RISK_CLASSES buildReport categoryOf conditionText createReport escapeHtml parseRecording renderReport",
      "runtime": "DEFAULT_CAPABILITIES HOST_DIRS createHostBundle parseRuncVersion readAuditSession requireRunc resolveSignal runContainer runcAvailability startContainer uniqueContainerId",
      "syscalls": "ARCHES ARCH_IDS TABLE_PROVENANCE X32_SYSCALL_BIT allSyscallNames archFromAudit archInfo archesWith editDistance hostArch isKnownSyscall maxSyscallNumber resolveArch resolveSyscall suggestSyscalls syscallName syscallNumber syscallsOf",
      "verify": "complainProfile formatVerifyResult verifyProfile",
    }
  `);
});
