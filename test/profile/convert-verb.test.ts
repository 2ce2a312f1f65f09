// convert's rules live in the library (convertProfile): its notes and refusals come back as diagnostics with codes
// and an outcome, and `seccompctl convert` prints exactly those messages with the same exit code.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { convertProfile } from '../../src/profile/index.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'seccompctl-convert-verb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OCI = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_AARCH64'], syscalls: [{ names: ['read', 'open'], action: 'SCMP_ACT_ALLOW' }] });
const DOCKER = JSON.stringify({ defaultAction: 'SCMP_ACT_ERRNO', archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: [] }], syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] });
const SPO_BASE = 'apiVersion: security-profiles-operator.x-k8s.io/v1beta1\nkind: SeccompProfile\nmetadata: {name: x}\nspec:\n  defaultAction: SCMP_ACT_ERRNO\n  baseProfileName: runc-v1.1.0\n';
const oci = join(dir, 'oci.json');
const docker = join(dir, 'docker.json');
const spo = join(dir, 'base.yaml');
const odd = join(dir, '...json');
writeFileSync(oci, OCI);
writeFileSync(docker, DOCKER);
writeFileSync(spo, SPO_BASE);
writeFileSync(odd, OCI);

const codes = (r: { diagnostics: readonly { code: string }[] }): string[] => r.diagnostics.map((d) => d.code);

describe('convertProfile', () => {
  it('notes the Docker-expansion flags on another dialect and the names no arch has (CONVERT_FLAGS_IGNORED, SYSCALLS_PRUNED), as convert prints them', async () => {
    const r = convertProfile(OCI, { to: 'oci', file: oci, caps: [] });
    expect(r.outcome).toBe('ok');
    expect(codes(r)).toEqual(['CONVERT_FLAGS_IGNORED', 'SYSCALLS_PRUNED']);
    expect(r.diagnostics[1]!.message).toMatch(/left out 1 syscall\(s\) that do not exist on SCMP_ARCH_AARCH64 .*: open$/);
    const c = await cli(['convert', oci, '--to', 'oci', '--caps', '']);
    expect(c.code).toBe(0);
    expect(c.stderr).toBe(r.diagnostics.map((d) => `note: ${d.message}\n`).join(''));
    expect(c.stdout).toBe(r.text);
    expect(JSON.parse(r.text!)).toMatchObject({ syscalls: [{ names: ['read'] }] });
  });

  it('refuses an unknown --arch (UNKNOWN_ARCH) after the note, as convert does', async () => {
    const r = convertProfile(OCI, { to: 'oci', file: oci, arch: 'vax' });
    expect(r.outcome).toBe('refused');
    expect(codes(r)).toEqual(['CONVERT_FLAGS_IGNORED', 'UNKNOWN_ARCH']);
    expect(r.text).toBeUndefined();
    const c = await cli(['convert', oci, '--to', 'oci', '--arch', 'vax']);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`note: ${r.diagnostics[0]!.message}\nseccompctl: ${r.diagnostics[1]!.message}\n`);
  });

  it('refuses a --kernel that is not X.Y for a Docker profile (INVALID_KERNEL_VERSION)', async () => {
    const r = convertProfile(DOCKER, { to: 'oci', file: docker, arch: 'x86_64', kernel: 'six' });
    expect([r.outcome, ...codes(r)]).toEqual(['refused', 'INVALID_KERNEL_VERSION']);
    const c = await cli(['convert', docker, '--to', 'oci', '--arch', 'x86_64', '--kernel', 'six']);
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`seccompctl: ${r.diagnostics[0]!.message}\n`);
    const ok = convertProfile(DOCKER, { to: 'oci', file: docker, arch: 'x86_64', kernel: '6.1' });
    expect([ok.outcome, JSON.parse(ok.text!).architectures]).toEqual(['ok', ['SCMP_ARCH_X86_64']]);
  });

  it('refuses --to spo without a name it can use (SPO_NAME_NEEDED): standard input, or a file name with no letters', async () => {
    const r = convertProfile(OCI, { to: 'spo', file: '-' });
    expect([r.outcome, ...codes(r)]).toEqual(['refused', 'SYSCALLS_PRUNED', 'SPO_NAME_NEEDED']);
    const c = await cli(['convert', '-', '--to', 'spo'], { stdin: OCI });
    expect(c.code).toBe(2);
    expect(c.stderr).toBe(`note: ${r.diagnostics[0]!.message}\nseccompctl: ${r.diagnostics[1]!.message}\n`);
    const o = convertProfile(OCI, { to: 'spo', file: odd });
    expect(o.diagnostics.at(-1)).toMatchObject({ code: 'SPO_NAME_NEEDED', message: `cannot derive a resource name from "${odd}"; pass --name` });
    expect((await cli(['convert', odd, '--to', 'spo'])).stderr).toContain(`seccompctl: ${o.diagnostics.at(-1)!.message}\n`);
    const named = convertProfile(OCI, { to: 'spo', file: '-', name: 'web' });
    expect(named.outcome).toBe('ok');
    expect(named.text).toMatch(/^kind: SeccompProfile$/m);
  });

  it('returns a converter\'s refusal (CONVERSION_REFUSED) after the notes and its own findings, as convert prints them', async () => {
    const r = convertProfile(SPO_BASE, { to: 'oci', file: spo, kernel: '6.1' });
    expect([r.outcome, ...codes(r)]).toEqual(['refused', 'CONVERT_FLAGS_IGNORED', 'SPO_BASE_PROFILE', 'CONVERSION_REFUSED']);
    const c = await cli(['convert', spo, '--to', 'oci', '--kernel', '6.1']);
    expect(c.code).toBe(2);
    const lines = c.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`note: ${r.diagnostics[0]!.message}`);
    expect(lines[1]).toContain(`error SPO_BASE_PROFILE: ${r.diagnostics[1]!.message}`);
    expect(lines.at(-1)).toBe(`seccompctl: ${r.diagnostics[2]!.message}`);
    expect(convertProfile(SPO_BASE, { to: 'oci', file: spo, allowBase: true }).outcome).toBe('ok');
  });
});
