// The report's content, computed once and rendered as HTML or Markdown: what the profile allows (by category and
// architecture), what is risky in it, how it compares with a baseline, where its syscalls came from, what each
// runtime does with it and how to apply it.
import { basename } from 'node:path';
import { UserError, type Diagnostic } from '../common/index.js';
import { describeRule, diffProfiles, loadRuntimeDefault, parseRuntimeDefaultRef, type ProfileDiff } from '../generate/index.js';
import {
  normalizeProfile, RUNTIMES, safeParseProfile, validateProfile, type Action, type Profile, type SyscallArg,
} from '../profile/index.js';
import { ARCHES, hostArch, resolveArch, syscallsOf, type ArchId, type ArchInfo } from '../syscalls/index.js';
import { CATEGORIES, categoryOf, RISK_CLASSES, type Category } from './categories.js';

/** One allowed syscall on one architecture. */
export interface AllowedSyscall {
  readonly name: string;
  /** Allowed only when argument rules hold (the conditions as text, one per allowing rule). */
  readonly conditions: readonly string[];
  /** The action that lets it run: SCMP_ACT_ALLOW or SCMP_ACT_LOG. */
  readonly action: Action;
}

/** What the profile allows on one architecture. */
export interface ArchView {
  readonly arch: ArchId;
  readonly scmp: string;
  /** Syscalls the kernel defines on this architecture. */
  readonly known: number;
  readonly allowed: readonly AllowedSyscall[];
  readonly byCategory: Readonly<Record<Category, readonly string[]>>;
}

/** One risk class as this profile has it. */
export interface RiskFinding {
  readonly id: string;
  readonly title: string;
  readonly why: string;
  /** Allowed members, each with the architectures allowing it and the argument conditions, if any. */
  readonly allowed: readonly { name: string; arches: string[]; conditions: string[] }[];
}

/** The comparison with a baseline profile (B = this profile, A = the baseline). */
export interface Comparison {
  readonly label: string;
  readonly describes?: string;
  readonly diff: ProfileDiff;
}

/** One process of a recording. */
export interface RecordedProcess {
  readonly label: string;
  readonly calls: number;
  /** Syscall → count, when the recording lists them per process. */
  readonly syscalls?: Readonly<Record<string, number>>;
}

/** What a recording (`record --json` or `generate --json` output) says about where the syscalls came from. */
export interface RecordingView {
  readonly file: string;
  /** Per architecture (SCMP token): syscall → count (count 0 when the recording gives names only). */
  readonly syscalls: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly processes: readonly RecordedProcess[];
  readonly runtimeAdded: readonly string[];
  readonly source: string;
}

/** Each runtime's verdict from `validate`. */
export interface RuntimeVerdict {
  readonly runtime: string;
  readonly ok: boolean;
  readonly errors: number;
  readonly warnings: number;
}

/** Everything the report shows. */
export interface ReportModel {
  readonly file: string;
  readonly dialect: string;
  readonly defaultAction: string;
  readonly flags: readonly string[];
  readonly rules: number;
  readonly arches: readonly ArchView[];
  readonly risks: readonly RiskFinding[];
  readonly comparison?: Comparison;
  readonly recording?: RecordingView;
  readonly verdicts: readonly RuntimeVerdict[];
  readonly findings: readonly Diagnostic[];
  /** The file name to install the profile under (`<name>.json`). */
  readonly installName: string;
}

/** The inputs of a report: texts, so the caller decides where they come from. */
export interface ReportInput {
  readonly profileText: string;
  readonly profileFile: string;
  /** `runtime-default[:containerd|cri-o|docker]`, or a profile file (then `againstText` holds it). */
  readonly against?: string;
  readonly againstText?: string;
  /** `record --json` or `generate --json` output. */
  readonly recordingText?: string;
  readonly recordingFile?: string;
  /** Native architecture for Docker expansion and the RuntimeDefault (default: the profile's first, else this machine's). */
  readonly arch?: ArchId;
}

