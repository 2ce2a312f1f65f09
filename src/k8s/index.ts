// Kubernetes: patch manifests, lint workloads (PSS + kubelet precedence), install profiles on nodes (ConfigMap +
// DaemonSet running node sync), security-profiles-operator resources, and the node sync loop itself.
export type { SeccompType, SeccompSetting } from './seccomp.js';
export { SECCOMP_TYPES, POD_ANNOTATION, CONTAINER_ANNOTATION_PREFIX, localhostPathProblem, settingFromAnnotation, describeSetting, strictness } from './seccomp.js';
export type { ObjectRef, PodSpecSite, ContainerSite, ContainerList } from './podspecs.js';
export { POD_TEMPLATE_PATHS, findPodSpecs, objectLabel } from './podspecs.js';
export type { ParsedManifest } from './manifest.js';
export { parseManifest } from './manifest.js';
export type { TextEdit } from './yamledit.js';
export { applyEdits } from './yamledit.js';
export type { PatchOptions, PatchPlan, PatchChange } from './patch.js';
export { planPatch, applyPatch, patchManifest, checkPatchOptions } from './patch.js';
export type { PssLevel, LintOptions, LintFinding, ProfileLookup } from './lint.js';
export { lintManifest, LINT_RULES, atLeast } from './lint.js';
export { toSarif } from './sarif.js';
export type { CheckedProfile } from './profiles.js';
export { checkProfileText } from './profiles.js';
export { nameProblem, CONFIGMAP_KEY } from './names.js';
export type { InstallProfile, InstallOptions, InstallResult } from './install.js';
export { buildInstall, renderInstallYaml, DEFAULT_IMAGE, DEFAULT_KUBELET_ROOT, DEFAULT_SUBDIR, DEFAULT_NAMESPACE, CONFIGMAP_MAX_BYTES } from './install.js';
export type { SpoResource } from './spo.js';
export { buildSpoResource, renderSpoYaml, resourceNameFromFile } from './spo.js';
export type { SourceEntry, SyncReport, SyncOptions, WatchOptions } from './nodesync.js';
export { readSourceDir, syncEntries, syncOnce, watchSync, markReady, reportIsQuiet, OWNERSHIP_FILE, MAX_PROFILE_BYTES } from './nodesync.js';
export { profileDirLookup } from './lookup.js';
