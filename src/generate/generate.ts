// Aggregated observations + policy → a deny-by-default OCI profile.
import { refusedIfErrors, type Diagnostic, type Outcome, type Refusable } from '../common/index.js';
import { certainLoss, describeLoss, LOSS_ADVICE, matchesFilter, type IngestResult, type ProcessFilter } from '../ingest/index.js';
import {
  counterpartOf, counterpartsOn, ENOSYS_FALLBACKS, legacyCallersOn, normalizeProfile, type Profile, type SyscallRule,
} from '../profile/index.js';
import { ARCHES, archInfo, hostArch, syscallNumber, type ArchId } from '../syscalls/index.js';
import { RUNC_BASE_SETS } from '../runtime/index.js';

/** The runtime whose own post-filter syscalls are added. */
export type GenerateRuntime = 'runc' | 'none';

/** What the default action returns to denied syscalls. */
export type DefaultErrno = 'EPERM' | 'ENOSYS';

/** errno numbers per arch family: ENOSYS is 38 except on MIPS (89); EPERM is 1 everywhere. */
const ENOSYS = 38;
const EPERM = 1;

/** Policy for generate. */
export interface GenerateOptions {
  /** Add the runtime's own syscalls (default `runc`). */
  runtime?: GenerateRuntime;
  /** The container runs with no-new-privileges (default false, Kubernetes' default). Picks the runc base set. */
  noNewPrivileges?: boolean;
  /** Errno for denied syscalls (default EPERM). */
  defaultErrno?: DefaultErrno;
  /** Architectures to add to the observed ones. */
  arches?: readonly ArchId[];
  /** Only syscalls of matching processes (needs per-process data; exact when applied at ingest instead). */
  filter?: ProcessFilter;
  /** The architecture when nothing was observed (default: this machine's). */
  nativeArch?: ArchId;
  /** Build the profile even when the recording proves records were lost (RECORDS_LOST becomes a warning). */
  allowLoss?: boolean;
  /** The input format the recording was read as, for the NO_RECORDS message (default `auto`). */
  inputFormat?: 'auto' | 'audit' | 'strace';
}

/** `refused`: a policy says not to use this profile (an error diagnostic says which: RECORDS_LOST, NO_RECORDS,
 *  UNMAPPABLE_SYSCALLS); the profile is still returned for inspection, but must not be written or deployed. */
export type GenerateOutcome = Exclude<Outcome, 'failed'>;

/**
 * Where each allowed name came from: `ok`, or `refused` with an error diagnostic naming the policy, its message the
 * summary (the CLI writes nothing and exits 1 or 2).
 */
export type GenerateResult = Refusable<{
  readonly profile: Profile;
  /** Names seen in the recording. */
  readonly observed: readonly string[];
  /** Names added for the runtime that the recording did not contain. */
  readonly runtimeAdded: readonly string[];
  /** Syscall numbers without a name (cannot be allowed by name), as `arch:nr`. */
  readonly unnamed: readonly string[];
  /** Names added for a requested architecture that was not recorded: what the same libc call uses there. */
  readonly mapped: readonly CrossArchMapping[];
  /** Recorded syscalls that a requested architecture lacks and that have no known counterpart (`name (from→to)`).
   *  Non-empty: the profile would deny the program there; the CLI exits 1. */
  readonly unmappable: readonly string[];
  /** Syscalls answered with ENOSYS by an explicit rule so that callers fall back (see ENOSYS_FALLBACKS). */
  readonly enosys: readonly string[];
  /** Compat ABIs of the profile's architectures that are deliberately left out (none of their processes was recorded). */
  readonly compatOmitted: readonly ArchId[];
  readonly diagnostics: readonly Diagnostic[];
}, 'ok'>;

/** One cross-architecture mapping: `from` recorded on `fromArch`, `to` added for `arch`. */
export interface CrossArchMapping {
  readonly arch: ArchId;
  readonly fromArch: ArchId;
  readonly from: string;
  readonly to: readonly string[];
  /** The glibc wrapper (sysdeps/unix/sysv/linux/…) the mapping comes from, or why nothing is needed. */
  readonly source: string;
}

/** The compat-arch policy, stated in generate's output. */
export const COMPAT_POLICY = 'compat (32-bit) ABIs are left out unless their processes were recorded or --arch names them: ' +
  'least privilege, and a 64-bit workload never uses them (their processes would be killed)';

