// Argument rules from recordings: the values a workload passed to the curated syscalls (ARG_SPECS: socket families,
// clone flags, prctl options, mprotect protections, ioctl requests…) become OCI conditions that runc, crun and
// containerd all handle alike — SCMP_CMP_EQ / MASKED_EQ value sets, one rule per value, conditions on different
// indexes ANDed (never two on one index), no `flags` — so a name-only allow-list stops allowing the dangerous uses.
import type { Diagnostic } from '../common/index.js';
import type { IngestResult, Observation } from '../ingest/index.js';
import { normalizeProfile, type Profile, type SyscallArg, type SyscallRule } from '../profile/index.js';
import { RUNC_BASE_SETS } from '../runtime/index.js';
import {
  argSpec, formatArgValue, parseArgValue, resolveArch, syscallNumber, type ArchId, type ArgSpec,
  type SyscallArgSpec,
} from '../syscalls/index.js';
import { closedCalls, nativeOf, type ClosedCall } from './dangerous-calls.js';
import { generate, type GenerateOptions, type GenerateResult } from './generate.js';
import { RUNC_BASE_ARGS } from './runc-base-args.generated.js';

/** Distinct value tuples kept per syscall; more turn that syscall back to name-only (reported). */
export const MAX_ARG_VALUES = 64;

const U64 = (1n << 64n) - 1n;
const LOW32 = 0xffffffffn;
const ENOSYS = 38;

/** What was recorded for one syscall's curated arguments. */
export interface ArgValues {
  readonly syscall: string;
  /** Distinct tuples of the spec's argument values (spec order), keyed by their text. */
  readonly tuples: Map<string, readonly bigint[]>;
  /** More than `max` distinct tuples were seen: name-only. */
  overflow: boolean;
  /** Calls whose arguments could not be read (no arguments in the source, or a value not understood): name-only. */
  unreadable: number;
  /** The first unreadable call, for the report. */
  unreadableExample?: string;
  /** Arches the values were seen on. */
  readonly arches: Set<ArchId>;
}

/** Everything the argument pass needs from a recording. */
export interface ArgRecording {
  readonly syscalls: ReadonlyMap<string, ArgValues>;
  readonly max: number;
}

/** Collects argument values from observations (strace text, `-X raw|verbose|abbrev`) or from raw values (eBPF). */
export class ArgCollector {
  private readonly sets = new Map<string, ArgValues>();
  readonly max: number;
  constructor(max: number = MAX_ARG_VALUES) {
    this.max = max;
  }

  private state(syscall: string): ArgValues {
    let s = this.sets.get(syscall);
    if (!s) this.sets.set(syscall, (s = { syscall, tuples: new Map(), overflow: false, unreadable: 0, arches: new Set() }));
    return s;
  }

  /** Adds one call's values (in the spec's order). Values of a syscall outside ARG_SPECS are ignored. */
  addValues(arch: ArchId, syscall: string, values: readonly bigint[]): void {
    const spec = argSpec(syscall, arch);
    if (!spec || values.length !== spec.args.length) return;
    const s = this.state(syscall);
    s.arches.add(arch);
    if (s.overflow) return;
    const t = values.map((v) => BigInt.asUintN(64, v));
    const k = t.join(',');
    if (s.tuples.has(k)) return;
    if (s.tuples.size >= this.max) {
      s.overflow = true;
      s.tuples.clear();
      return;
    }
    s.tuples.set(k, t);
  }

  /** A call of a curated syscall whose arguments are unknown: the syscall stays name-only. */
  addUnreadable(arch: ArchId, syscall: string, example: string): void {
    if (!argSpec(syscall, arch)) return;
    const s = this.state(syscall);
    s.arches.add(arch);
    s.unreadable++;
    s.unreadableExample ??= example;
  }

  /** Adds one ingest observation: strace argument texts are read; an observation without them is unreadable. */
  addObservation(o: Observation): void {
    if (o.name === undefined) return;
    const spec = argSpec(o.name, o.arch);
    if (!spec) return;
    if (o.name === 'clone3') return;
    if (!o.args) {
      this.addUnreadable(o.arch, o.name, `${o.file}:${o.line}: ${o.name} (the ${o.rendering} record has no arguments)`);
      return;
    }
    const vals = straceValues(o.arch, o.name, spec, o.args);
    if (vals === undefined) this.addUnreadable(o.arch, o.name, `${o.file}:${o.line}: ${o.name}(${o.args.join(', ')})`);
    else this.addValues(o.arch, o.name, vals);
  }

