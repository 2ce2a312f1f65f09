// merge (union, less restrictive wins) and diff (per arch), library and CLI; RuntimeDefault data.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diffProfiles, loadRuntimeDefault, mergeProfiles } from '../../src/generate/index.js';
import type { Profile } from '../../src/profile/index.js';
import { cli } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-merge-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const write = (name: string, p: unknown) => {
  const f = join(tmp, name);
  writeFileSync(f, JSON.stringify(p));
  return f;
};

const base = (names: string[], extra: Partial<Profile> = {}): Profile => ({
  defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64'], flags: [],
  syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }], ...extra,
});

describe('mergeProfiles', () => {
  it('is the union of names and architectures', () => {
    const m = mergeProfiles([
      { profile: base(['read', 'write']), file: 'a' },
      { profile: base(['write', 'openat'], { architectures: ['SCMP_ARCH_AARCH64'] }), file: 'b' },
    ]);
    expect(m.profile).toEqual({
      defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_X86_64'], flags: [],
      syscalls: [{ names: ['openat', 'read', 'write'], action: 'SCMP_ACT_ALLOW' }],
    });
    expect(m.diagnostics).toEqual([]);
  });

  it('conflicting actions: the less restrictive wins, with a warning naming both files', () => {
    const a: Profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_KILL_PROCESS' }, { names: ['read'], action: 'SCMP_ACT_ALLOW' }] };
    const b: Profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_LOG' }] };
    const m = mergeProfiles([{ profile: a, file: 'a.json' }, { profile: b, file: 'b.json' }]);
    expect(m.profile.syscalls).toEqual([
      { names: ['read'], action: 'SCMP_ACT_ALLOW' },
      { names: ['ptrace'], action: 'SCMP_ACT_LOG' },
    ]);
    expect(m.diagnostics).toHaveLength(1);
    expect(m.diagnostics[0]!.message).toMatch(/ptrace.*KILL_PROCESS \(a\.json\) vs SCMP_ACT_LOG \(b\.json\).*SCMP_ACT_LOG, wins/);
  });

  it('different default actions: the less restrictive default wins with a warning', () => {
    const m = mergeProfiles([
      { profile: { defaultAction: 'SCMP_ACT_KILL_PROCESS' }, file: 'a' },
      { profile: { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38 }, file: 'b' },
    ]);
    expect(m.profile.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(m.profile.defaultErrnoRet).toBe(38);
    expect(m.diagnostics.map((d) => d.code)).toEqual(['MERGE_DEFAULT_CONFLICT']);
  });

  it('an unconditional allow absorbs another profile\'s conditional allow of the same syscall', () => {
    const a: Profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2n, op: 'SCMP_CMP_EQ' }] }] };
    const b: Profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW' }] };
    const m = mergeProfiles([{ profile: a, file: 'a' }, { profile: b, file: 'b' }]);
    expect(m.profile.syscalls).toEqual([{ names: ['socket'], action: 'SCMP_ACT_ALLOW' }]);
  });
});

describe('diffProfiles', () => {
  it('added, removed and changed syscalls per arch; names absent on an arch are ignored there', () => {
    const a = base(['read', 'open', 'write'], { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'] });
    const b: Profile = {
      ...base(['read', 'openat'], { architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_AARCH64'] }),
      syscalls: [{ names: ['read', 'openat'], action: 'SCMP_ACT_ALLOW' }, { names: ['write'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }],
    };
    const d = diffProfiles(a, b, { nativeArch: 'x86_64' });
    expect(d.same).toBe(false);
    const x = d.perArch.find((g) => g.arches.includes('SCMP_ARCH_X86_64'))!;
    expect(x).toMatchObject({ added: ['openat'], removed: ['open', 'write'], allowedA: 3, allowedB: 2 });
    const arm = d.perArch.find((g) => g.arches.includes('SCMP_ARCH_AARCH64'))!;
    expect(arm).toMatchObject({ added: ['openat'], removed: ['write'] }); // no `open` on aarch64
  });

  it('an errno or argument change is "changed"; equal profiles written differently are the same', () => {
    const a: Profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }, { names: ['write', 'read'], action: 'SCMP_ACT_ALLOW' }] };
    const b: Profile = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }, { names: ['write'], action: 'SCMP_ACT_ALLOW' }, { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }] };
    const d = diffProfiles(a, b, { nativeArch: 'x86_64' });
    expect(d.perArch[0]!.changed).toEqual([{ name: 'clone3', a: 'SCMP_ACT_ERRNO(1)', b: 'SCMP_ACT_ERRNO(38)' }]);
    expect(diffProfiles(a, { ...a, syscalls: [...a.syscalls!].reverse() }, { nativeArch: 'x86_64' }).same).toBe(true);
  });
});

