// `k8s install` and `k8s spo` as one library call each: read and check the profile files, check the options, and
// build the objects to apply. Nothing is printed; the caller renders (renderInstallYaml, renderSpoYaml) or lists them.
import { basename, resolve } from 'node:path';
import { readInput, refusal, refusalOf, type Diagnostic, type Refusal } from '../common/index.js';
import {
  buildInstall, buildRecordInstall, DEFAULT_NAMESPACE, installProblems, recordInstallProblems,
  type InstallOptions, type InstallResult, type RecordInstallOptions, type RecordInstallResult,
} from './install.js';
import { checkProfileText, type CheckedProfile } from './profiles.js';
import { buildSpoResource, resourceNameFromFile, spoProblems, type SpoResource } from './spo.js';

/** Where profile files and `-` are read from. */
interface FileOptions {
  /** Relative paths resolve here (default the process's). */
  readonly cwd?: string;
}

/** Options for installFiles: the `k8s install` flags. */
export interface InstallFilesOptions extends FileOptions, Omit<InstallOptions, 'nodeSelector'>, Omit<RecordInstallOptions, 'nodeSelector' | 'image' | 'namespace'> {
  /** Emit the recording DaemonSet (the agent on every node) instead; takes no profile files. */
  readonly record?: boolean;
  /** Node labels the DaemonSet must match, each `KEY=VALUE`. */
  readonly nodeSelector?: readonly string[];
}

/** What installFiles built: the profiles' ConfigMap and sync DaemonSet, or (record) the recording DaemonSet. */
export type InstallFilesResult = Refusal
  | { readonly outcome: 'ok'; readonly mode: 'profiles'; readonly install: InstallResult; readonly diagnostics: readonly Diagnostic[] }
  | { readonly outcome: 'ok'; readonly mode: 'record'; readonly record: RecordInstallResult; readonly diagnostics: readonly Diagnostic[] };

/**
 * The manifests that install profile files on every node (or, with `record`, the recording agents). Refused: a
 * node selector that is not KEY=VALUE or another bad option (INVALID_OPTION), `record` with files
 * (CONFLICTING_OPTIONS), no files (NO_PROFILES_GIVEN), `-` (STDIN_NOT_ALLOWED: names become file names on the
 * nodes), invalid profiles (their diagnostics), names that cannot be ConfigMap keys or collide, over 1 MiB.
 * Each profile is installed as `<basename>.json` in canonical OCI JSON; the profiles' warnings come back too.
 */
export async function installFiles(files: readonly string[], opts: InstallFilesOptions = {}): Promise<InstallFilesResult> {
  const nodeSelector: Record<string, string> = {};
  for (const kv of opts.nodeSelector ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) return refusal('INVALID_OPTION', `--node-selector "${kv}": expected KEY=VALUE`);
    nodeSelector[kv.slice(0, i)] = kv.slice(i + 1);
  }
  const namespace = opts.namespace ?? DEFAULT_NAMESPACE;
  if (opts.record) {
    if (files.length > 0) return refusal('CONFLICTING_OPTIONS', '--record emits the recording DaemonSet and takes no profile files; install profiles in a separate run');
    const ro: RecordInstallOptions = {
      namespace, nodeSelector, all: opts.all === true,
      ...(opts.image !== undefined ? { image: opts.image } : {}), ...(opts.source ? { source: opts.source } : {}),
      ...(opts.stateDir !== undefined ? { stateDir: opts.stateDir } : {}), ...(opts.flushIntervalSec !== undefined ? { flushIntervalSec: opts.flushIntervalSec } : {}),
    };
    const bad = recordInstallProblems(ro);
    if (bad[0]) return refusal(bad[0].code, bad[0].message);
    return { outcome: 'ok', mode: 'record', record: buildRecordInstall(ro), diagnostics: [] };
  }
  if (files.length === 0) return refusal('NO_PROFILES_GIVEN', 'no profile files given (or pass --record for the recording DaemonSet)');
  const read = await readProfiles(files, opts);
  if (read.outcome === 'refused') return read;
  const io: InstallOptions = {
    namespace, nodeSelector,
    ...(opts.kubeletRoot !== undefined ? { kubeletRoot: opts.kubeletRoot } : {}), ...(opts.subdir !== undefined ? { subdir: opts.subdir } : {}),
    ...(opts.image !== undefined ? { image: opts.image } : {}),
  };
  const profiles = read.profiles.map((p) => ({ name: basename(p.file).replace(/\.(json|ya?ml)$/i, '') + '.json', text: p.canonical! }));
  const bad = installProblems(profiles, io);
  if (bad[0]) return refusal(bad[0].code, bad[0].message, read.diagnostics);
  return { outcome: 'ok', mode: 'profiles', install: buildInstall(profiles, io), diagnostics: read.diagnostics };
}

