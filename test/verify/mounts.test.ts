// verify runs real workloads whose files live outside the host directories a bundle mounts: the working directory
// and the paths named in the command are mounted read-only (and said so), --mount adds others, and a container that
// cannot be set up is a setup error (exit 2), not the profile's fault.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { cliLive } from '../helpers/cli-live.js';
import { haveRoot, haveSystem } from '../helpers/system.js';
import { freePort, waitPort } from './servers.js';

const live = haveSystem('runc', 'nginx') && haveRoot();
const dir = mkdtempSync(join(tmpdir(), 'seccompctl-mounts-test-'));
// nginx's workers run as www-data: the site must be readable by others, as a user's would be.
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const allow = join(dir, 'allow.json');
writeFileSync(allow, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW' }));

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!live)('verify: the workload\'s own files', () => {
  it('nginx -p . -c ./nginx.conf from a temporary directory: the directory is mounted read-only and stated', async () => {
    const site = mkdtempSync(join(dir, 'site-'));
    chmodSync(site, 0o755);
    const port = await freePort();
    mkdirSync(join(site, 'www'));
    writeFileSync(join(site, 'www', 'index.html'), 'served from the working directory\n');
    // Everything nginx writes goes to the container's tmpfs /tmp; what it reads comes from the working directory.
    writeFileSync(join(site, 'nginx.conf'), `daemon off; master_process on; worker_processes 1; pid /tmp/nginx.pid;
error_log stderr;
events { worker_connections 16; }
http {
  access_log off;
  client_body_temp_path /tmp/body; proxy_temp_path /tmp/proxy; fastcgi_temp_path /tmp/fastcgi;
  uwsgi_temp_path /tmp/uwsgi; scgi_temp_path /tmp/scgi;
  server { listen 127.0.0.1:${port}; root www; }
}
`);
    const run = cliLive(['verify', '--json', allow, '--', 'nginx', '-e', 'stderr', '-p', '.', '-c', './nginx.conf'], { cwd: site });
    const up = run.done.then(() => undefined);
    await waitPort(port, up, 60_000);
    const page = await get(port, '/index.html');
    process.emit('SIGINT');
    const r = await run.done;
    expect(page).toEqual({ status: 200, body: 'served from the working directory\n' });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { passed: boolean; mounts: { source: string; destination: string; readonly: boolean; why: string }[] };
    expect(j.passed).toBe(true);
    expect(j.mounts).toEqual([{ source: site, destination: site, readonly: true, why: 'working directory' }]);

    // The human output says so too; without the mounts nginx cannot read its configuration (the command fails,
    // and verify does not blame the profile).
    const off = await cli(['verify', '--no-auto-mount', '--timeout', '20', allow, '--', 'nginx', '-e', 'stderr', '-p', '.', '-c', './nginx.conf'], { cwd: site });
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/nginx\.conf/);
    expect(off.stdout).toMatch(/command: FAILED/);
    expect(off.stdout).not.toMatch(/runc cannot start|mounted read-only/);
  }, 120_000);

  it('states the mounts in the human output, and paths named in the arguments outside the working directory', async () => {
    const data = mkdtempSync(join(dir, 'data-'));
    writeFileSync(join(data, 'in.txt'), 'x\n');
    const r = await cli(['verify', allow, '--', 'cat', join(data, 'in.txt')], { cwd: '/' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`mounted read-only in the container: ${join(data, 'in.txt')} (argument)`);
    expect(r.stdout).toContain('x\n');
  }, 60_000);

  it('--mount SRC:DST[:rw]: read-only by default, writable with :rw', async () => {
    const data = mkdtempSync(join(dir, 'mnt-'));
    const ro = await cli(['verify', '--mount', `${data}:/srv/data`, allow, '--', 'sh', '-c', 'echo hi > /srv/data/out'], { cwd: '/' });
    expect(ro.code).toBe(1);
    expect(ro.stderr).toMatch(/Read-only file system/);
    const rw = await cli(['verify', '--mount', `${data}:/srv/data:rw`, allow, '--', 'sh', '-c', 'echo hi > /srv/data/out'], { cwd: '/' });
    expect(rw.code, rw.stderr).toBe(0);
    expect(readFileSync(join(data, 'out'), 'utf8')).toBe('hi\n');
    for (const bad of ['nocolon', `${data}:relative`, `${data}:/x:rx`, '/does/not/exist:/x']) {
      const b = await cli(['verify', '--mount', bad, allow, '--', 'true']);
      expect(b.code, bad).toBe(2);
      expect(b.stderr).toMatch(new RegExp(`--mount ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
    }
  }, 60_000);

  it('setup failures are setup errors (exit 2), never the profile\'s fault', async () => {
    // runc cannot pivot_root into the host's own root.
    const root = await cli(['verify', '--rootfs', '/', allow, '--', 'true'], { cwd: '/' });
    expect(root.code, root.stderr).toBe(2);
    expect(root.stderr).toMatch(/container setup failed \(not a profile problem\).*pivot_root/);
    expect(root.stderr + root.stdout).not.toMatch(/under this profile/);
    // A rootfs that does not exist, a program that does not exist.
    const noRoot = await cli(['verify', '--rootfs', join(dir, 'no-such-rootfs'), allow, '--', 'true']);
    expect(noRoot.code).toBe(2);
    expect(noRoot.stderr).toMatch(/--rootfs .*no-such-rootfs: no such directory/);
    const noProg = await cli(['verify', allow, '--', join(dir, 'no-such-program')]);
    expect(noProg.code).toBe(2);
    expect(noProg.stderr).toMatch(/no-such-program: no such executable file/);
    expect(existsSync(join(dir, 'no-such-rootfs'))).toBe(false);
  }, 60_000);
});