  /** clone3's flags (read from its struct by strace or the eBPF probe): folded into clone's (see applyArgRules). */
  addClone3(arch: ArchId, flags: bigint | undefined, example: string): void {
    const s = this.state('clone3');
    s.arches.add(arch);
    if (flags === undefined) {
      s.unreadable++;
      s.unreadableExample ??= example;
      return;
    }
    const k = BigInt.asUintN(64, flags).toString();
    if (!s.tuples.has(k) && s.tuples.size < this.max) s.tuples.set(k, [BigInt.asUintN(64, flags)]);
    else if (!s.tuples.has(k)) s.overflow = true;
  }

  /** Feeds a strace clone3 observation. */
  addClone3Observation(o: Observation): void {
    const text = o.args?.[0];
    const m = text !== undefined ? /\bflags=([^,}]+)/.exec(text) : null;
    const sig = text !== undefined ? /\bexit_signal=([^,}]+)/.exec(text) : null;
    let flags = m ? straceValue(o.arch, m[1]!) : undefined;
    const es = sig ? straceValue(o.arch, sig[1]!) : 0n;
    if (flags !== undefined && es !== undefined) flags |= es;
    this.addClone3(o.arch, es === undefined ? undefined : flags, `${o.file}:${o.line}: clone3(${o.args?.join(', ') ?? ''})`);
  }

  /** Observation hook for ingest (`onObservation`). */
  readonly onObservation = (o: Observation): void => {
    if (o.name === 'clone3') this.addClone3Observation(o);
    else this.addObservation(o);
  };

  result(): ArgRecording {
    return { syscalls: this.sets, max: this.max };
  }
}

/** A strace argument text → value: `0x2 /* AF_INET *\/`, `AF_INET`, `flags=CLONE_VM|SIGCHLD`, `_IOC(...)`. */
export function straceValue(arch: ArchId, text: string): bigint | undefined {
  let t = text.trim().replace(/^\w+=/, '');
  const raw = /^(-?(?:0x[0-9a-f]+|\d+))\s*\/\*.*\*\/$/i.exec(t); // -X verbose: number then its name
  if (raw) return BigInt.asUintN(64, BigInt(raw[1]!.replace(/^-/, '')) * (raw[1]!.startsWith('-') ? -1n : 1n));
  t = t.replace(/\s*\/\*.*?\*\/\s*/g, '').trim();
  // strace prints an ambiguous ioctl as `A or B`; both names share the number.
  t = t.replace(/ or \w+$/, '');
  const ioc = /^_IOC\(([^,]+),\s*([^,]+),\s*([^,]+),\s*([^)]+)\)$/.exec(t);
  if (ioc) {
    // asm-generic: nr 0-7, type 8-15, size 16-29, dir 30-31 (_IOC_NONE 0, _IOC_WRITE 1, _IOC_READ 2).
    const dirOf = (s: string): bigint => s.split('|').reduce((d, p) => d | (p.trim() === '_IOC_READ' ? 2n : p.trim() === '_IOC_WRITE' ? 1n : 0n), 0n);
    const n = (s: string): bigint | undefined => (/^(0x[0-9a-f]+|\d+)$/i.test(s.trim()) ? BigInt(s.trim()) : undefined);
    const [type, nr, size] = [n(ioc[2]!), n(ioc[3]!), n(ioc[4]!)];
    if (type === undefined || nr === undefined || size === undefined) return undefined;
    return (dirOf(ioc[1]!) << 30n) | (size << 16n) | (type << 8n) | nr;
  }
  if (/^0[0-7]+$/.test(t)) return BigInt(`0o${t.slice(1)}`);
  return parseArgValue(arch, t);
}