/** Options for spoFiles: the `k8s spo` flags. */
export interface SpoFilesOptions extends FileOptions {
  /** metadata.name (one profile only); default from each file's name. */
  readonly name?: string;
  /** metadata.namespace (operators before 0.9); default none (cluster-scoped). */
  readonly namespace?: string;
}

/** The SeccompProfile resources, one per file, with the profiles' warnings. */
export type SpoFilesResult = Refusal | { readonly outcome: 'ok'; readonly resources: readonly SpoResource[]; readonly diagnostics: readonly Diagnostic[] };

/**
 * security-profiles-operator SeccompProfile resources from profile files. Refused: `name` with several files
 * (CONFLICTING_OPTIONS), `-` (STDIN_NOT_ALLOWED), invalid profiles, a name that is not a resource name
 * (INVALID_RESOURCE_NAME), argument values the CRD cannot hold (SPO_VALUE_RANGE), two files with one name
 * (DUPLICATE_RESOURCE_NAME).
 */
export async function spoFiles(files: readonly string[], opts: SpoFilesOptions = {}): Promise<SpoFilesResult> {
  if (opts.name !== undefined && files.length > 1) return refusal('CONFLICTING_OPTIONS', '--name works with one profile only');
  const read = await readProfiles(files, opts);
  if (read.outcome === 'refused') return read;
  const resources: SpoResource[] = [];
  for (const p of read.profiles) {
    const name = opts.name ?? resourceNameFromFile(p.file);
    const bad = spoProblems(p.profile!, { name });
    if (bad) return refusalOf(bad.summary, [...read.diagnostics, ...bad.diagnostics]);
    resources.push(buildSpoResource(p.profile!, { name, ...(opts.namespace !== undefined ? { namespace: opts.namespace } : {}) }));
  }
  const names = resources.map((r) => r.resource.metadata.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) return refusal('DUPLICATE_RESOURCE_NAME', `two profiles would both be named "${dup}"; rename a file`, read.diagnostics);
  return { outcome: 'ok', resources, diagnostics: read.diagnostics };
}

/** Reads and checks profile files (files only: their names matter); the warnings of all, or the refusal. */
async function readProfiles(files: readonly string[], opts: FileOptions): Promise<Refusal | { outcome: 'ok'; profiles: CheckedProfile[]; diagnostics: Diagnostic[] }> {
  if (files.includes('-')) return refusal('STDIN_NOT_ALLOWED', 'profiles must be files (their names become file names on the nodes)');
  const profiles: CheckedProfile[] = [];
  const errors: Diagnostic[] = [];
  const notes: Diagnostic[] = [];
  for (const f of files) {
    const checked = checkProfileText(await readInput(resolve(opts.cwd ?? process.cwd(), f)), f);
    errors.push(...checked.errors);
    notes.push(...checked.warnings);
    profiles.push(checked);
  }
  if (errors.length > 0) return refusalOf('invalid profile(s); nothing emitted', [...notes, ...errors]);
  return { outcome: 'ok', profiles, diagnostics: notes };
}
