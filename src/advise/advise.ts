// "Will RuntimeDefault break my workload?": every syscall a recording (or a profile) shows the workload making, run
// through each runtime's exact RuntimeDefault with the same evaluator and compiled-BPF emulation `check` uses.
import { InternalError, refusalError, refusedWith, type Diagnostic } from '../common/index.js';
import {
  ARG_CONSTANTS, compileModel, effectiveConds, emulate, evaluateModel, formatRet, isAllowLike, prepareProfile, classify,
  type Cond, type FilterModel, type Insn, type SeccompData,
} from '../bpf/index.js';
import {
  loadRuntimeDefault, runtimeDefaultCaps, RUNTIME_DEFAULTS, straceValue, type RuntimeDefault, type RuntimeDefaultName,
} from '../generate/index.js';
import type { IngestResult } from '../ingest/index.js';
import { normalizeCap, type Profile } from '../profile/index.js';
import { archInfo, hostArch, syscallNumber, type ArchId } from '../syscalls/index.js';
import { deliberateEnosysNames } from '../verify/index.js';

/** What the workload did: a recording (audit log or strace output, ingested) or a profile's allowed syscalls. */
export type AdviseInput =
  | { kind: 'recording'; label: string; ingest: IngestResult }
  | { kind: 'profile'; label: string; profile: Profile };

export interface AdviseOptions {
  /** Default: all bundled runtimes. */
  runtimes?: readonly RuntimeDefaultName[];
  /** The node's architecture (default: this machine's). */
  arch?: ArchId;
  /** The container's bounding capabilities (default: each runtime's default set). */
  caps?: readonly string[];
}

/**
 * How RuntimeDefault treats one call the workload made:
 * - denied: the call fails under RuntimeDefault (EPERM or kill), so the workload breaks or loses a feature;
 * - fallback: RuntimeDefault answers ENOSYS by design (clone3): callers treat the syscall as absent and use the older
 *   one (glibc retries clone3 as clone); listed, not counted as breaking;
 * - depends: RuntimeDefault decides on arguments the input does not have (a profile, an audit log, a pointer).
 */
export type FindingOutcome = 'denied' | 'fallback' | 'depends';

export interface AdviseFinding {
  arch: ArchId;
  name: string;
  nr: number;
  /** The call as `seccompctl check` takes it, e.g. `clone(0x10000011)` (argument values when known). */
  call: string;
  /** The argument texts as recorded (strace), when the input has them. */
  recordedArgs?: string[];
  outcome: FindingOutcome;
  /** The filter's verdict, e.g. `ERRNO(1)` (absent for `depends`). */
  verdict?: string;
  errno?: number;
  /** The part of RuntimeDefault that decides: a rule's JSON path or `defaultAction`. */
  decidedBy?: string;
  /** Capabilities any one of which makes RuntimeDefault allow the call (its capability-gated rules). */
  capabilities: string[];
  /** The runtime's reason, in words. */
  reason: string;
}

export type AdviseVerdict = 'safe' | 'safe-with-capability' | 'check-arguments' | 'needs-localhost';

export interface RuntimeAdvice {
  runtime: RuntimeDefaultName;
  describes: string;
  arch: ArchId;
  caps: readonly string[];
  verdict: AdviseVerdict;
  /** Capabilities to add for `safe-with-capability`. */
  addCapabilities: string[];
  findings: AdviseFinding[];
  /** Distinct calls checked (syscall × argument sample). */
  checked: number;
  /** One sentence: what to do. */
  recommendation: string;
}

export interface AdviseResult {
  input: string;
  kind: AdviseInput['kind'];
  /** Syscalls (per arch) the input shows. */
  syscalls: number;
  runtimes: RuntimeAdvice[];
  /** Notes on the input (e.g. a recording without arguments). */
  notes: string[];
}