/**
 * Names to add so that the program recorded on `observed` arches runs on the requested arches that were not recorded:
 * per recorded syscall absent on a target, what glibc's wrapper calls there; on 32-bit targets also the *64/*32
 * variants glibc uses for large files and 32-bit uids.
 */
export function crossArch(byArch: ReadonlyMap<ArchId, ReadonlySet<string>>, targets: readonly ArchId[]): { add: Set<string>; mapped: CrossArchMapping[]; unmappable: string[] } {
  const add = new Set<string>();
  const mapped: CrossArchMapping[] = [];
  const unmappable: string[] = [];
  const recorded = [...byArch.keys()];
  for (const t of targets) {
    if (byArch.has(t)) continue; // recorded there: the records are the truth
    const bits = archInfo(t).bits;
    const same = recorded.filter((a) => archInfo(a).bits === bits);
    for (const a of same.length > 0 ? same : recorded) {
      for (const n of byArch.get(a)!) {
        if (n.startsWith('#')) continue;
        if (syscallNumber(t, n) === undefined) {
          const there = counterpartsOn(n, t);
          if (there === undefined) {
            unmappable.push(`${n} (${archInfo(a).scmp} → ${archInfo(t).scmp})`);
            continue;
          }
          const c = counterpartOf(n)!;
          mapped.push({ arch: t, fromArch: a, from: n, to: there, source: there.length > 0 ? `glibc sysdeps/unix/sysv/linux/${c.source}` : c.why ?? c.source });
          for (const u of there) add.add(u);
        }
        for (const c of legacyCallersOn(n, a, t)) {
          mapped.push({ arch: t, fromArch: a, from: n, to: [c.legacy], source: `glibc sysdeps/unix/sysv/linux/${c.source} (${c.legacy} where the kernel has it)` });
          add.add(c.legacy);
        }
      }
    }
  }
  // 32-bit targets: glibc calls the large-file and 32-bit-uid variants (fcntl64, fstat64, getuid32, …).
  for (const t of targets) {
    if (byArch.has(t) || archInfo(t).bits !== 32) continue;
    for (const n of [...[...byArch.values()].flatMap((s) => [...s]), ...add]) {
      for (const v of [`${n}64`, `${n}32`]) {
        if (syscallNumber(t, v) !== undefined && !add.has(v)) {
          add.add(v);
          mapped.push({ arch: t, fromArch: recorded[0]!, from: n, to: [v], source: `glibc on 32-bit arches: ${v.endsWith('64') ? 'large-file (*64.c) wrappers' : '32-bit uid syscalls'}` });
        }
      }
    }
  }
  return { add, mapped, unmappable: [...new Set(unmappable)].sort() };
}

/** Observed names per arch, optionally restricted to filtered processes. */
function namesByArch(r: IngestResult, filter: ProcessFilter | undefined, diags: Diagnostic[]): Map<ArchId, Set<string>> {
  const out = new Map<ArchId, Set<string>>();
  const active = filter && ((filter.comm?.length ?? 0) + (filter.exe?.length ?? 0) + (filter.pid?.length ?? 0) > 0);
  if (!active) {
    for (const [arch, m] of r.syscalls) out.set(arch, new Set([...m.keys()]));
    return out;
  }
  if (r.processesOverflow > 0) {
    diags.push({
      code: 'FILTER_INEXACT', severity: 'warning',
      message: `${r.processesOverflow} process(es) were not tracked individually (table full); filter at ingest time for an exact result`,
    });
  }
  for (const p of r.processes) {
    if (!matchesFilter(p, filter)) continue;
    for (const [arch, m] of p.syscalls) {
      let s = out.get(arch);
      if (!s) out.set(arch, (s = new Set()));
      for (const k of m.keys()) s.add(k);
    }
  }
  return out;
}

/** The profile's architectures: observed ones, their native parents when a compat process was seen, requested ones. */
export function profileArches(r: IngestResult, extra: readonly ArchId[], observed: Iterable<ArchId>, fallback: ArchId): ArchId[] {
  const set = new Set<ArchId>();
  for (const a of observed) {
    set.add(a);
    const c = r.archCompat.get(a);
    const parent = ARCHES.find((p) => p.compat.includes(a));
    // A compat record (compat=1, or a strace personality change) ran on a 64-bit kernel: allow both ABIs.
    // Only records that all say compat=0 (a genuinely 32-bit kernel) keep the 32-bit ABI alone.
    if (parent && c && (c.compat > 0 || c.native === 0)) set.add(parent.id);
  }
  for (const a of extra) set.add(a);
  if (set.size === 0) set.add(fallback);
  return ARCHES.map((a) => a.id).filter((id) => set.has(id));
}

