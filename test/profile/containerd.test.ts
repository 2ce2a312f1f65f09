// validate's containerd claims, proven by containerd itself: Debian's containerd 1.6 runs with its own root, state
// and socket under a temp dir, and `ctr run --seccomp-profile` loads each profile the way its CRI plugin loads
// Localhost profiles (decoded straight into the OCI LinuxSeccomp struct, then runc). The container is Debian's
// static busybox; the base profile is generated from a real strace recording of the same workload on this host.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProfile, validateProfile } from '../../src/profile/index.js';
import { cli } from '../helpers/cli.js';
import { haveRoot, haveSystem } from '../helpers/system.js';

const BUSYBOX = `${process.env.SECCOMPCTL_CROSS_ROOT ?? '/var/cache/seccompctl-cross'}/amd64-root/bin/busybox`;
const WORK = 'mkdir /tmp/x && rmdir /tmp/x && echo made';
const live = haveSystem('containerd', 'ctr', 'containerd-shim-runc-v2', 'runc', 'strace', 'gcc', BUSYBOX) && haveRoot();

interface Profile { defaultAction: string; syscalls: Record<string, unknown>[]; [k: string]: unknown }

describe.runIf(live)('containerd (ctr run --seccomp-profile) does what validate says', () => {
  let dir = '';
  let sock = '';
  let daemon: ChildProcess | undefined;
  let base: Profile;
  let n = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'seccompctl-containerd-'));
    sock = join(dir, 'containerd.sock');
    writeFileSync(join(dir, 'config.toml'), [
      'version = 2', `root = "${dir}/root"`, `state = "${dir}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]', `  address = "${sock}"`, '[ttrpc]', `  address = "${sock}.ttrpc"`, '[debug]', '  address = ""', '[metrics]', '  address = ""',
    ].join('\n') + '\n');
    daemon = spawn('containerd', ['--config', join(dir, 'config.toml')], { stdio: 'ignore' });
    for (let i = 0; i < 100 && spawnSync('ctr', ['--address', sock, 'version'], { stdio: 'ignore' }).status !== 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const rootfs = join(dir, 'rootfs');
    for (const d of ['bin', 'tmp', 'proc', 'dev', 'sys', 'etc']) mkdirSync(join(rootfs, d), { recursive: true });
    copyFileSync(BUSYBOX, join(rootfs, 'bin/busybox'));
    symlinkSync('busybox', join(rootfs, 'bin/sh'));
    // The base profile: generated (runc base set included) from the workload recorded on the host.
    const trace = join(dir, 'w.strace');
    execFileSync('strace', ['-f', '-qq', '-o', trace, BUSYBOX, 'sh', '-c', `grep Seccomp: /proc/self/status; mkdir ${dir}/x && rmdir ${dir}/x && echo made`], { stdio: 'ignore' });
    const out = join(dir, 'gen.json');
    expect((await cli(['generate', trace, '-o', out])).code).toBe(0);
    base = JSON.parse(readFileSync(out, 'utf8')) as Profile;
  }, 60_000);

  afterAll(async () => {
    if (daemon && daemon.exitCode === null) {
      const done = new Promise((r) => daemon!.once('exit', r));
      daemon.kill('SIGTERM');
      await done;
    }
    if (dir) {
      spawnSync('umount', ['-R', join(dir, 'state')], { stdio: 'ignore' });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Runs the workload in a container under the profile; returns exit status and output. */
  function run(p: Profile): { status: number | null; out: string } {
    const file = join(dir, `p${++n}.json`);
    writeFileSync(file, JSON.stringify(p, null, 2));
    const r = spawnSync('ctr', ['--address', sock, 'run', '--rm', '--seccomp', '--seccomp-profile', file, '--rootfs', join(dir, 'rootfs'), `seccompctl-t${n}`,
      '/bin/busybox', 'sh', '-c', `grep Seccomp: /proc/self/status; ${WORK}`], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, out: r.stdout + r.stderr };
  }

  /** validate's findings for containerd. */
  function findings(p: Profile): string[] {
    const r = parseProfile(JSON.stringify(p), { file: 'p.json' });
    return validateProfile(r.profile, { dialect: r.dialect, parsedRaw: r.raw, runtimes: ['containerd'] }).filter((d) => d.severity !== 'info').map((d) => d.code);
  }

  /** The base profile with mkdir taken out of the allow list. */
  function withoutMkdir(): Profile {
    const p = structuredClone(base);
    const allow = p.syscalls[0] as { names: string[] };
    allow.names = allow.names.filter((x) => x !== 'mkdir');
    return p;
  }

  it('the generated profile runs through containerd: filter loaded, workload done; validate is clean for containerd', () => {
    expect(findings(base)).toEqual([]);
    const r = run(base);
    expect(r.out).toContain('Seccomp:\t2');
    expect(r.out).toContain('made');
    expect(r.status).toBe(0);
  });

  it('a rule with singular "name" is dropped: validate says RULE_DROPPED_BY_CONTAINERD and containerd denies mkdir', () => {
    const p = withoutMkdir();
    p.syscalls.push({ name: 'mkdir', action: 'SCMP_ACT_ALLOW' });
    expect(findings(p)).toContain('RULE_DROPPED_BY_CONTAINERD');
    const r = run(p);
    expect(r.out).toContain('Seccomp:\t2');
    expect(r.out).toMatch(/mkdir: can't create directory '\/tmp\/x': Operation not permitted/);
    expect(r.status).not.toBe(0);
  });

  it('the same rule with "names" is enforced: validate clean, containerd allows mkdir', () => {
    const p = withoutMkdir();
    p.syscalls.push({ names: ['mkdir'], action: 'SCMP_ACT_ALLOW' });
    expect(findings(p)).toEqual([]);
    const r = run(p);
    expect(r.out).toContain('made');
    expect(r.status).toBe(0);
  });

  it('"name" next to "names" is lost (NAME_IGNORED): containerd denies the singular one', () => {
    const p = withoutMkdir();
    p.syscalls.push({ names: ['sync'], name: 'mkdir', action: 'SCMP_ACT_ALLOW' });
    expect(findings(p)).toContain('NAME_IGNORED');
    const r = run(p);
    expect(r.out).toMatch(/Operation not permitted/);
    expect(r.status).not.toBe(0);
  });

  it('includes/excludes are dropped (CONDITIONS_IGNORED): a rule only for CAP_SYS_ADMIN applies to a container without it', () => {
    const p = withoutMkdir();
    p.syscalls.push({ names: ['mkdir'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } });
    expect(findings(p)).toContain('CONDITIONS_IGNORED');
    const r = run(p);
    expect(r.out).toContain('made');
    expect(r.status).toBe(0);
  });

  it('"defaultErrno": "ENOSYS" without defaultErrnoRet is ignored (ERRNO_NAME_IGNORED): denied calls get EPERM', () => {
    const { defaultErrnoRet: _e, ...rest } = withoutMkdir();
    const p: Profile = { ...rest, defaultErrno: 'ENOSYS' } as Profile;
    expect(findings(p)).toContain('ERRNO_NAME_IGNORED');
    const r = run(p);
    expect(r.out).toMatch(/Operation not permitted/);
    expect(r.out).not.toMatch(/Function not implemented/);
    // Control: the number is honoured.
    const q = run({ ...withoutMkdir(), defaultErrnoRet: 38 });
    expect(q.out).toMatch(/Function not implemented/);
  });

  describe('compat (32-bit) ABIs', () => {
    let hi32: Profile;
    beforeAll(async () => {
      // A static 32-bit x86 program (gcc-multilib), recorded with strace and generated like any workload.
      const src = join(dir, 'hi32.c');
      writeFileSync(src, '#include <unistd.h>\nint main(void) { write(1, "hi32\\n", 5); return 0; }\n');
      execFileSync('gcc', ['-m32', '-static', '-O1', '-o', join(dir, 'rootfs/bin/hi32'), src]);
      const trace = join(dir, 'hi32.strace');
      execFileSync('strace', ['-f', '-qq', '-o', trace, join(dir, 'rootfs/bin/hi32')], { stdio: 'ignore' });
      const out = join(dir, 'hi32.json');
      expect((await cli(['generate', trace, '-o', out])).code).toBe(0);
      hi32 = JSON.parse(readFileSync(out, 'utf8')) as Profile;
    }, 60_000);

    function run32(p: Profile): { status: number | null; out: string } {
      const file = join(dir, `p${++n}.json`);
      writeFileSync(file, JSON.stringify(p, null, 2));
      const r = spawnSync('ctr', ['--address', sock, 'run', '--rm', '--seccomp', '--seccomp-profile', file, '--rootfs', join(dir, 'rootfs'), `seccompctl-t${n}`, '/bin/hi32'],
        { encoding: 'utf8', timeout: 60_000 });
      return { status: r.status, out: r.stdout + r.stderr };
    }

    it('a recorded 32-bit process gets SCMP_ARCH_X86 in the generated profile, which runs it through containerd', () => {
      expect(hi32['architectures']).toEqual(['SCMP_ARCH_X86', 'SCMP_ARCH_X86_64']);
      expect(findings(hi32)).toEqual([]);
      const r = run32(hi32);
      expect(r.out).toContain('hi32');
      expect(r.status).toBe(0);
    });

    it('without the compat ABI (our policy for 64-bit recordings; MISSING_COMPAT_ARCH info) the 32-bit process is killed', () => {
      const p = { ...hi32, architectures: ['SCMP_ARCH_X86_64'] };
      const r = run32(p);
      expect(r.out).not.toContain('hi32');
      expect(r.status).toBe(128 + 31); // SIGSYS: libseccomp's bad-arch action
    });

    it('archMap is dropped (ARCHMAP_IGNORED): the Docker way of listing X86 leaves the 32-bit process killed', () => {
      const { architectures: _a, ...rest } = hi32;
      const p = { ...rest, archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }] } as Profile;
      expect(findings(p)).toContain('ARCHMAP_IGNORED');
      const r = run32(p);
      expect(r.out).not.toContain('hi32');
      expect(r.status).toBe(128 + 31);
    });
  });

  it('cleans up: no container is left', () => {
    const l = spawnSync('ctr', ['--address', sock, 'containers', 'ls', '-q'], { encoding: 'utf8' });
    expect(l.stdout.trim()).toBe('');
    expect(existsSync(sock)).toBe(true);
  });
});