/** Extra names strace prints inside flag words (beyond the constants `check` knows). */
const STRACE_NAMES: Record<string, bigint> = {
  SIGCHLD: 17n, SIGHUP: 1n, SIGINT: 2n, SIGUSR1: 10n, SIGUSR2: 12n, NULL: 0n,
  CLONE_PTRACE: 0x2000n, CLONE_VFORK: 0x4000n, CLONE_PARENT: 0x8000n, CLONE_SYSVSEM: 0x40000n, CLONE_SETTLS: 0x80000n,
  CLONE_PARENT_SETTID: 0x100000n, CLONE_CHILD_CLEARTID: 0x200000n, CLONE_DETACHED: 0x400000n, CLONE_UNTRACED: 0x800000n,
  CLONE_CHILD_SETTID: 0x1000000n, CLONE_IO: 0x80000000n, CLONE_PIDFD: 0x1000n, CLONE_NEWTIME: 0x80n,
  READ_IMPLIES_EXEC: 0x400000n, ADDR_COMPAT_LAYOUT: 0x200000n, MMAP_PAGE_ZERO: 0x100000n, ADDR_LIMIT_32BIT: 0x800000n,
  SHORT_INODE: 0x1000000n, WHOLE_SECONDS: 0x2000000n, STICKY_TIMEOUTS: 0x4000000n, ADDR_LIMIT_3GB: 0x8000000n,
  FDPIC_FUNCPTRS: 0x80000n, PER_BSD: 6n,
  IPPROTO_IP: 0n, IPPROTO_ICMP: 1n, IPPROTO_TCP: 6n, IPPROTO_UDP: 17n, IPPROTO_IPV6: 41n, IPPROTO_ICMPV6: 58n,
  IPPROTO_SCTP: 132n, IPPROTO_UDPLITE: 136n, IPPROTO_MPTCP: 262n, IPPROTO_RAW: 255n,
  NETLINK_ROUTE: 0n, NETLINK_SOCK_DIAG: 4n, NETLINK_NFLOG: 5n, NETLINK_XFRM: 6n, NETLINK_SELINUX: 7n, NETLINK_AUDIT: 9n,
  NETLINK_NETFILTER: 12n, NETLINK_KOBJECT_UEVENT: 15n, NETLINK_GENERIC: 16n, PER_SVR4: 0x04100001n, PER_OSF4: 0xfn, PER_HPUX: 0x10n,
};

/**
 * The value strace printed for one argument, or undefined when it is a pointer/string/struct seccomp cannot see as
 * such: generate's reader (numbers, octal modes, ioctl encodings, the per-arch constant tables), then the strace
 * spellings above for flag words those tables lack.
 */
