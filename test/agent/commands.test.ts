// The agent's and record start|stop|pull's rules live in the library (issue 12): runAgent, annotateWorkload and
// pullRecordings refuse with the coded diagnostic whose message the CLI prints, and give the outcome it exits by.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { annotateWorkload, pullRecordings, runAgent, type RecordingData } from '../../src/agent/index.js';
import type { Refusal } from '../../src/common/index.js';
import { cli } from '../helpers/cli.js';
import { webRecording, writeStateDir } from './state-fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-agent-commands-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The refusal's one error; the CLI's last stderr line is `seccompctl: MESSAGE`, exit 2. */
async function sameAsCli(r: { outcome: string }, args: string[]): Promise<{ code: string; message: string }> {
  expect(r.outcome).toBe('refused');
  const e = (r as Refusal).diagnostics.find((d) => d.severity === 'error')!;
  expect(e.message).toBe((r as Refusal).summary);
  const c = await cli(args);
  expect(c.code).toBe(2);
  expect(c.stderr.trimEnd().split('\n').pop()).toBe(`seccompctl: ${e.message}`);
  return { code: e.code, message: e.message };
}

describe('annotateWorkload (record start|stop)', () => {
  it.each([
    ['no kind', 'web', {}, 'INVALID_WORKLOAD_REF', /name the kind/],
    ['an unknown kind', 'pod/web', {}, 'INVALID_WORKLOAD_REF', /unknown workload kind "pod"/],
    ['a bad name', 'deployment/Web', {}, 'INVALID_WORKLOAD_REF', /not a valid workload name/],
    ['a bad namespace', 'deployment/web', { namespace: 'No' }, 'INVALID_OPTION', /--namespace "No"/],
    ['a bad container name', 'deployment/web', { containers: ['App'] }, 'INVALID_OPTION', /--containers "App"/],
  ])('%s', async (_n, w, o, code, words) => {
    const opts = o as { namespace?: string; containers?: string[] };
    const r = annotateWorkload(w, { start: true, apply: false, ...opts });
    const args = ['record', 'start', w, '--print', ...(opts.namespace ? ['-n', opts.namespace] : []), ...(opts.containers ? ['--containers', opts.containers.join(',')] : [])];
    const e = await sameAsCli(r, args);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(words);
  });

  it('without applying: the patch the CLI prints with --json, and the kubectl command', async () => {
    const r = annotateWorkload('deploy/web', { start: true, namespace: 'shop', containers: ['app'], apply: false });
    if (r.outcome !== 'ok') throw new Error('refused');
    expect(r.applied).toBeUndefined();
    expect(r.kubectl.slice(0, 6)).toEqual(['kubectl', 'patch', '-n', 'shop', 'deployment', 'web']);
    const c = await cli(['record', 'start', 'deploy/web', '-n', 'shop', '--containers', 'app', '--json']);
    expect(JSON.parse(c.stdout)).toEqual(r.patch);
  });
});

describe('pullRecordings (record pull)', () => {
  const rec = (node: string, calls: string[], loss: string[] = []): RecordingData => webRecording(node, 'web-7d4b9c8f6d-x2k9p', calls, loss);
  const stateDir = (node: string, recs: RecordingData[]): string => writeStateDir(tmp, node, recs);

  it('no recording of the workload: outcome failed with NO_RECORDINGS (exit 1, the same line)', async () => {
    const n = stateDir('n1', [rec('n1', ['read'])]);
    const r = pullRecordings('deployment/absent', { namespace: 'shop', fromDirs: [n], output: join(tmp, 'none') });
    expect(r.outcome).toBe('failed');
    if (r.outcome === 'refused') return;
    expect(r.diagnostics.map((d) => d.code)).toEqual(['NO_RECORDINGS']);
    const c = await cli(['record', 'pull', 'deployment/absent', '-n', 'shop', '--from-dir', n, '-o', join(tmp, 'none')]);
    expect([c.code, c.stderr]).toEqual([1, `seccompctl: ${r.diagnostics[0]!.message}\n`]);
  });

  it('lost events: the profile is written, outcome failed with a RECORDS_LOST warning per loss (exit 1)', async () => {
    const n = stateDir('n2', [rec('n2', ['read'], ['kernel log records 10-20 were overwritten'])]);
    const r = pullRecordings('web', { namespace: 'shop', fromDirs: [n], output: join(tmp, 'lossy') });
    expect(r.outcome).toBe('failed');
    if (r.outcome === 'refused') return;
    expect(r.profiles.map((p) => p.file)).toEqual([join(tmp, 'lossy', 'shop_web_app.json')]);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([['RECORDS_LOST', 'warning', 'app: kernel log records 10-20 were overwritten']]);
    const c = await cli(['record', 'pull', 'web', '-n', 'shop', '--from-dir', n, '-o', join(tmp, 'lossy2')]);
    expect(c.code).toBe(1);
    expect(c.stderr).toContain(`warning: ${r.diagnostics[0]!.message}`);
  });

  it('an output directory that cannot be written is refused before any state is read (OUTPUT_NOT_WRITABLE)', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    // A state dir that does not exist: had it been read first, the error would be about it.
    const e = await sameAsCli(pullRecordings('web', { fromDirs: [join(tmp, 'nope')], output: join(file, 'sub') }),
      ['record', 'pull', 'web', '--from-dir', join(tmp, 'nope'), '-o', join(file, 'sub')]);
    expect(e.code).toBe('OUTPUT_NOT_WRITABLE');
    expect(e.message).toContain('is not a directory');
    const ro = join(tmp, 'ro');
    mkdirSync(ro);
    const immutable = spawnSync('chattr', ['+i', ro]).status === 0;
    try {
      if (immutable) expect(pullRecordings('web', { fromDirs: [join(tmp, 'nope')], output: join(ro, 'x') }).outcome).toBe('refused');
    } finally {
      if (immutable) spawnSync('chattr', ['-i', ro]);
    }
  });
});

describe('runAgent (agent)', () => {
  it.each([
    ['a flush interval under 0.1 s', { flushIntervalSec: 0.05 }, ['--flush-interval', '0.05'], '--flush-interval "0.05": expected a number ≥ 0.1'],
    ['no containers', { maxContainers: 0 }, ['--max-containers', '0'], '--max-containers "0": expected a number ≥ 1'],
  ])('refuses %s before starting (INVALID_OPTION)', async (_n, o, args, message) => {
    const ac = new AbortController();
    const e = await sameAsCli(await runAgent({ ...o, stateDir: join(tmp, 'agent'), signal: ac.signal }), ['agent', '--state-dir', join(tmp, 'agent'), ...args]);
    expect(e).toEqual({ code: 'INVALID_OPTION', message });
  });

  it('text that is no number is refused in the same words', async () => {
    const c = await cli(['agent', '--flush-interval', 'soon']);
    expect([c.code, c.stderr.trim()]).toEqual([2, 'seccompctl: --flush-interval "soon": expected a number ≥ 0.1']);
  });
});
