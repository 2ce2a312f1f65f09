// Validation: named rules over a profile as written, each reporting diagnostics with a code, a JSON path and
// (per runtime) what that runtime does with the construct. Wording lives next to each rule; tests assert codes.
// Long because: it is one table (VALIDATION_RULES) of rules, each keeping its checks and wording together; a new
// rule goes here (docs/architecture.md).
import type { Diagnostic, Severity } from '../common/index.js';
import { archInfo, hostArch, isKnownSyscall, resolveArch, suggestSyscalls, syscallNumber, type ArchId } from '../syscalls/index.js';
import { placeDiagnostics, RUNTIMES, type ProfileSource, type RuntimeName } from './api.js';
import { counterpartOf, counterpartsOn } from './counterparts.js';
import type { Dialect } from './decode.js';
import { ACTIONS, FLAGS, OPERATORS, SPEC_ARCHES, type DockerProfile, type DockerSyscallRule, type Profile } from './types.js';

/** Options for validateProfile. */
export interface ValidateOptions {
  /** Runtimes to check for (default: all five). Runtime-specific findings carry `runtime`. */
  runtimes?: readonly RuntimeName[];
  /** Where the profile came from: fills file/line/col of every finding. */
  source?: ProfileSource;
  /** The dialect it was written in (default: oci, or docker when `parsedRaw` has Docker-only keys). */
  dialect?: Dialect;
  /** The profile as written (ParseResult.raw). Needed to see Docker-only keys that the OCI model has lost. */
  parsedRaw?: DockerProfile;
  /** Architectures (any spelling) whose syscall tables names are checked against. Default: the profile's
   *  `architectures`, or this machine's arch when it lists none. */
  arches?: readonly string[];
}

/** What a rule sees. */
export interface RuleContext {
  readonly p: DockerProfile;
  readonly dialect: Dialect;
  readonly runtimes: ReadonlySet<RuntimeName>;
  readonly arches: readonly ArchId[];
  /** False when the profile lists no architectures and the host's was assumed. */
  readonly archesExplicit: boolean;
  report(d: Omit<Diagnostic, 'severity'> & { severity: Severity }): void;
  /** Reports once per selected runtime in `which`, with that runtime's severity (skipping runtimes not listed). */
  perRuntime(which: Partial<Record<RuntimeName, Severity>>, d: Omit<Diagnostic, 'severity' | 'runtime'>): void;
}

/** A named validation rule. */
export interface ValidationRule {
  readonly name: string;
  /** The codes it can report. */
  readonly codes: readonly string[];
  check(ctx: RuleContext): void;
}