/**
 * The policies that decide whether a recording may become a profile, as diagnostics: nothing recorded
 * (NO_RECORDS), records provably lost (RECORDS_LOST: error unless allowLoss), calls seen denied by the filter in
 * force (SEEN_DENIED, info: they are allowed because the workload attempted them).
 */
export function recordingPolicy(r: IngestResult, opts: Pick<GenerateOptions, 'allowLoss' | 'inputFormat'> = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  const kept = r.counters.matched - r.counters.filtered;
  const lost = certainLoss(r).length > 0;
  // A log that shows only loss (e.g. a lone "kauditd_printk_skb: N callbacks suppressed") is reported as loss.
  if (kept === 0 && r.syscalls.size === 0 && (opts.allowLoss || !lost)) {
    const format = opts.inputFormat ?? 'auto';
    const why = r.counters.matched > 0
      ? `all ${r.counters.matched} record(s) were excluded by --comm/--exe/--pid (processes seen: ${[...new Set(r.processes.map((p) => p.comm))].slice(0, 10).join(', ') || 'none'})`
      : `no seccomp audit records or strace syscall lines found in ${r.counters.lines} line(s) (looked for ${format === 'auto' ? 'either format' : format})`;
    out.push({ code: 'NO_RECORDS', severity: 'error', message: `${why}; nothing to generate`, fix: 'check the input and the process filters' });
    return out;
  }
  if (lost) {
    out.push({
      code: 'RECORDS_LOST', severity: opts.allowLoss ? 'warning' : 'error',
      message: `the recording is incomplete: ${describeLoss(r)}\nThe profile would miss syscalls that only the lost records showed. To record without loss:\n  ${LOSS_ADVICE}`,
      fix: opts.allowLoss ? 'record again without loss' : 'record again without loss, or allow the loss (--allow-loss) on purpose',
    });
  }
  const denied = [...r.syscalls.values()].flatMap((m) => [...m.values()])
    .filter((st) => Object.keys(st.actions).some((a) => a !== 'log' && a !== 'allow' && a !== 'unknown'));
  if (denied.length > 0) {
    out.push({
      code: 'SEEN_DENIED', severity: 'info',
      message: `${denied.length} syscall(s) were seen denied or killed by the filter in force (${[...new Set(denied.map((st) => st.name ?? `#${st.nr}`))].slice(0, 10).join(' ')}${denied.length > 10 ? ' …' : ''}); ` +
        'they are allowed in this profile because the workload attempted them',
    });
  }
  return out;
}

