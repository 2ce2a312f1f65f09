// The bundle builder and the runc driver, against the real runc and kernel.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHostBundle, parseRuncVersion, runContainer, startContainer } from '../../src/runtime/index.js';
import { haveRoot, haveSystem } from '../helpers/system.js';
import { parseProbe, probeArgs } from './probe.js';

const live = haveSystem('runc') && haveRoot();
const EPERM = 1;
const EFAULT = 14;

describe('createHostBundle', () => {
  it('writes the seccomp JSON verbatim and the NNP flag as asked', () => {
    const seccomp = '{"defaultAction": "SCMP_ACT_ALLOW",   "flags": []}';
    const b = createHostBundle({ args: ['true'], seccomp, noNewPrivileges: true });
    try {
      const text = readFileSync(b.configPath, 'utf8');
      expect(text).toContain(seccomp);
      const cfg = JSON.parse(text) as { process: { noNewPrivileges: boolean; args: string[] }; linux: { namespaces: { type: string }[] } };
      expect(cfg.process.noNewPrivileges).toBe(true);
      expect(cfg.process.args).toEqual(['true']);
      expect(cfg.linux.namespaces.map((n) => n.type)).not.toContain('network');
    } finally {
      b.cleanup();
    }
    expect(existsSync(b.dir)).toBe(false);
  });

  it('leaves linux.seccomp out when no profile is given', () => {
    const b = createHostBundle({ args: ['true'] });
    try {
      expect(JSON.parse(readFileSync(b.configPath, 'utf8')).linux.seccomp).toBeUndefined();
    } finally {
      b.cleanup();
    }
  });

  it('parses runc --version', () => {
    expect(parseRuncVersion('runc version 1.1.5+ds1\ncommit: x\n')).toBe('1.1.5+ds1');
  });
});

describe.skipIf(!live)('runContainer (real runc)', () => {
  it('runs sh -c "echo hi" and returns its output and exit code', async () => {
    const b = createHostBundle({ args: ['sh', '-c', 'echo hi; echo oops >&2; exit 3'] });
    try {
      const r = await runContainer(b.dir);
      expect(r.stdout).toBe('hi\n');
      expect(r.stderr).toBe('oops\n');
      expect(r.exitCode).toBe(3);
    } finally {
      b.cleanup();
    }
  });

  const denyGetppid = JSON.stringify({
    defaultAction: 'SCMP_ACT_ALLOW', flags: [],
    syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM }],
  });

  it('a profile denying getppid with ERRNO makes the probe see EPERM (NNP on); without it getppid succeeds', async () => {
    // With no-new-privileges the filter is loaded right before exec, so runc itself never meets it.
    const denied = createHostBundle({ args: probeArgs(['getppid', 'mount']), seccomp: denyGetppid, noNewPrivileges: true });
    const plain = createHostBundle({ args: probeArgs(['getppid', 'mount']) });
    try {
      const [d, p] = await Promise.all([runContainer(denied.dir), runContainer(plain.dir)]);
      expect(d.exitCode, d.stderr).toBe(0);
      expect(parseProbe(d.stdout)).toEqual({ getppid: EPERM, mount: EFAULT });
      expect(parseProbe(p.stdout)).toEqual({ getppid: 0, mount: EFAULT });
    } finally {
      denied.cleanup();
      plain.cleanup();
    }
  });

  it('with NNP off runc loads the filter earlier and needs getppid itself: the container never starts', async () => {
    const b = createHostBundle({ args: probeArgs(['getppid']), seccomp: denyGetppid, noNewPrivileges: false });
    try {
      const r = await runContainer(b.dir);
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout).toBe('');
    } finally {
      b.cleanup();
    }
  });

  it('no-new-privileges reaches the process', async () => {
    const b = createHostBundle({ args: ['grep', 'NoNewPrivs', '/proc/self/status'], noNewPrivileges: true });
    try {
      const r = await runContainer(b.dir);
      expect(r.stdout).toMatch(/NoNewPrivs:\s+1/);
    } finally {
      b.cleanup();
    }
  });

  it('stops a long-running container on abort, and kills it after the grace period if it ignores the signal', async () => {
    // sh as pid 1 of its namespace ignores SIGTERM (no handler), so the driver must escalate to SIGKILL.
    const b = createHostBundle({ args: ['sleep', '60'] });
    try {
      const ac = new AbortController();
      const c = startContainer(b.dir, { signal: ac.signal, killGraceMs: 300 });
      setTimeout(() => ac.abort(), 500);
      const r = await c.done;
      expect(r.stopped).toBe(true);
      expect(r.signal).toBe('SIGKILL');
    } finally {
      b.cleanup();
    }
  });

  it('a timeout kills the container', async () => {
    const b = createHostBundle({ args: ['sleep', '60'] });
    try {
      const r = await runContainer(b.dir, { timeoutMs: 500 });
      expect(r.timedOut).toBe(true);
      expect(r.exitCode).toBe(137);
    } finally {
      b.cleanup();
    }
  });

  it('runs processes in a pid namespace with unique ids, concurrently', async () => {
    const b = createHostBundle({ args: ['sh', '-c', 'echo $$'] });
    try {
      const rs = await Promise.all([runContainer(b.dir), runContainer(b.dir)]);
      expect(rs.map((r) => r.stdout)).toEqual(['1\n', '1\n']);
      expect(rs[0]!.id).not.toBe(rs[1]!.id);
    } finally {
      b.cleanup();
    }
  });

  it('gives the container a fresh audit session when asked', async () => {
    const b = createHostBundle({ args: ['cat', '/proc/self/sessionid'] });
    try {
      const r = await runContainer(b.dir, { auditSession: true });
      expect(r.auditSession).toBeGreaterThan(0);
      expect(r.stdout.trim()).toBe(String(r.auditSession));
    } finally {
      b.cleanup();
    }
  });
});
