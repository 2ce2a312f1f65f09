// `seccompctl doctor` on this machine's real kernel, runc and libseccomp, checked against independent sources
// (uname -r, runc --version, /proc/sys/kernel/seccomp/actions_avail, scmp_sys_resolver); a KubeletConfiguration with
// and without seccompDefault; a fake kubelet process; a fake kubelet root with valid, invalid and unknown-syscall
// profiles; tracefs unmounted and mounted (in a private mount namespace, so the host's mount is never touched).
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { doctorNode } from '../../src/node/index.js';
import { createHostBundle, runContainer } from '../../src/runtime/index.js';
import { syscallNumber, syscallsOf } from '../../src/syscalls/index.js';
import { cli } from '../helpers/cli.js';
import { haveRoot, haveSystem } from '../helpers/system.js';

interface Check { id: string; status: string; message: string; fix?: string }
interface Report {
  facts: {
    kernel: { release: string; actionsAvail: string[] | null };
    runtimes: { name: string; version: string | null; libseccomp: string | null }[];
    libseccomp: { version: string | null; unknownNames: Record<string, string[]> };
    kubelet: { source: string; rootDir: string; seccompDefault: boolean | null; configFile: string | null; pid: number | null };
    recording: { tracefs: { mounted: string | null } };
  };
  checks: Check[];
  profiles: { path: string; ok: boolean }[];
  failed: boolean;
}

const PROBE_SRC = fileURLToPath(new URL('../fixtures/bpf/probe.c', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-doctor-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const live = haveSystem('runc', 'scmp_sys_resolver', '/usr/bin/python3', 'unshare', 'cc') && haveRoot();

async function doctor(args: string[]): Promise<{ code: number; r: Report; stderr: string }> {
  const res = await cli(['doctor', '--json', ...args]);
  return { code: res.code, r: JSON.parse(res.stdout || 'null') as Report, stderr: res.stderr };
}
const check = (r: Report, id: string): Check | undefined => r.checks.find((c) => c.id === id);

/** libseccomp's answer for each x86_64 name in our tables, from scmp_sys_resolver (one shell, one call per name). */
function resolverUnknown(): string[] {
  const names = [...syscallsOf('x86_64').keys()].sort();
  const out = execFileSync('sh', ['-c', 'for n in "$@"; do printf "%s " "$n"; scmp_sys_resolver -a x86_64 "$n"; done', 'sh', ...names], { encoding: 'utf8' });
  return out.trim().split('\n').map((l) => l.split(' ')).filter(([, v]) => v === '-1').map(([n]) => n!);
}

const OCI = (extra: Record<string, unknown>): string => JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], flags: [], ...extra }, null, 2);

