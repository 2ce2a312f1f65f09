// `npm run bench:ingest [-- --size 256M] [--runs 3] [--baseline REV] [--only realistic|friendly]`: seccompctl's ingest
// throughput and peak RSS on two generated logs, against `grep -c SECCOMP` on the same file in the same run (grep's
// output goes to a pipe: GNU grep stops at the first match when its output is /dev/null):
// - realistic: records vary as a node's journal does (pids across many containers, `ip=` per call site, a few hundred
//   syscall numbers with a skewed mix, several arches, audit serials with other record types between them, non-audit
//   lines, journald, dmesg and auditd renderings);
// - friendly: four processes, 5-8 syscalls each, one `ip=` (about 30 distinct payloads), journald only.
// With --baseline REV the sources of git revision REV are measured too, alternating with the working tree's.
// Targets (issue 15): ≥ 0.5× grep on the realistic log at 1 GiB, on one thread and two, peak RSS ≤ 100 MiB.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { syscallNumber, syscallsOf, type ArchId } from '../src/syscalls/index.js';

const out = (s: string) => process.stdout.write(s + '\n');

/**
 * The child runs on plain node (no tsx loader, whose own ~35 MiB would blur the RSS figure): the stages ingest
 * needs are transpiled with TypeScript into DIR, and a small script parses FILE once and reports JSON.
 */
function buildChild(dir: string, rev?: string): string {
  let root = join(dirname(new URL(import.meta.url).pathname), '..');
  if (rev !== undefined) { // the sources of a git revision, for a before/after comparison in one run
    const src = join(dir, 'rev');
    mkdirSync(src, { recursive: true });
    execFileSync('sh', ['-c', `git -C "${root}" archive "${rev}" src | tar -x -C "${src}"`]);
    root = src;
  }
  for (const stage of ['common', 'syscalls', 'ingest']) {
    for (const f of readdirSync(join(root, 'src', stage)).filter((x) => x.endsWith('.ts'))) {
      const out = ts.transpileModule(readFileSync(join(root, 'src', stage, f), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      });
      mkdirSync(join(dir, 'src', stage), { recursive: true });
      writeFileSync(join(dir, 'src', stage, f.replace(/\.ts$/, '.js')), out.outputText);
    }
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  // The stages' npm dependencies (e.g. yaml, used by common/) from the repository's node_modules.
  symlinkSync(join(dirname(new URL(import.meta.url).pathname), '..', 'node_modules'), join(dir, 'node_modules'));
  const child = join(dir, 'child.js');
  writeFileSync(child, `import { ingestFiles } from './src/ingest/index.js';
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
const r = await ingestFiles([process.argv[2]], { nativeArch: 'x86_64', ...(process.argv[3] === 'one' ? { twoThreads: false } : {}) });
const loss = r.loss.filter((l) => l.certain).length;
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const cpu = process.cpuUsage(c0);
const arches = Object.fromEntries([...r.syscalls].map(([a, m]) => [a, m.size]));
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, matched: r.counters.matched, lines: r.counters.lines, maxRssKiB: process.resourceUsage().maxRSS, arches, loss }) + '\\n');
`);
  return child;
}

/** Runs a command under /usr/bin/time when present: wall and CPU seconds, max RSS. */
function timed(cmd: string, args: string[]): { stdout: string; wall: number; cpu: number | undefined; rssKiB: number | undefined } {
  const t0 = process.hrtime.bigint();
  if (existsSync('/usr/bin/time')) {
    const r = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const wall = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
    const m = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
    return { stdout: r.stdout, wall, cpu: m ? Number(m[2]) + Number(m[3]) : undefined, rssKiB: m ? Number(m[4]) : undefined };
  }
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return { stdout: r.stdout, wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: undefined, rssKiB: undefined };
}

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]?)i?B?$/i.exec(s.trim());
  if (!m) throw new Error(`--size: "${s}" is not a size like 1G, 256M`);
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2]!.toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Math.round(Number(m[1]) * mult);
}

