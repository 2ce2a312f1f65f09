// advise's inputs: an audit log (no argument values), an allow-list profile, and what it refuses (exit 2).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adviseFile, straceArgValue } from '../../src/advise/index.js';
import { cli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-advise-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Advice { runtime: string; verdict: string; findings: { name: string; outcome: string; reason: string }[] }

describe('seccompctl advise inputs', () => {
  it('an audit log has no argument values: clone and socket depend on them, the verdict says to check', async () => {
    const r = await cli(['advise', 'test/fixtures/ingest/audit-auditd-raw-nginx-runc.log', '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { kind: string; notes: string[]; runtimes: Advice[] };
    expect(j.kind).toBe('recording');
    expect(j.notes.join(' ')).toContain('no argument values');
    for (const a of j.runtimes) {
      expect(a.verdict, a.runtime).toBe('check-arguments');
      // nginx under runc: clone (fork) and socket are the calls every RuntimeDefault decides by argument.
      expect(a.findings.map((f) => `${f.outcome} ${f.name}`).sort(), a.runtime).toEqual(['depends clone', 'depends socket']);
    }
    const docker = j.runtimes.find((a) => a.runtime === 'docker')!;
    expect(docker.findings.find((f) => f.name === 'clone')!.reason).toContain('arg0 & 0x7e020000 == 0');
  });

  it('an allow-list profile: its names are what the workload does', async () => {
    const p = join(tmp, 'app.json');
    writeFileSync(p, JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', flags: [], syscalls: [{ names: ['read', 'write', 'keyctl', 'clone3'], action: 'SCMP_ACT_ALLOW' }] }));
    const r = await cli(['advise', p, '--runtime', 'docker', '--json']);
    const [a] = (JSON.parse(r.stdout) as { runtimes: Advice[] }).runtimes;
    expect(a!.verdict).toBe('needs-localhost');
    expect(a!.findings.map((f) => `${f.outcome} ${f.name}`)).toEqual(['denied keyctl', 'fallback clone3']);
    const c = await cli(['advise', p, '--runtime', 'cri-o']);
    expect(c.code).toBe(0); // CRI-O allows keyctl; clone3 is its ENOSYS fallback
    expect(c.stdout).toContain('cri-o: safe — RuntimeDefault allows everything this workload did');
  });

  it('refuses what it cannot use (exit 2, one line)', async () => {
    const allowAll = join(tmp, 'allow.json');
    writeFileSync(allowAll, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['keyctl'], action: 'SCMP_ACT_ERRNO' }] }));
    const junk = join(tmp, 'junk.txt');
    writeFileSync(junk, 'hello\nworld\n');
    for (const f of [allowAll, junk]) {
      const r = await cli(['advise', f]);
      expect(r.code, f).toBe(2);
      expect(r.stderr.trim().split('\n'), f).toHaveLength(1);
    }
    expect((await cli(['advise', allowAll])).stderr).toContain('allows every syscall by default');
    expect((await cli(['advise', junk])).stderr).toContain('neither a seccomp profile nor a recording');
  });

  it('adviseFile, the library call behind the route: each refusal is a diagnostic, its message the line the CLI prints', async () => {
    const write = (name: string, text: string): string => {
      const f = join(tmp, name);
      writeFileSync(f, text);
      return f;
    };
    const cases: [string, string][] = [
      [write('allow2.json', JSON.stringify({ defaultAction: 'SCMP_ACT_LOG' })), 'ALLOW_LIKE_DEFAULT'],
      [write('junk2.txt', 'hello\n'), 'INPUT_UNRECOGNIZED'],
      [write('empty.json', JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [] })), 'NO_SYSCALLS_FOUND'],
      [write('bad.json', '{"defaultAction": "SCMP_ACT_ERRNO",'), 'INVALID_PROFILE'],
    ];
    for (const [f, code] of cases) {
      const a = await adviseFile(f);
      expect(a.outcome, f).toBe('refused');
      expect(a.result).toBeUndefined();
      const head = a.diagnostics[a.diagnostics.length - 1]!;
      expect([head.code, head.severity], f).toEqual([code, 'error']);
      const r = await cli(['advise', f]);
      expect(r.code, f).toBe(2);
      expect(r.stderr.trim().split('\n').pop(), f).toBe(`seccompctl: ${head.message}`);
    }
    // The parser's findings come before the headline, as the CLI prints them.
    const bad = await adviseFile(cases[3]![0]);
    expect(bad.diagnostics.map((d) => d.code)).toEqual(['INVALID_JSON', 'INVALID_PROFILE']);
    // ok / failed are the exit codes 0 / 1.
    const p = write('app2.json', JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'keyctl'], action: 'SCMP_ACT_ALLOW' }] }));
    expect((await adviseFile(p, { runtimes: ['cri-o'] })).outcome).toBe('ok');
    expect((await cli(['advise', p, '--runtime', 'crio'])).code).toBe(0);
    const docker = await adviseFile(p, { runtimes: ['docker'] });
    expect(docker.outcome).toBe('failed');
    expect(docker.result!.runtimes[0]!.verdict).toBe('needs-localhost');
    expect((await cli(['advise', p, '--runtime', 'docker'])).code).toBe(1);
  });

  it('reads strace argument spellings as the kernel values', () => {
    expect(straceArgValue('flags=CLONE_NEWUSER|SIGCHLD')).toBe(0x10000011n);
    expect(straceArgValue('PER_LINUX|READ_IMPLIES_EXEC')).toBe(0x400000n);
    expect(straceArgValue('0x20008 /* PER_??? */')).toBe(0x20008n);
    expect(straceArgValue('-1')).toBe(0xffffffffffffffffn);
    expect(straceArgValue('0755')).toBe(0o755n);
    expect(straceArgValue('"/etc/passwd"')).toBeUndefined();
    expect(straceArgValue('{sa_family=AF_INET, sin_port=htons(80)}')).toBeUndefined();
    expect(straceArgValue('NETLINK_AUDIT')).toBe(9n);
  });
});