export function straceArgValue(text: string, arch: ArchId = hostArch().id): bigint | undefined {
  const known = straceValue(arch, text);
  if (known !== undefined) return known;
  const clean = text.trim().replace(/^[a-z_]+=/, '').replace(/\/\*.*?\*\//g, '').trim();
  if (!/^[A-Z0-9_|x ]+$/i.test(clean)) return undefined;
  let v = 0n;
  for (const part of clean.split('|').map((p) => p.trim())) {
    if (/^(0x[0-9a-f]+|\d+)$/i.test(part)) v |= BigInt(part);
    else if (part in STRACE_NAMES) v |= STRACE_NAMES[part]!;
    else if (part in ARG_CONSTANTS) v |= BigInt.asUintN(64, ARG_CONSTANTS[part]!);
    else {
      const c = straceValue(arch, part);
      if (c === undefined) return undefined;
      v |= c;
    }
  }
  return v;
}

/** Maps strace's argument texts to the kernel's argument order (strace prints clone's stack before its flags). */
function kernelArgs(name: string, arch: ArchId, args: readonly string[]): (bigint | undefined)[] {
  if (name === 'clone') {
    const flags = args.find((a) => /^\s*flags=/.test(a));
    const out: (bigint | undefined)[] = [undefined, undefined, undefined, undefined, undefined, undefined];
    const i = arch === 's390' || arch === 's390x' ? 1 : 0;
    out[i] = flags !== undefined ? straceArgValue(flags, arch) : undefined;
    return out;
  }
  return args.slice(0, 6).map((a) => straceArgValue(a, arch));
}

/** Known reasons the runtimes' defaults (Docker's documentation, containers-common, containerd) give for a denial. */
const KNOWN_REASONS: Record<string, string> = {
  add_key: 'the kernel keyring is not namespaced',
  keyctl: 'the kernel keyring is not namespaced',
  request_key: 'the kernel keyring is not namespaced',
  bpf: 'loading eBPF programs is a privileged operation (CAP_SYS_ADMIN or CAP_BPF)',
  perf_event_open: 'tracing and profiling can leak information about the host (CAP_SYS_ADMIN or CAP_PERFMON)',
  personality: 'only the Linux execution domains are allowed; other personality flags have enabled exploits',
  unshare: 'creating namespaces needs CAP_SYS_ADMIN',
  clone: 'creating namespaces (CLONE_NEW* flags) needs CAP_SYS_ADMIN',
  clone3: 'clone3 passes its flags in memory seccomp cannot read, so it is answered ENOSYS (callers fall back to clone)',
  setns: 'joining namespaces needs CAP_SYS_ADMIN',
  mount: 'mounting needs CAP_SYS_ADMIN',
  umount2: 'unmounting needs CAP_SYS_ADMIN',
  userfaultfd: 'userfaultfd is a common kernel-exploit primitive',
  ptrace: 'tracing other processes needs CAP_SYS_PTRACE',
  kexec_load: 'loading a new kernel is never allowed in a container',
  open_by_handle_at: 'it enabled a container breakout (CAP_DAC_READ_SEARCH)',
  socket: 'some address families are filtered (Docker and containerd: AF_ALG and AF_VSOCK; CRI-O: AF_NETLINK audit sockets without CAP_AUDIT_WRITE)',
  io_uring_setup: 'io_uring has been a frequent source of kernel vulnerabilities',
  io_uring_enter: 'io_uring has been a frequent source of kernel vulnerabilities',
  io_uring_register: 'io_uring has been a frequent source of kernel vulnerabilities',
};

function hex(v: bigint): string {
  return v < 4096n ? v.toString() : `0x${v.toString(16)}`;
}

/** AF_* names for socket's family argument. */
const FAMILIES = new Map(Object.entries(ARG_CONSTANTS).filter(([k]) => k.startsWith('AF_') && k !== 'AF_LOCAL').map(([k, v]) => [v, k]));

function describeCond(c: Cond, name: string): string {
  const a = `arg${c.index}`;
  const fam = name === 'socket' && c.index === 0 ? FAMILIES.get(c.value) : undefined;
  if (fam && (c.op === 'SCMP_CMP_EQ' || c.op === 'SCMP_CMP_NE')) return `${a} ${c.op === 'SCMP_CMP_EQ' ? '==' : '!='} ${fam}`;
  switch (c.op) {
    case 'SCMP_CMP_MASKED_EQ': return `${a} & ${hex(c.value)} == ${hex(c.valueTwo)}`;
    case 'SCMP_CMP_EQ': return `${a} == ${hex(c.value)}`;
    case 'SCMP_CMP_NE': return `${a} != ${hex(c.value)}`;
    case 'SCMP_CMP_LT': return `${a} < ${hex(c.value)}`;
    case 'SCMP_CMP_LE': return `${a} <= ${hex(c.value)}`;
    case 'SCMP_CMP_GT': return `${a} > ${hex(c.value)}`;
    case 'SCMP_CMP_GE': return `${a} >= ${hex(c.value)}`;
    default: return `${a} ${String(c.op)} ${hex(c.value)}`;
  }
}

/** The argument conditions under which a model's rules for (arch, nr) allow the call, in words; undefined when none do. */
function allowConditions(m: FilterModel, auditArch: number, nr: number): string | undefined {
  const leaf = classify(m, auditArch, nr);
  if (leaf.kind !== 'args') return undefined;
  const allow = leaf.rules.filter((r) => isAllowLike(r.ret));
  if (allow.length === 0) return undefined;
  return allow.map((r) => effectiveConds(r, leaf.abi).map((c) => describeCond(c, r.name)).join(' && ') || 'always').join(' or ');
}

/** Argument indices the model's rules for (arch, nr) test; empty when the verdict does not depend on arguments. */
function testedArgs(m: FilterModel, auditArch: number, nr: number): number[] {
  const leaf = classify(m, auditArch, nr);
  if (leaf.kind !== 'args') return [];
  return [...new Set(leaf.rules.flatMap((r) => effectiveConds(r, leaf.abi).map((c) => c.index)))].sort();
}

/** One RuntimeDefault compiled for the node, with the same double evaluation `check` does. */
class Judge {
  readonly model: FilterModel;
  private readonly program: Insn[];
  readonly rd: RuntimeDefault;
  constructor(rd: RuntimeDefault) {
    this.rd = rd;
    this.model = prepareProfile(rd.profile, { arch: rd.arch });
    this.program = compileModel(this.model);
  }
  verdict(data: SeccompData): ReturnType<typeof evaluateModel> {
    const v = evaluateModel(this.model, data);
    const run = emulate(this.program, data);
    if (run.ret !== v.ret) throw new InternalError(`compiled RuntimeDefault (${this.rd.runtime}) says ${formatRet(run.ret)} but the profile says ${v.text} for syscall ${data.nr}`);
    return v;
  }
}

/** One thing the workload did: a syscall on an ABI with (maybe) argument values. */
interface Call {
  arch: ArchId;
  name: string;
  nr: number;
  /** Kernel-order argument values; undefined entries are unknown. Absent: no arguments known at all. */
  args?: (bigint | undefined)[];
  recordedArgs?: string[];
}

function callsOf(input: AdviseInput, native: ArchId, notes: string[]): Call[] {
  const out: Call[] = [];
  if (input.kind === 'recording') {
    let withoutArgs = 0;
    for (const [arch, stats] of input.ingest.syscalls) {
      for (const s of stats.values()) {
        if (s.name === undefined || s.nr === undefined) continue;
        if (s.argSamples.length === 0) {
          withoutArgs++;
          out.push({ arch, name: s.name, nr: s.nr });
          continue;
        }
        for (const a of s.argSamples) out.push({ arch, name: s.name, nr: s.nr, args: kernelArgs(s.name, arch, a), recordedArgs: a });
      }
    }
    if (withoutArgs > 0 && out.length === withoutArgs) notes.push('the recording has no argument values (audit records carry none): calls RuntimeDefault decides by argument are reported as "depends"; a strace recording (seccompctl record --backend strace, or strace -f) settles them');
    return out;
  }
  const p = input.profile;
  const seen = new Set<string>();
  for (const r of p.syscalls ?? []) {
    if (r.action !== 'SCMP_ACT_ALLOW' && r.action !== 'SCMP_ACT_LOG') continue;
    for (const name of r.names) {
      const nr = syscallNumber(native, name);
      if (nr === undefined || seen.has(name)) continue;
      seen.add(name);
      out.push({ arch: native, name, nr });
    }
  }
  notes.push('a profile lists syscalls, not the arguments the workload used: calls RuntimeDefault decides by argument are reported as "depends"');
  return out;
}

function callText(c: Call, values: (bigint | undefined)[] | undefined): string {
  if (!values || values.every((v) => v === undefined)) return c.name;
  let last = values.length - 1;
  while (last >= 0 && values[last] === undefined) last--;
  return `${c.name}(${values.slice(0, last + 1).map((v) => (v === undefined ? '0' : hex(v))).join(', ')})`;
}

/** Capabilities whose addition makes RuntimeDefault allow the call (narrowest first: CAP_SYS_ADMIN last). */
function unlockingCaps(runtime: RuntimeDefaultName, base: RuntimeDefault, data: SeccompData, judges: Map<string, Judge>): string[] {
  const out: string[] = [];
  for (const cap of runtimeDefaultCaps(runtime)) {
    if (base.caps.includes(cap)) continue;
    let j = judges.get(cap);
    if (!j) {
      j = new Judge(loadRuntimeDefault(runtime, { arch: base.arch, caps: [...base.caps, cap], kernelVersion: base.kernelVersion }));
      judges.set(cap, j);
    }
    if (isAllowLike(j.verdict(data).ret)) out.push(cap);
  }
  return out.sort((a, b) => Number(a === 'CAP_SYS_ADMIN') - Number(b === 'CAP_SYS_ADMIN') || a.localeCompare(b));
}

function adviseRuntime(runtime: RuntimeDefaultName, calls: readonly Call[], opts: AdviseOptions, native: ArchId): RuntimeAdvice {
  const rd = loadRuntimeDefault(runtime, { arch: native, ...(opts.caps ? { caps: opts.caps.map(normalizeCap) } : {}) });
  const judge = new Judge(rd);
  const enosys = deliberateEnosysNames(rd.profile);
  const capJudges = new Map<string, Judge>();
  const findings: AdviseFinding[] = [];
  const done = new Set<string>();
  let checked = 0;
  for (const c of calls) {
    const abi = archInfo(c.arch);
    const tested = testedArgs(judge.model, abi.auditArch, c.nr);
    const unknown = tested.filter((i) => c.args?.[i] === undefined);
    const values = c.args?.map((v, i) => (tested.includes(i) ? v : undefined));
    const text = callText(c, values);
    const key = `${c.arch}/${text}/${unknown.join(',')}`;
    if (done.has(key)) continue;
    done.add(key);
    checked++;
    const base = { arch: c.arch, name: c.name, nr: c.nr, call: text, ...(c.recordedArgs ? { recordedArgs: c.recordedArgs } : {}) };
    if (unknown.length > 0) {
      // The verdict depends on arguments we do not have: only a finding when some values would be denied.
      const cond = allowConditions(judge.model, abi.auditArch, c.nr);
      findings.push({
        ...base, outcome: 'depends', capabilities: [],
        reason: `${runtime} allows ${c.name} only when ${cond ?? 'its argument rules match'}${KNOWN_REASONS[c.name] ? ` (${KNOWN_REASONS[c.name]})` : ''}; the input has no value for ${unknown.map((i) => `arg${i}`).join(', ')}`,
      });
      continue;
    }
    const args = [0, 1, 2, 3, 4, 5].map((i) => values?.[i] ?? 0n);
    const data: SeccompData = { nr: c.nr, arch: abi.auditArch, args };
    const v = judge.verdict(data);
    if (isAllowLike(v.ret)) continue;
    const decidedBy = v.reason === 'rule' && v.rule ? v.rule.namePath : v.reason === 'default' ? 'defaultAction' : v.reason === 'enosys' ? 'runc ENOSYS stub' : 'architectures';
    if (v.errno === 38 && enosys.has(c.name)) {
      findings.push({ ...base, outcome: 'fallback', verdict: v.text, errno: 38, decidedBy, capabilities: unlockingCaps(runtime, rd, data, capJudges),
        reason: KNOWN_REASONS[c.name] ?? `${runtime} answers ENOSYS, as a kernel without ${c.name} would: callers that handle that fall back` });
      continue;
    }
    const capabilities = unlockingCaps(runtime, rd, data, capJudges);
    const cond = allowConditions(judge.model, abi.auditArch, c.nr);
    const why: string[] = [];
    if (cond) why.push(`${runtime} allows ${c.name} only when ${cond}`);
    else if (v.reason === 'default') why.push(`${c.name} is not in ${runtime}'s RuntimeDefault allow list`);
    else if (v.reason === 'badarch') why.push(`${runtime}'s RuntimeDefault for ${native} does not include the ${c.arch} ABI`);
    if (capabilities.length) why.push(`allowed with ${capabilities.join(' or ')}`);
    else if (v.reason !== 'badarch') why.push('no capability changes that');
    if (KNOWN_REASONS[c.name]) why.push(KNOWN_REASONS[c.name]!);
    findings.push({ ...base, outcome: 'denied', verdict: v.text, ...(v.errno !== undefined ? { errno: v.errno } : {}), decidedBy, capabilities, reason: why.join('; ') });
  }
  findings.sort((a, b) => a.outcome.localeCompare(b.outcome) || a.name.localeCompare(b.name) || a.call.localeCompare(b.call));
  const denied = findings.filter((f) => f.outcome === 'denied');
  const depends = findings.filter((f) => f.outcome === 'depends');
  let verdict: AdviseVerdict;
  let add: string[] = [];
  if (denied.length === 0) verdict = depends.length ? 'check-arguments' : 'safe';
  else if (denied.every((f) => f.capabilities.length > 0)) {
    // The fewest capabilities covering every denial: the narrowest one each, then confirm the set allows them all.
    add = [...new Set(denied.map((f) => f.capabilities[0]!))].sort();
    const withCaps = new Judge(loadRuntimeDefault(runtime, { arch: native, caps: [...rd.caps, ...add], kernelVersion: rd.kernelVersion }));
    const allOk = denied.every((f) => isAllowLike(withCaps.verdict({ nr: f.nr, arch: archInfo(f.arch).auditArch, args: argsOf(f, calls) }).ret));
    verdict = allOk ? 'safe-with-capability' : 'needs-localhost';
    if (!allOk) add = [];
  } else verdict = 'needs-localhost';
  return {
    runtime, describes: rd.describes, arch: native, caps: rd.caps, verdict, addCapabilities: add, findings, checked,
    recommendation: recommendation(verdict, runtime, add, denied.length, depends.length),
  };
}

function argsOf(f: AdviseFinding, _calls: readonly Call[]): bigint[] {
  const m = /\((.*)\)$/.exec(f.call);
  const vals = m ? m[1]!.split(',').map((x) => BigInt(x.trim())) : [];
  return [0, 1, 2, 3, 4, 5].map((i) => vals[i] ?? 0n);
}

function recommendation(v: AdviseVerdict, runtime: string, add: readonly string[], denied: number, depends: number): string {
  switch (v) {
    case 'safe': return `RuntimeDefault allows everything this workload did: set seccompProfile type RuntimeDefault`;
    case 'safe-with-capability': return `RuntimeDefault is safe if the container also gets ${add.join(', ')} (securityContext.capabilities.add: [${add.map((c) => c.replace(/^CAP_/, '')).join(', ')}])`;
    case 'check-arguments': return `nothing is denied for certain; ${depends} call(s) depend on argument values the input lacks: confirm with seccompctl verify runtime-default:${runtime} -- CMD`;
    case 'needs-localhost': return `RuntimeDefault would deny ${denied} call(s) no capability unlocks: use a Localhost profile generated from the recording`;
  }
}

/** Advice per runtime: does RuntimeDefault allow everything the input shows the workload doing? What judgeAdvice
 *  refuses (an allow-by-default profile, no syscalls) is a UserError with the diagnostic's message. */
export function advise(input: AdviseInput, opts: AdviseOptions = {}): AdviseResult {
  const r = judgeAdvice(input, opts);
  if (!r.result) throw refusalError(refusedWith(r.diagnostics), { notes: true });
  return r.result;
}

/** What advise refuses, as data: the result, or ALLOW_LIKE_DEFAULT (a profile that allows by default says nothing
 *  about the workload) or NO_SYSCALLS_FOUND (an empty recording or profile). */
export function judgeAdvice(input: AdviseInput, opts: AdviseOptions = {}): { result?: AdviseResult; diagnostics: Diagnostic[] } {
  if (input.kind === 'profile' && (input.profile.defaultAction === 'SCMP_ACT_ALLOW' || input.profile.defaultAction === 'SCMP_ACT_LOG')) {
    return {
      diagnostics: [{
        code: 'ALLOW_LIKE_DEFAULT', severity: 'error', path: 'defaultAction',
        message: `${input.label}: the profile allows every syscall by default, so it says nothing about what the workload does; give advise an allow-list profile (seccompctl record/generate) or a recording`,
      }],
    };
  }
  const native = opts.arch ?? hostArch().id;
  const notes: string[] = [];
  const calls = callsOf(input, native, notes);
  if (calls.length === 0) {
    return { diagnostics: [{ code: 'NO_SYSCALLS_FOUND', severity: 'error', message: `${input.label}: no syscalls found (an empty recording or profile)`, fix: 'give a recording of the workload, or a profile that allows its syscalls' }] };
  }
  const runtimes = (opts.runtimes ?? RUNTIME_DEFAULTS).map((r) => adviseRuntime(r, calls, opts, native));
  const distinct = new Set(calls.map((c) => `${c.arch}/${c.name}`)).size;
  if (input.kind === 'recording' && input.ingest.loss.some((l) => l.certain)) notes.push('the recording lost records: syscalls missing from it are not checked');
  return { result: { input: input.label, kind: input.kind, syscalls: distinct, runtimes, notes }, diagnostics: [] };
}
