// Node stage: what seccomp will do on this node — kernel, runc/crun and their libseccomp, the kubelet's seccomp
// settings, the Localhost profiles it serves, recording prerequisites (`seccompctl doctor`; see docs/node.md).
export type { NodeFacts, RuntimeBinary, LibseccompFacts, KubeletFacts, RecordingFacts, ProfileFile, GatherOptions } from './facts.js';
export {
  NODE_FACTS_SCHEMA, DEFAULT_KUBELET_ROOT_DIR, gatherNodeFacts, parseNodeFacts, probeLibseccomp, readKubeletConfig, parseKubeletConfig, parseKubeletArgs,
  parseRuntimeVersion, findKubelet, tracefsMount, nodeAbis,
} from './facts.js';
export type { CheckStatus, DoctorCheck, DoctorReport } from './doctor.js';
export { judgeNode, doctorFromFacts, doctorNode, checkProfileFile, nodeProfileFindings, readProfileDir } from './doctor.js';
