import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/common/index.js';
import {
  DOCKER_DEFAULT_CAPS, dockerToOci, ociToSpo, parseProfile, printSpoProfile, spoToOci, type DockerProfile, type Profile,
} from '../../src/profile/index.js';

const docker = parseProfile(readFileSync('test/fixtures/profile/valid/docker-singular-name.json', 'utf8')).raw;

describe('dockerToOci (Docker setupSeccomp semantics)', () => {
  it('x86_64, Docker default caps, kernel 6.1: archMap entry, name → names, caps/arch/kernel filters', () => {
    const p = dockerToOci(docker, { arch: 'x86_64', caps: DOCKER_DEFAULT_CAPS, kernelVersion: '6.1.0-13-amd64' });
    expect(p.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(p.flags).toEqual([]);
    expect(p.syscalls).toEqual([
      { names: ['read'], action: 'SCMP_ACT_ALLOW' },
      { names: ['write'], action: 'SCMP_ACT_ALLOW' },
      { names: ['exit_group'], action: 'SCMP_ACT_ALLOW' },
      { names: ['close', 'futex'], action: 'SCMP_ACT_ALLOW' },
      // mount/umount2 need CAP_SYS_ADMIN (not in the default set): gone
      { names: ['process_vm_readv'], action: 'SCMP_ACT_ALLOW' }, // minKernel 4.8 <= 6.1
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW' }, // includes arches amd64
      { names: ['unshare'], action: 'SCMP_ACT_ALLOW' }, // excludes CAP_SYS_ADMIN, which it lacks
    ]);
  });

  it('arm64 with CAP_SYS_ADMIN on kernel 4.4', () => {
    const p = dockerToOci(docker, { arch: 'arm64', caps: ['sys_admin'], kernelVersion: '4.4' });
    expect(p.architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    expect(p.syscalls!.map((r) => r.names.join(','))).toEqual(['read', 'write', 'exit_group', 'close,futex', 'mount,umount2']);
  });

  it('an arch without an archMap entry gets no architectures (native only)', () => {
    expect(dockerToOci(docker, { arch: 'ppc64le' }).architectures).toBeUndefined();
  });

  it('refuses architectures + archMap and name + names, as Docker does', () => {
    const both: DockerProfile = { ...docker, architectures: ['SCMP_ARCH_X86_64'] };
    expect(() => dockerToOci(both, { arch: 'x86_64' })).toThrow(UserError);
    let err: unknown;
    try {
      dockerToOci({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ name: 'a', names: ['b'], action: 'SCMP_ACT_ALLOW' }] }, { arch: 'x86_64' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError); // not refusing fails here, instead of skipping the check below
    expect((err as UserError).diagnostics.map((d) => [d.code, d.path])).toEqual([['NAME_AND_NAMES', 'syscalls[0].name']]);
  });

  it('containers-common seccomp.json on x86_64 with Docker\'s default caps keeps exactly the rules Docker would', () => {
    const text = readFileSync('test/fixtures/profile/containers-common/seccomp.json', 'utf8');
    const raw = parseProfile(text).raw;
    const p = dockerToOci(raw, { arch: 'x86_64', caps: DOCKER_DEFAULT_CAPS, kernelVersion: '6.1' });
    // Worked out by hand from the file: 0-6 unconditional; 9/10 amd64-only; 13,15,19,21,23,25,27,29 are the
    // "excludes cap X" denials for caps the default set lacks; 16 (chroot) and 34 (socket) need CAP_SYS_CHROOT and
    // CAP_AUDIT_WRITE, which it has, so their "excludes" twins 17 and 30-33 are skipped.
    const kept = [0, 1, 2, 3, 4, 5, 6, 9, 10, 13, 15, 16, 19, 21, 23, 25, 27, 29, 34];
    expect(p.syscalls!.map((r) => r.names)).toEqual(kept.map((i) => raw.syscalls![i]!.names));
    expect(p.defaultErrnoRet).toBe(38);
    expect(p.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  });
});

describe('OCI ↔ SPO', () => {
  const ociBig: Profile = {
    defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], flags: [],
    syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 18446744073709551615n, op: 'SCMP_CMP_EQ' }] }],
  };
  it('refuses values above int64 (the CRD types args as int64)', () => {
    expect(() => ociToSpo(ociBig, { name: 'web' })).toThrow(UserError);
  });
  it('wraps a profile in a SeccompProfile and back, losslessly', () => {
    const oci: Profile = { ...ociBig, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 9223372036854775807n, op: 'SCMP_CMP_EQ' }] }] };
    const cr = ociToSpo(oci, { name: 'web', namespace: 'prod' });
    expect(cr).toMatchObject({ apiVersion: 'security-profiles-operator.x-k8s.io/v1beta1', kind: 'SeccompProfile', metadata: { name: 'web', namespace: 'prod' } });
    const text = printSpoProfile(cr);
    expect(text).toContain('value: 9223372036854775807');
    const back = parseProfile(text);
    expect(back.dialect).toBe('spo');
    expect(spoToOci(back.spo!)).toEqual(oci);
  });
  it('spells out a defaultErrnoRet other than EPERM as a rule (the CRD has none); refuses bad names, unresolved base profiles', () => {
    const oci: Profile = { ...ociBig, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] };
    const notes: string[] = [];
    const sp = ociToSpo({ ...oci, architectures: ['SCMP_ARCH_X86_64'], defaultErrnoRet: 38 }, { name: 'web', report: (d) => notes.push(d.code) });
    expect(sp.spec).not.toHaveProperty('defaultErrnoRet');
    const spelled = sp.spec.syscalls!.find((r) => r.errnoRet === 38)!;
    expect(spelled.action).toBe('SCMP_ACT_ERRNO');
    expect(spelled.names).toEqual(expect.arrayContaining(['ptrace', 'clone3', 'mkdir']));
    expect(spelled.names).not.toContain('read');
    expect(spelled.names).not.toContain('mkdirat2');
    expect(notes).toEqual(['SPO_DEFAULT_ERRNO_SPELLED_OUT']);
    expect(() => ociToSpo(oci, { name: 'Web_App' })).toThrow(UserError);
    const cr = { ...ociToSpo(oci, { name: 'a' }) };
    cr.spec = { ...cr.spec, baseProfileName: 'runc-v1.1.5' };
    expect(() => spoToOci(cr)).toThrow(/baseProfileName/);
    expect(spoToOci(cr, { allowBase: true }).syscalls).toEqual(oci.syscalls);
  });
});