const ERRNO_ACTIONS = new Set(['SCMP_ACT_ERRNO', 'SCMP_ACT_TRACE']);
const EPERM = 1;
const RUNC_MISSING_ARCHES = new Set(['SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_M68K', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB']);
const CRUN_MISSING_ARCHES = new Set([...RUNC_MISSING_ARCHES, 'SCMP_ARCH_LOONGARCH64']);
/** Runtimes that decode the profile straight into the OCI Go struct (unknown keys silently dropped). */
const OCI_READERS: Partial<Record<RuntimeName, Severity>> = { containerd: 'error', runc: 'error', crun: 'error' };
const hasConditions = (r: DockerSyscallRule): boolean =>
  (r.includes !== undefined && Object.keys(r.includes).length > 0) || (r.excludes !== undefined && Object.keys(r.excludes).length > 0);
const namesOf = (r: DockerSyscallRule): string[] => r.names ?? (r.name !== undefined ? [r.name] : []);
const rules = (p: DockerProfile): DockerSyscallRule[] => p.syscalls ?? [];
const scmpList = (xs: Iterable<string>): string => [...xs].join(', ');

export const ruleUnknownAction: ValidationRule = {
  name: 'unknown-action', codes: ['UNKNOWN_ACTION'],
  check(c) {
    const fix = `use one of ${ACTIONS.join(', ')}`;
    if (!(ACTIONS as readonly string[]).includes(c.p.defaultAction)) {
      c.report({ code: 'UNKNOWN_ACTION', severity: 'error', path: 'defaultAction', message: `unknown action "${c.p.defaultAction}": every runtime refuses to start the container`, fix });
    }
    rules(c.p).forEach((r, i) => {
      if (!(ACTIONS as readonly string[]).includes(r.action)) c.report({ code: 'UNKNOWN_ACTION', severity: 'error', path: `syscalls[${i}].action`, message: `unknown action "${r.action}": every runtime refuses to start the container`, fix });
    });
  },
};

export const ruleUnknownOperator: ValidationRule = {
  name: 'unknown-operator', codes: ['UNKNOWN_OPERATOR'],
  check(c) {
    rules(c.p).forEach((r, i) => (r.args ?? []).forEach((a, j) => {
      if (!(OPERATORS as readonly string[]).includes(a.op)) {
        c.report({ code: 'UNKNOWN_OPERATOR', severity: 'error', path: `syscalls[${i}].args[${j}].op`, message: `unknown operator "${a.op}": runc and crun refuse the profile`, fix: `use one of ${OPERATORS.join(', ')}` });
      }
    }));
  },
};

function archTokens(p: DockerProfile): { token: string; path: string }[] {
  const out = (p.architectures ?? []).map((token, k) => ({ token, path: `architectures[${k}]` }));
  (p.archMap ?? []).forEach((m, i) => {
    out.push({ token: m.architecture, path: `archMap[${i}].architecture` });
    (m.subArchitectures ?? []).forEach((token, k) => out.push({ token, path: `archMap[${i}].subArchitectures[${k}]` }));
  });
  return out;
}

export const ruleUnknownArch: ValidationRule = {
  name: 'unknown-arch', codes: ['UNKNOWN_ARCH', 'ARCH_UNSUPPORTED_BY_RUNTIME'],
  check(c) {
    for (const { token, path } of archTokens(c.p)) {
      if (!(SPEC_ARCHES as readonly string[]).includes(token)) {
        const guess = resolveArch(token);
        c.report({ code: 'UNKNOWN_ARCH', severity: 'error', path, message: `unknown architecture "${token}": runc fails with "is not a valid arch for seccomp", crun with "seccomp unknown architecture"`, fix: guess ? `write ${guess.scmp}` : 'use an SCMP_ARCH_* token such as SCMP_ARCH_X86_64' });
        continue;
      }
      if (RUNC_MISSING_ARCHES.has(token)) {
        c.perRuntime({ runc: 'error', containerd: 'error', 'cri-o': 'error', docker: 'error' },
          { code: 'ARCH_UNSUPPORTED_BY_RUNTIME', path, message: `${token} is in the runtime-spec but runc does not know it (runc refuses the profile; containerd, CRI-O and Docker run runc by default)`, fix: 'remove it unless the node runs crun' });
      }
      if (CRUN_MISSING_ARCHES.has(token)) {
        c.perRuntime({ crun: 'warning' }, { code: 'ARCH_UNSUPPORTED_BY_RUNTIME', path, message: `${token} is not among the architectures \`crun features\` advertises; it works only if the node's libseccomp knows it`, fix: 'remove it unless you have checked the node' });
      }
    }
  },
};

export const ruleFlags: ValidationRule = {
  name: 'flags', codes: ['UNKNOWN_FLAG', 'FLAGS_REJECTED_BY_OLD_RUNC', 'MISSING_FLAGS'],
  check(c) {
    if (c.p.flags === undefined) {
      c.report({ code: 'MISSING_FLAGS', severity: 'warning', path: 'defaultAction', message: 'no "flags" key: runc (>= 1.2) and crun then add SECCOMP_FILTER_FLAG_SPEC_ALLOW, which turns off the Speculative Store Bypass mitigation', fix: 'add "flags": [] (seccompctl convert --to oci does)' });
      return;
    }
    c.p.flags.forEach((f, k) => {
      if (!(FLAGS as readonly string[]).includes(f)) {
        c.report({ code: 'UNKNOWN_FLAG', severity: 'error', path: `flags[${k}]`, message: `unknown flag "${f}": runc and crun refuse the profile`, fix: `use one of ${FLAGS.join(', ')}, or none` });
        return;
      }
      c.perRuntime({ runc: 'warning', containerd: 'warning', 'cri-o': 'warning', docker: 'warning' }, {
        code: 'FLAGS_REJECTED_BY_OLD_RUNC', path: `flags[${k}]`,
        message: `runc 1.1.x (Debian 12's runc 1.1.5) rejects any seccomp flag, including ${f}${f === 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV' ? '; runc supports this one only from 1.5.0' : ''}`,
        fix: 'use "flags": [] unless every node runs runc >= 1.2',
      });
    });
  },
};

/** The arches whose syscall tables a profile's names are checked against, and whether they were explicit. */
function targetArches(p: DockerProfile, given: readonly string[] | undefined): { ids: ArchId[]; explicit: boolean } {
  const fromProfile = [...(p.architectures ?? []), ...(p.archMap ?? []).flatMap((m) => [m.architecture, ...(m.subArchitectures ?? [])])];
  const tokens = given ?? (fromProfile.length > 0 ? fromProfile : undefined);
  const ids = (tokens ?? []).map((t) => resolveArch(t)?.id).filter((x): x is ArchId => x !== undefined);
  return ids.length ? { ids: [...new Set(ids)], explicit: true } : { ids: [hostArch().id], explicit: false };
}

/** Syscalls added after the kernel our tables come from (6.12), by the version that added them (their uapi tables). */
const NEWER_SYSCALLS: Readonly<Record<string, string>> = {
  setxattrat: '6.13', getxattrat: '6.13', listxattrat: '6.13', removexattrat: '6.13', open_tree_attr: '6.15',
  file_getattr: '6.17', file_setattr: '6.17',
};

/** Actions under which a listed syscall runs (a rule that lets the call through). */
const LETS_THROUGH = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY', 'SCMP_ACT_TRACE']);

export const ruleSyscallNames: ValidationRule = {
  name: 'syscall-names', codes: ['EMPTY_SYSCALL_NAME', 'UNKNOWN_SYSCALL', 'SYSCALL_NEWER_THAN_TABLES', 'SYSCALL_NOT_ON_ARCH', 'MISSING_ARCH_COUNTERPART'],
  check(c) {
    // Names some rule lets through (any conditions): a counterpart counts as allowed when one of them is.
    const through = new Set(rules(c.p).filter((r) => LETS_THROUGH.has(r.action)).flatMap(namesOf));
    rules(c.p).forEach((r, i) => {
      const list = r.names !== undefined ? r.names.map((n, k) => ({ n, path: `syscalls[${i}].names[${k}]` })) : r.name !== undefined ? [{ n: r.name, path: `syscalls[${i}].name` }] : [];
      for (const { n, path } of list) {
        if (n === '') {
          c.report({ code: 'EMPTY_SYSCALL_NAME', severity: 'error', path, message: 'empty syscall name: runc fails with "empty string is not a valid syscall"', fix: 'remove the empty string' });
          continue;
        }
        if (!isKnownSyscall(n) && NEWER_SYSCALLS[n] !== undefined) {
          c.report({ code: 'SYSCALL_NEWER_THAN_TABLES', severity: 'info', path, message: `${n} was added in Linux ${NEWER_SYSCALLS[n]}, after our syscall tables (6.12): not checked; runc skips it where the node's libseccomp does not know it`, fix: 'nothing to do' });
          continue;
        }
        if (!isKnownSyscall(n)) {
          const s = suggestSyscalls(n);
          c.report({ code: 'UNKNOWN_SYSCALL', severity: 'error', path, message: `"${n}" is not a syscall on any architecture (Linux 6.12 tables); runc skips it silently, crun with a warning`, fix: s.length ? `did you mean ${s.join(', ')}?` : 'check the spelling with `seccompctl resolve --all-arches NAME`' });
          continue;
        }
        const missing = c.arches.filter((a) => syscallNumber(a, n) === undefined);
        if (missing.length === 0) continue;
        const all = missing.length === c.arches.length;
        // An allowed syscall that an arch lacks: the same libc call makes another syscall there, which must be
        // allowed too, or the program is denied on nodes of that arch.
        const lacking = LETS_THROUGH.has(r.action) && c.archesExplicit
          ? missing.map((a) => ({ a, there: counterpartsOn(n, a) })).filter((x) => x.there !== undefined && x.there.length > 0 && !x.there.some((u) => through.has(u)))
          : [];
        if (lacking.length > 0) {
          const entry = counterpartOf(n)!;
          c.report({
            code: 'MISSING_ARCH_COUNTERPART', severity: 'error', path,
            message: `${n} does not exist on ${lacking.map((x) => archInfo(x.a).scmp).join(', ')}, where the same libc call makes ${[...new Set(lacking.flatMap((x) => x.there!))].join(' or ')} (glibc ${entry.source}), which this profile does not allow: the program is denied there`,
            fix: `allow ${[...new Set(lacking.flatMap((x) => x.there!))].join(', ')} too (seccompctl generate --arch maps recorded syscalls for other architectures)`,
          });
          continue;
        }
        c.report({
          // Only a name that is useless on every architecture the profile targets is worth a warning.
          code: 'SYSCALL_NOT_ON_ARCH', severity: all && c.archesExplicit ? 'warning' : 'info', path,
          message: `${n} does not exist on ${missing.map((a) => archInfo(a).scmp).join(', ')}: the rule does nothing there${all ? ' (on any target architecture)' : ''}`,
          fix: all ? `remove it, or add the ${missing.length > 1 ? 'equivalents' : 'equivalent'} for that arch (e.g. openat for open)` : 'nothing to do if the other arches need it',
        });
      }
    });
  },
};

export const ruleDockerOnlyKeys: ValidationRule = {
  name: 'docker-only-keys',
  codes: ['RULE_DROPPED_BY_CONTAINERD', 'NAME_IGNORED', 'CONDITIONS_IGNORED', 'ARCHMAP_IGNORED', 'ERRNO_NAME_IGNORED', 'MIN_KERNEL_IGNORED_BY_CRIO', 'ARCHITECTURES_WITH_ARCHMAP', 'NAME_AND_NAMES'],
  check(c) {
    const p = c.p;
    const readers = 'containerd (and runc/crun, via config.json) read the profile as the OCI struct, which';
    rules(p).forEach((r, i) => {
      const path = `syscalls[${i}]`;
      if (r.name !== undefined && (r.names === undefined || r.names.length === 0)) {
        c.perRuntime(OCI_READERS, { code: 'RULE_DROPPED_BY_CONTAINERD', path: `${path}.name`, message: `${readers} has no singular "name": this rule becomes a rule with no names, i.e. no rule at all, and ${r.name} gets the default action ${p.defaultAction}`, fix: `write "names": ["${r.name}"] (seccompctl convert --to oci does this)` });
      }
      if (r.name !== undefined && r.name !== '' && (r.names?.length ?? 0) > 0) {
        c.perRuntime(OCI_READERS, { code: 'NAME_IGNORED', path: `${path}.name`, message: `${readers} has no "name": ${r.name} is not covered by this rule`, fix: `move "${r.name}" into names` });
        c.perRuntime({ docker: 'error', 'cri-o': 'error' }, { code: 'NAME_AND_NAMES', path: `${path}.name`, message: "a rule with both 'name' and 'names' is refused: \"use either 'name' or 'names'\"", fix: `move "${r.name}" into names` });
      }
      if (hasConditions(r)) {
        c.perRuntime(OCI_READERS, { code: 'CONDITIONS_IGNORED', path: r.includes && Object.keys(r.includes).length ? `${path}.includes` : `${path}.excludes`, message: `${readers} has no includes/excludes: this rule (${r.action} for ${namesOf(r).slice(0, 4).join(', ')}${namesOf(r).length > 4 ? ', …' : ''}) applies to every container, whatever its capabilities, arch or kernel`, fix: 'expand the profile for the target first: seccompctl convert --to oci --arch A --caps ...' });
      }
      if (r.excludes?.minKernel !== undefined || r.includes?.minKernel !== undefined) {
        c.perRuntime({ 'cri-o': 'warning' }, { code: 'MIN_KERNEL_IGNORED_BY_CRIO', path: `${path}.${r.includes?.minKernel !== undefined ? 'includes' : 'excludes'}.minKernel`, message: 'CRI-O (containers/common) ignores minKernel: the rule is kept (includes) or not skipped (excludes) on every kernel', fix: 'expand the profile for the target kernel with convert --kernel' });
      }
      if (r.errno !== undefined && r.errnoRet === undefined) {
        c.perRuntime({ ...OCI_READERS, docker: 'error' }, { code: 'ERRNO_NAME_IGNORED', path: `${path}.errno`, message: `"errno": "${r.errno}" is a containers/common extension; this runtime ignores it and returns EPERM`, fix: 'write the number in errnoRet (e.g. 38 for ENOSYS)' });
      }
    });
    if (p.archMap !== undefined && p.archMap.length > 0) {
      if ((p.architectures?.length ?? 0) > 0) {
        c.perRuntime({ docker: 'error', 'cri-o': 'error' }, { code: 'ARCHITECTURES_WITH_ARCHMAP', path: 'archMap', message: "'architectures' and 'archMap' together are refused: \"use either 'architectures' or 'archMap'\"", fix: 'keep one of them' });
      } else {
        c.perRuntime({ containerd: 'warning', runc: 'warning', crun: 'warning' }, { code: 'ARCHMAP_IGNORED', path: 'archMap', message: `${readers} has no archMap: only the native arch is in the filter, so 32-bit (compat) processes are killed`, fix: 'list the arches in "architectures" (convert --to oci --arch A does)' });
      }
    }
    if (p.defaultErrno !== undefined && p.defaultErrnoRet === undefined) {
      c.perRuntime({ ...OCI_READERS, docker: 'error' }, { code: 'ERRNO_NAME_IGNORED', path: 'defaultErrno', message: `"defaultErrno": "${p.defaultErrno}" is a containers/common extension; this runtime ignores it and the default errno is EPERM`, fix: 'write the number in defaultErrnoRet (e.g. 38 for ENOSYS)' });
    }
  },
};

export const ruleErrnoOnNonErrnoAction: ValidationRule = {
  name: 'errno-on-non-errno-action', codes: ['ERRNO_RET_IGNORED'],
  check(c) {
    const sev: Partial<Record<RuntimeName, Severity>> = { crun: 'error', runc: 'warning', containerd: 'warning', 'cri-o': 'warning', docker: 'warning' };
    const msg = (what: string, action: string): string => `${what} with ${action}: crun fails ("errno value specified for action"), runc ignores it`;
    if (c.p.defaultErrnoRet !== undefined && !ERRNO_ACTIONS.has(c.p.defaultAction)) {
      c.perRuntime(sev, { code: 'ERRNO_RET_IGNORED', path: 'defaultErrnoRet', message: msg('defaultErrnoRet', c.p.defaultAction), fix: 'remove defaultErrnoRet, or use SCMP_ACT_ERRNO' });
    }
    rules(c.p).forEach((r, i) => {
      if (r.errnoRet !== undefined && !ERRNO_ACTIONS.has(r.action)) {
        c.perRuntime(sev, { code: 'ERRNO_RET_IGNORED', path: `syscalls[${i}].errnoRet`, message: msg('errnoRet', r.action), fix: 'remove errnoRet, or use SCMP_ACT_ERRNO' });
      }
    });
  },
};

export const ruleArgs: ValidationRule = {
  name: 'args', codes: ['ARG_INDEX_OUT_OF_RANGE', 'REPEATED_ARG_INDEX'],
  check(c) {
    rules(c.p).forEach((r, i) => {
      const seen = new Map<number, number>();
      (r.args ?? []).forEach((a, j) => {
        const path = `syscalls[${i}].args[${j}]`;
        if (a.index > 5) c.report({ code: 'ARG_INDEX_OUT_OF_RANGE', severity: 'error', path: `${path}.index`, message: `argument index ${a.index}: syscalls have 6 arguments (0-5); runc and crun refuse the profile`, fix: 'use an index from 0 to 5' });
        const prev = seen.get(a.index);
        if (prev !== undefined) {
          c.report({ code: 'REPEATED_ARG_INDEX', severity: 'warning', path, message: `a second condition on argument ${a.index} (first at args[${prev}]): runc and crun turn each into its own rule, so they are ORed, not ANDed`, fix: 'use one condition per index (MASKED_EQ can test several bits), or split into separate rules if OR is what you want' });
        } else seen.set(a.index, j);
      });
    });
  },
};

export const ruleEmptyNames: ValidationRule = {
  name: 'empty-names', codes: ['EMPTY_NAMES'],
  check(c) {
    rules(c.p).forEach((r, i) => {
      if ((r.names === undefined || r.names.length === 0) && r.name === undefined) {
        c.report({ code: 'EMPTY_NAMES', severity: 'error', path: `syscalls[${i}]`, message: 'this rule names no syscall: runc and crun turn it into no rule at all (the runtime-spec requires at least one name)', fix: 'add "names": [...] or remove the rule' });
      }
    });
  },
};

export const ruleDuplicates: ValidationRule = {
  name: 'duplicates', codes: ['DUPLICATE_SYSCALL', 'CONTRADICTORY_RULES'],
  check(c) {
    const first = new Map<string, { i: number; k: number; key: string; action: string }>();
    rules(c.p).forEach((r, i) => {
      if (hasConditions(r)) return;
      const conditional = (r.args?.length ?? 0) > 0;
      // SCMP_ACT_KILL is an alias of SCMP_ACT_KILL_THREAD.
      const key = `${r.action === 'SCMP_ACT_KILL' ? 'SCMP_ACT_KILL_THREAD' : r.action}|${r.errnoRet ?? ''}|${JSON.stringify((r.args ?? []).map((a) => [a.index, a.op, String(a.value), String(a.valueTwo ?? '')]))}`;
      namesOf(r).forEach((n, k) => {
        const path = r.names !== undefined ? `syscalls[${i}].names[${k}]` : `syscalls[${i}].name`;
        const prevKey = `${n}#${conditional ? key : 'u'}`;
        const prev = first.get(prevKey);
        if (prev === undefined) {
          first.set(prevKey, { i, k, key, action: r.action });
          return;
        }
        const where = prev.i === i ? `earlier in this rule` : `in syscalls[${prev.i}]`;
        if (prev.key === key) {
          c.report({ code: 'DUPLICATE_SYSCALL', severity: 'warning', path, message: `${n} is listed again with the same action (${where})`, fix: 'remove the duplicate' });
        } else {
          c.report({ code: 'CONTRADICTORY_RULES', severity: 'error', path, message: `${n} already has an unconditional rule ${where} with ${prev.key.split('|').slice(0, 2).filter(Boolean).join(' errno ')}; libseccomp keeps only the first, so this ${r.action} rule is silently ignored`, fix: `keep ${n} in one rule only` });
        }
      });
    });
  },
};

export const ruleCompatArches: ValidationRule = {
  name: 'compat-arches', codes: ['MISSING_COMPAT_ARCH'],
  check(c) {
    const listed = new Set((c.p.architectures ?? []).map((t) => resolveArch(t)?.id).filter((x) => x !== undefined));
    (c.p.architectures ?? []).forEach((t, k) => {
      const a = resolveArch(t);
      if (!a || !(SPEC_ARCHES as readonly string[]).includes(t)) return;
      const missing = a.compat.filter((x) => !listed.has(x));
      if (missing.length === 0) return;
      // Policy (seccompctl generate follows it): a least-privilege profile leaves out the 32-bit compat ABIs unless
      // a compat process was recorded. Their syscall tables are a separate, rarely needed attack surface, and runc
      // and containerd without archMap filter the native arch only, too. So this is information, not a warning.
      c.report({ code: 'MISSING_COMPAT_ARCH', severity: 'info', path: `architectures[${k}]`, message: `${t} is listed without its compat ABI${missing.length > 1 ? 's' : ''} ${scmpList(missing.map((m) => archInfo(m).scmp))}: 32-bit processes are killed (the bad-arch action); intended for workloads that run no 32-bit binaries`, fix: `add ${scmpList(missing.map((m) => archInfo(m).scmp))} if 32-bit binaries must run` });
    });
  },
};

export const ruleEpermFallback: ValidationRule = {
  name: 'eperm-fallback', codes: ['EPERM_BREAKS_FALLBACK'],
  check(c) {
    const byDefault: string[] = [];
    for (const n of ['clone3', 'faccessat2', 'openat2']) {
      let decided: { action: string; errno: number | undefined; path: string } | undefined;
      rules(c.p).forEach((r, i) => {
        if (decided || hasConditions(r) || (r.args?.length ?? 0) > 0) return;
        const k = namesOf(r).indexOf(n);
        if (k >= 0) decided = { action: r.action, errno: r.errnoRet, path: r.names !== undefined ? `syscalls[${i}].names[${k}]` : `syscalls[${i}].name` };
      });
      if (!decided) {
        if (c.p.defaultAction === 'SCMP_ACT_ERRNO' && (c.p.defaultErrnoRet ?? EPERM) === EPERM) byDefault.push(n);
        continue;
      }
      if (decided.action === 'SCMP_ACT_ERRNO' && (decided.errno ?? EPERM) === EPERM) {
        c.report({ code: 'EPERM_BREAKS_FALLBACK', severity: 'warning', path: decided.path, message: `${n} is denied with EPERM: glibc and runc fall back to the older syscall only on ENOSYS, so programs fail instead`, fix: `use "errnoRet": 38 (ENOSYS) for ${n}` });
      }
    }
    if (byDefault.length) {
      c.report({ code: 'EPERM_BREAKS_FALLBACK', severity: 'warning', path: 'defaultAction', message: `${byDefault.join(', ')} ${byDefault.length > 1 ? 'are' : 'is'} denied with EPERM by the default action: glibc and runc fall back to the older syscalls only on ENOSYS, so programs fail instead`, fix: `add {"names": ${JSON.stringify(byDefault)}, "action": "SCMP_ACT_ERRNO", "errnoRet": 38}, or use "defaultErrnoRet": 38` });
    }
  },
};

export const ruleAllowLikeDefault: ValidationRule = {
  name: 'allow-like-default', codes: ['ALLOW_LIKE_DEFAULT', 'RULE_SAME_AS_DEFAULT'],
  check(c) {
    if (c.p.defaultAction === 'SCMP_ACT_ALLOW' || c.p.defaultAction === 'SCMP_ACT_LOG') {
      c.report({ code: 'ALLOW_LIKE_DEFAULT', severity: 'warning', path: 'defaultAction', message: `default action ${c.p.defaultAction}: every syscall not listed is allowed (a deny-list), so new or unexpected syscalls are not blocked`, fix: 'use SCMP_ACT_ERRNO (with defaultErrnoRet 38 if you want ENOSYS) and allow-list what the workload needs' });
    }
    rules(c.p).forEach((r, i) => {
      if (r.action === c.p.defaultAction && (r.args?.length ?? 0) === 0 && !hasConditions(r) &&
          (!ERRNO_ACTIONS.has(r.action) || (r.errnoRet ?? EPERM) === (c.p.defaultErrnoRet ?? EPERM))) {
        c.report({ code: 'RULE_SAME_AS_DEFAULT', severity: 'info', path: `syscalls[${i}].action`, message: 'this rule has the default action: runc and crun skip it (it changes nothing)', fix: 'remove the rule' });
      }
    });
  },
};

export const ruleListener: ValidationRule = {
  name: 'listener', codes: ['LISTENER_METADATA_WITHOUT_PATH', 'NOTIFY_WITHOUT_LISTENER', 'NOTIFY_DEFAULT_ACTION'],
  check(c) {
    if (c.p.listenerMetadata !== undefined && c.p.listenerPath === undefined) {
      c.report({ code: 'LISTENER_METADATA_WITHOUT_PATH', severity: 'error', path: 'listenerMetadata', message: 'listenerMetadata without listenerPath (the runtime-spec forbids it)', fix: 'add listenerPath or remove listenerMetadata' });
    }
    if (c.p.defaultAction === 'SCMP_ACT_NOTIFY') {
      c.report({ code: 'NOTIFY_DEFAULT_ACTION', severity: 'error', path: 'defaultAction', message: 'SCMP_ACT_NOTIFY cannot be the default action (runc refuses it)', fix: 'notify on specific syscalls only' });
    }
    const i = rules(c.p).findIndex((r) => r.action === 'SCMP_ACT_NOTIFY');
    if (i >= 0 && c.p.listenerPath === undefined) {
      c.report({ code: 'NOTIFY_WITHOUT_LISTENER', severity: 'error', path: `syscalls[${i}].action`, message: 'SCMP_ACT_NOTIFY without listenerPath: nobody receives the notifications and the syscalls block', fix: 'set listenerPath to the agent\'s socket' });
    }
  },
};

const SPO_INT64_MAX = (1n << 63n) - 1n;

export const ruleSpoLimits: ValidationRule = {
  name: 'spo-limits', codes: ['SPO_VALUE_RANGE', 'SPO_TOO_MANY_ARGS'],
  check(c) {
    if (c.dialect !== 'spo') return;
    rules(c.p).forEach((r, i) => {
      if ((r.args?.length ?? 0) > 6) {
        c.report({ code: 'SPO_TOO_MANY_ARGS', severity: 'error', path: `syscalls[${i}].args`, message: `${r.args!.length} argument conditions: the SeccompProfile CRD allows at most 6 per rule, so the API server refuses the resource`, fix: 'split the rule' });
      }
      (r.args ?? []).forEach((a, j) => {
        for (const k of ['value', 'valueTwo'] as const) {
          const v = a[k];
          if (v !== undefined && v > SPO_INT64_MAX) {
            c.report({ code: 'SPO_VALUE_RANGE', severity: 'error', path: `syscalls[${i}].args[${j}].${k}`, message: `${v} does not fit the CRD's int64 ${k}: the API server refuses the resource`, fix: 'install the profile as a plain file (uint64 is fine there), or use a value up to 9223372036854775807' });
          }
        }
      });
    });
  },
};

/** Every rule, in reporting order. */
export const VALIDATION_RULES: readonly ValidationRule[] = [
  ruleUnknownAction, ruleUnknownOperator, ruleUnknownArch, ruleFlags, ruleSyscallNames, ruleDockerOnlyKeys,
  ruleErrnoOnNonErrnoAction, ruleArgs, ruleEmptyNames, ruleDuplicates, ruleCompatArches, ruleEpermFallback,
  ruleAllowLikeDefault, ruleListener, ruleSpoLimits,
];

/**
 * Validates a profile for the given runtimes. Runtime-independent findings carry no `runtime`; the others one
 * finding per runtime concerned. With `source`, findings get file/line/col; with `parsedRaw` (ParseResult.raw) the
 * checks see the profile as written, including Docker-only keys.
 */
export function validateProfile(profile: Profile, opts: ValidateOptions = {}): Diagnostic[] {
  const p: DockerProfile = opts.parsedRaw ?? profile;
  const dialect = opts.dialect ?? (opts.parsedRaw ? 'docker' : 'oci');
  const runtimes = new Set(opts.runtimes ?? RUNTIMES);
  const out: Diagnostic[] = [];
  const arches = targetArches(p, opts.arches);
  const ctx: RuleContext = {
    p, dialect, runtimes, arches: arches.ids, archesExplicit: arches.explicit,
    report(d) { out.push(d); },
    perRuntime(which, d) {
      for (const rt of RUNTIMES) {
        const sev = which[rt];
        if (sev && runtimes.has(rt)) out.push({ ...d, severity: sev, runtime: rt });
      }
    },
  };
  for (const rule of VALIDATION_RULES) rule.check(ctx);
  const withPrefix = dialect === 'spo' ? out.map((d) => (d.path !== undefined ? { ...d, path: `spec.${d.path}` } : d)) : out;
  return opts.source ? placeDiagnostics(withPrefix, opts.source) : withPrefix;
}