const ALLOWING = new Set<Action>(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/** An argument condition as people read it: `arg0 & 0x7e020000 == 0x0`. */
export function conditionText(a: SyscallArg): string {
  const op = a.op.replace('SCMP_CMP_', '');
  if (op === 'MASKED_EQ') return `arg${a.index} & ${hex(a.value)} == ${hex(a.valueTwo ?? 0n)}`;
  const sym: Record<string, string> = { EQ: '==', NE: '!=', LT: '<', LE: '<=', GT: '>', GE: '>=' };
  return `arg${a.index} ${sym[op] ?? op} ${hex(a.value)}`;
}

function profileArches(p: Profile, native: ArchInfo): ArchInfo[] {
  const list = (p.architectures ?? []).map((t) => resolveArch(t)).filter((a): a is ArchInfo => a !== undefined);
  const uniq = [...new Map(list.map((a) => [a.id, a])).values()];
  return uniq.length > 0 ? uniq : [native];
}

function archView(p: Profile, arch: ArchInfo): ArchView {
  const byName = new Map<string, { action: Action; args?: SyscallArg[] }[]>();
  for (const r of p.syscalls ?? []) {
    for (const n of r.names) {
      let l = byName.get(n);
      if (!l) byName.set(n, (l = []));
      l.push({ action: r.action, ...(r.args && r.args.length ? { args: r.args } : {}) });
    }
  }
  const allowed: AllowedSyscall[] = [];
  const table = syscallsOf(arch.id);
  for (const name of [...table.keys()].sort()) {
    const rules = byName.get(name) ?? [];
    // libseccomp: an unconditional rule for a syscall overrides its conditional ones.
    const uncond = rules.find((r) => !r.args);
    const action = uncond?.action ?? p.defaultAction;
    if (ALLOWING.has(action)) {
      allowed.push({ name, conditions: [], action });
      continue;
    }
    if (uncond) continue;
    const cond = rules.filter((r) => r.args && ALLOWING.has(r.action));
    if (cond.length > 0) allowed.push({ name, action: cond[0]!.action, conditions: cond.map((r) => r.args!.map(conditionText).join(' && ')) });
  }
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, [] as string[]])) as Record<Category, string[]>;
  for (const s of allowed) byCategory[categoryOf(s.name)].push(s.name);
  return { arch: arch.id, scmp: arch.scmp, known: table.size, allowed, byCategory };
}

function risks(views: readonly ArchView[]): RiskFinding[] {
  return RISK_CLASSES.map((rc) => {
    const allowed = rc.syscalls.flatMap((name) => {
      const hits = views.map((v) => ({ v, s: v.allowed.find((x) => x.name === name) })).filter((h) => h.s !== undefined);
      if (hits.length === 0) return [];
      const conditions = [...new Set(hits.flatMap((h) => h.s!.conditions))];
      return [{ name, arches: hits.map((h) => h.v.scmp), conditions }];
    });
    return { id: rc.id, title: rc.title, why: rc.why, allowed };
  });
}

