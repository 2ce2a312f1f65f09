// k8s install's and k8s spo's rules live in the library (issue 12): installFiles and spoFiles refuse with the coded
// diagnostic whose message the CLI prints, and build exactly what the CLI prints.
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Refusal } from '../../src/common/index.js';
import { installFiles, renderInstallYaml, renderRecordInstallYaml, renderSpoYaml, spoFiles } from '../../src/k8s/index.js';
import { cli } from '../helpers/cli.js';

const TIGHT = join(import.meta.dirname, '../fixtures/k8s/lint/profiles/seccompctl/tight.json');
const dir = mkdtempSync(join(tmpdir(), 'seccompctl-installfiles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => { const p = join(dir, name); writeFileSync(p, text); return p; };
const BAD = file('bad.json', '{"defaultAction": "SCMP_ACT_NOPE"}');
const BIG_ARG = file('bigarg.json', '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 1, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}]}');
const SPACE = join(dir, 'a b.json');
copyFileSync(TIGHT, SPACE);
// Over 1 MiB in canonical form: one rule per argument value.
const BIG = file('big.json', JSON.stringify({
  defaultAction: 'SCMP_ACT_ERRNO',
  syscalls: Array.from({ length: 12_000 }, (_, i) => ({ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: i, op: 'SCMP_CMP_EQ' }] })),
}));

/** The refusal's first error: the CLI prints its diagnostics, then `seccompctl: SUMMARY`. */
function firstError(r: Refusal): { code: string; message: string } {
  const e = r.diagnostics.find((d) => d.severity === 'error')!;
  return { code: e.code, message: e.message };
}

async function sameAsCli(r: Awaited<ReturnType<typeof installFiles>> | Awaited<ReturnType<typeof spoFiles>>, args: string[]): Promise<Refusal> {
  expect(r.outcome).toBe('refused');
  if (r.outcome !== 'refused') throw new Error('not refused');
  const c = await cli(['k8s', ...args]);
  expect(c.code).toBe(2);
  expect(c.stdout).toBe('');
  expect(c.stderr.trimEnd().split('\n').pop()).toBe(`seccompctl: ${r.summary}`);
  for (const d of r.diagnostics.filter((x) => x.severity === 'error' && x.message !== r.summary)) expect(c.stderr).toContain(d.message);
  return r;
}

describe('installFiles refuses what the CLI refuses', () => {
  it.each([
    ['a node selector without =', [TIGHT], { nodeSelector: ['pool'] }, 'INVALID_OPTION', ['install', '--node-selector', 'pool', TIGHT]],
    ['--record with profile files', [TIGHT], { record: true }, 'CONFLICTING_OPTIONS', ['install', '--record', TIGHT]],
    ['no profile files', [], {}, 'NO_PROFILES_GIVEN', ['install']],
    ['standard input', ['-'], {}, 'STDIN_NOT_ALLOWED', ['install', '-']],
    ['an invalid profile', [BAD], {}, 'UNKNOWN_ACTION', ['install', BAD]],
    ['a bad namespace', [TIGHT], { namespace: 'No' }, 'INVALID_OPTION', ['install', '-n', 'No', TIGHT]],
    ['a bad --state-dir for the recording DaemonSet', [], { record: true, stateDir: 'rel' }, 'INVALID_OPTION', ['install', '--record', '--state-dir', 'rel']],
    ['a file name that is no ConfigMap key', [SPACE], {}, 'INVALID_RESOURCE_NAME', ['install', SPACE]],
    ['over the ConfigMap limit', [BIG], {}, 'CONFIGMAP_TOO_LARGE', ['install', BIG]],
  ])('%s', async (_n, files, opts, code, args) => {
    const r = await installFiles(files, opts);
    expect(r.outcome).toBe('refused');
    if (r.outcome !== 'refused') return;
    expect(firstError(r).code).toBe(code);
    await sameAsCli(r, args);
  });

  it('two files installed under one name: DUPLICATE_RESOURCE_NAME', async () => {
    const t = file('tight.json', '{"defaultAction": "SCMP_ACT_ERRNO"}');
    const sub = mkdtempSync(join(dir, 'sub-'));
    copyFileSync(TIGHT, join(sub, 'tight.json'));
    const r = await sameAsCli(await installFiles([t, join(sub, 'tight.json')]), ['install', t, join(sub, 'tight.json')]);
    expect(firstError(r)).toEqual({ code: 'DUPLICATE_RESOURCE_NAME', message: 'two profiles would both be installed as "tight.json"; rename one' });
  });

  it('builds what the CLI prints: the profiles\' manifests, and the recording DaemonSet with the agent image', async () => {
    const r = await installFiles([TIGHT], { namespace: 'sec', nodeSelector: ['pool=app'] });
    expect(r.outcome === 'ok' && r.mode).toBe('profiles');
    if (r.outcome !== 'ok' || r.mode !== 'profiles') return;
    expect(r.install.localhostProfiles).toEqual({ 'tight.json': 'seccompctl/tight.json' });
    expect((await cli(['k8s', 'install', '-n', 'sec', '--node-selector', 'pool=app', TIGHT])).stdout).toBe(renderInstallYaml(r.install));
    const rec = await installFiles([], { record: true, all: true });
    if (rec.outcome !== 'ok' || rec.mode !== 'record') throw new Error('not a record install');
    expect(JSON.stringify(rec.record.objects)).toContain('"image":"seccompctl-agent:0.1.0"');
    expect((await cli(['k8s', 'install', '--record', '--all'])).stdout).toBe(renderRecordInstallYaml(rec.record));
  });
});

describe('spoFiles refuses what the CLI refuses', () => {
  it.each([
    ['--name with two profiles', [TIGHT, BAD], { name: 'x' }, 'CONFLICTING_OPTIONS', ['spo', '--name', 'x', TIGHT, BAD]],
    ['standard input', ['-'], {}, 'STDIN_NOT_ALLOWED', ['spo', '-']],
    ['a name that is no resource name', [TIGHT], { name: 'Not_OK' }, 'INVALID_RESOURCE_NAME', ['spo', '--name', 'Not_OK', TIGHT]],
    ['an argument value over int64', [BIG_ARG], {}, 'SPO_VALUE_RANGE', ['spo', BIG_ARG]],
    ['two files with one resource name', [TIGHT, join(dir, 'tight.json')], {}, 'DUPLICATE_RESOURCE_NAME', ['spo', TIGHT, join(dir, 'tight.json')]],
  ])('%s', async (_n, files, opts, code, args) => {
    writeFileSync(join(dir, 'tight.json'), '{"defaultAction": "SCMP_ACT_ERRNO"}');
    const r = await sameAsCli(await spoFiles(files, opts), args);
    expect(firstError(r).code).toBe(code);
  });

  it('builds what the CLI prints', async () => {
    const r = await spoFiles([TIGHT]);
    if (r.outcome !== 'ok') throw new Error('refused');
    expect(r.resources.map((x) => x.localhostProfile)).toEqual(['operator/tight.json']);
    expect((await cli(['k8s', 'spo', TIGHT])).stdout).toBe(renderSpoYaml(r.resources));
  });
});