/** Builds the profile and explains where its names came from; `outcome` says whether a policy refuses it. */
export function generate(r: IngestResult, opts: GenerateOptions = {}): GenerateResult {
  const diags: Diagnostic[] = recordingPolicy(r, opts);
  const byArch = namesByArch(r, opts.filter, diags);
  const observed = new Set<string>();
  const unnamed: string[] = [];
  for (const [arch, keys] of byArch) {
    for (const k of keys) {
      if (k.startsWith('#')) unnamed.push(`${arch}:${k.slice(1)}`);
      else observed.add(k);
    }
  }
  if (unnamed.length > 0) {
    diags.push({
      code: 'UNNAMED_SYSCALLS', severity: 'warning',
      message: `syscall number(s) with no name in the tables cannot be allowed by name: ${unnamed.join(', ')}`,
      fix: 'check the arch of the records; a newer kernel may have added these syscalls',
    });
  }
  // Names that the recorded arch lacks but one of its compat ABIs has (ugetrlimit, _llseek, fcntl64 read as x86_64
  // from strace output, which does not always announce a 32-bit process): a compat process ran; add its ABI.
  const inferred: ArchId[] = [];
  for (const [a, keys] of byArch) {
    for (const c of archInfo(a).compat) {
      const only = [...keys].filter((n) => !n.startsWith('#') && syscallNumber(a, n) === undefined && syscallNumber(c, n) !== undefined);
      if (only.length === 0) continue;
      inferred.push(c);
      diags.push({
        code: 'COMPAT_ABI_INFERRED', severity: 'info',
        message: `${only.slice(0, 5).join(', ')}${only.length > 5 ? ', …' : ''} exist on ${archInfo(c).scmp} but not on ${archInfo(a).scmp}: a 32-bit process ran, so ${archInfo(c).scmp} is in the profile`,
      });
    }
  }
  const arches = profileArches(r, [...(opts.arches ?? []), ...inferred], byArch.keys(), opts.nativeArch ?? hostArch().id);
  const names = new Set(observed);
  const cross = crossArch(byArch, arches);
  for (const n of cross.add) names.add(n);
  const compatOmitted = arches.flatMap((a) => archInfo(a).compat).filter((c) => !arches.includes(c));
  const runtimeAdded: string[] = [];
  const baseAll = new Set<string>();
  if ((opts.runtime ?? 'runc') === 'runc') {
    const base = opts.noNewPrivileges ? RUNC_BASE_SETS.nnp : RUNC_BASE_SETS.noNnp;
    for (const n of base) {
      if (names.has(n)) continue;
      baseAll.add(n);
      if (!arches.some((a) => syscallNumber(a, n) !== undefined)) continue; // absent on every profile arch
      names.add(n);
      runtimeAdded.push(n);
    }
    if (!RUNC_BASE_SETS.measured) {
      diags.push({
        code: 'RUNTIME_BASE_PROVISIONAL', severity: 'info',
        message: `runc's own syscalls come from a provisional list (${RUNC_BASE_SETS.source})`,
      });
    }
  }
  // The runtime's names were measured on x86_64: on the profile's other arches runc makes the counterparts.
  const baseCross = crossArch(new Map([['x86_64' as ArchId, baseAll]]), arches.filter((a) => a !== 'x86_64'));
  for (const n of baseCross.add) {
    if (names.has(n)) continue;
    names.add(n);
    runtimeAdded.push(n);
  }
  const errno = opts.defaultErrno === 'ENOSYS' ? ENOSYS : EPERM;
  if (errno === ENOSYS && arches.some((a) => archInfo(a).id.startsWith('mips'))) {
    diags.push({ code: 'ENOSYS_MIPS', severity: 'warning', message: 'ENOSYS is 89 on MIPS, not 38; defaultErrnoRet 38 means another errno there' });
  }
  const sorted = [...names].sort();
  const rules: SyscallRule[] = sorted.length > 0 ? [{ names: sorted, action: 'SCMP_ACT_ALLOW' }] : [];
  // Denied syscalls that callers fall back from: ENOSYS, so the fallback runs. With an EPERM default this is an
  // explicit rule (SPO's CRD holds errnoRet on rules but has no defaultErrnoRet); with ENOSYS the default does it.
  const enosys = ENOSYS_FALLBACKS.map((f) => f.name)
    .filter((n) => !names.has(n) && arches.some((a) => syscallNumber(a, n) !== undefined)).sort();
  if (errno !== ENOSYS && enosys.length > 0) rules.push({ names: enosys, action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS });
  const profile: Profile = normalizeProfile({
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: errno,
    architectures: arches.map((a) => archInfo(a).scmp),
    flags: [],
    syscalls: rules,
  });
  const unmappable = [...new Set([...cross.unmappable, ...baseCross.unmappable])].sort();
  if (unmappable.length > 0) {
    diags.push({
      code: 'UNMAPPABLE_SYSCALLS', severity: 'error',
      message: `${unmappable.length} recorded syscall(s) do not exist on a requested architecture and have no known counterpart there: ` +
        `${unmappable.join(', ')}. The program would be denied on that architecture`,
      fix: 'record it there (strace or audit on such a node) and merge the profiles (seccompctl merge), or leave that architecture out of --arch',
    });
  }
  return {
    ...refusedIfErrors(diags),
    profile, observed: [...observed].sort(), runtimeAdded: runtimeAdded.sort(), unnamed, mapped: [...cross.mapped, ...baseCross.mapped],
    unmappable, enosys, compatOmitted, diagnostics: diags,
  };
}

/** The profile for an ingest result (see `generate` for the explanation of each name). */
export function generateProfile(r: IngestResult, opts: GenerateOptions = {}): Profile {
  return generate(r, opts).profile;
}