/** Reads `record --json` or `generate --json` output. Throws UserError naming the JSON path that is wrong. */
export function parseRecording(text: string, file: string): RecordingView {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file}: not JSON (${(e as Error).message}); give the output of "seccompctl record --json" or "seccompctl generate --json"`);
  }
  const bad = (path: string, want: string): never => {
    throw new UserError(`${file}: ${path} should be ${want}; give the output of "seccompctl record --json" or "seccompctl generate --json"`);
  };
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (!isObj(j)) return bad('the top level', 'an object');
  if (!isObj(j.syscalls)) return bad('.syscalls', 'an object of architectures');
  const syscalls: Record<string, Record<string, number>> = {};
  for (const [arch, v] of Object.entries(j.syscalls)) {
    const m: Record<string, number> = {};
    if (Array.isArray(v)) {
      for (const [i, n] of v.entries()) {
        if (typeof n !== 'string') return bad(`.syscalls.${arch}[${i}]`, 'a syscall name');
        m[n] = 0;
      }
    } else if (isObj(v) && Array.isArray(v.names)) {
      const calls = isObj(v.calls) ? v.calls : {};
      for (const n of v.names) {
        if (typeof n !== 'string') return bad(`.syscalls.${arch}.names`, 'a list of syscall names');
        m[n] = typeof calls[n] === 'number' ? calls[n] : 0;
      }
    } else {
      return bad(`.syscalls.${arch}`, 'a list of names or {"names": [...], "calls": {...}}');
    }
    syscalls[arch] = m;
  }
  const procs = j.processes ?? [];
  if (!Array.isArray(procs)) return bad('.processes', 'a list');
  const processes: RecordedProcess[] = procs.map((p, i) => {
    if (!isObj(p)) return bad(`.processes[${i}]`, 'an object');
    const calls = typeof p.records === 'number' ? p.records : typeof p.calls === 'number' ? p.calls : 0;
    const label = [typeof p.comm === 'string' ? p.comm : undefined, typeof p.exe === 'string' ? p.exe : undefined].filter(Boolean).join(' ') || 'unknown';
    const pid = typeof p.pid === 'number' ? ` (pid ${p.pid})` : '';
    let per: Record<string, number> | undefined;
    if (isObj(p.syscalls)) {
      per = {};
      for (const [arch, m] of Object.entries(p.syscalls)) {
        if (!isObj(m)) return bad(`.processes[${i}].syscalls.${arch}`, 'an object of syscall counts');
        for (const [n, c] of Object.entries(m)) per[n] = (per[n] ?? 0) + (typeof c === 'number' ? c : 0);
      }
    }
    return { label: label + pid, calls, ...(per ? { syscalls: per } : {}) };
  });
  const ra = j.runtimeAdded ?? [];
  if (!Array.isArray(ra) || ra.some((x) => typeof x !== 'string')) return bad('.runtimeAdded', 'a list of syscall names');
  // The ebpf backend notes each syscall once per process unless --exact-counts: then every count is 1.
  const onceEach = j.backend === 'ebpf' && processes.every((p) => Object.values(p.syscalls ?? {}).every((c) => c <= 1));
  const source = typeof j.backend === 'string' ? `record, ${j.backend} backend${onceEach ? '; each syscall noted once per process (record --exact-counts counts every call)' : ''}`
    : Array.isArray(j.formats) ? `generate, from ${j.formats.filter((x): x is string => typeof x === 'string').join(', ')}` : 'a recording';
  return { file, syscalls, processes, runtimeAdded: ra as string[], source };
}

/** Builds the report's content. Throws UserError (exit 2) for a profile or recording that cannot be read. */
export function buildReport(input: ReportInput): ReportModel {
  const parsed = safeParseProfile(input.profileText, { file: input.profileFile, ...(input.arch ? { docker: { arch: input.arch } } : {}) });
  if (!parsed.ok) throw new UserError(`${input.profileFile}: cannot be read as a seccomp profile`, parsed.diagnostics);
  const profile = normalizeProfile(parsed.profile);
  // Architectures in the order the profile lists them (normalizing sorts them).
  // The node's architecture: --arch, else this machine's when the profile has it, else the profile's first.
  const listed = profileArches(parsed.profile, hostArch());
  const native = input.arch ? ARCHES.find((a) => a.id === input.arch)! : listed.find((a) => a.id === hostArch().id) ?? listed[0]!;
  const views = profileArches(parsed.profile, native).map((a) => archView(profile, a));

  let comparison: Comparison | undefined;
  if (input.against !== undefined) {
    const rt = parseRuntimeDefaultRef(input.against);
    if (rt) {
      const d = loadRuntimeDefault(rt, { arch: native.id });
      comparison = { label: `runtime-default:${rt}`, describes: `${d.describes} (${d.arch}, default capabilities)`, diff: diffProfiles(d.profile, profile, { nativeArch: native.id }) };
    } else {
      if (input.againstText === undefined) throw new UserError(`--against ${input.against}: no profile text given`);
      const b = safeParseProfile(input.againstText, { file: input.against, docker: { arch: native.id } });
      if (!b.ok) throw new UserError(`${input.against}: cannot be read as a seccomp profile`, b.diagnostics);
      comparison = { label: input.against, diff: diffProfiles(b.profile, profile, { nativeArch: native.id }) };
    }
  }

  const findings = [...parsed.diagnostics, ...validateProfile(parsed.profile, {
    source: parsed.source, dialect: parsed.dialect, parsedRaw: parsed.raw,
  })];
  const verdicts = RUNTIMES.map((rt) => {
    const mine = findings.filter((d) => d.runtime === undefined || d.runtime === rt);
    const errors = mine.filter((d) => d.severity === 'error').length;
    return { runtime: rt, ok: errors === 0, errors, warnings: mine.filter((d) => d.severity === 'warning').length };
  });

  const base = input.profileFile === '-' ? 'profile' : basename(input.profileFile).replace(/\.(json|ya?ml)$/i, '');
  const installName = `${base.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[.-]+/, '') || 'profile'}.json`;
  return {
    file: input.profileFile, dialect: parsed.dialect,
    defaultAction: describeRule({ action: profile.defaultAction, ...(profile.defaultErrnoRet !== undefined ? { errnoRet: profile.defaultErrnoRet } : {}) }),
    flags: profile.flags ?? [], rules: profile.syscalls?.length ?? 0,
    arches: views, risks: risks(views),
    ...(comparison ? { comparison } : {}),
    ...(input.recordingText !== undefined ? { recording: parseRecording(input.recordingText, input.recordingFile ?? '-') } : {}),
    verdicts, findings, installName,
  };
}
