// judgeProfile: the per-runtime verdicts of `seccompctl validate`, from the library.
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/common/index.js';
import { judgeProfile, parseRuntimeName } from '../../src/profile/index.js';

const DOCKER_ONLY = JSON.stringify({
  defaultAction: 'SCMP_ACT_ERRNO', flags: [],
  syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } }],
});

describe('judgeProfile', () => {
  it('a Docker-only key fails containerd (it ignores includes) and passes docker', () => {
    const v = judgeProfile(DOCKER_ONLY, { file: 'd.json', runtimes: ['containerd', 'docker'] });
    expect(v).toMatchObject({ parsed: true, dialect: 'docker', format: 'json', outcome: 'failed' });
    expect(v.runtimes.containerd!.ok).toBe(false);
    expect(v.runtimes.docker).toMatchObject({ ok: true, errors: 0 });
  });

  it('a clean OCI profile is ok for every runtime', () => {
    const v = judgeProfile('{"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_X86","SCMP_ARCH_X32"],"flags":[],"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]}');
    expect(v.outcome).toBe('ok');
    expect(Object.keys(v.runtimes).sort()).toEqual(['containerd', 'cri-o', 'crun', 'docker', 'runc']);
  });

  it('text that is not a profile is unreadable, with the parse diagnostics', () => {
    const v = judgeProfile('\ufeff{}', { file: 'bom.json' });
    expect(v).toMatchObject({ parsed: false, outcome: 'unreadable', runtimes: {} });
    expect(v.diagnostics[0]).toMatchObject({ code: 'INVALID_JSON', line: 1, col: 1 });
  });

  it('runtime names as users write them', () => {
    expect(parseRuntimeName('CRIO')).toBe('cri-o');
    expect(() => parseRuntimeName('podman')).toThrow(UserError);
  });
});
