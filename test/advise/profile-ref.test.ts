// `runtime-default[:containerd|cri-o|docker]` wherever a profile is read (check, compile, validate, convert, verify),
// with --arch and --caps: the filter `compile` prints for a RuntimeDefault and the verdicts `check` gives agree with
// what runc + Debian's libseccomp build from the same profile (independent oracle: python3-seccomp).
import { describe, expect, it } from 'vitest';
import { emulate, fromJson, type SeccompData } from '../../src/bpf/index.js';
import { loadRuntimeDefault, RUNTIME_DEFAULTS } from '../../src/generate/index.js';
import { syscallNumber } from '../../src/syscalls/index.js';
import { libseccompFilters } from '../bpf/_oracle.js';
import { cli } from '../helpers/cli.js';
import { DEBIAN_PYTHON, haveSystem } from '../helpers/system.js';

/** Calls RuntimeDefault decides differently, by name or by argument (x86_64). */
const CALLS: [string, ...bigint[]][] = [
  ['read'], ['clone', 0x3d0f00n], ['clone', 0x10000000n | 17n], ['clone', 0x04000000n | 17n], ['clone3'], ['unshare', 0x10000000n],
  ['personality', 0n], ['personality', 8n], ['personality', 0x400000n], ['personality', 0xffffffffn], ['keyctl', 0n],
  ['add_key'], ['bpf'], ['perf_event_open'], ['socket', 2n, 1n, 0n], ['socket', 16n, 3n, 9n], ['socket', 40n, 1n, 0n],
  ['ptrace'], ['mount'], ['userfaultfd'], ['io_uring_setup'], ['kexec_load'], ['open_by_handle_at'],
];

const hasPython = haveSystem(DEBIAN_PYTHON);

describe('runtime-default references', () => {
  it.skipIf(!hasPython)('compile and check on runtime-default:RUNTIME agree with libseccomp\'s filter for the same profile', async () => {
    let compared = 0;
    for (const rt of RUNTIME_DEFAULTS) {
      const c = await cli(['compile', `runtime-default:${rt}`, '--format', 'json']);
      expect(c.code, c.stderr).toBe(0);
      const ours = fromJson(c.stdout);
      const [theirs] = libseccompFilters([{ native: 'SCMP_ARCH_X86_64', profile: loadRuntimeDefault(rt, { arch: 'x86_64' }).profile }]);
      if (!theirs || 'error' in theirs) throw new Error(`libseccomp refused runtime-default:${rt}: ${theirs ? theirs.error : 'no output'}`);
      for (const [name, ...args] of CALLS) {
        const d: SeccompData = { nr: syscallNumber('x86_64', name)!, arch: 0xc000003e, args: [...args, ...new Array<bigint>(6 - args.length).fill(0n)] };
        const want = emulate(theirs.program, d).ret;
        expect(emulate(ours, d).ret, `${rt} ${name}(${args.join(', ')})`).toBe(want);
        const call = `${name}(${args.map((a) => `0x${a.toString(16)}`).join(', ')})`;
        const k = await cli(['check', `runtime-default:${rt}`, call, '--json']);
        const j = JSON.parse(k.stdout) as { allowed: boolean; ret: string };
        expect(k.code, `${rt} check ${call}`).toBe(j.allowed ? 0 : 1);
        expect(j.allowed, `${rt} check ${call}`).toBe((want >>> 0) === 0x7fff0000);
        compared++;
      }
    }
    expect(compared).toBe(RUNTIME_DEFAULTS.length * CALLS.length);
  }, 60_000);

  it('passes --caps and --arch to the expansion', async () => {
    expect((await cli(['check', 'runtime-default:docker', 'bpf'])).code).toBe(1);
    expect((await cli(['check', 'runtime-default:docker', 'bpf', '--caps', 'CAP_BPF'])).code).toBe(0);
    expect((await cli(['check', 'runtime-default:docker', 'unshare(CLONE_NEWUSER)', '--caps', 'SYS_ADMIN'])).code).toBe(0);
    const arm = await cli(['compile', 'runtime-default:containerd', '--arch', 'arm64']);
    expect(arm.code, arm.stderr).toBe(0);
    expect(arm.stdout).toMatch(/native SCMP_ARCH_AARCH64, arches SCMP_ARCH_AARCH64 SCMP_ARCH_ARM\n$/);
    const conv = await cli(['convert', 'runtime-default:cri-o', '--to', 'oci', '--caps', 'CAP_SYS_ADMIN']);
    expect(conv.code, conv.stderr).toBe(0);
    expect(conv.stderr).not.toContain('only apply to Docker profiles'); // --caps is used for a runtime-default reference
    const p = JSON.parse(conv.stdout) as { syscalls: { names: string[]; action: string; args?: unknown[] }[] };
    // CRI-O's clone edits apply only without CAP_SYS_ADMIN: with it, unshare is allowed by name.
    expect(p.syscalls.some((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args?.length && r.names.includes('unshare'))).toBe(true);
    const spo = await cli(['convert', 'runtime-default:docker', '--to', 'spo', '--name', 'docker-default']);
    expect(spo.stdout).toMatch(/^kind: SeccompProfile$/m);
    const v = await cli(['validate', '--runtime', 'containerd', 'runtime-default:containerd', '--json']);
    const [rep] = JSON.parse(v.stdout) as { file: string; parsed: boolean; diagnostics: { code: string; severity: string; message: string }[] }[];
    expect(rep).toMatchObject({ file: 'runtime-default:containerd', parsed: true });
    // No errors; the Linux 6.13 *xattrat names containerd already lists are newer than our 6.12 tables (info).
    expect(v.code, v.stdout).toBe(0);
    expect(rep!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const newer = rep!.diagnostics.filter((d) => d.code === 'SYSCALL_NEWER_THAN_TABLES');
    expect(newer.map((d) => /^(\w+) was added/.exec(d.message)![1]).sort()).toEqual(['getxattrat', 'listxattrat', 'removexattrat', 'setxattrat']);
  });

  it('says what is wrong with a bad reference (exit 2, one line)', async () => {
    for (const args of [['check', 'runtime-default:podman', 'read'], ['verify', 'runtime-default:podman', '--', 'true'], ['compile', 'runtime-default:docker', '--arch', 'vax']]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/unknown runtime "podman"|unknown architecture "vax"/);
    }
  });
});
