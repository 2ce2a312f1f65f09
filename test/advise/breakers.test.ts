// Workloads RuntimeDefault breaks, built here with gcc: each is recorded with strace on the host, `advise` reads the
// recording, `verify runtime-default:RUNTIME` runs it under that runtime's exact RuntimeDefault in runc, and `check`
// answers for every call advise names. All four must agree: advise's denied calls are verify's denials (the kernel
// refused them: sys_exit without sys_enter), with the errno the program itself printed, and `check` gives the same
// verdict. The expected verdicts below were checked by hand against the runtimes' profiles (data/runtime-default/).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { haveRoot, haveSystem } from '../helpers/system.js';

const SRC = String.raw`
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
static void report(const char *name, long r) { printf("%s %s %d\n", name, r < 0 ? "errno" : "ok", r < 0 ? errno : 0); fflush(stdout); }
int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "ns")) {
    long r = syscall(SYS_clone, CLONE_NEWUTS | SIGCHLD, 0, 0, 0, 0);
    if (r == 0) _exit(0);
    if (r > 0) { waitpid(r, 0, 0); r = 0; }
    report("clone", r);
    report("unshare", syscall(SYS_unshare, CLONE_NEWUSER));
  } else if (!strcmp(mode, "personality")) {
    report("personality", syscall(SYS_personality, READ_IMPLIES_EXEC));
  } else if (!strcmp(mode, "keys")) {
    report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* KEY_SPEC_SESSION_KEYRING */, 0));
    report("bpf", syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, 0, 0));
    report("perf_event_open", syscall(SYS_perf_event_open, 0, 0, -1, -1, 0));
  } else if (!strcmp(mode, "threads")) {
    /* nothing RuntimeDefault denies: a plain fork */
    pid_t p = fork();
    if (p == 0) _exit(0);
    waitpid(p, 0, 0);
    report("fork", p > 0 ? 0 : -1);
  }
  return 0;
}
`;

const RUNTIMES = ['containerd', 'cri-o', 'docker'] as const;
type Rt = (typeof RUNTIMES)[number];

/** What each runtime's RuntimeDefault does to each mode's calls (by hand, from the profiles): name → errno. */
const EXPECTED: Record<string, Record<Rt, Record<string, number>>> = {
  ns: {
    containerd: { clone: 1, unshare: 1 }, docker: { clone: 1, unshare: 1 },
    // CRI-O: clone without CAP_SYS_ADMIN only without namespace flags; unshare not allowed; default errno ENOSYS.
    'cri-o': { clone: 38, unshare: 38 },
  },
  personality: { containerd: { personality: 1 }, docker: { personality: 1 }, 'cri-o': { personality: 38 } },
  keys: {
    containerd: { keyctl: 1, bpf: 1, perf_event_open: 1 }, docker: { keyctl: 1, bpf: 1, perf_event_open: 1 },
    // containers-common allows keyctl; bpf and perf_event_open have ERRNO rules without CAP_SYS_ADMIN.
    'cri-o': { bpf: 1, perf_event_open: 1 },
  },
  threads: { containerd: {}, docker: {}, 'cri-o': {} },
};

/** Capabilities advise must name for a denial (the runtimes' includes.caps rules), by hand from the profiles. */
const CAPS: Record<Rt, Record<string, string[]>> = {
  docker: { unshare: ['CAP_SYS_ADMIN'], clone: ['CAP_SYS_ADMIN'], bpf: ['CAP_BPF', 'CAP_SYS_ADMIN'], perf_event_open: ['CAP_PERFMON', 'CAP_SYS_ADMIN'], keyctl: [], personality: [] },
  containerd: { unshare: ['CAP_SYS_ADMIN'], clone: ['CAP_SYS_ADMIN'], bpf: ['CAP_BPF', 'CAP_SYS_ADMIN'], perf_event_open: ['CAP_PERFMON', 'CAP_SYS_ADMIN'], keyctl: [], personality: [] },
  'cri-o': { unshare: ['CAP_SYS_ADMIN'], clone: ['CAP_SYS_ADMIN'], bpf: ['CAP_SYS_ADMIN'], perf_event_open: ['CAP_SYS_ADMIN'], personality: [] },
};

interface Finding { name: string; call: string; outcome: string; verdict?: string; errno?: number; capabilities: string[]; reason: string }
interface Advice { runtime: Rt; verdict: string; addCapabilities: string[]; findings: Finding[]; commands: string[] }

const live = haveSystem('runc', 'bpftrace', 'strace', 'gcc') && haveRoot();