describe('RuntimeDefault data', () => {
  it('docker: EPERM default, x86_64 + X86 + X32, clone3 → ENOSYS, socket AF_VSOCK/AF_ALG denied, 361 unconditional names as written', () => {
    const d = loadRuntimeDefault('docker', { arch: 'x86_64' });
    expect(d.version).toMatch(/v0\.2\.3/);
    expect(d.profile.defaultErrnoRet).toBe(1);
    expect(d.profile.architectures).toEqual(['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32'].sort());
    const rules = d.profile.syscalls!;
    expect(rules).toContainEqual({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
    // socket only for families below AF_ALG (38), AF_NETLINK… : arg0 < 38, == 39, > 40.
    expect(rules.filter((r) => r.names.includes('socket')).map((r) => r.args!.map((x) => [x.op, x.value]))).toEqual(
      expect.arrayContaining([[['SCMP_CMP_LT', 38n]], [['SCMP_CMP_EQ', 39n]], [['SCMP_CMP_GT', 40n]]]));
    const raw = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'data', 'runtime-default', 'docker.json'), 'utf8')) as { profile: { syscalls: { names: string[] }[] } };
    expect(raw.profile.syscalls[0]!.names).toHaveLength(361); // research/runtimes.md §2: "1 unconditional ALLOW list of 361 names"
    const allowed = rules.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args).flatMap((r) => r.names);
    expect(allowed).toContain('chroot'); // CAP_SYS_CHROOT is a Docker default capability
    expect(allowed).not.toContain('mount'); // CAP_SYS_ADMIN is not
  });

  it('cri-o: ENOSYS default (containers/common), clone/clone3/unshare removed without CAP_SYS_ADMIN, no chroot', () => {
    const d = loadRuntimeDefault('cri-o', { arch: 'x86_64' });
    expect(d.profile.defaultErrnoRet).toBe(38);
    const allowed = d.profile.syscalls!.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args).flatMap((r) => r.names);
    for (const n of ['clone', 'clone3', 'unshare', 'chroot']) expect(allowed).not.toContain(n);
    expect(d.profile.syscalls).toContainEqual({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
  });

  it('containerd: no defaultErrnoRet (EPERM)', () => {
    expect(loadRuntimeDefault('containerd', { arch: 'aarch64' }).profile).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'] });
    expect(loadRuntimeDefault('containerd').profile.defaultErrnoRet).toBeUndefined();
  });
});

describe('CLI', () => {
  it('merge writes the union atomically and warns about conflicts; exit 0', async () => {
    const a = write('a.json', { defaultAction: 'SCMP_ACT_ERRNO', flags: [], syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }, { names: ['ptrace'], action: 'SCMP_ACT_ERRNO' }] });
    const b = write('b.json', { defaultAction: 'SCMP_ACT_ERRNO', flags: [], syscalls: [{ names: ['write', 'ptrace'], action: 'SCMP_ACT_ALLOW' }] });
    const out = join(tmp, 'm.json');
    const r = await cli(['merge', a, b, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning MERGE_ACTION_CONFLICT: ptrace/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({ defaultAction: 'SCMP_ACT_ERRNO', flags: [], syscalls: [{ names: ['ptrace', 'read', 'write'], action: 'SCMP_ACT_ALLOW' }] });
  });

  it('merge of a file that is not a profile: exit 2', async () => {
    const bad = write('bad.json', { hello: 1 });
    const r = await cli(['merge', bad, bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('diff: exit 1 with +/- lines when different, 0 when equivalent, --json', async () => {
    const a = write('da.json', base(['read', 'write']));
    const b = write('db.json', base(['read', 'openat']));
    const r = await cli(['diff', a, b, '--arch', 'x86_64']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\+ 1 allowed only by .*db\.json: openat/);
    expect(r.stdout).toMatch(/- 1 allowed only by .*da\.json: write/);
    const j = await cli(['diff', a, b, '--json', '--arch', 'x86_64']);
    expect(JSON.parse(j.stdout)).toMatchObject({ same: false, perArch: [{ arches: ['SCMP_ARCH_X86_64'], added: ['openat'], removed: ['write'] }] });
    expect((await cli(['diff', a, a])).code).toBe(0);
  });

  it('diff against runtime-default:containerd says how much RuntimeDefault allows beyond the profile', async () => {
    const a = write('small.json', base(['read', 'write', 'exit_group']));
    const r = await cli(['diff', a, 'runtime-default:containerd', '--arch', 'x86_64', '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { bDescribes: string; perArch: { arches: string[]; added: string[]; removed: string[]; allowedA: number; allowedB: number }[] };
    expect(j.bDescribes).toMatch(/containerd/);
    const x = j.perArch.find((g) => g.arches.includes('SCMP_ARCH_X86_64'))!;
    expect(x.allowedA).toBe(3);
    expect(x.removed).toEqual([]);
    expect(x.added.length).toBe(x.allowedB - 3);
    expect((await cli(['diff', a, 'runtime-default:podman'])).code).toBe(2);
  });
});
