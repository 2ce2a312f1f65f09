// The report opened in real headless Chromium (Debian's chromium, driven by playwright-core): it renders without
// console errors or any network request, every section is there, and the numbers a person reads are the ones
// counted by hand for a known profile (test/report/fixtures/known.json, counts from scmp_sys_resolver per arch).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { cli } from '../helpers/cli.js';
import { haveSystem } from '../helpers/system.js';

const CHROMIUM = '/usr/bin/chromium';
const FIX = resolve('test/report/fixtures');
const ARTIFACTS = resolve('tmp/artifacts');
const have = haveSystem('chromium');

describe.skipIf(!have)('the HTML report in headless Chromium', () => {
  let ctx: BrowserContext;
  let profileDir: string;
  let work: string;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    profileDir = mkdtempSync(join(tmpdir(), 'seccompctl-chromium-'));
    work = mkdtempSync(join(tmpdir(), 'seccompctl-report-'));
    ctx = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
      viewport: { width: 1200, height: 900 },
    });
  });
  afterAll(async () => {
    await ctx?.close();
    rmSync(profileDir, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  /** Opens a file, recording console errors, page errors and every request other than the file itself. */
  async function open(file: string): Promise<{ page: Page; errors: string[]; requests: string[] }> {
    const page = await ctx.newPage();
    const url = pathToFileURL(file).href;
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => { if (r.url() !== url) requests.push(r.url()); });
    await page.goto(url, { waitUntil: 'load' });
    return { page, errors, requests };
  }

  /** A table's body as text cells, found by its caption or the heading of its section. */
  const tableRows = (page: Page, selector: string): Promise<string[][]> => page.$$eval(`${selector} tbody tr`,
    (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));

  it('shows the hand-counted numbers of a known profile, with no console error and no request', async () => {
    const out = join(work, 'known.html');
    // A hostile recording: process names and syscall names that look like markup.
    const rec = join(work, 'hostile.rec.json');
    writeFileSync(rec, JSON.stringify({
      backend: 'strace', runtimeAdded: ['capset'],
      syscalls: { SCMP_ARCH_X86_64: ['read', '</table><script>alert(1)</script>'] },
      processes: [{ pid: 7, comm: '<b onmouseover=alert(1)>sh</b>', calls: 12, syscalls: { SCMP_ARCH_X86_64: { read: 11, '"><svg onload=alert(1)>': 1 } } }],
    }));
    const r = await cli(['report', join(FIX, 'known.json'), '--against', join(FIX, 'base.json'), '--recording', rec, '-o', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { page, errors, requests } = await open(out);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    // Accessible structure: one h1, every table has header cells, every picture a title.
    expect(await page.$$eval('h1', (h) => h.length)).toBe(1);
    expect(await page.$$eval('table', (ts) => ts.filter((t) => t.querySelectorAll('thead th').length === 0).length)).toBe(0);
    expect(await page.$$eval('svg', (ss) => ss.filter((x) => x.getAttribute('role') !== 'img' || !x.querySelector('title')).length)).toBe(0);
    // The recording's markup-like strings are text.
    const recText = await page.textContent('#recording');
    expect(recText).toContain('<b onmouseover=alert(1)>sh</b> (pid 7)');
    expect(recText).toContain('</table><script>alert(1)</script>');
    expect(await page.$$('#recording b, #recording script, svg svg')).toHaveLength(0);

    // Every section, each with a heading.
    const headings = await page.$$eval('section > h2', (hs) => hs.map((h) => h.textContent));
    expect(headings).toEqual(['Summary', 'Allowed syscalls by category', 'Risk view', `Compared with ${join(FIX, 'base.json')}`,
      'Where the syscalls came from', 'What each runtime does with it (validate)', 'Apply it on Kubernetes']);

    // Category counts per architecture, counted by hand (open is absent on aarch64, mmap on arm EABI).
    const cats = await tableRows(page, '#categories table:first-of-type');
    const heads = await page.$$eval('#categories table:first-of-type thead th', (t) => t.map((x) => x.textContent));
    expect(heads).toEqual(['Category', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    expect(Object.fromEntries(cats.map((c) => [c[0], c.slice(1).join(' ')]))).toEqual({
      'Files and I/O': '6 6 5 6',
      'Network': '2 2 2 2',
      'Processes, signals, credentials': '3 3 3 3',
      'Memory': '1 1 1 0',
      'IPC and synchronisation': '1 1 1 1',
      'Time and timers': '1 1 1 1',
      'Privileged / kernel': '2 2 2 2',
      'Other and architecture-specific': '0 0 0 0',
      'Total allowed': '16 16 15 15',
    });
    // One SVG chart per architecture, each with an accessible title.
    expect(await page.$$eval('#categories svg[role=img] > title', (t) => t.map((x) => x.textContent))).toEqual([
      'Allowed syscalls by category on SCMP_ARCH_X86_64', 'Allowed syscalls by category on SCMP_ARCH_X86',
      'Allowed syscalls by category on SCMP_ARCH_AARCH64', 'Allowed syscalls by category on SCMP_ARCH_ARM']);

    // Risk view: unshare (namespaces), io_uring_setup, ptrace allowed; clone only with its flags rule.
    const risks = await tableRows(page, '#risks table');
    const status = Object.fromEntries(risks.map((x) => [x[0], x[1]]));
    expect(status['Namespaces (incl. user namespaces)']).toBe('⚠ allowed');
    expect(status['io_uring']).toBe('⚠ allowed');
    expect(status['ptrace and cross-process memory']).toBe('⚠ allowed');
    expect(Object.values(status).filter((s) => s === '✓ not allowed')).toHaveLength(risks.length - 3);
    const ns = risks.find((x) => x[0] === 'Namespaces (incl. user namespaces)')!;
    expect(ns[2]).toContain('clone only when arg0 & 0x7e020000 == 0x0');
    expect(await page.textContent('#risks p')).toBe(`3 of ${risks.length} known-dangerous classes are reachable through this profile.`);

    // Comparison with base.json (bind clone close mmap read socket write): by hand, on x86_64 and x86 this
    // profile adds 10 (clock_gettime connect execve exit_group futex io_uring_setup open openat ptrace unshare),
    // removes bind and changes clone (unconditional → flags rule); on aarch64 no open (9 added); on arm no mmap
    // in either profile. "Allows outright" leaves out clone, which this profile allows only with its flags rule.
    const cmp = await tableRows(page, '#comparison table:first-of-type');
    expect(cmp.map((x) => x.join(' | '))).toEqual([
      'SCMP_ARCH_X86_64, SCMP_ARCH_X86 | 7 | 15 | 10 | 1 | 1',
      'SCMP_ARCH_AARCH64 | 7 | 14 | 9 | 1 | 1',
      'SCMP_ARCH_ARM | 6 | 14 | 10 | 1 | 1',
    ]);
    expect(await page.$$('#comparison svg[role=img]')).toHaveLength(1);

    // validate's verdicts: one row per runtime; the hostile name is shown as text, never as markup.
    const verdicts = await tableRows(page, '#runtimes table:first-of-type');
    expect(verdicts.map((v) => v[0])).toEqual(['containerd', 'cri-o', 'docker', 'runc', 'crun']);
    expect(await page.$$('img, script, iframe, object, embed, link')).toHaveLength(0);
    expect(await page.textContent('#runtimes')).toContain('<img src=x onerror=alert(1)>');

    // How to apply it.
    expect(await page.textContent('#apply')).toContain('localhostProfile: seccompctl/known.json');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-known.png'), fullPage: true });
    // Printing works (the print stylesheet applies) and gives a PDF.
    const pdf = await page.pdf({ format: 'A4' }).catch(() => undefined);
    if (pdf) expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await page.close();
  });

  it('shows a real recording: processes and syscall counts from generate --json, and the runtime base set', async () => {
    const rec = join(work, 'nginx.rec.json');
    const prof = join(work, 'nginx.json');
    const g = await cli(['generate', resolve('examples/audit/nginx-in-runc.dmesg.log'), '--arch', 'x86_64,aarch64', '--json', '-o', prof]);
    expect(g.code).toBe(0);
    writeFileSync(rec, g.stdout);
    const j = JSON.parse(g.stdout) as { processes: { comm: string; records: number }[]; syscalls: Record<string, { names: string[] }>; runtimeAdded: string[] };
    const out = join(work, 'nginx.html');
    const r = await cli(['report', 'nginx.json', '--against', 'runtime-default:containerd', '--recording', 'nginx.rec.json', '-o', 'nginx.html'], { cwd: work });
    expect(r.code).toBe(0);
    const { page, errors, requests } = await open(out);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.$$eval('section > h2', (hs) => hs.map((h) => h.textContent))).toContain('Where the syscalls came from');
    // The example's README: 65 syscalls from nginx processes.
    expect(j.syscalls.SCMP_ARCH_X86_64!.names).toHaveLength(65);
    const procs = await tableRows(page, '#recording table:first-of-type');
    expect(procs).toHaveLength(j.processes.length);
    expect(procs.reduce((s, p) => s + Number(p[1]), 0)).toBe(430);
    const seen = await tableRows(page, '#recording h3 + table');
    expect(seen[0]).toHaveLength(3);
    expect(seen.length).toBe(65);
    expect(await page.textContent('#recording')).toContain(`${j.runtimeAdded.length} syscall(s) the runtime (runc) makes`);
    expect(await page.textContent('#comparison')).toContain('runtime-default:containerd');
    expect(await page.textContent('h1')).toBe('Seccomp profile report: nginx.json');
    // Nothing forces a horizontal scroll at a laptop's width (long rule texts and name lists wrap).
    expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    await page.setViewportSize({ width: 1100, height: 1500 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-nginx.png'), fullPage: true });
    // The README's picture: the top of this report (refreshed with SECCOMPCTL_UPDATE_DOCS=1).
    if (process.env.SECCOMPCTL_UPDATE_DOCS === '1') await page.screenshot({ path: resolve('docs/report-screenshot.png'), clip: { x: 0, y: 0, width: 1100, height: 1500 } });
    await page.close();
  });

  it('renders a 450-syscall profile on four architectures', async () => {
    const { syscallsOf } = await import('../../src/syscalls/index.js');
    const arches = ['x86_64', 'x86', 'aarch64', 'arm'] as const;
    const names = [...new Set(arches.flatMap((a) => [...syscallsOf(a).keys()]))].sort();
    expect(names.length).toBeGreaterThanOrEqual(450);
    const file = join(work, 'big.json');
    writeFileSync(file, JSON.stringify({
      defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'], flags: [],
      syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }],
    }));
    const out = join(work, 'big.html');
    const r = await cli(['report', file, '--against', 'runtime-default:docker', '-o', out]);
    expect(r.code).toBe(0);
    const { page, errors, requests } = await open(out);
    expect(errors).toEqual([]);
    expect(requests).toEqual([]);
    const total = (await tableRows(page, '#categories table:first-of-type')).find((x) => x[0] === 'Total allowed')!;
    // Every syscall each architecture's kernel table defines is allowed.
    expect(total.slice(1).map(Number)).toEqual(arches.map((a) => syscallsOf(a).size));
    await page.close();
  });
});

describe('report command errors', () => {
  it('exits 2 with a one-line error for an unreadable profile or recording', async () => {
    const a = await cli(['report', '-', '-o', '/dev/null'], { stdin: '{"defaultAction": "SCMP_ACT_NOPE"' });
    expect(a.code).toBe(2);
    expect(a.stderr).not.toMatch(/\n\s+at /);
    const b = await cli(['report', join(FIX, 'known.json'), '--recording', '-'], { stdin: '{"syscalls": 3}' });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/\.syscalls should be an object of architectures/);
  });
  it('reports on a runtime-default reference itself', async () => {
    const r = await cli(['report', 'runtime-default:docker', '--arch', 'x86_64', '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Seccomp profile report: `runtime-default:docker`/);
    expect(r.stdout).toMatch(/SCMP\\_ARCH\\_X86\\_64/);
  });

  it('writes Markdown with the same numbers', async () => {
    const r = await cli(['report', join(FIX, 'known.json'), '--format', 'md']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\| \*\*Total allowed\*\* \| \*\*16\*\* \| \*\*16\*\* \| \*\*15\*\* \| \*\*15\*\* \|$/m);
    expect(r.stdout).toContain('3 of 15 known-dangerous classes');
    expect(r.stdout).not.toContain('<img');
    expect(r.stdout).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(readFileSync(join(FIX, 'known.json'), 'utf8')).toContain('<img');
  });
});