/** The spec's argument values from strace's argument texts, or undefined when one cannot be read. */
function straceValues(arch: ArchId, syscall: string, spec: SyscallArgSpec, args: readonly string[]): bigint[] | undefined {
  const out: bigint[] = [];
  for (const a of spec.args) {
    let text: string | undefined;
    if (syscall === 'clone') text = args.find((x) => /^flags=/.test(x.trim())); // strace names clone's arguments
    else text = args[a.index];
    if (text === undefined) return undefined;
    const v = straceValue(arch, text);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

/** runc's own uses of curated arguments after it loads the filter (measured; see RUNTIME_ARG_VALUES). */
export interface RuntimeArgValues {
  readonly source: string;
  /** syscall → tuples (spec order) runc's init (and the Go runtime under it) may pass. */
  readonly values: Readonly<Record<string, readonly (readonly string[])[]>>;
}

/** Options of applyArgRules. */
export interface ArgRulesOptions {
  /** Syscalls the runtime itself makes after loading the filter (runc's base set for this NNP setting). */
  runtimeSyscalls?: readonly string[];
  /** The runtime's measured argument values for those: added to the observed ones. */
  runtimeValues?: RuntimeArgValues;
}

/** One syscall restricted by argument rules. */
export interface RestrictedSyscall {
  readonly syscall: string;
  /** The allowed calls, symbolically: `socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC)`, `clone(flags ⊆ CLONE_VM|…)`. */
  readonly allowed: readonly string[];
  readonly rules: number;
}

/** The result of the argument pass. */
export interface ArgRulesResult {
  readonly profile: Profile;
  readonly restricted: readonly RestrictedSyscall[];
  /** Curated syscalls the profile allows that stay name-only, and why. */
  readonly nameOnly: readonly { syscall: string; reason: string }[];
  /** Dangerous calls now denied (allowed by the name-only profile). */
  readonly closed: readonly ClosedCall[];
  readonly diagnostics: readonly Diagnostic[];
}

function cond(a: ArgSpec, v: bigint): SyscallArg {
  if (a.rule === 'eq32') return { index: a.index, op: 'SCMP_CMP_MASKED_EQ', value: LOW32, valueTwo: v & LOW32 };
  return { index: a.index, op: 'SCMP_CMP_EQ', value: v };
}

/**
 * Turns a name-only profile into one with argument rules for the curated syscalls it allows, from the recorded
 * values. A syscall stays name-only when its values overflowed the cap, some call's arguments were not recorded, or
 * every bit of a flag word was used. clone3 (flags in a struct seccomp cannot read) gets ENOSYS, so glibc falls back
 * to clone, whose flags are checked: clone then allows the union of clone's and clone3's recorded flags.
 */
export function applyArgRules(nameOnly: Profile, rec: ArgRecording, opts: ArgRulesOptions = {}): ArgRulesResult {
  // The arch whose argument layout and constants apply: a recorded one the profile lists (its values were seen
  // there), else the profile's first 64-bit arch.
  const listed = new Set((nameOnly.architectures ?? []).map((a) => resolveArch(a)?.id));
  const recorded = [...rec.syscalls.values()].flatMap((v) => [...v.arches]);
  const arch = recorded.find((a) => listed.has(a) && resolveArch(a)?.bits === 64) ?? nativeOf(nameOnly);
  const diags: Diagnostic[] = [];
  const allowAll = new Set<string>();
  const otherRules: SyscallRule[] = [];
  for (const r of nameOnly.syscalls ?? []) {
    if (r.action === 'SCMP_ACT_ALLOW' && (r.args?.length ?? 0) === 0) for (const n of r.names) allowAll.add(n);
    else otherRules.push(r);
  }
  const runtime = new Set(opts.runtimeSyscalls ?? []);
  const restricted: RestrictedSyscall[] = [];
  const nameOnlyList: { syscall: string; reason: string }[] = [];
  const newRules: SyscallRule[] = [];
  const clone3 = rec.syscalls.get('clone3');
  const steerClone3 = allowAll.has('clone3') && clone3 !== undefined && !clone3.overflow && clone3.unreadable === 0 && !runtime.has('clone3');
  if (allowAll.has('clone3') && !steerClone3) {
    nameOnlyList.push({ syscall: 'clone3', reason: clone3?.overflow ? `more than ${rec.max} distinct flag words` : runtime.has('clone3') ? 'the runtime calls it after loading the filter' : 'its flags were not recorded (its struct cannot be read from this source)' });
  }
  for (const name of [...allowAll].sort()) {
    const spec = argSpec(name, arch);
    if (!spec || name === 'clone3') continue;
    const rv = rec.syscalls.get(name);
    const fromClone3 = name === 'clone' && steerClone3 ? [...clone3!.tuples.values()] : [];
    const runtimeTuples = runtime.has(name) ? opts.runtimeValues?.values[name] : undefined;
    if (runtime.has(name) && runtimeTuples === undefined) {
      nameOnlyList.push({ syscall: name, reason: 'runc calls it after loading the filter and its arguments there were not measured' });
      continue;
    }
    if (rv?.overflow) {
      nameOnlyList.push({ syscall: name, reason: `more than ${rec.max} distinct argument values were recorded` });
      diags.push({ code: 'ARG_VALUES_OVERFLOW', severity: 'warning', message: `${name}: more than ${rec.max} distinct argument values; allowed by name only` });
      continue;
    }
    if (rv && rv.unreadable > 0) {
      nameOnlyList.push({ syscall: name, reason: `${rv.unreadable} call(s) without readable arguments (first: ${rv.unreadableExample ?? '?'})` });
      diags.push({ code: 'ARG_VALUES_UNREADABLE', severity: 'warning', message: `${name}: ${rv.unreadable} call(s) without readable arguments, e.g. ${rv.unreadableExample ?? '?'}; allowed by name only (record with --args, or strace -X verbose)` });
      continue;
    }
    const tuples: bigint[][] = [...(rv?.tuples.values() ?? [])].map((t) => [...t]);
    for (const t of fromClone3) tuples.push([...t]);
    for (const t of runtimeTuples ?? []) {
      const vals = t.map((x) => parseArgValue(arch, x));
      if (vals.every((x): x is bigint => x !== undefined)) tuples.push(vals);
    }
    if (tuples.length === 0) {
      // Allowed (e.g. by the runtime's base set) but never called with values we know: keep the name, say so.
      nameOnlyList.push({ syscall: name, reason: 'no call with recorded arguments (allowed for another reason)' });
      continue;
    }
    const keys = new Set<string>();
    const uniq = tuples.filter((t) => {
      const k = t.join(',');
      if (keys.has(k)) return false;
      keys.add(k);
      return true;
    });
    const a0 = spec.args[0]!;
    if (spec.args.length === 1 && a0.rule === 'mask') {
      const seen = uniq.reduce((m, t) => m | t[0]!, 0n);
      const forbid = U64 & ~seen;
      if (forbid === 0n) {
        nameOnlyList.push({ syscall: name, reason: 'every flag bit was used' });
        continue;
      }
      newRules.push({ names: [name], action: 'SCMP_ACT_ALLOW', args: [{ index: a0.index, op: 'SCMP_CMP_MASKED_EQ', value: forbid, valueTwo: 0n }] });
      restricted.push({ syscall: name, rules: 1, allowed: [`${name}(${a0.param} ⊆ ${formatArgValue(arch, a0.format, seen)})`] });
      continue;
    }
    uniq.sort((x, y) => {
      for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
      return 0;
    });
    for (const t of uniq) newRules.push({ names: [name], action: 'SCMP_ACT_ALLOW', args: spec.args.map((a, i) => cond(a, t[i]!)) });
    restricted.push({ syscall: name, rules: uniq.length, allowed: uniq.map((t) => formatCall(arch, spec, t)) });
  }
  const rules: SyscallRule[] = [];
  const restrictedNames = new Set(restricted.map((r) => r.syscall));
  if (steerClone3) restrictedNames.add('clone3');
  const keep = [...allowAll].filter((n) => !restrictedNames.has(n)).sort();
  // clone3 steered to clone: clone must be allowed (with the union of flags) even when only clone3 was recorded.
  if (steerClone3 && !allowAll.has('clone') && syscallNumber(arch, 'clone') !== undefined) {
    const seen = [...clone3!.tuples.values()].reduce((m, t) => m | t[0]!, 0n);
    newRules.push({ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: argSpec('clone', arch)!.args[0]!.index, op: 'SCMP_CMP_MASKED_EQ', value: U64 & ~seen, valueTwo: 0n }] });
    restricted.push({ syscall: 'clone', rules: 1, allowed: [`clone(flags ⊆ ${formatArgValue(arch, 'clone', seen)}) (clone3's fallback)`] });
  }
  if (keep.length > 0) rules.push({ names: keep, action: 'SCMP_ACT_ALLOW' });
  rules.push(...otherRules.filter((r) => !(steerClone3 && r.names.includes('clone3'))));
  if (steerClone3) {
    rules.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS });
    restricted.push({ syscall: 'clone3', rules: 1, allowed: ['clone3 → ENOSYS (its flags are behind a pointer; glibc falls back to clone, whose flags are checked)'] });
  }
  rules.push(...newRules);
  const profile = normalizeProfile({ ...nameOnly, syscalls: rules });
  restricted.sort((x, y) => (x.syscall < y.syscall ? -1 : 1));
  return { profile, restricted, nameOnly: nameOnlyList, closed: closedCalls(nameOnly, profile), diagnostics: diags };
}

