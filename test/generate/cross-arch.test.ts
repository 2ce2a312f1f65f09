// Cross-architecture generation proven on a real program: Debian's busybox-static, the same version for amd64 and
// arm64 (scripts/install-cross-arch.sh), runs one shell workload. We record the amd64 build with strace, generate
// a profile for SCMP_ARCH_AARCH64 from that x86_64 recording, and run the arm64 build under qemu-aarch64-static
// -strace, which prints every syscall the arm64 binary makes. Each must be allowed on arm64 (checked with the bpf
// stage's evaluator on an aarch64 filter). Documented exclusion: qemu 7.2 (Debian 12) maps no vDSO into the guest,
// so glibc makes clock_gettime/gettimeofday syscalls that a real arm64 kernel serves from the vDSO (on x86_64 they
// went to the vDSO and were never recorded). qemu's own host syscalls are not shown by -strace.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evaluateProfile } from '../../src/bpf/index.js';
import { parseProfile, validateProfile } from '../../src/profile/index.js';
import { archInfo, syscallName, syscallNumber } from '../../src/syscalls/index.js';
import { cli } from '../helpers/cli.js';
import { haveSystem } from '../helpers/system.js';

const ROOT = process.env.SECCOMPCTL_CROSS_ROOT ?? '/var/cache/seccompctl-cross';
const AMD64 = `${ROOT}/amd64-root/bin/busybox`;
const ARM64 = `${ROOT}/arm64-root/bin/busybox`;
const ARM64_ROOT = `${ROOT}/arm64-root`;
const NGINX_ARM64 = `${ARM64_ROOT}/usr/sbin/nginx`;
const WORKLOAD = resolve('test/fixtures/generate/cross-arch-workload.sh');
/** vDSO calls: a syscall under qemu-user 7.2 only (no guest vDSO). */
const VDSO = new Set(['clock_gettime', 'gettimeofday', 'clock_getres', 'time']);

/**
 * The syscalls qemu -strace reports: `PID name(args) = ret`, or `Unknown syscall N` for names qemu 7.2 lacks (rseq).
 * Forked processes share stderr and qemu writes a call and its result separately, so lines can be glued together
 * (`… = 00wait4(…`): every `name(` that is an aarch64 syscall counts (a false one only makes the check stricter).
 */
export function qemuSyscalls(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s\d])([a-z_][a-z0-9_]*)\(/gm)) {
    if (syscallNumber('aarch64', m[1]!) !== undefined) out.add(m[1]!);
  }
  for (const u of text.matchAll(/Unknown syscall (\d+)/g)) out.add(syscallName('aarch64', Number(u[1])) ?? `#${u[1]}`);
  return out;
}

const live = haveSystem('strace', 'qemu-aarch64-static', AMD64, ARM64);

describe.runIf(live)('generate --arch aarch64 from an x86_64 recording covers what the arm64 build really calls (qemu-user)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-cross-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('every arm64 syscall qemu reports is allowed on aarch64 by the cross-generated profile', async () => {
    const trace = join(tmp, 'x86.strace');
    execFileSync('strace', ['-f', '-qq', '-o', trace, AMD64, 'sh', WORKLOAD], { stdio: 'ignore' });
    const q = spawnSync('qemu-aarch64-static', ['-strace', ARM64, 'sh', WORKLOAD], { encoding: 'utf8' });
    expect(q.status).toBe(0);
    expect(q.stdout).toContain('readable\ndone');
    const arm = qemuSyscalls(q.stderr);
    // The path-name calls that arm64 lacks are what makes this test meaningful.
    for (const n of ['mkdirat', 'unlinkat', 'faccessat', 'fchownat', 'symlinkat', 'readlinkat', 'renameat', 'fchmodat', 'dup3']) expect(arm).toContain(n);

    const out = join(tmp, 'p.json');
    const g = await cli(['generate', trace, '--arch', 'aarch64', '--runtime', 'none', '-o', out, '--json']);
    expect(g.code).toBe(0);
    const summary = JSON.parse(g.stdout) as { crossArch: { from: string; to: string[]; source: string }[] };
    expect(summary.crossArch.find((m) => m.from === 'mkdir')).toMatchObject({ to: ['mkdirat'], source: expect.stringMatching(/sysdeps\/unix\/sysv\/linux\/mkdir\.c/) as unknown });
    const p = parseProfile(readFileSync(out, 'utf8'), { file: out });
    expect(validateProfile(p.profile).filter((d) => d.severity !== 'info')).toEqual([]);

    const denied: string[] = [];
    for (const n of arm) {
      if (VDSO.has(n)) continue;
      const nr = syscallNumber('aarch64', n);
      expect(nr, n).toBeDefined();
      const v = evaluateProfile(p.profile, { nr: nr!, arch: archInfo('aarch64').auditArch, args: [0n, 0n, 0n, 0n, 0n, 0n] }, { arch: 'aarch64' });
      if (v.action !== 'ALLOW') denied.push(`${n}: ${v.text}`);
    }
    expect(denied).toEqual([]);
  }, 120_000);

  it('a syscall with no arm64 counterpart stops generate with exit 1, naming it, and writes nothing', async () => {
    const trace = join(tmp, 'iopl.strace');
    writeFileSync(trace, '100 iopl(3) = -1 EPERM (Operation not permitted)\n100 read(0, "", 1) = 0\n');
    const out = join(tmp, 'none.json');
    const g = await cli(['generate', trace, '--arch', 'aarch64', '--runtime', 'none', '-o', out]);
    expect(g.code).toBe(1);
    expect(g.stderr).toMatch(/iopl \(SCMP_ARCH_X86_64 → SCMP_ARCH_AARCH64\)/);
    expect(existsSync(out)).toBe(false);
  });
});