/** Deterministic journald-style log: many services, ~1 line in 10 a SECCOMP record from several processes and arches. */
function generateFriendly(file: string, size: number): { bytes: number; records: number } {
  let seed = 0x9e3779b9;
  const rnd = (n: number) => { // xorshift32
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };
  const services = [
    ['systemd[1]', 'Started Session 42 of User core.'],
    ['kubelet[812]', 'I1127 22:59:00.123456     812 kubelet.go:2448] "SyncLoop (probe)" probe="readiness" status="ready" pod="default/web-5d9c7"'],
    ['containerd[640]', 'time="2026-11-27T22:59:00.123456Z" level=info msg="StartContainer for \\"3f2a\\" returns successfully"'],
    ['sshd[2210]', 'Accepted publickey for core from 10.0.0.5 port 52144 ssh2: ED25519 SHA256:abc'],
    ['kernel', 'eth0: renamed from veth3f2a1b'],
    ['dockerd[700]', 'level=warning msg="Your kernel does not support swap memory limit"'],
    ['cron[455]', '(root) CMD (run-parts /etc/cron.hourly)'],
  ] as const;
  const procs: { pid: number; comm: string; exe: string; arch: ArchId; code: string; compat: 0 | 1; names: string[] }[] = [
    { pid: 7468, comm: 'nginx', exe: '/usr/sbin/nginx', arch: 'x86_64', code: 'c000003e', compat: 0, names: ['epoll_wait', 'recvfrom', 'setsockopt', 'close', 'accept4', 'writev', 'openat', 'fstat'] },
    { pid: 9120, comm: 'redis-server', exe: '/usr/bin/redis-server', arch: 'x86_64', code: 'c000003e', compat: 0, names: ['epoll_wait', 'read', 'write', 'getpid', 'clock_gettime'] },
    { pid: 5001, comm: 'legacy32', exe: '/opt/legacy/bin/legacy32', arch: 'x86', code: '40000003', compat: 1, names: ['read', 'write', 'socketcall', '_llseek', 'mmap2'] },
    { pid: 6100, comm: 'envoy', exe: '/usr/local/bin/envoy', arch: 'aarch64', code: 'c00000b7', compat: 0, names: ['epoll_pwait', 'openat', 'recvmsg', 'sendmsg', 'futex'] },
  ];
  const fd = openSync(file, 'w');
  const buf: string[] = [];
  let written = 0;
  let pending = 0;
  let sec = 1795818969;
  while (written < size) {
    sec += rnd(3) === 0 ? 1 : 0;
    const d = new Date(sec * 1000);
    const ts = `Nov ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} node-1`;
    let line: string;
    if (rnd(10) === 0) { // one line in ten
      const p = procs[rnd(procs.length)]!;
      const name = p.names[rnd(p.names.length)]!;
      line = `${ts} audit[${p.pid}]: SECCOMP auid=4294967295 uid=101 gid=101 ses=4294967295 subj==cri-containerd.apparmor.d (enforce) pid=${p.pid} comm="${p.comm}" exe="${p.exe}" sig=0 arch=${p.code} syscall=${syscallNumber(p.arch, name)} compat=${p.compat} ip=0x7fb42a62f05a code=0x7ffc0000`;
    } else {
      const [svc, msg] = services[rnd(services.length)]!;
      line = `${ts} ${svc}: ${msg}`;
    }
    buf.push(line);
    pending += line.length + 1;
    if (pending > 1 << 20) {
      const chunk = buf.join('\n') + '\n';
      writeSync(fd, chunk);
      written += Buffer.byteLength(chunk);
      buf.length = 0;
      pending = 0;
    }
  }
  if (buf.length) writeSync(fd, buf.join('\n') + '\n');
  closeSync(fd);
  return { bytes: statSync(file).size, records: Number(execFileSync('sh', ['-c', `grep -c SECCOMP "${file}" | cat`], { encoding: 'utf8' }).trim()) };
}

