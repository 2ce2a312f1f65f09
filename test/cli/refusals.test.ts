// Every command's library call refuses in one shape (common's Refusal: `outcome: 'refused'`, a one-line `summary`, the
// diagnostics behind it), and the CLI prints that refusal through one function: the details (file:line:col) above
// `seccompctl: SUMMARY`, exit 2. Each row: the library call and the command a user types for the same refusal.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { adviseFile } from '../../src/advise/index.js';
import { annotateWorkload } from '../../src/agent/index.js';
import { checkProfileCalls, compileProfileRef } from '../../src/bpf/index.js';
import { formatDiagnostic, refusalDetails, type Refusal, type RefusalListing } from '../../src/common/index.js';
import { diffProfileRefs, mergeProfileFiles } from '../../src/generate/index.js';
import { installFiles, lintFiles, patchFiles, spoFiles } from '../../src/k8s/index.js';
import { convertProfile } from '../../src/profile/index.js';
import { recordProfile } from '../../src/record/index.js';
import { reportFromFiles } from '../../src/report/index.js';
import { resolveQueries } from '../../src/syscalls/index.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'seccompctl-refusals-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => { writeFileSync(join(dir, name), text); return name; };

const OK = file('ok.json', '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"flags":[],"syscalls":[{"names":["read","bogus_call"],"action":"SCMP_ACT_ALLOW"}]}');
// A parse error, then a warning after it: advise lists both, in order, above its summary.
const BAD = file('bad.json', '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":5,"action":"SCMP_ACT_ALLOW"},{"names":["a"],"action":"SCMP_ACT_ALLOW","bogus":1}]}');
const BIG = file('big.json', '{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551615,"op":"SCMP_CMP_EQ"}]}]}');
const SPO_BASE = file('spo-base.yaml', 'apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  baseProfileName: runc-v1.0.0\n  syscalls:\n  - action: SCMP_ACT_ALLOW\n    names: [read]\n');
const POD = file('pod.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x\n');
const SYNTAX = file('syntax.yaml', 'a: [1\nb: }\n');
const stdin = (s = ''): Readable => Readable.from([Buffer.from(s)]);
const at = { cwd: dir };

interface Row {
  readonly call: () => Promise<{ outcome: string }> | { outcome: string };
  readonly args: string[];
  readonly stdin?: string;
  readonly listing?: RefusalListing;
}

const ROWS: Record<string, Row> = {
  'resolve: UNKNOWN_ARCH': { call: () => resolveQueries(['read'], { arches: ['x86_64,sparc'] }), args: ['resolve', '--arch', 'x86_64,sparc', 'read'] },
  'check: NO_SYSCALLS_GIVEN': { call: () => checkProfileCalls(OK, [], { ...at, stdin: stdin() }), args: ['check', OK] },
  'check: STDIN_USED_TWICE': { call: () => checkProfileCalls('-', [], { ...at, stdin: stdin() }), args: ['check', '-'] },
  'convert: CONVERSION_REFUSED after its findings': {
    call: () => convertProfile('apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nmetadata:\n  name: x\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  baseProfileName: runc-v1.0.0\n  syscalls:\n  - action: SCMP_ACT_ALLOW\n    names: [read]\n', { to: 'oci', file: SPO_BASE }),
    args: ['convert', '--to', 'oci', SPO_BASE],
  },
  'convert: SPO_NAME_NEEDED': { call: () => convertProfile('{"defaultAction":"SCMP_ACT_ERRNO"}', { to: 'spo', file: '-' }), args: ['convert', '--to', 'spo', '-'], stdin: '{"defaultAction":"SCMP_ACT_ERRNO"}' },
  'diff: STDIN_USED_TWICE': { call: () => diffProfileRefs('-', '-', { ...at, stdin: stdin() }), args: ['diff', '-', '-'] },
  'merge: STDIN_USED_TWICE': { call: () => mergeProfileFiles(['-', '-'], { ...at, stdin: stdin() }), args: ['merge', '-', '-'] },
  'report: UNKNOWN_ARCH': { call: () => reportFromFiles(OK, { ...at, arch: 'vax' }), args: ['report', OK, '--arch', 'vax'] },
  'advise: INVALID_PROFILE after the parser\'s findings': { call: () => adviseFile(BAD, at), args: ['advise', BAD], listing: { notes: true } },
  'k8s patch: MANIFEST_SYNTAX under one summary': { call: () => patchFiles([SYNTAX], { ...at, profile: { type: 'RuntimeDefault' } }), args: ['k8s', 'patch', '--runtime-default', SYNTAX] },
  'k8s patch: PATCH_CONTAINER_NOT_FOUND': {
    call: () => patchFiles([POD], { ...at, profile: { type: 'RuntimeDefault' }, containers: ['nope'] }), args: ['k8s', 'patch', '--runtime-default', '--container', 'nope', POD],
  },
  'k8s lint: CONFLICTING_OPTIONS': {
    call: () => lintFiles([POD], { ...at, seccompDefault: true, kubeletConfig: 'x.yaml' }), args: ['k8s', 'lint', '--seccomp-default', '--kubelet-config', 'x.yaml', POD],
  },
  'k8s install: invalid profiles': { call: () => installFiles([BAD, OK], at), args: ['k8s', 'install', BAD, OK] },
  'k8s spo: SPO_VALUE_RANGE under one summary': { call: () => spoFiles([BIG], at), args: ['k8s', 'spo', BIG] },
  'record: OUTPUT_NOT_WRITABLE before the workload runs': {
    call: () => recordProfile({ argv: ['true'], outputFile: join(dir, 'no/such/dir/p.json') }), args: ['record', '-o', 'no/such/dir/p.json', '--', 'true'],
  },
  'record start: INVALID_WORKLOAD_REF': { call: () => annotateWorkload('web', { start: true }), args: ['record', 'start', 'web'] },
};

describe('one refusal shape, printed by one function', () => {
  it.each(Object.entries(ROWS))('%s', async (_name, row) => {
    const r = (await row.call()) as Refusal;
    expect(r.outcome).toBe('refused');
    expect(typeof r.summary).toBe('string');
    const c = await cli(row.args, { cwd: dir, ...(row.stdin !== undefined ? { stdin: row.stdin } : {}) });
    expect(c.code).toBe(2);
    const printed = [...refusalDetails(r, row.listing).map((d) => formatDiagnostic(d)), `seccompctl: ${r.summary}`].join('\n') + '\n';
    expect(c.stderr.endsWith(printed), c.stderr).toBe(true);
  });

  it('compile: RAW_TO_TERMINAL is the summary, after the notes it found', async () => {
    const r = await compileProfileRef(OK, { ...at, format: 'raw', destination: 'terminal' });
    expect(r.outcome).toBe('refused');
    if (r.outcome !== 'refused') return;
    expect(r.summary).toBe(r.diagnostics.at(-1)!.message);
    expect(r.diagnostics.at(-1)!.code).toBe('RAW_TO_TERMINAL');
    expect(refusalDetails(r)).toEqual([]);
  });
});