/** `socket(domain=AF_INET, type=SOCK_STREAM|SOCK_CLOEXEC)` for a tuple of a spec. */
export function formatCall(arch: ArchId, spec: SyscallArgSpec, t: readonly bigint[]): string {
  const byIndex = new Map(spec.args.map((a, i) => [a.index, t[i]!]));
  return `${spec.syscall}(${spec.args.map((a, i) => `${a.param}=${formatArgValue(arch, a.format, t[i]!, byIndex)}`).join(', ')})`;
}

/** Symbolic names for a rule's conditions on a curated syscall (`domain == AF_INET`, `flags & ~(…) == 0`), else undefined. */
export function describeArgConditions(syscall: string, args: readonly SyscallArg[], arch: ArchId = 'x86_64'): string | undefined {
  const spec = argSpec(syscall, arch);
  if (!spec) return undefined;
  const byIndex = new Map<number, bigint>();
  for (const c of args) if (c.op === 'SCMP_CMP_EQ') byIndex.set(c.index, c.value);
  for (const c of args) if (c.op === 'SCMP_CMP_MASKED_EQ' && c.value === LOW32) byIndex.set(c.index, c.valueTwo ?? 0n);
  const parts: string[] = [];
  for (const c of args) {
    const a = spec.args.find((x) => x.index === c.index);
    if (!a) return undefined;
    if (c.op === 'SCMP_CMP_EQ' || (c.op === 'SCMP_CMP_MASKED_EQ' && c.value === LOW32)) {
      parts.push(`${a.param} == ${formatArgValue(arch, a.format, byIndex.get(c.index)!, byIndex)}`);
    } else if (c.op === 'SCMP_CMP_MASKED_EQ' && (c.valueTwo ?? 0n) === 0n && a.rule === 'mask') {
      parts.push(`${a.param} ⊆ ${formatArgValue(arch, a.format, U64 & ~c.value)}`);
    } else return undefined;
  }
  return parts.join(', ');
}