/** xorshift32 with a fixed seed: the same log every run. */
function rng(seed: number): { int: (n: number) => number; pick: <T>(a: readonly T[]) => T } {
  let x = seed >>> 0 || 1;
  const int = (n: number) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  return { int, pick: (a) => a[int(a.length)]! };
}

/**
 * A node journal as it really looks (see the header): records from ~1500 processes in ~300 containers of 24 images,
 * ~300 syscalls per arch in a Zipf mix, 2-4 call sites (ip=) per (image, syscall), x86_64 with i386 and x32 compat
 * processes and aarch64 records (a log gathered from a mixed fleet), in 1 MiB stretches of journald text, dmesg
 * (`audit: type=1326`) and auditd raw (`type=SECCOMP msg=`, some with auditd's 0x1d enrichment). Every audit record
 * takes the next serial, other record types (SYSCALL, PROCTITLE, AVC, apparmor) fill serials between seccomp
 * records, so no serial gap (loss) appears. Returns the size and the number of seccomp records written.
 */
function generateRealistic(file: string, size: number): { bytes: number; records: number } {
  const r = rng(0x2545f491);
  const images = [
    ['nginx', '/usr/sbin/nginx'], ['redis-server', '/usr/bin/redis-server'], ['envoy', '/usr/local/bin/envoy'],
    ['java', '/usr/lib/jvm/java-17-openjdk-amd64/bin/java'], ['python3', '/usr/bin/python3.11'], ['node', '/usr/local/bin/node'],
    ['postgres', '/usr/lib/postgresql/15/bin/postgres'], ['coredns', '/coredns'], ['kube-proxy', '/usr/local/bin/kube-proxy'],
    ['etcd', '/usr/local/bin/etcd'], ['prometheus', '/bin/prometheus'], ['fluent-bit', '/fluent-bit/bin/fluent-bit'],
    ['sh', '/bin/busybox'], ['bash', '/bin/bash'], ['containerd-shim', '/usr/bin/containerd-shim-runc-v2'],
    ['runc:[2:INIT]', '/'], ['pause', '/pause'], ['mysqld', '/usr/sbin/mysqld'], ['ruby', '/usr/local/bin/ruby'],
    ['php-fpm', '/usr/local/sbin/php-fpm'], ['haproxy', '/usr/local/sbin/haproxy'], ['grafana', '/usr/share/grafana/bin/grafana'],
    ['my worker', '/opt/app/bin/my worker'], ['vault', '/bin/vault'],
  ] as const;
  // The kernel hex-encodes comm/exe values with spaces or quotes (audit_log_untrustedstring).
  const field = (k: string, v: string) => (/[\s"]/.test(v) ? `${k}=${Buffer.from(v).toString('hex').toUpperCase()}` : `${k}="${v}"`);
  type Arch = { id: ArchId; code: string; compat: 0 | 1; names: string[] };
  const archOf = (id: ArchId, code: string, compat: 0 | 1): Arch => {
    const names = [...syscallsOf(id).keys()].filter((n) => !n.startsWith('_') || n === '_llseek' || n === '_newselect');
    // a fixed shuffle, so the hot syscalls differ per arch
    for (let i = names.length - 1; i > 0; i--) {
      const j = r.int(i + 1);
      [names[i], names[j]] = [names[j]!, names[i]!];
    }
    return { id, code, compat, names: names.slice(0, 300) };
  };
  const arches = { x86_64: archOf('x86_64', 'c000003e', 0), x86: archOf('x86', '40000003', 1), x32: archOf('x32', 'c000003e', 0), aarch64: archOf('aarch64', 'c00000b7', 0) };
  const procs: { pid: number; image: number; arch: Arch; uid: number; ses: number }[] = [];
  for (let c = 0; c < 300; c++) {
    const image = r.int(images.length);
    const roll = r.int(100);
    const arch = roll < 80 ? arches.x86_64 : roll < 88 ? arches.x86 : roll < 91 ? arches.x32 : arches.aarch64;
    const uid = r.pick([0, 0, 101, 999, 65534, 1000]);
    for (let k = 1 + r.int(8); k > 0; k--) procs.push({ pid: 1000 + r.int(4_000_000), image, arch, uid, ses: 4294967295 });
  }
  // Zipf(1.1) over the 300 syscall ranks: a few calls make most records, the tail still shows up.
  const weights = Array.from({ length: 300 }, (_, i) => 1 / (i + 1) ** 1.1);
  const cum: number[] = [];
  weights.reduce((a, w) => (cum.push(a + w), a + w), 0);
  const total = cum[cum.length - 1]!;
  const rank = () => {
    const x = (r.int(1 << 30) / (1 << 30)) * total;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cum[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const sites = new Map<string, string[]>(); // (image, arch, syscall) → call sites
  const siteOf = (image: number, arch: Arch, name: string) => {
    const k = `${image}/${arch.id}/${name}`;
    let s = sites.get(k);
    if (!s) sites.set(k, s = Array.from({ length: 2 + r.int(3) }, () => `0x${(arch.id === 'x86' ? 0xf7000000 + r.int(0xffffff) : 0x7f0000000000 + r.int(0x7fffffff) * 16).toString(16)}`));
    return r.pick(s);
  };
  const codes = ['0x7ffc0000', '0x7ffc0000', '0x7ffc0000', '0x7ffc0000', '0x7ffc0000', '0x7ffc0000', '0x50001', '0x80000000'];
  const noise = [
    ['kubelet[812]', 'I1127 22:59:00.123456     812 kubelet.go:2448] "SyncLoop (probe)" probe="readiness" status="ready" pod="default/web-5d9c7"'],
    ['containerd[640]', 'time="2026-11-27T22:59:00.123456Z" level=info msg="StartContainer for \\"3f2a\\" returns successfully"'],
    ['sshd[2210]', 'Accepted publickey for core from 10.0.0.5 port 52144 ssh2: ED25519 SHA256:abc'],
    ['systemd[1]', 'Started cri-containerd-3f2a1b.scope - libcontainer container 3f2a1b.'],
    ['kube-apiserver[990]', 'I1127 22:59:00.2 990 audit.go:77] "audit.k8s.io/v1 event" verb="get" uri="/api/v1/namespaces/default/pods"'],
    ['auditd[402]', 'Audit daemon rotating log files'],
    ['kernel', 'IPv6: ADDRCONF(NETDEV_CHANGE): cali4f2a1b3c: link becomes ready'],
  ] as const;
  const fd = openSync(file, 'w');
  let written = 0;
  let records = 0;
  let serial = 1_000_000;
  let sec = 1795818969;
  let ms = 0;
  let uptime = 500.0;
  const renderings = ['journald', 'dmesg', 'auditd'] as const;
  let stretch = 0;
  const out: string[] = [];
  let pending = 0;
  while (written < size) {
    const rendering = renderings[stretch++ % 3]!;
    const stretchEnd = written + (1 << 20);
    while (written + pending < stretchEnd) {
      ms += 1 + r.int(40);
      if (ms >= 1000) {
        sec += Math.floor(ms / 1000);
        ms %= 1000;
      }
      uptime += 0.0007;
      const stamp = `${sec}.${String(ms).padStart(3, '0')}`;
      const d = new Date(sec * 1000);
      const syslogTs = `Nov ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} node-7`;
      const dmesgTs = `[${uptime.toFixed(6).padStart(12, ' ')}]`;
      const roll = r.int(100);
      let line: string;
      if (roll < 11) {
        const p = r.pick(procs);
        const [comm, exe] = images[p.image]!;
        const name = p.arch.names[rank()]!;
        const nr = syscallNumber(p.arch.id, name)!;
        const payload = `auid=4294967295 uid=${p.uid} gid=${p.uid} ses=${p.ses} subj=cri-containerd.apparmor.d (enforce) pid=${p.pid} ${field('comm', comm)} ${field('exe', exe)} sig=0 arch=${p.arch.code} syscall=${nr} compat=${p.arch.compat} ip=${siteOf(p.image, p.arch, name)} code=${r.pick(codes)}`;
        serial++;
        records++;
        if (rendering === 'journald') line = `${syslogTs} audit[${p.pid}]: SECCOMP ${payload}`;
        else if (rendering === 'dmesg') line = `${dmesgTs} audit: type=1326 audit(${stamp}:${serial}): ${payload}`;
        else line = `type=SECCOMP msg=audit(${stamp}:${serial}): ${payload}` + (r.int(3) === 0 ? `\x1dAUID="unset" UID="root" GID="root" ARCH=${p.arch.id === 'x86' ? 'i386' : p.arch.id} SYSCALL=${name}` : '');
      } else if (roll < 16) { // another audit record type: takes a serial too
        serial++;
        const p = r.pick(procs);
        const body = r.int(2) === 0
          ? `apparmor="DENIED" operation="open" profile="cri-containerd.apparmor.d" name="/proc/sys/kernel/shmmax" pid=${p.pid} comm="${images[p.image]![0]}" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`
          : `arch=c000003e syscall=59 success=yes exit=0 a0=55d0 a1=55d1 a2=55d2 a3=0 items=2 ppid=1 pid=${p.pid} auid=4294967295 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm="${images[p.image]![0]}" exe="${images[p.image]![1]}" key=(null)`;
        const type = body.startsWith('apparmor') ? ['1400', 'AVC'] : ['1300', 'SYSCALL'];
        if (rendering === 'journald') line = `${syslogTs} audit[${p.pid}]: ${type[1]} ${body}`;
        else if (rendering === 'dmesg') line = `${dmesgTs} audit: type=${type[0]} audit(${stamp}:${serial}): ${body}`;
        else line = `type=${type[1]} msg=audit(${stamp}:${serial}): ${body}`;
      } else if (rendering === 'auditd') { // auditd logs hold only audit records: the rest is PROCTITLE/CWD records
        serial++;
        line = `type=PROCTITLE msg=audit(${stamp}:${serial}): proctitle=2F7573722F62696E2F707974686F6E33002D6D0068747470`;
      } else {
        const [svc, msg] = r.pick(noise);
        line = rendering === 'dmesg' ? `${dmesgTs} ${msg}` : `${syslogTs} ${svc}: ${msg}`;
      }
      out.push(line);
      pending += line.length + 1;
      if (pending > 1 << 20 || written + pending >= stretchEnd) {
        const chunk = out.join('\n') + '\n';
        writeSync(fd, chunk);
        written += Buffer.byteLength(chunk);
        out.length = 0;
        pending = 0;
      }
    }
  }
  closeSync(fd);
  return { bytes: statSync(file).size, records };
}

type ChildOut = { ms: number; cpuMs: number; matched: number; lines: number; maxRssKiB: number; arches: Record<string, number>; loss: number };
type Run = { wall: number; cpu: number | undefined; rssKiB: number; out: ChildOut | undefined; count?: number };

/** grep -c SECCOMP FILE, its output through a pipe (`| cat`): never /dev/null. */
function runGrep(file: string): Run {
  const t = timed('sh', ['-c', `grep -c SECCOMP "${file}" | cat`]);
  return { wall: t.wall, cpu: t.cpu, rssKiB: t.rssKiB ?? 0, out: undefined, count: Number(t.stdout.trim()) };
}

function runChild(child: string, file: string, mode: 'one' | 'two'): Run {
  const t = timed(process.execPath, [child, file, mode]);
  const out = JSON.parse(t.stdout.trim().split('\n').pop()!) as ChildOut;
  return { wall: t.wall, cpu: t.cpu, rssKiB: Math.max(t.rssKiB ?? 0, out.maxRssKiB), out };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (k: string) => (args.indexOf(k) >= 0 ? args[args.indexOf(k) + 1] : undefined);
  const size = parseSize(opt('--size') ?? '1G');
  const runs = Number(opt('--runs') ?? 3);
  if (!(runs >= 1)) throw new Error('--runs must be at least 1');
  const baseline = opt('--baseline');
  const only = opt('--only');
  if (args[0] === '--generate') { // for profiling: write the log to FILE and stop
    const g = (opt('--kind') ?? 'realistic') === 'friendly' ? generateFriendly : generateRealistic;
    out(JSON.stringify(g(args[1]!, size)));
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'seccompctl-bench-'));
  try {
    const builds: { name: string; child: string }[] = [{ name: 'this tree', child: buildChild(join(dir, 'child')) }];
    if (baseline !== undefined) builds.unshift({ name: `baseline ${baseline}`, child: buildChild(join(dir, 'base'), baseline) });
    const logs = [
      { name: 'realistic', gen: generateRealistic },
      { name: 'friendly', gen: generateFriendly },
    ].filter((l) => only === undefined || l.name === only);
    out(`bench:ingest — ${(size / 2 ** 20).toFixed(0)} MiB per log, best of ${runs} alternating runs per command (wall), node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    const rows: string[] = [];
    for (const log of logs) {
      const file = join(dir, `${log.name}.log`);
      const gen = log.gen(file, size);
      const mb = gen.bytes / 1e6;
      execFileSync('cat', [file], { stdio: ['ignore', 'ignore', 'inherit'] }); // warm the page cache for all
      const best = new Map<string, Run>();
      let maxRss = new Map<string, number>();
      const keep = (k: string, x: Run) => {
        const b = best.get(k);
        if (!b || x.wall < b.wall) best.set(k, x);
        maxRss.set(k, Math.max(maxRss.get(k) ?? 0, x.rssKiB));
      };
      for (let i = 0; i < runs; i++) {
        keep('grep', runGrep(file));
        for (const b of builds) {
          keep(`${b.name}|one`, runChild(b.child, file, 'one'));
          keep(`${b.name}|two`, runChild(b.child, file, 'two'));
        }
      }
      const g = best.get('grep')!;
      out(`\n${log.name}: ${mb.toFixed(0)} MB, ${gen.records} seccomp records (grep -c SECCOMP: ${g.count}); grep ${(mb / g.wall).toFixed(0)} MB/s wall (${g.wall.toFixed(3)} s, CPU ${g.cpu?.toFixed(2)} s)`);
      for (const b of builds) {
        for (const mode of ['one', 'two'] as const) {
          const x = best.get(`${b.name}|${mode}`)!;
          const o = x.out!;
          if (o.matched !== gen.records) out(`WARNING: ${b.name} ${mode} thread(s) read ${o.matched} records, the generator wrote ${gen.records}`);
          if (o.loss > 0) out(`WARNING: ${b.name} ${mode}: ${o.loss} certain loss signal(s) on a log without loss`);
          const row = `${log.name.padEnd(9)} ${b.name.padEnd(22)} ${mode === 'one' ? 'one thread ' : 'two threads'}: ${(mb / x.wall).toFixed(0).padStart(5)} MB/s wall (${x.wall.toFixed(3)} s, CPU ${x.cpu?.toFixed(2)} s), ` +
            `ratio ${(g.wall / x.wall).toFixed(3)}× grep; parse alone ${(o.ms / 1000).toFixed(3)} s = ${((o.ms * 1000) / gen.records).toFixed(2)} µs/record; peak RSS ${((maxRss.get(`${b.name}|${mode}`) ?? 0) / 1024).toFixed(1)} MiB`;
          out(row);
          rows.push(row);
        }
      }
      rmSync(file, { force: true });
      maxRss = new Map();
    }
    out(`\nsummary (targets: ≥ 0.5× grep on the realistic log, one and two threads; peak RSS ≤ 100 MiB):\n${rows.join('\n')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