/** A free TCP port on 127.0.0.1. */
async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

const fetchOk = (port: number, path: string): Promise<string> => new Promise((res, rej) => {
  get({ host: '127.0.0.1', port, path }, (r) => {
    let body = '';
    r.on('data', (c: Buffer) => { body += c.toString(); });
    r.on('end', () => res(body));
  }).on('error', rej);
});

/**
 * Runs nginx (one master, one worker, fresh prefix and temp dirs, so both runs create and chown them) under a
 * tracer, serves two requests, stops it with SIGQUIT; returns the tracer's stderr.
 */
async function runNginx(tmp: string, tag: string, argv: (prefix: string) => string[]): Promise<{ stderr: string; bodies: string[] }> {
  const prefix = join(tmp, `nginx-${tag}`);
  mkdirSync(join(prefix, 'conf'), { recursive: true });
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${prefix}/tmp-${t};`).join('\n');
  writeFileSync(join(prefix, 'conf/nginx.conf'), `daemon off;\nworker_processes 1;\nerror_log stderr;\npid nginx.pid;\nevents { worker_connections 16; }\nhttp {\n  access_log off;\n${temp}\n  server { listen 127.0.0.1:${port}; location / { return 200 "ok\\n"; } }\n}\n`);
  const [cmd, ...args] = argv(prefix);
  const { spawn } = await import('node:child_process');
  const child = spawn(cmd!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  const exited = new Promise((r) => child.once('exit', r));
  const bodies: string[] = [];
  for (let i = 0; i < 200 && bodies.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try { bodies.push(await fetchOk(port, '/')); } catch { /* not listening yet */ }
  }
  bodies.push(await fetchOk(port, '/again'));
  const pidFile = join(prefix, 'nginx.pid');
  if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGQUIT');
  await exited;
  return { stderr, bodies };
}

describe.runIf(haveSystem('strace', 'qemu-aarch64-static', '/usr/sbin/nginx', NGINX_ARM64))('nginx: x86_64 recording → arm64 profile covers the arm64 build under qemu-user', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'seccompctl-cross-nginx-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('every syscall the arm64 nginx makes (qemu -strace) is allowed on aarch64 by the profile generated from the x86_64 nginx', async () => {
    const trace = join(tmp, 'nginx-x86.strace');
    const x86 = await runNginx(tmp, 'x86', (prefix) => ['strace', '-f', '-qq', '-o', trace, '/usr/sbin/nginx', '-p', `${prefix}/`, '-c', 'conf/nginx.conf']);
    expect(x86.bodies).toEqual(['ok\n', 'ok\n']);
    const arm = await runNginx(tmp, 'arm', (prefix) => ['qemu-aarch64-static', '-strace', '-L', ARM64_ROOT, NGINX_ARM64, '-p', `${prefix}/`, '-c', 'conf/nginx.conf']);
    expect(arm.bodies).toEqual(['ok\n', 'ok\n']);
    const calls = qemuSyscalls(arm.stderr);
    for (const n of ['mkdirat', 'fchownat', 'epoll_pwait', 'epoll_create1', 'faccessat', 'accept4']) expect(calls).toContain(n);

    const out = join(tmp, 'nginx-arm64.json');
    const g = await cli(['generate', trace, '--arch', 'aarch64', '--runtime', 'none', '-o', out]);
    expect(g.code).toBe(0);
    const p = parseProfile(readFileSync(out, 'utf8'), { file: out });
    const denied: string[] = [];
    for (const n of calls) {
      if (VDSO.has(n)) continue;
      const v = evaluateProfile(p.profile, { nr: syscallNumber('aarch64', n)!, arch: archInfo('aarch64').auditArch, args: [0n, 0n, 0n, 0n, 0n, 0n] }, { arch: 'aarch64' });
      if (v.action !== 'ALLOW') denied.push(`${n}: ${v.text}`);
    }
    expect(denied).toEqual([]);
  }, 120_000);
});
