// The bundled containerd RuntimeDefault (data/runtime-default/containerd.json) against facts read by hand in
// containerd v2.3.4 contrib/seccomp/seccomp_default.go (DefaultProfile), and its differences from Docker's.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadRuntimeDefault } from '../../src/generate/index.js';
import { DOCKER_DEFAULT_CAPS, type Profile } from '../../src/profile/index.js';

const DATA = join(import.meta.dirname, '..', '..', 'data', 'runtime-default');
const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-rtdefault-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Names allowed with no argument condition. */
const plainAllowed = (p: Profile): Set<string> =>
  new Set((p.syscalls ?? []).filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args?.length).flatMap((r) => r.names));
/** The rules with argument conditions or a non-ALLOW action, as comparable strings. */
const otherRules = (p: Profile): string[] =>
  (p.syscalls ?? []).filter((r) => r.action !== 'SCMP_ACT_ALLOW' || r.args?.length)
    .map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))).sort();
const minus = (a: Set<string>, b: Set<string>) => [...a].filter((n) => !b.has(n)).sort();

const LSM = ['lsm_get_self_attr', 'lsm_list_modules', 'lsm_set_self_attr'];

describe('containerd RuntimeDefault (containerd v2.3.4 seccomp_default.go)', () => {
  it('describes the version read: tag v2.3.4, commit db8809540e1a', () => {
    const raw = JSON.parse(readFileSync(join(DATA, 'containerd.json'), 'utf8')) as { version: string; source: { commit: string }; profile: { syscalls: { names: string[] }[] } };
    expect(raw.version).toBe('containerd v2.3.4 (db8809540e1a)');
    expect(raw.source.commit).toBe('db8809540e1a7a9da5d518876894933ff55692ab');
    expect(raw.profile.syscalls[0]!.names).toHaveLength(363); // the literal list in DefaultProfile, counted by hand
    expect(loadRuntimeDefault('containerd', { arch: 'x86_64' }).describes).toMatch(/seccomp_default\.go at v2\.3\.4/);
  });

  it('x86_64, default caps, kernel 6.1: EPERM, X86_64+X86+X32, 369 plain allowed names, socket/personality/clone/clone3 rules', () => {
    const d = loadRuntimeDefault('containerd', { arch: 'x86_64' });
    expect(d.profile.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(d.profile.defaultErrnoRet).toBeUndefined();
    expect(d.profile.architectures).toEqual(['SCMP_ARCH_X32', 'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64']);
    const plain = plainAllowed(d.profile);
    // By hand: 363 listed + process_vm_readv/process_vm_writev/ptrace (kernel >= 4.8) + arch_prctl/modify_ldt (amd64)
    // + chroot (CAP_SYS_CHROOT, the only default cap with a case) = 369.
    expect(plain.size).toBe(369);
    for (const n of ['ptrace', 'process_vm_readv', 'arch_prctl', 'modify_ldt', 'chroot', ...LSM]) expect(plain).toContain(n);
    for (const n of ['mount', 'unshare', 'setns', 'bpf', 'clone', 'clone3', 'kcmp', 'riscv_hwprobe', 'set_tls', 'open_by_handle_at']) expect(plain).not.toContain(n);
    const rules = d.profile.syscalls!;
    const args = (name: string) => rules.filter((r) => r.names.includes(name) && r.args).map((r) => r.args!.map((a) => [a.index, a.op, a.value]));
    // socket: below AF_ALG (38), AF_NFC (39), above AF_VSOCK (40): AF_ALG and AF_VSOCK denied.
    expect(args('socket').sort()).toEqual([[[0, 'SCMP_CMP_EQ', 39n]], [[0, 'SCMP_CMP_GT', 40n]], [[0, 'SCMP_CMP_LT', 38n]]].sort());
    const pers = rules.filter((r) => r.names.includes('personality')).map((r) => r.args!);
    expect(pers.every((a) => a.length === 1 && a[0]!.index === 0 && a[0]!.op === 'SCMP_CMP_EQ')).toBe(true);
    expect(pers.map((a) => Number(a[0]!.value)).sort((x, y) => x - y)).toEqual([0, 8, 0x20000, 0x20008, 0xffffffff]);
    expect(args('clone')).toEqual([[[0, 'SCMP_CMP_MASKED_EQ', 0x7e020000n]]]); // no CLONE_NEW* flag
    expect(rules).toContainEqual({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 });
    // 369 + socket + personality + clone + clone3 = 373 names in all.
    expect(new Set(rules.flatMap((r) => r.names)).size).toBe(373);
  });

  it('differs from Docker (moby/profiles v0.2.3) on x86_64 by exactly: lsm_* unconditional, no riscv_hwprobe, EPERM without defaultErrnoRet', () => {
    const c = loadRuntimeDefault('containerd', { arch: 'x86_64' }).profile;
    const d = loadRuntimeDefault('docker', { arch: 'x86_64' }).profile;
    expect(minus(plainAllowed(c), plainAllowed(d))).toEqual(LSM); // Docker: only with CAP_SYS_ADMIN
    expect(minus(plainAllowed(d), plainAllowed(c))).toEqual(['riscv_hwprobe']); // Docker: unconditional
    expect(otherRules(c)).toEqual(otherRules(d));
    expect([c.defaultErrnoRet, d.defaultErrnoRet]).toEqual([undefined, 1]);
    expect(c.architectures).toEqual(d.architectures);
  });

  it('on every arch Go runs on, with default and with all gated capabilities, only those differences (and 386 modify_ldt, mips64le arches)', () => {
    const gated = ['CAP_DAC_READ_SEARCH', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_CHROOT', 'CAP_SYS_MODULE', 'CAP_SYS_PACCT',
      'CAP_SYS_PTRACE', 'CAP_SYS_RAWIO', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_SYS_NICE', 'CAP_SYSLOG', 'CAP_BPF', 'CAP_PERFMON'];
    const goArches = ['x86_64', 'x86', 'aarch64', 'arm', 'riscv64', 'loongarch64', 'ppc64le', 'ppc64', 's390x', 'mips', 'mipsel', 'mips64', 'mipsel64'] as const;
    for (const arch of goArches) {
      for (const caps of [DOCKER_DEFAULT_CAPS, [...DOCKER_DEFAULT_CAPS, ...gated]]) {
        const c = loadRuntimeDefault('containerd', { arch, caps }).profile;
        const d = loadRuntimeDefault('docker', { arch, caps }).profile;
        const admin = caps.includes('CAP_SYS_ADMIN');
        expect([arch, minus(plainAllowed(c), plainAllowed(d))]).toEqual([arch, [...(admin ? [] : LSM), ...(arch === 'x86' ? ['modify_ldt'] : [])].sort()]);
        expect([arch, minus(plainAllowed(d), plainAllowed(c))]).toEqual([arch, arch === 'riscv64' ? [] : ['riscv_hwprobe']]);
        expect(otherRules(c)).toEqual(otherRules(d));
        if (arch !== 'mipsel64') expect(c.architectures).toEqual(d.architectures);
      }
    }
  });

  it('with CAP_SYS_ADMIN: 23 more names, clone/clone3 plain, no clone3 ENOSYS; lsm_* then the same as Docker', () => {
    const caps = [...DOCKER_DEFAULT_CAPS, 'CAP_SYS_ADMIN'];
    const c = loadRuntimeDefault('containerd', { arch: 'x86_64', caps }).profile;
    const plain = plainAllowed(c);
    expect(plain.size).toBe(369 + 23);
    for (const n of ['clone', 'clone3', 'unshare', 'mount', 'setns', 'bpf', 'perf_event_open', 'syslog']) expect(plain).toContain(n);
    expect(c.syscalls!.filter((r) => r.names.includes('clone3') && r.action !== 'SCMP_ACT_ALLOW')).toEqual([]);
    expect(c.syscalls!.filter((r) => r.names.includes('clone') && r.args)).toEqual([]);
    const d = loadRuntimeDefault('docker', { arch: 'x86_64', caps }).profile;
    expect(minus(plainAllowed(c), plainAllowed(d))).toEqual([]);
    expect(minus(plainAllowed(d), plainAllowed(c))).toEqual(['riscv_hwprobe']);
  });

  it('ptrace and process_vm_* need kernel >= 4.8 or CAP_SYS_PTRACE', () => {
    const old = plainAllowed(loadRuntimeDefault('containerd', { arch: 'x86_64', kernelVersion: '4.4' }).profile);
    for (const n of ['ptrace', 'process_vm_readv', 'process_vm_writev']) expect(old).not.toContain(n);
    expect(old.size).toBe(366);
    expect(plainAllowed(loadRuntimeDefault('containerd', { arch: 'x86_64', kernelVersion: '4.8' }).profile)).toContain('ptrace');
    const traced = plainAllowed(loadRuntimeDefault('containerd', { arch: 'x86_64', kernelVersion: '4.4', caps: ['CAP_SYS_PTRACE'] }).profile);
    for (const n of ['ptrace', 'process_vm_readv', 'kcmp', 'pidfd_getfd', 'process_madvise']) expect(traced).toContain(n);
    expect(traced).not.toContain('chroot');
  });

  it('arch blocks follow GOARCH: riscv_hwprobe only on riscv64, arm names on arm64, modify_ldt alone on 386, clone flags in arg1 on s390x', () => {
    const rv = loadRuntimeDefault('containerd', { arch: 'riscv64' }).profile;
    expect(plainAllowed(rv)).toContain('riscv_hwprobe');
    expect(plainAllowed(rv)).toContain('riscv_flush_icache');
    expect(rv.architectures).toEqual(['SCMP_ARCH_RISCV64']);
    const arm = plainAllowed(loadRuntimeDefault('containerd', { arch: 'aarch64' }).profile);
    for (const n of ['arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls']) expect(arm).toContain(n);
    expect(arm).not.toContain('arch_prctl');
    const x86 = loadRuntimeDefault('containerd', { arch: 'x86' }).profile;
    expect(plainAllowed(x86)).toContain('modify_ldt');
    expect(plainAllowed(x86)).not.toContain('arch_prctl');
    expect(x86.architectures).toBeUndefined(); // arches() has no "386" case: native only
    // Docker lists modify_ldt for arches amd64, x32, x86; "x86" is no GOARCH (Go says 386), so a 386 Docker host omits it.
    expect(plainAllowed(loadRuntimeDefault('docker', { arch: 'x86' }).profile)).not.toContain('modify_ldt');
    const s390x = loadRuntimeDefault('containerd', { arch: 's390x' }).profile;
    expect(s390x.architectures).toEqual(['SCMP_ARCH_S390', 'SCMP_ARCH_S390X']);
    expect(s390x.syscalls!.filter((r) => r.names.includes('clone') && r.args).map((r) => r.args![0]!.index)).toEqual([1]);
    expect(plainAllowed(s390x)).toContain('s390_runtime_instr');
  });

  it('mips64le hosts get no compat arches: arches() names "mipsel64", which is not a GOARCH (Docker: MIPSEL64+MIPSEL+MIPSEL64N32)', () => {
    expect(loadRuntimeDefault('containerd', { arch: 'mipsel64' }).profile.architectures).toBeUndefined();
    expect(loadRuntimeDefault('docker', { arch: 'mipsel64' }).profile.architectures).toEqual(['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32']);
    expect(loadRuntimeDefault('containerd', { arch: 'mips64' }).profile.architectures).toEqual(['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32']);
  });
});

describe('derive-containerd.mjs', () => {
  const script = join(DATA, 'derive-containerd.mjs');
  const run = (go: string) => {
    const f = join(tmp, 'in.go');
    const out = join(tmp, 'out.json');
    writeFileSync(f, go);
    rmSync(out, { force: true });
    const p = spawnSync(process.execPath, [script, f, 'v9.9.9', 'a'.repeat(40), out], { encoding: 'utf8' });
    return { code: p.status, stderr: p.stderr, out: p.status === 0 ? JSON.parse(readFileSync(out, 'utf8')) as { version: string; profile: Record<string, unknown> } : undefined };
  };
  // A small input in the shape of seccomp_default.go, written for this test.
  const GO = `package seccomp
func arches() []specs.Arch {
	switch runtime.GOARCH {
	case "amd64":
		return []specs.Arch{specs.ArchX86_64, specs.ArchX86}
	case "mipsel64":
		return []specs.Arch{specs.ArchMIPSEL64}
	default:
		return []specs.Arch{}
	}
}
func DefaultProfile(sp *specs.Spec) *specs.LinuxSeccomp {
	nosys := uint(unix.ENOSYS)
	syscalls := []specs.LinuxSyscall{
		{Names: []string{"read", "write"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{}},
		{Names: []string{"socket"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Index: 0, Value: unix.AF_ALG + 1, Op: specs.OpEqualTo}}},
	}
	s := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, Architectures: arches(), Syscalls: syscalls}
	if ok, err := kernelversion.GreaterEqualThan(kernelversion.KernelVersion{Kernel: 5, Major: 3}); err == nil {
		if ok {
			s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{Names: []string{"pidfd_open"}, Action: specs.ActAllow})
		}
	}
	flag := false
	for _, c := range sp.Process.Capabilities.Bounding {
		switch c {
		case "CAP_SYS_ADMIN", "CAP_X":
			flag = true
			s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{Names: []string{"mount"}, Action: specs.ActAllow})
		}
	}
	if !flag {
		switch runtime.GOARCH {
		case "s390x":
			s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{Names: []string{"clone"}, Action: specs.ActAllow, Args: []specs.LinuxSeccompArg{{Index: 1, Value: unix.CLONE_NEWNS | unix.CLONE_NEWPID, ValueTwo: 0, Op: specs.OpMaskedEqual}}})
		default:
			s.Syscalls = append(s.Syscalls, specs.LinuxSyscall{Names: []string{"clone3"}, Action: specs.ActErrno, ErrnoRet: &nosys})
		}
	}
	return s
}
`;

  it('turns each Go condition into includes/excludes, GOARCH cases into archMap (non-GOARCH cases dropped)', () => {
    const r = run(GO);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/no GOARCH \(never taken\): mipsel64/);
    expect(r.out!.version).toBe('containerd v9.9.9 (aaaaaaaaaaaa)');
    expect(r.out!.profile).toEqual({
      defaultAction: 'SCMP_ACT_ERRNO',
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
      syscalls: [
        { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 39, op: 'SCMP_CMP_EQ' }] },
        { names: ['pidfd_open'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '5.3' } },
        // A case with two labels is either capability: one rule each (Docker's includes.caps means all of them).
        { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
        { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_X'] } },
        { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 0x20020000, op: 'SCMP_CMP_MASKED_EQ' }], includes: { arches: ['s390x'] }, excludes: { caps: ['CAP_SYS_ADMIN', 'CAP_X'] } },
        { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { arches: ['s390x'], caps: ['CAP_SYS_ADMIN', 'CAP_X'] } },
      ],
    });
  });

  it('stops with the line number on a Go form it does not know, and writes nothing', () => {
    const r = run(GO.replace('\treturn s\n', '\tif sp.Linux != nil {\n\t}\n\treturn s\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/in\.go:40: unknown if condition; extend derive-containerd\.mjs/);
    expect(r.out).toBeUndefined();
    const u = run(GO.replace('unix.AF_ALG + 1', 'unix.AF_BLUETOOTH'));
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/unknown constant unix\.AF_BLUETOOTH/);
  });
});