// ---------------------------------------------------------------- generate with argument rules

/** generate's result with the argument pass: `profile` has the argument rules, `nameOnlyProfile` is without them. */
export type GenerateArgsResult = GenerateResult & {
  readonly nameOnlyProfile: Profile;
  readonly args: ArgRulesResult;
};

/**
 * `generate --args`: the name-only profile, then argument rules from the recorded values. With `runtime: 'runc'`
 * runc's own uses of curated syscalls after it loads the filter (measured, runc-base-args.generated.ts) are allowed.
 */
export function generateWithArgs(r: IngestResult, rec: ArgRecording, opts: GenerateOptions = {}): GenerateArgsResult {
  const g = generate(r, opts);
  const nnp = opts.noNewPrivileges === true;
  const a = applyArgRules(g.profile, rec, (opts.runtime ?? 'runc') === 'runc'
    ? { runtimeSyscalls: nnp ? RUNC_BASE_SETS.nnp : RUNC_BASE_SETS.noNnp, runtimeValues: nnp ? RUNC_BASE_ARGS.nnp : RUNC_BASE_ARGS.noNnp }
    : {});
  return { ...g, profile: a.profile, nameOnlyProfile: g.profile, args: a, diagnostics: [...g.diagnostics, ...a.diagnostics] };
}
