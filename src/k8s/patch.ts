// `k8s patch`: plan (pure) then apply the edits that set securityContext.seccompProfile in every pod spec.
import { isMap, isScalar, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { InternalError, UserError, type Diagnostic, type DiagnosticCode } from '../common/index.js';
import { isJsonDocument, parseManifest, type ParsedManifest } from './manifest.js';
import { findPair, findPodSpecs, objectLabel, type ContainerSite, type ObjectRef, type PodSpecSite } from './podspecs.js';
import { describeSetting, localhostPathProblem, sameSetting, strictness, type SeccompSetting } from './seccomp.js';
import { applyEdits, insertIntoMap, removePair, replaceScalar, setEmptyOrAbsent, type TextEdit, type Tree } from './yamledit.js';

/** What to set and where. */
export interface PatchOptions {
  /** The profile to set: RuntimeDefault or Localhost (with its path). */
  readonly profile: SeccompSetting;
  /** Set it on these containers instead of the pod (regular and ephemeral; init too with `initContainers`). */
  readonly containers?: readonly string[];
  /** Include init containers: with `containers`, match init containers by name too; alone, set it on every init container. */
  readonly initContainers?: boolean;
  /** Allow loosening an existing setting (Localhost → RuntimeDefault, anything → Unconfined). Default false. */
  readonly force?: boolean;
}

/** One field the plan sets (or migrates from an annotation). */
export interface PatchChange {
  readonly object: ObjectRef;
  readonly path: string;
  /** Which document of the file (0-based). */
  readonly docIndex: number;
  /** Undefined for the pod-level field. */
  readonly container?: string;
  readonly from?: SeccompSetting;
  readonly to: SeccompSetting;
  /** `set` (was unset), `migrate` (from a deprecated annotation), `tighten`, `replace` (another Localhost), `force` (loosened). */
  readonly reason: 'set' | 'migrate' | 'tighten' | 'replace' | 'force';
  readonly line: number;
}

/** The edit plan for one file: what changes, the text edits, and problems (errors block the write). */
export interface PatchPlan {
  readonly file: string;
  readonly changes: readonly PatchChange[];
  readonly removedAnnotations: readonly { readonly object: ObjectRef; readonly key: string; readonly line: number }[];
  readonly edits: readonly TextEdit[];
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
  /** Container names that matched `containers` somewhere in this file. */
  readonly matchedContainers: readonly string[];
  /** How many pod specs the file holds. */
  readonly podSpecs: number;
}

/** Checks the requested profile (kubelet path rules for Localhost). Throws a UserError (exit 2). */
export function checkPatchOptions(opts: PatchOptions): void {
  if (opts.profile.type === 'Localhost') {
    const p = localhostPathProblem(opts.profile.localhostProfile ?? '');
    if (p) throw new UserError(`--localhost: ${p}`);
  }
}

/** Computes the plan for one manifest text. Pure: no I/O. Throws a UserError only for unparsable input. */
export function planPatch(text: string, file: string, opts: PatchOptions): PatchPlan {
  checkPatchOptions(opts);
  return planParsed(parseManifest(text, file), opts);
}

/** The plan for a manifest already parsed (patchFiles parses with safeParseManifest to get its diagnostics). */
export function planParsed(m: ParsedManifest, opts: PatchOptions): PatchPlan {
  const file = m.file;
  const ctx: Ctx = { m, opts, changes: [], removed: [], edits: [], errors: [], warnings: [], matched: new Set() };
  let count = 0;
  m.docs.forEach((doc, i) => {
    for (const site of findPodSpecs(doc, i)) {
      count++;
      planSite(ctx, doc, site);
    }
  });
  return {
    file, changes: ctx.changes, removedAnnotations: ctx.removed, edits: ctx.edits, errors: ctx.errors, warnings: ctx.warnings,
    matchedContainers: [...ctx.matched], podSpecs: count,
  };
}

/** Applies a plan's edits and re-checks the result: every planned field must read back as planned. */
export function applyPatch(text: string, plan: PatchPlan): string {
  if (plan.errors.length > 0) throw new UserError(`${plan.file}: not patched`, plan.errors);
  const out = applyEdits(text, plan.edits);
  if (plan.edits.length === 0) return out;
  // Self-check: parse the output and compare every changed field with the plan.
  let m: ParsedManifest;
  try {
    m = parseManifest(out, plan.file);
  } catch (e) {
    throw new InternalError(`patched ${plan.file} does not parse: ${(e as Error).message}`);
  }
  const sites = new Map<string, PodSpecSite>();
  m.docs.forEach((d, i) => {
    for (const s of findPodSpecs(d, i)) sites.set(`${i}\0${s.path}\0${objectLabel(s.object)}`, s);
  });
  for (const c of plan.changes) {
    const site = sites.get(`${c.docIndex}\0${c.path}\0${objectLabel(c.object)}`);
    const got = c.container === undefined ? site?.field.setting
      : site?.containers.find((k) => k.name === c.container)?.field.setting;
    if (!sameSetting(got, c.to)) {
      throw new InternalError(`patched ${plan.file}: ${objectLabel(c.object)} ${c.container ?? 'pod'} reads back as ${describeSetting(got)}, planned ${describeSetting(c.to)}`);
    }
  }
  return out;
}

/** Plans and applies in one step (throws a UserError listing the problems when the plan has errors). */
export function patchManifest(text: string, file: string, opts: PatchOptions): { text: string; plan: PatchPlan } {
  const plan = planPatch(text, file, opts);
  return { text: applyPatch(text, plan), plan };
}

interface Ctx {
  readonly m: ParsedManifest;
  readonly opts: PatchOptions;
  readonly changes: PatchChange[];
  readonly removed: { object: ObjectRef; key: string; line: number }[];
  readonly edits: TextEdit[];
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
  readonly matched: Set<string>;
}

function lineOf(ctx: Ctx, n: Node | null | undefined, fallback: YAMLMap): number {
  const r = (n as { range?: [number, number, number] } | null | undefined)?.range ?? fallback.range;
  return r ? ctx.m.lines.linePos(r[0]).line : 1;
}

function diag(ctx: Ctx, severity: 'error' | 'warning', code: DiagnosticCode, site: PodSpecSite, line: number, message: string, fix?: string): Diagnostic {
  const d: Diagnostic = { code, severity, message: `${objectLabel(site.object)}: ${message}`, file: ctx.m.file, line, path: site.path, ...(fix ? { fix } : {}) };
  (severity === 'error' ? ctx.errors : ctx.warnings).push(d);
  return d;
}

function targeted(opts: PatchOptions, c: ContainerSite): boolean {
  if (opts.containers && opts.containers.length > 0) {
    if (!opts.containers.includes(c.name)) return false;
    return c.list !== 'initContainers' || Boolean(opts.initContainers);
  }
  return Boolean(opts.initContainers) && c.list === 'initContainers';
}

type Decision = { to: SeccompSetting; reason: PatchChange['reason'] } | { refuse: string } | undefined;

function decide(base: SeccompSetting | undefined, want: SeccompSetting, force: boolean): Decision {
  if (!base) return { to: want, reason: 'set' };
  if (sameSetting(base, want)) return undefined;
  if (strictness(want) < strictness(base)) {
    if (!force) return { refuse: `${describeSetting(base)} → ${describeSetting(want)} would loosen it` };
    return { to: want, reason: 'force' };
  }
  if (strictness(want) > strictness(base)) return { to: want, reason: 'tighten' };
  return { to: want, reason: 'replace' };
}

function planSite(ctx: Ctx, doc: Document, site: PodSpecSite): void {
  const { opts } = ctx;
  const json = isJsonDocument(doc);
  const specLine = lineOf(ctx, site.podSpec, site.podSpec);
  if (site.windows) {
    const why = site.hostProcess ? 'a Windows hostProcess pod (windowsOptions.hostProcess: true)' : 'spec.os.name is windows';
    diag(ctx, 'warning', 'PATCH_SKIPPED_WINDOWS', site, specLine, `${why}: seccomp does not apply to Windows pods; skipped`);
    return;
  }
  if (site.mergeKeys) {
    diag(ctx, 'error', 'PATCH_MERGE_KEY', site, specLine, 'the pod spec is built with YAML merge keys (<<); an inserted key could hide merged settings',
      'expand the merge key by hand, or patch the rendered output (helm template / kustomize build)');
    return;
  }
  const podAnn = site.annotationSites.find((a) => 'pod' in a.target);
  const containerAnn = (name: string) => site.annotationSites.find((a) => 'container' in a.target && a.target.container === name);

  for (const a of site.annotationSites) {
    const line = lineOf(ctx, a.pair.key as Node, site.podSpec);
    if (!a.setting) {
      diag(ctx, 'warning', 'PATCH_ANNOTATION_UNKNOWN', site, line, `annotation ${a.key}: "${a.value}" is not a known seccomp value; removed without migrating (kubelets ignore it since 1.25)`);
    }
    if (a.setting?.type === 'Localhost' && localhostPathProblem(a.setting.localhostProfile ?? '')) {
      diag(ctx, 'error', 'PATCH_ANNOTATION_BAD_PATH', site, line, `annotation ${a.key}: ${localhostPathProblem(a.setting.localhostProfile ?? '')}`, 'fix the annotation by hand');
    }
    if ('container' in a.target) {
      const name = a.target.container;
      if (!site.containers.some((c) => c.name === name)) {
        diag(ctx, 'warning', 'PATCH_ANNOTATION_NO_CONTAINER', site, line, `annotation ${a.key} names a container that is not in the pod; removed`);
      }
    }
  }

  // Pod level.
  if (site.field.problem) {
    diag(ctx, 'error', 'PATCH_MALFORMED_FIELD', site, lineOf(ctx, site.field.node, site.podSpec), `pod seccompProfile: ${site.field.problem}`, 'fix it by hand first');
    return;
  }
  const podAnnSetting = podAnn?.setting;
  if (site.field.setting && podAnnSetting && !sameSetting(site.field.setting, podAnnSetting)) {
    diag(ctx, 'warning', 'PATCH_ANNOTATION_CONFLICT', site, lineOf(ctx, podAnn!.pair.key as Node, site.podSpec),
      `annotation ${POD_KEY} (${describeSetting(podAnnSetting)}) disagrees with the field (${describeSetting(site.field.setting)}); the field wins, the annotation is removed`);
  }
  const podTargeted = !(opts.containers && opts.containers.length > 0) && !opts.initContainers;
  const podBase = site.field.setting ?? podAnnSetting;
  let podFinal = podBase;
  let podReason: PatchChange['reason'] = site.field.setting ? 'set' : 'migrate';
  if (podTargeted) {
    const d = decide(podBase, opts.profile, Boolean(opts.force));
    if (d && 'refuse' in d) {
      diag(ctx, 'error', 'PATCH_WOULD_LOOSEN', site, lineOf(ctx, site.field.node, site.podSpec), `pod seccompProfile: ${d.refuse}`, 'pass --force to loosen it on purpose');
    } else if (d) {
      podFinal = d.to;
      podReason = site.field.setting || !podAnnSetting ? d.reason : 'migrate';
      noteReplaced(ctx, site, lineOf(ctx, site.field.node, site.podSpec), 'pod', podBase, d.to);
    }
  }
  if (podFinal && !sameSetting(podFinal, site.field.setting)) {
    setField(ctx, doc, json, site, site.podSpec, site.securityContext, site.field.node, podFinal, undefined, podReason, site.field.setting ?? podAnnSetting);
  }

  // Containers.
  for (const c of site.containers) {
    const ann = containerAnn(c.name);
    const isTarget = targeted(opts, c);
    if (isTarget) ctx.matched.add(c.name);
    if (c.field.problem) {
      diag(ctx, 'error', 'PATCH_MALFORMED_FIELD', site, lineOf(ctx, c.field.node, c.node), `container ${c.name}: seccompProfile: ${c.field.problem}`, 'fix it by hand first');
      continue;
    }
    if (c.privileged) {
      diag(ctx, 'warning', 'PATCH_PRIVILEGED', site, lineOf(ctx, c.node, c.node), `container ${c.name} is privileged: the runtime ignores seccomp for it`, 'drop privileged: true and add only the capabilities it needs');
    }
    const base = c.field.setting ?? ann?.setting;
    let final = base;
    let reason: PatchChange['reason'] = 'migrate';
    if (isTarget) {
      const d = decide(base, opts.profile, Boolean(opts.force));
      if (d && 'refuse' in d) {
        diag(ctx, 'error', 'PATCH_WOULD_LOOSEN', site, lineOf(ctx, c.field.node, c.node), `container ${c.name}: ${d.refuse}`, 'pass --force to loosen it on purpose');
      } else if (d) {
        final = d.to;
        reason = c.field.setting || !ann?.setting ? d.reason : 'migrate';
        noteReplaced(ctx, site, lineOf(ctx, c.field.node, c.node), `container ${c.name}`, base, d.to);
      }
    } else if (podTargeted && base?.type === 'Unconfined') {
      diag(ctx, 'warning', 'PATCH_CONTAINER_OVERRIDE', site, lineOf(ctx, c.field.node ?? ann?.pair.key as Node, c.node),
        `container ${c.name} sets Unconfined, which overrides the pod-level profile`, `patch it too: --container ${c.name}${c.list === 'initContainers' ? ' --init-containers' : ''}`);
    }
    if (final && !sameSetting(final, c.field.setting)) {
      setField(ctx, doc, json, site, c.node, c.securityContext, c.field.node, final, c.name, reason, c.field.setting ?? ann?.setting);
    }
  }

  // Remove the deprecated annotations (all of them are now fields or meaningless).
  if (site.annotationSites.length > 0 && site.annotations && site.metadata) {
    const all = site.annotationSites.length === site.annotations.items.length;
    if (all) {
      // Drop `annotations:` (and `metadata:` when nothing else is in it) rather than leave an empty key.
      const onlyAnnotations = site.metadata.items.length === 1 && site.holder !== site.metadata;
      const pair = onlyAnnotations ? findPair(site.holder, 'metadata') : findPair(site.metadata, 'annotations');
      const e = pair ? removePair(ctx.m.text, onlyAnnotations ? site.holder : site.metadata, pair) : undefined;
      if (e) ctx.edits.push(e);
      else removeEach(ctx, site);
    } else removeEach(ctx, site);
    for (const a of site.annotationSites) ctx.removed.push({ object: site.object, key: a.key, line: lineOf(ctx, a.pair.key as Node, site.podSpec) });
  }
}

const POD_KEY = 'seccomp.security.alpha.kubernetes.io/pod';

/**
 * An explicit profile replaced by a different one (Localhost path → another, RuntimeDefault → Localhost): neither
 * is known to be stricter than the other, so the user hears about it (stderr; `--check` shows it in the diff).
 */
function noteReplaced(ctx: Ctx, site: PodSpecSite, line: number, who: string, from: SeccompSetting | undefined, to: SeccompSetting): void {
  if (!from || from.type === 'Unconfined' || sameSetting(from, to) || strictness(to) < strictness(from)) return;
  diag(ctx, 'warning', 'PATCH_REPLACED', site, line, `${who}: replacing the explicit ${describeSetting(from)} with ${describeSetting(to)}`,
    'check that the new profile allows what the workload needs (seccompctl diff OLD NEW), or patch only other containers with --container');
}

function removeEach(ctx: Ctx, site: PodSpecSite): void {
  for (const a of site.annotationSites) {
    const e = removePair(ctx.m.text, site.annotations!, a.pair);
    if (e) ctx.edits.push(e);
    else diag(ctx, 'error', 'PATCH_CANNOT_REMOVE', site, lineOf(ctx, a.pair.key as Node, site.podSpec), `cannot remove annotation ${a.key} without reformatting`, 'remove it by hand');
  }
}

function settingTree(s: SeccompSetting): { [k: string]: Tree } {
  return s.type === 'Localhost' ? { type: s.type, localhostProfile: s.localhostProfile ?? '' } : { type: s.type };
}

function setField(ctx: Ctx, _doc: Document, json: boolean, site: PodSpecSite, holder: YAMLMap, sc: Node | null | undefined,
  fieldNode: Node | undefined, to: SeccompSetting, container: string | undefined, reason: PatchChange['reason'], from: SeccompSetting | undefined): void {
  const src = ctx.m.text;
  const line = lineOf(ctx, fieldNode ?? sc ?? undefined, holder);
  ctx.changes.push({ object: site.object, path: site.path, docIndex: site.docIndex, ...(container !== undefined ? { container } : {}), ...(from ? { from } : {}), to, reason, line });
  const who = container === undefined ? 'pod' : `container ${container}`;
  // No securityContext, or an empty one.
  const e1 = setEmptyOrAbsent(src, holder, 'securityContext', { seccompProfile: settingTree(to) }, json);
  if (e1) return void ctx.edits.push(e1);
  if (!sc || !isMap(sc)) {
    diag(ctx, 'error', 'PATCH_UNEDITABLE', site, line, `${who}: securityContext is not a mapping`, 'fix it by hand');
    return;
  }
  const e2 = setEmptyOrAbsent(src, sc, 'seccompProfile', settingTree(to), json);
  if (e2) return void ctx.edits.push(e2);
  if (!fieldNode || !isMap(fieldNode)) {
    diag(ctx, 'error', 'PATCH_UNEDITABLE', site, line, `${who}: seccompProfile is not a mapping`, 'fix it by hand');
    return;
  }
  const typePair = findPair(fieldNode, 'type');
  const lpPair = findPair(fieldNode, 'localhostProfile');
  if (!typePair || !isScalar(typePair.value)) {
    diag(ctx, 'error', 'PATCH_UNEDITABLE', site, line, `${who}: seccompProfile.type is not a plain value`, 'fix it by hand');
    return;
  }
  if (String(typePair.value.value) !== to.type) ctx.edits.push(replaceScalar(src, typePair.value as Node, to.type, json));
  if (to.type === 'Localhost') {
    if (lpPair && isScalar(lpPair.value)) {
      if (String(lpPair.value.value) !== to.localhostProfile) ctx.edits.push(replaceScalar(src, lpPair.value as Node, to.localhostProfile ?? '', json));
    } else ctx.edits.push(insertIntoMap(src, fieldNode, { localhostProfile: to.localhostProfile ?? '' }, json));
  } else if (lpPair) {
    const e = removePair(src, fieldNode, lpPair as Pair);
    if (e) ctx.edits.push(e);
    else diag(ctx, 'error', 'PATCH_UNEDITABLE', site, line, `${who}: cannot remove localhostProfile without reformatting`, 'fix it by hand');
  }
}