describe.skipIf(!live)('seccompctl doctor on this machine', () => {
  it('reports the kernel, runc and libseccomp as they are (uname -r, runc --version, actions_avail, scmp_sys_resolver)', async () => {
    const root = join(tmp, 'empty-root');
    mkdirSync(root);
    const { code, r } = await doctor(['--kubelet-root', root]);
    expect(code).toBe(0);
    expect(r.facts.kernel.release).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(r.facts.kernel.actionsAvail).toEqual(readFileSync('/proc/sys/kernel/seccomp/actions_avail', 'utf8').trim().split(' '));
    const rv = execFileSync('runc', ['--version'], { encoding: 'utf8' }).split('\n');
    const runc = r.facts.runtimes.find((x) => x.name === 'runc')!;
    expect(runc.version).toBe(rv[0]!.replace('runc version ', ''));
    expect(runc.libseccomp).toBe(rv.find((l) => l.startsWith('libseccomp:'))!.split(':')[1]!.trim());
    expect(r.facts.libseccomp.version).toBe(runc.libseccomp); // Debian's runc links the shared libseccomp
    const unknown = resolverUnknown();
    expect(r.facts.libseccomp.unknownNames.x86_64).toEqual(unknown);
    const line = check(r, 'libseccomp.names.x86_64')!;
    if (unknown.length) {
      expect(line.status).toBe('warning');
      for (const n of unknown) expect(line.message).toContain(n);
    } else {
      expect(line.status).toBe('ok');
    }
    expect(check(r, 'kernel.actions')!.status).toBe('ok');
    expect(check(r, 'profiles')).toMatchObject({ status: 'skip', message: `${root}/seccomp does not exist: no Localhost profiles on this node` });
    // The text form: one line per check, with the fix under warnings.
    const t = await cli(['doctor', '--kubelet-root', root]);
    expect(t.stdout).toMatch(new RegExp(`^ok\\s+kernel ${r.facts.kernel.release.replace(/[.+]/g, '\\$&')}: seccomp actions`, 'm'));
    expect(t.stdout).toMatch(/^OK: 0 error\(s\)/m);
  }, 60_000);

  it('reads seccompDefault from a KubeletConfiguration, and from a running kubelet\'s command line', async () => {
    const on = join(tmp, 'kubelet-on.yaml');
    const off = join(tmp, 'kubelet-off.yaml');
    const bad = join(tmp, 'kubelet-bad.yaml');
    writeFileSync(on, 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nseccompDefault: true\n');
    writeFileSync(off, 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\ncgroupDriver: systemd\n');
    writeFileSync(bad, 'apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nseccompDefault: "yes"\n');
    const root = join(tmp, 'root-k');
    mkdirSync(root);
    const a = await doctor(['--kubelet-config', on, '--kubelet-root', root]);
    expect(a.r.facts.kubelet.seccompDefault).toBe(true);
    expect(check(a.r, 'kubelet.seccompDefault')).toMatchObject({ status: 'ok' });
    expect(check(a.r, 'kubelet.seccompDefault')!.message).toContain('RuntimeDefault');
    const b = await doctor(['--kubelet-config', off, '--kubelet-root', root]);
    expect(b.r.facts.kubelet.seccompDefault).toBe(null);
    expect(check(b.r, 'kubelet.seccompDefault')).toMatchObject({ status: 'warning' });
    expect(check(b.r, 'kubelet.seccompDefault')!.message).toContain('Unconfined');
    expect(check(b.r, 'kubelet.seccompDefault')!.fix).toContain(`seccompDefault: true in ${off}`);
    expect(b.code).toBe(0); // a warning, not an error
    const c = await cli(['doctor', '--kubelet-config', bad]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(`${bad}:3:17: seccompDefault must be true or false`);
    expect(c.stderr).not.toMatch(/\n\s+at /);
    expect((await cli(['doctor', '--kubelet-config', join(tmp, 'nope.yaml')])).code).toBe(2);

    // A process named kubelet with --config and --root-dir: doctor finds it in /proc.
    const fake = join(tmp, 'kubelet');
    writeFileSync(fake, '#!/bin/sh\nsleep 60\n:\n');
    chmodSync(fake, 0o755);
    const kroot = join(tmp, 'kroot');
    mkdirSync(join(kroot, 'seccomp'), { recursive: true });
    const proc = spawn(fake, [`--config=${on}`, '--root-dir', kroot, '--v=2'], { stdio: 'ignore' });
    try {
      await new Promise((res) => setTimeout(res, 300));
      const d = await doctor([]);
      expect(d.r.facts.kubelet).toMatchObject({ source: 'cmdline', pid: proc.pid, configFile: on, rootDir: kroot, seccompDefault: true });
      expect(check(d.r, 'profiles')!.message).toContain(join(kroot, 'seccomp'));
    } finally {
      proc.kill('SIGKILL');
    }
  }, 60_000);

  it('judges the profiles under <root>/seccomp/ for this node: valid, invalid, unknown syscalls, flags', async () => {
    const unknown = resolverUnknown();
    expect(unknown.length, 'this test needs a syscall libseccomp does not know (mseal etc. with libseccomp 2.5.4)').toBeGreaterThan(0);
    const u = unknown[0]!;
    const root = join(tmp, 'root-p');
    const dir = join(root, 'seccomp');
    mkdirSync(join(dir, 'team'), { recursive: true });
    writeFileSync(join(dir, 'valid.json'), OCI({ syscalls: [{ names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' }] }));
    writeFileSync(join(dir, 'team', 'allows-unknown.json'), OCI({ syscalls: [{ names: ['read', 'write', u], action: 'SCMP_ACT_ALLOW' }] }));
    const ok = await doctor(['--kubelet-root', root]);
    expect(ok.code).toBe(0);
    expect(check(ok.r, 'profile:valid.json')).toMatchObject({ status: 'ok' });
    const warn = check(ok.r, 'profile:team/allows-unknown.json')!;
    expect(warn.status).toBe('warning');
    expect(warn.message).toContain(`team/allows-unknown.json:12:9: `); // the third name of the pretty-printed file
    expect(warn.message).toContain(`${u} is unknown to this node's libseccomp`);
    expect(ok.r.profiles).toEqual([{ path: 'team/allows-unknown.json', ok: true }, { path: 'valid.json', ok: true }]);

    writeFileSync(join(dir, 'denies-unknown.json'), JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', flags: [], syscalls: [{ names: [u], action: 'SCMP_ACT_ERRNO' }] }));
    writeFileSync(join(dir, 'broken.json'), '{ "defaultAction": "SCMP_ACT_ERRNO", ');
    writeFileSync(join(dir, 'bad-action.json'), OCI({ defaultAction: 'SCMP_ACT_NOPE' }));
    const runcVersion = /runc version (\d+)\.(\d+)/.exec(execFileSync('runc', ['--version'], { encoding: 'utf8' }))!;
    const oldRunc = Number(runcVersion[1]) === 1 && Number(runcVersion[2]) < 2;
    writeFileSync(join(dir, 'flags.json'), OCI({ flags: ['SECCOMP_FILTER_FLAG_LOG'], syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }));
    const bad = await doctor(['--kubelet-root', root]);
    expect(bad.code).toBe(1);
    expect(bad.r.failed).toBe(true);
    expect(check(bad.r, 'profile:denies-unknown.json')).toMatchObject({ status: 'error' });
    expect(check(bad.r, 'profile:denies-unknown.json')!.message).toContain(`rule is lost and ${u} is allowed`);
    expect(check(bad.r, 'profile:broken.json')).toMatchObject({ status: 'error' });
    expect(check(bad.r, 'profile:bad-action.json')).toMatchObject({ status: 'error' });
    expect(check(bad.r, 'profile:flags.json')!.status).toBe(oldRunc ? 'error' : 'ok');
    expect(check(bad.r, 'profile:valid.json')).toMatchObject({ status: 'ok' });
    const q = await cli(['doctor', '--quiet', '--kubelet-root', root]);
    expect(q.code).toBe(1);
    expect(q.stdout.trim().split('\n').every((l) => l.startsWith('error') || l.startsWith('         fix:'))).toBe(true);
    expect(q.stdout).toContain('broken.json');
  }, 60_000);

  it('the profile runc loads proves it: a rule for a name this libseccomp does not know is lost in runc', async () => {
    const u = resolverUnknown()[0]!;
    const dir = mkdtempSync(join(tmp, 'probe-'));
    execFileSync('cc', ['-static', '-O1', '-o', join(dir, 'probe'), PROBE_SRC]);
    const hex = (n: number): string => `${n.toString(16)}:0:0:0:0:0:0`;
    // Deny both with errno 99: getppid (known) gets it; the unknown name's rule is dropped, so its call runs.
    const profile = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], flags: [], syscalls: [{ names: ['getppid', u], action: 'SCMP_ACT_ERRNO', errnoRet: 99 }] };
    const bundle = createHostBundle({ args: ['/probe/probe', hex(syscallNumber('x86_64', 'getppid')!), hex(syscallNumber('x86_64', u)!)], seccomp: JSON.stringify(profile), noNewPrivileges: true, mounts: [{ source: dir, destination: '/probe' }] });
    try {
      const res = await runContainer(bundle.dir, { timeoutMs: 30_000 });
      const [ppid, unk] = res.stdout.trim().split('\n');
      expect(ppid, res.stderr).toBe('errno 99');
      expect(unk, `${u} in runc`).not.toBe('errno 99');
    } finally {
      bundle.cleanup();
    }
    // …and doctor says exactly that about this profile.
    const root = join(tmp, 'root-proof');
    mkdirSync(join(root, 'seccomp'), { recursive: true });
    writeFileSync(join(root, 'seccomp', 'p.json'), JSON.stringify(profile));
    const d = await doctor(['--kubelet-root', root]);
    expect(check(d.r, 'profile:p.json')!.message).toContain(`rule is lost and ${u} is allowed`);
  }, 60_000);

  it('sees tracefs unmounted, then mounted (in a private mount namespace)', () => {
    const run = (script: string): Report => JSON.parse(execFileSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c',
      `for m in $(awk '$3 == "tracefs" {print $2}' /proc/mounts | sort -r); do umount "$m"; done; ${script} exec "${process.execPath}" --import tsx src/cli/bin.ts doctor --json --kubelet-root "${tmp}"`],
    { encoding: 'utf8', cwd: process.cwd() })) as Report;
    const down = run('');
    expect(down.facts.recording.tracefs.mounted).toBe(null);
    expect(check(down, 'record.tracefs')).toMatchObject({ status: 'warning', fix: 'mount -t tracefs nodev /sys/kernel/tracing' });
    const up = run('mount -t tracefs nodev /sys/kernel/tracing &&');
    expect(up.facts.recording.tracefs.mounted).toBe('/sys/kernel/tracing');
    expect(check(up, 'record.tracefs')).toMatchObject({ status: 'ok' });
  }, 60_000);
});

describe.skipIf(!live)('doctorNode, the library call behind `seccompctl doctor`', () => {
  it('gives the verdict (failed) and the profile checks the CLI prints and exits by', async () => {
    const root = join(tmp, 'root-lib');
    mkdirSync(join(root, 'seccomp'), { recursive: true });
    writeFileSync(join(root, 'seccomp', 'valid.json'), OCI({ syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }));
    writeFileSync(join(root, 'seccomp', 'broken.json'), '{ "defaultAction": ');
    const r = doctorNode({ kubeletRoot: root });
    expect(r.failed).toBe(true);
    expect(r.profiles).toEqual([{ path: 'broken.json', ok: false }, { path: 'valid.json', ok: true }]);
    const c = await doctor(['--kubelet-root', root]);
    expect(c.code).toBe(1);
    const profileChecks = (x: { checks: Check[] }): Check[] => x.checks.filter((k) => k.id.startsWith('profile:')).map(({ id, status, message }) => ({ id, status, message }));
    expect(profileChecks(c.r)).toEqual(profileChecks(r));
    expect(check(c.r, 'profile:broken.json')).toMatchObject({ status: 'error' });
  }, 60_000);
});
