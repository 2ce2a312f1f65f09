// Every `--json` output has a JSON Schema under schema/output/; each is checked here against what the commands
// really print on the bundled examples (not hand-made samples).
import { Ajv } from 'ajv';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { haveSystem } from '../helpers/system.js';

const BASE = 'https://seccompctl.local/schema/';
const ajv = new Ajv({ allErrors: true, strict: false });
ajv.addSchema(JSON.parse(readFileSync('schema/seccomp-profile.schema.json', 'utf8')) as object, `${BASE}seccomp-profile.schema.json`);
for (const f of readdirSync('schema/output')) ajv.addSchema(JSON.parse(readFileSync(`schema/output/${f}`, 'utf8')) as object);

function conforms(schema: string, stdout: string): void {
  const v = ajv.getSchema(`${BASE}output/${schema}.schema.json`);
  if (!v) throw new Error(`no schema ${schema}`);
  const ok = v(JSON.parse(stdout));
  expect(ok ? [] : v.errors, schema).toEqual([]);
}

const NGINX = resolve('examples/audit/nginx-in-runc.dmesg.log');
const LOSSY = resolve('examples/audit/nginx-in-runc-ratelimited.dmesg.log');
const STRACE = resolve('examples/strace/python-socket-thread.strace');
const DEPLOY = resolve('examples/k8s/deploy.yaml');
const work = mkdtempSync(join(tmpdir(), 'seccompctl-json-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const prof = join(work, 'nginx.json');

describe('--json outputs match their schema (schema/output/)', () => {
  it('generate: profile written, profile embedded, and refused (records lost)', async () => {
    const a = await cli(['generate', NGINX, '--arch', 'x86_64,aarch64', '--json', '-o', prof]);
    expect(a.code).toBe(0);
    conforms('generate', a.stdout);
    const b = await cli(['generate', STRACE, '--args', '--json']);
    expect(b.code).toBe(0);
    conforms('generate', b.stdout);
    expect(JSON.parse(b.stdout)).toHaveProperty('profile.defaultAction');
    const c = await cli(['generate', LOSSY, '--json']);
    expect(c.code).toBe(1);
    conforms('generate', c.stdout);
    expect(JSON.parse(c.stdout)).toMatchObject({ output: null, lost: { certain: true } });
  });

  it.skipIf(!haveSystem('strace'))('generate --json and record --json give the recording in the same shape', async () => {
    const out = join(work, 'true.json');
    const r = await cli(['record', '--backend', 'strace', '--json', '-o', out, '--', 'true']);
    expect(r.code).toBe(0);
    conforms('record', r.stdout);
    const j = JSON.parse(r.stdout) as { syscalls: Record<string, { names: string[]; calls: Record<string, number> }>; processes: { calls: number }[] };
    const arch = Object.keys(j.syscalls)[0]!;
    expect(j.syscalls[arch]!.names).toContain('execve');
    expect(j.processes[0]!.calls).toBeGreaterThan(0);
    // The report reads it as it reads generate's.
    const rep = await cli(['report', out, '--recording', '-', '--format', 'md'], { stdin: r.stdout });
    expect(rep.code).toBe(0);
    expect(rep.stdout).toContain('execve');
  });

  it('validate, diff, check (one and many), advise, resolve', async () => {
    const v = await cli(['validate', '--json', prof]);
    conforms('validate', v.stdout);
    const d = await cli(['diff', '--json', prof, 'runtime-default:containerd']);
    conforms('diff', d.stdout);
    const c1 = await cli(['check', '--json', prof, 'read']);
    expect(c1.code).toBe(0);
    conforms('check', c1.stdout);
    const c2 = await cli(['check', '--json', prof, 'read', 'ptrace']);
    expect(c2.code).toBe(1);
    conforms('check', c2.stdout);
    const a = await cli(['advise', '--json', prof]);
    conforms('advise', a.stdout);
    const r = await cli(['resolve', '--json', '--all-arches', 'openat']);
    conforms('resolve', r.stdout);
  });

  it('doctor and k8s lint', async () => {
    const d = await cli(['doctor', '--json']);
    conforms('doctor', d.stdout);
    const l = await cli(['k8s', 'lint', '--json', DEPLOY]);
    conforms('k8s-lint', l.stdout);
    expect((JSON.parse(l.stdout) as unknown[]).length).toBeGreaterThan(0);
  });

  it('a schema rejects the old record --json shape (syscalls as a bare list per arch)', () => {
    const v = ajv.getSchema(`${BASE}output/record.schema.json`)!;
    const old = { backend: 'strace', fallback: null, container: false, runcVersion: null, exitCode: 0, signal: null, stopped: false, output: '/x',
      syscalls: { SCMP_ARCH_X86_64: ['read'] }, runtimeAdded: [], processes: [{ pid: 1, comm: 'x', calls: 1, syscalls: {} }], lost: [] };
    expect(v(old)).toBe(false);
  });
});
