// One failing fixture per validation rule: each asserts the code, the JSON path and (when runtime-specific) which
// runtimes report it and how severely. Wording is not asserted.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/common/index.js';
import { parseProfile, validateProfile, VALIDATION_RULES, type RuntimeName } from '../../src/profile/index.js';

const DIR = 'test/fixtures/profile';

function check(file: string, runtimes?: RuntimeName[]): Diagnostic[] {
  const text = readFileSync(join(DIR, file), 'utf8');
  const r = parseProfile(text, { file });
  return [...r.diagnostics, ...validateProfile(r.profile, { source: r.source, dialect: r.dialect, parsedRaw: r.raw, ...(runtimes ? { runtimes } : {}) })];
}

interface Case {
  file: string;
  code: string;
  path: string;
  severity: 'error' | 'warning' | 'info';
  /** Runtimes expected to report it (undefined: a runtime-independent finding). */
  runtimes?: RuntimeName[];
  /** Runtimes that must NOT report it. */
  notRuntimes?: RuntimeName[];
}

const CASES: Case[] = [
  { file: 'rules/unknown-action.json', code: 'UNKNOWN_ACTION', path: 'syscalls[0].action', severity: 'error' },
  { file: 'rules/unknown-operator.json', code: 'UNKNOWN_OPERATOR', path: 'syscalls[0].args[0].op', severity: 'error' },
  { file: 'rules/unknown-arch.json', code: 'UNKNOWN_ARCH', path: 'architectures[1]', severity: 'error' },
  { file: 'rules/runc-parisc-arch.json', code: 'ARCH_UNSUPPORTED_BY_RUNTIME', path: 'architectures[0]', severity: 'error', runtimes: ['containerd', 'cri-o', 'docker', 'runc'] },
  { file: 'rules/unknown-flag.json', code: 'UNKNOWN_FLAG', path: 'flags[0]', severity: 'error' },
  { file: 'rules/flags-old-runc.json', code: 'FLAGS_REJECTED_BY_OLD_RUNC', path: 'flags[0]', severity: 'warning', runtimes: ['containerd', 'cri-o', 'docker', 'runc'], notRuntimes: ['crun'] },
  { file: 'rules/missing-flags.json', code: 'MISSING_FLAGS', path: 'defaultAction', severity: 'warning' },
  { file: 'rules/unknown-syscall.json', code: 'UNKNOWN_SYSCALL', path: 'syscalls[0].names[1]', severity: 'error' },
  { file: 'rules/empty-syscall-name.json', code: 'EMPTY_SYSCALL_NAME', path: 'syscalls[0].names[1]', severity: 'error' },
  { file: 'rules/syscall-newer-than-tables.json', code: 'SYSCALL_NEWER_THAN_TABLES', path: 'syscalls[0].names[1]', severity: 'info' },
  { file: 'rules/syscall-not-on-arch.json', code: 'SYSCALL_NOT_ON_ARCH', path: 'syscalls[0].names[1]', severity: 'warning' },
  { file: 'valid/docker-singular-name.json', code: 'RULE_DROPPED_BY_CONTAINERD', path: 'syscalls[0].name', severity: 'error', runtimes: ['containerd', 'runc', 'crun'], notRuntimes: ['docker', 'cri-o'] },
  { file: 'rules/docker-includes.json', code: 'CONDITIONS_IGNORED', path: 'syscalls[1].includes', severity: 'error', runtimes: ['containerd', 'runc', 'crun'], notRuntimes: ['docker', 'cri-o'] },
  { file: 'rules/docker-archmap.json', code: 'ARCHMAP_IGNORED', path: 'archMap', severity: 'warning', runtimes: ['containerd', 'runc', 'crun'], notRuntimes: ['docker', 'cri-o'] },
  { file: 'rules/architectures-with-archmap.json', code: 'ARCHITECTURES_WITH_ARCHMAP', path: 'archMap', severity: 'error', runtimes: ['cri-o', 'docker'], notRuntimes: ['containerd'] },
  { file: 'rules/name-and-names.json', code: 'NAME_AND_NAMES', path: 'syscalls[0].name', severity: 'error', runtimes: ['cri-o', 'docker'] },
  { file: 'rules/name-and-names.json', code: 'NAME_IGNORED', path: 'syscalls[0].name', severity: 'error', runtimes: ['containerd', 'runc', 'crun'] },
  { file: 'rules/errno-name.json', code: 'ERRNO_NAME_IGNORED', path: 'defaultErrno', severity: 'error', runtimes: ['containerd', 'docker', 'runc', 'crun'], notRuntimes: ['cri-o'] },
  { file: 'rules/crio-minkernel.json', code: 'MIN_KERNEL_IGNORED_BY_CRIO', path: 'syscalls[1].includes.minKernel', severity: 'warning', runtimes: ['cri-o'], notRuntimes: ['docker'] },
  { file: 'rules/errno-on-allow.json', code: 'ERRNO_RET_IGNORED', path: 'syscalls[0].errnoRet', severity: 'error', runtimes: ['crun'] },
  { file: 'rules/errno-on-allow.json', code: 'ERRNO_RET_IGNORED', path: 'syscalls[0].errnoRet', severity: 'warning', runtimes: ['runc', 'containerd', 'cri-o', 'docker'] },
  { file: 'rules/arg-index-6.json', code: 'ARG_INDEX_OUT_OF_RANGE', path: 'syscalls[0].args[0].index', severity: 'error' },
  { file: 'rules/repeated-arg-index.json', code: 'REPEATED_ARG_INDEX', path: 'syscalls[0].args[1]', severity: 'warning' },
  { file: 'rules/empty-names.json', code: 'EMPTY_NAMES', path: 'syscalls[1]', severity: 'error' },
  { file: 'rules/duplicate-syscall.json', code: 'DUPLICATE_SYSCALL', path: 'syscalls[1].names[0]', severity: 'warning' },
  { file: 'rules/contradictory-rules.json', code: 'CONTRADICTORY_RULES', path: 'syscalls[1].names[0]', severity: 'error' },
  { file: 'rules/missing-compat-arch.json', code: 'MISSING_COMPAT_ARCH', path: 'architectures[0]', severity: 'info' },
  // unlink has no arm64 syscall and unlinkat is not allowed: error. mkdir's counterpart mkdirat is allowed: info.
  { file: 'rules/missing-arch-counterpart.json', code: 'MISSING_ARCH_COUNTERPART', path: 'syscalls[0].names[2]', severity: 'error' },
  { file: 'rules/missing-arch-counterpart.json', code: 'SYSCALL_NOT_ON_ARCH', path: 'syscalls[0].names[0]', severity: 'info' },
  { file: 'rules/eperm-clone3.json', code: 'EPERM_BREAKS_FALLBACK', path: 'syscalls[1].names[0]', severity: 'warning' },
  { file: 'rules/eperm-default.json', code: 'EPERM_BREAKS_FALLBACK', path: 'defaultAction', severity: 'warning' },
  { file: 'rules/allow-default.json', code: 'ALLOW_LIKE_DEFAULT', path: 'defaultAction', severity: 'warning' },
  { file: 'rules/rule-same-as-default.json', code: 'RULE_SAME_AS_DEFAULT', path: 'syscalls[1].action', severity: 'info' },
  { file: 'rules/listener-metadata.json', code: 'LISTENER_METADATA_WITHOUT_PATH', path: 'listenerMetadata', severity: 'error' },
  { file: 'rules/notify-no-listener.json', code: 'NOTIFY_WITHOUT_LISTENER', path: 'syscalls[1].action', severity: 'error' },
  { file: 'rules/spo-value-range.yaml', code: 'SPO_VALUE_RANGE', path: 'spec.syscalls[1].args[0].value', severity: 'error' },
  { file: 'rules/spo-too-many-args.yaml', code: 'SPO_TOO_MANY_ARGS', path: 'spec.syscalls[1].args', severity: 'error' },
  { file: 'rules/notify-default.json', code: 'NOTIFY_DEFAULT_ACTION', path: 'defaultAction', severity: 'error' },
];