describe.skipIf(!live).concurrent('RuntimeDefault breakers: advise, verify runtime-default:…, check and the kernel agree', () => {
  // Under /usr so the verify container (the host's /usr bind-mounted read-only) can run it.
  let dir = '';
  let bin = '';
  const work = mkdtempSync(join(tmpdir(), 'seccompctl-breakers-'));
  beforeAll(() => {
    mkdirSync('/usr/local/lib', { recursive: true });
    dir = mkdtempSync('/usr/local/lib/seccompctl-test-');
    chmodSync(dir, 0o755);
    writeFileSync(join(work, 'breaker.c'), SRC);
    bin = join(dir, 'breaker');
    execFileSync('gcc', ['-O1', '-o', bin, join(work, 'breaker.c')]);
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it.each(Object.keys(EXPECTED).map((m) => [m]))('%s', async (mode) => {
    const rec = join(work, `${mode}.strace`);
    execFileSync('strace', ['-f', '-qq', '-o', rec, bin, mode], { stdio: 'ignore' });
    const a = await cli(['advise', rec, '--json']);
    expect(a.code, a.stderr).toBe(mode === 'threads' ? 0 : 1);
    const advice = (JSON.parse(a.stdout) as { runtimes: Advice[] }).runtimes;
    for (const rt of RUNTIMES) {
      const want = EXPECTED[mode]![rt];
      const adv = advice.find((x) => x.runtime === rt)!;
      const denied = adv.findings.filter((f) => f.outcome === 'denied');
      // advise: exactly the expected calls, each with the expected errno and the runtime's capability gate.
      expect(Object.fromEntries(denied.map((f) => [f.name, f.errno])), `${mode}/${rt} advise`).toEqual(want);
      for (const f of denied) expect(f.capabilities, `${mode}/${rt} ${f.name} capabilities`).toEqual(CAPS[rt][f.name]);
      expect(adv.findings.filter((f) => f.outcome === 'depends'), `${mode}/${rt}: strace has the arguments`).toEqual([]);
      const hasUnfixable = denied.some((f) => f.capabilities.length === 0);
      expect(adv.verdict, `${mode}/${rt}`).toBe(denied.length === 0 ? 'safe' : hasUnfixable ? 'needs-localhost' : 'safe-with-capability');
      if (adv.verdict === 'needs-localhost') expect(adv.commands.join('\n')).toMatch(/k8s patch deploy\.yaml --localhost/);
      if (adv.verdict === 'safe' || adv.verdict === 'safe-with-capability') expect(adv.commands.join('\n')).toMatch(/k8s patch deploy\.yaml --runtime-default/);
      if (adv.verdict === 'safe-with-capability') expect(adv.addCapabilities).toEqual([...new Set(denied.map((f) => CAPS[rt][f.name]![0]!))].sort());

      // check: the same verdict for each call advise names.
      for (const f of denied) {
        const c = await cli(['check', `runtime-default:${rt}`, f.call, '--json']);
        const j = JSON.parse(c.stdout) as { ret: string; errno?: number; allowed: boolean };
        expect(c.code, `${rt} check ${f.call}`).toBe(1);
        expect(j.ret, `${rt} check ${f.call}`).toBe(f.verdict);
        expect(j.errno).toBe(f.errno);
      }

      // verify in runc under the runtime's exact RuntimeDefault: the kernel refused exactly these calls.
      const v = await cli(['verify', `runtime-default:${rt}`, '--json', '--', bin, mode]);
      const vj = JSON.parse(v.stdout) as { passed: boolean; denials: { name: string; errno?: number }[]; commandSucceeded: boolean };
      expect(v.code, `${mode}/${rt} verify: ${v.stderr}`).toBe(denied.length === 0 ? 0 : 1);
      expect(vj.commandSucceeded, v.stderr).toBe(true);
      expect(Object.fromEntries(vj.denials.map((d) => [d.name, d.errno])), `${mode}/${rt} verify`).toEqual(want);
      // The program saw the same errno (its stdout goes to stderr with --json).
      for (const [name, errno] of Object.entries(want)) expect(v.stderr, `${mode}/${rt}`).toContain(`${name} errno ${errno}\n`);
    }
    // The text output names each denial with its reason.
    if (mode === 'keys') {
      const t = await cli(['advise', rec, '--runtime', 'docker']);
      expect(t.stdout).toMatch(/DENIED\s+keyctl\b.*\n\s+.*not in docker's RuntimeDefault allow list; no capability changes that; the kernel keyring is not namespaced/);
      expect(t.stdout).toMatch(/DENIED\s+bpf\b.*\n\s+.*allowed with CAP_BPF or CAP_SYS_ADMIN/);
    }
    expect(readFileSync(rec, 'utf8')).toContain(mode === 'keys' ? 'keyctl(' : mode === 'ns' ? 'unshare(CLONE_NEWUSER)' : mode === 'personality' ? 'personality(' : 'clone(');
  }, 180_000);
});
