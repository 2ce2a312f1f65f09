// A container run by Debian's containerd 1.6 (ctr, runc shim) with the CRI plugin's annotations and cgroup path:
// containerd writes the bundle's config.json under its own state directory and deletes it when the task ends; the
// agent attributes the container from it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readlinkSync, lstatSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveRoot, haveSystem } from '../helpers/system.js';
import { names, startAgent, until } from './helpers.js';
import { fakeNode, type FakeNode } from './node.js';

const live = haveSystem('containerd', 'ctr', 'runc', 'bpftrace') && haveRoot();

describe.skipIf(!live)('agent with a real containerd', () => {
  let node: FakeNode;
  let containerd: ChildProcess | undefined;
  let sock: string;
  beforeAll(async () => {
    node = fakeNode();
    const d = join(node.dir, 'containerd');
    mkdirSync(d, { recursive: true });
    sock = join(d, 'containerd.sock');
    writeFileSync(join(d, 'config.toml'), [
      'version = 2', `root = "${d}/root"`, `state = "${d}/state"`, 'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
      '[grpc]', `  address = "${sock}"`, '[ttrpc]', `  address = "${sock}.ttrpc"`, '',
    ].join('\n'));
    containerd = spawn('containerd', ['--config', join(d, 'config.toml')], { stdio: 'ignore' });
    await until(() => existsSync(sock), 'containerd to listen', 20_000);
  });
  afterAll(async () => {
    if (containerd && containerd.exitCode === null) {
      containerd.kill('SIGTERM');
      await new Promise((r) => containerd!.once('exit', r));
    }
    node?.cleanup();
  });

  it('a ctr container with the CRI annotations is recorded and attributed; containerd deletes its bundle at exit', async () => {
    const tasks = join(node.dir, 'containerd/state/io.containerd.runtime.v2.task');
    const rootfs = join(node.dir, 'ctr-rootfs');
    for (const dir of ['usr', 'etc', 'proc', 'dev', 'sys', 'tmp', 'run']) mkdirSync(join(rootfs, dir), { recursive: true });
    for (const l of ['bin', 'sbin', 'lib', 'lib64']) {
      try {
        if (lstatSync(`/${l}`).isSymbolicLink()) symlinkSync(readlinkSync(`/${l}`), join(rootfs, l));
        else mkdirSync(join(rootfs, l));
      } catch {
        // not on this system
      }
    }
    const binds = ['usr', 'etc', ...['bin', 'sbin', 'lib', 'lib64'].filter((l) => existsSync(`/${l}`) && !lstatSync(`/${l}`).isSymbolicLink())];
    // Asynchronous: the agent runs in this process and must keep handling events while ctr runs.
    const ctrRun = (id: string, args: string[], extra: string[] = []): Promise<{ status: number | null; stderr: string }> => new Promise((resolve) => {
      const p = spawn('ctr', ['-a', sock, '-n', 'k8s.io', 'run', '--rm', '--rootfs',
        ...binds.flatMap((b) => ['--mount', `type=bind,src=/${b},dst=/${b},options=rbind:ro`]), ...extra, rootfs, id, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      p.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      p.on('close', (status) => resolve({ status, stderr }));
    });
    // A node that has run containers before (containerd creates its k8s.io task directory with the first one).
    expect((await ctrRun(randomBytes(32).toString('hex'), ['/bin/true'])).status).toBe(0);
    const a = await startAgent(node, { source: 'ebpf', runtimePaths: { ...node.paths, containerdTasks: tasks } }, 'ctr-state');
    try {
      const id = randomBytes(32).toString('hex');
      const uid = '7f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
      const ann = {
        'io.kubernetes.cri.container-type': 'container', 'io.kubernetes.cri.container-name': 'job', 'io.kubernetes.cri.image-name': 'docker.io/library/busybox:1',
        'io.kubernetes.cri.sandbox-id': 'e'.repeat(64), 'io.kubernetes.cri.sandbox-name': 'report-28123456-x7k2p', 'io.kubernetes.cri.sandbox-namespace': 'batch',
        'io.kubernetes.cri.sandbox-uid': uid, 'seccompctl.io/record': 'true',
      };
      const r = await ctrRun(id, ['/bin/sh', '-c', 'read x < /etc/hostname; cat /proc/self/cgroup > /dev/null'],
        ['--cgroup', `${node.prefix}/besteffort/pod${uid}/${id}`, ...Object.entries(ann).flatMap(([k, v]) => ['--annotation', `${k}=${v}`])]);
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(join(tasks, 'k8s.io', id))).toBe(false);
      // The pod name of a Job's pod (no labels on a containerd node): <job>-<5> folds to the job's name.
      await until(() => names(a.agent.store.get('batch/report-28123456/job')).has('exit_group'), `the ctr container recorded: ${JSON.stringify({ h: a.agent.health(), l: a.agent.store.list().map((x) => [x.namespace, x.workload, x.container]) })}`, 10_000);
      const rec = a.agent.store.get('batch/report-28123456/job')!;
      expect(rec.images).toEqual(['docker.io/library/busybox:1']);
      expect(rec.replicas.map((x) => [x.pod, x.podUid, x.containerIds])).toEqual([['report-28123456-x7k2p', uid, [id]]]);
      for (const n of ['execve', 'openat', 'read']) expect(names(rec)).toContain(n);
    } finally {
      await a.stop();
    }
  }, 90_000);
});