describe('validation rules: each has a failing fixture', () => {
  for (const c of CASES) {
    it(`${c.file} → ${c.code} at ${c.path}${c.runtimes ? ` [${c.runtimes.join(',')}]` : ''}`, () => {
      const found = check(c.file).filter((d) => d.code === c.code && d.path === c.path);
      expect(found.length).toBeGreaterThan(0);
      for (const d of found) {
        expect(d.file).toBe(c.file);
        expect(d.line).toBeGreaterThan(0);
        expect(d.fix).toBeTruthy();
      }
      if (!c.runtimes) {
        expect(found.map((d) => [d.severity, d.runtime])).toEqual([[c.severity, undefined]]);
      } else {
        const mine = found.filter((d) => d.severity === c.severity).map((d) => d.runtime).sort();
        expect(mine).toEqual(expect.arrayContaining([...c.runtimes]));
        for (const rt of c.notRuntimes ?? []) expect(found.some((d) => d.runtime === rt)).toBe(false);
      }
    });
  }

  it('every code a rule declares is covered by a fixture above', () => {
    const covered = new Set(CASES.map((c) => c.code));
    const declared = VALIDATION_RULES.flatMap((r) => r.codes);
    expect(declared.filter((c) => !covered.has(c))).toEqual([]);
  });

  it('docs/profile.md lists every validation code', () => {
    const doc = readFileSync('docs/profile.md', 'utf8');
    expect(VALIDATION_RULES.flatMap((r) => r.codes).filter((c) => !doc.includes(`\`${c}\``))).toEqual([]);
  });

  it('restricting --runtime removes the other runtimes\' findings', () => {
    const ds = check('valid/docker-singular-name.json', ['docker']);
    expect(ds.some((d) => d.runtime !== undefined && d.runtime !== 'docker')).toBe(false);
    expect(ds.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('positions point at the offending value', () => {
    const d = check('rules/unknown-action.json').find((x) => x.code === 'UNKNOWN_ACTION')!;
    const text = readFileSync(join(DIR, 'rules/unknown-action.json'), 'utf8');
    expect(text.split('\n')[d.line! - 1]!.slice(d.col! - 1)).toMatch(/^"SCMP_ACT_ALLOWW"/);
  });

  it('SPO CR findings carry spec.-prefixed paths', () => {
    const r = parseProfile('apiVersion: security-profiles-operator.x-k8s.io/v1\nkind: SeccompProfile\nmetadata: {name: a}\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  flags: []\n  syscalls:\n  - names: [read]\n    action: SCMP_ACT_NOPE\n', { file: 'sp.yaml' });
    const d = validateProfile(r.profile, { source: r.source, dialect: r.dialect, parsedRaw: r.raw }).find((x) => x.code === 'UNKNOWN_ACTION')!;
    expect(d).toMatchObject({ path: 'spec.syscalls[0].action', line: 9, col: 13 });
  });

  it('valid fixtures have no errors or warnings for any runtime (Docker-format ones: for Docker)', () => {
    for (const f of readdirSync(join(DIR, 'valid'))) {
      const rts: RuntimeName[] | undefined = f.startsWith('docker') ? ['docker'] : undefined;
      const bad = check(`valid/${f}`, rts).filter((d) => d.severity !== 'info');
      expect({ f, bad }).toEqual({ f, bad: [] });
    }
  });
});
