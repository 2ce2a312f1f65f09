// The report as one self-contained HTML file: inline CSS and SVG, no script, no external resource (a Content
// Security Policy forbids any). Every string from the profile or the recording is escaped.
import { CATEGORIES, CATEGORY_TITLES, type Category } from './categories.js';
import { applyLines, comparisonRows, processRows, riskLevel, summaryLines, type ReportText } from './text.js';
import type { ReportModel } from './model.js';

/** Escapes text for HTML element content and attribute values. */
export function esc(s: string | number): string {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

// Colours with enough contrast on white; every bar also carries its number and name as text.
const CAT_COLOURS: Readonly<Record<Category, string>> = {
  files: '#1f6feb', network: '#8250df', processes: '#1a7f37', memory: '#9a6700', ipc: '#bf3989', time: '#0969da',
  privileged: '#cf222e', other: '#57606a',
};

const CSS = `
:root{--fg:#1f2328;--muted:#57606a;--line:#d0d7de;--bg:#fff;--soft:#f6f8fa;--bad:#cf222e;--good:#1a7f37;--warn:#9a6700}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg);margin:0}
header,main,footer{max-width:1100px;margin:0 auto;padding:0 24px}
header{padding-top:24px}
h1{font-size:1.6em;margin:.2em 0}
h2{font-size:1.3em;border-bottom:1px solid var(--line);padding-bottom:.2em;margin-top:2em}
h3{font-size:1.05em;margin:1.2em 0 .4em}
code,pre{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em}
pre{background:var(--soft);border:1px solid var(--line);padding:10px 12px;overflow-x:auto;white-space:pre-wrap;word-break:break-word}
table{border-collapse:collapse;margin:.5em 0 1em;width:100%}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top;overflow-wrap:break-word}
td code,.names{overflow-wrap:anywhere}
th{background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.names{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:.85em;word-spacing:.3em}
.muted{color:var(--muted)}
nav ol{columns:2;padding-left:1.2em}
.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0 0 1em;border:1px solid var(--line);padding:8px;background:var(--bg);max-width:100%;overflow-x:auto}
figcaption{font-size:.9em;color:var(--muted)}
.tag{display:inline-block;border-radius:3px;padding:0 6px;font-weight:600;font-size:.85em;border:1px solid;white-space:nowrap}
.tag.bad{color:var(--bad);border-color:var(--bad)}
.tag.warn{color:var(--warn);border-color:var(--warn)}
.tag.good{color:var(--good);border-color:var(--good)}
dl.summary{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px}
dl.summary dt{font-weight:600}
dl.summary dd{margin:0}
@media print{
  body{font-size:10.5pt}
  header,main,footer{max-width:none;padding:0}
  nav{display:none}
  section{break-inside:auto}
  figure,table,tr{break-inside:avoid}
  h2{break-after:avoid}
  a{color:inherit;text-decoration:none}
  pre{white-space:pre-wrap}
}`;

function table(headers: readonly string[], rows: readonly (readonly string[])[], opts: { caption?: string; num?: readonly number[]; raw?: readonly number[] } = {}): string {
  const num = new Set(opts.num ?? []);
  const raw = new Set(opts.raw ?? []);
  const cell = (v: string, i: number, tag: 'td' | 'th'): string => `<${tag}${num.has(i) ? ' class="num"' : ''}${tag === 'th' ? ' scope="col"' : ''}>${raw.has(i) && tag === 'td' ? v : esc(v)}</${tag}>`;
  return `<table>${opts.caption ? `<caption class="muted">${esc(opts.caption)}</caption>` : ''}<thead><tr>${headers.map((h, i) => cell(h, i, 'th')).join('')}</tr></thead>` +
    `<tbody>${rows.map((r) => `<tr>${r.map((v, i) => cell(v, i, 'td')).join('')}</tr>`).join('')}</tbody></table>`;
}

/** A horizontal bar chart: one labelled bar per row, value printed after the bar. */
function barChart(id: string, title: string, rows: readonly { label: string; value: number; colour: string }[], max: number): string {
  const W = 490;
  const labelW = 210;
  const barW = W - labelW - 60;
  const rowH = 22;
  const H = rows.length * rowH + 8;
  const bars = rows.map((r, i) => {
    const y = 4 + i * rowH;
    const w = max > 0 ? Math.max(r.value > 0 ? 2 : 0, Math.round((r.value / max) * barW)) : 0;
    return `<text x="${labelW - 6}" y="${y + 15}" text-anchor="end" font-size="12" fill="#1f2328">${esc(r.label)}</text>` +
      `<rect x="${labelW}" y="${y + 3}" width="${w}" height="${rowH - 8}" fill="${r.colour}"><title>${esc(`${r.label}: ${r.value}`)}</title></rect>` +
      `<text x="${labelW + w + 5}" y="${y + 15}" font-size="12" fill="#1f2328">${r.value}</text>`;
  }).join('');
  return `<svg role="img" aria-labelledby="${id}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg"><title id="${id}">${esc(title)}</title>${bars}</svg>`;
}

/** The comparison picture: per architecture group, a stacked bar of kept | added and a hatched bar of removed. */
function comparisonChart(rows: readonly { arches: string; kept: number; added: number; removed: number; changed: number }[]): string {
  const W = 800;
  const labelW = 270;
  const barW = W - labelW - 230;
  const rowH = 58;
  const H = rows.length * rowH + 40;
  const max = Math.max(1, ...rows.map((r) => Math.max(r.kept + r.added, r.kept + r.removed)));
  const sx = (v: number): number => Math.round((v / max) * barW);
  const legend = `<g font-size="12" fill="#1f2328"><rect x="${labelW}" y="4" width="12" height="12" fill="#8c959f"/><text x="${labelW + 16}" y="14">allowed by both</text>` +
    `<rect x="${labelW + 130}" y="4" width="12" height="12" fill="#cf222e"/><text x="${labelW + 146}" y="14">+ added by this profile</text>` +
    `<rect x="${labelW + 310}" y="4" width="12" height="12" fill="url(#hatch)" stroke="#1a7f37"/><text x="${labelW + 326}" y="14">− removed (baseline only)</text></g>`;
  const body = rows.map((r, i) => {
    const y = 30 + i * rowH;
    const k = sx(r.kept);
    const a = sx(r.added);
    const rm = sx(r.removed);
    return `<text x="${labelW - 6}" y="${y + 16}" text-anchor="end" font-size="12" fill="#1f2328">${esc(r.arches)}</text>` +
      `<rect x="${labelW}" y="${y + 4}" width="${k}" height="16" fill="#8c959f"><title>${esc(`${r.arches}: ${r.kept} allowed by both`)}</title></rect>` +
      `<rect x="${labelW + k}" y="${y + 4}" width="${a}" height="16" fill="#cf222e"><title>${esc(`${r.arches}: ${r.added} added`)}</title></rect>` +
      `<text x="${labelW + k + a + 5}" y="${y + 17}" font-size="12" fill="#1f2328">${r.kept} both + ${r.added} added</text>` +
      `<rect x="${labelW}" y="${y + 24}" width="${k}" height="16" fill="#8c959f"/>` +
      `<rect x="${labelW + k}" y="${y + 24}" width="${rm}" height="16" fill="url(#hatch)" stroke="#1a7f37"><title>${esc(`${r.arches}: ${r.removed} removed`)}</title></rect>` +
      `<text x="${labelW + k + rm + 5}" y="${y + 37}" font-size="12" fill="#1f2328">− ${r.removed} removed${r.changed ? `, ~ ${r.changed} changed` : ''}</text>`;
  }).join('');
  return `<svg role="img" aria-labelledby="cmp-title" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg"><title id="cmp-title">Allowed syscalls compared with the baseline, per architecture</title>` +
    `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#dafbe1"/><line x1="0" y1="0" x2="0" y2="6" stroke="#1a7f37" stroke-width="2"/></pattern></defs>${legend}${body}</svg>`;
}

const LEVEL_TAG: Readonly<Record<string, string>> = {
  allowed: '<span class="tag bad">⚠ allowed</span>',
  restricted: '<span class="tag warn">◐ allowed with argument rules</span>',
  denied: '<span class="tag good">✓ not allowed</span>',
};

/** Renders the report as one self-contained HTML document. */
export function renderHtml(m: ReportModel, t: ReportText): string {
  const sections: string[] = [];
  const toc: [string, string][] = [];
  const section = (id: string, title: string, body: string): void => {
    toc.push([id, title]);
    sections.push(`<section id="${id}" aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${body}</section>`);
  };

  section('summary', 'Summary', `<dl class="summary">${summaryLines(m).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`);

  // Categories: one chart per architecture, one table with every count, then the names per category.
  const maxCat = Math.max(1, ...m.arches.flatMap((a) => CATEGORIES.map((c) => a.byCategory[c].length)));
  const charts = m.arches.map((a, i) => `<figure>${barChart(`cat-${i}`, `Allowed syscalls by category on ${a.scmp}`,
    CATEGORIES.map((c) => ({ label: CATEGORY_TITLES[c], value: a.byCategory[c].length, colour: CAT_COLOURS[c] })), maxCat)}` +
    `<figcaption>${esc(a.scmp)}: ${a.allowed.length} of ${a.known} syscalls allowed</figcaption></figure>`).join('');
  const catTable = table(['Category', ...m.arches.map((a) => a.scmp)],
    [...CATEGORIES.map((c) => [CATEGORY_TITLES[c], ...m.arches.map((a) => String(a.byCategory[c].length))]),
      ['Total allowed', ...m.arches.map((a) => String(a.allowed.length))]],
    { caption: 'Allowed syscalls per category and architecture', num: m.arches.map((_, i) => i + 1) });
  const first = m.arches[0]!;
  const sameEverywhere = m.arches.every((a) => CATEGORIES.every((c) => a.byCategory[c].join(' ') === first.byCategory[c].join(' ')));
  const lists = m.arches.filter((_, i) => i === 0 || !sameEverywhere).map((a) => `<h3>Names on ${esc(a.scmp)}${sameEverywhere && m.arches.length > 1 ? ' (the same on every architecture)' : ''}</h3>` +
    table(['Category', 'Allowed syscalls'], CATEGORIES.filter((c) => a.byCategory[c].length > 0).map((c) => {
      const conds = new Map(a.allowed.filter((x) => x.conditions.length > 0).map((x) => [x.name, x.conditions]));
      return [CATEGORY_TITLES[c], `<span class="names">${a.byCategory[c].map((n) => {
        const cs = conds.get(n);
        return cs ? `${esc(n)}<abbr title="${esc(cs.join(' | '))}">*</abbr>` : esc(n);
      }).join(' ')}</span>`];
    }), { raw: [1] })).join('');
  section('categories', 'Allowed syscalls by category', `<div class="charts">${charts}</div>${catTable}${lists}<p class="muted">* allowed only when its argument rules hold (hover or see the risk view).</p>`);

  // Risk view.
  const riskRows = m.risks.map((r) => {
    const level = riskLevel(r);
    const what = r.allowed.length === 0 ? '—' : r.allowed.map((a) => `<code>${esc(a.name)}</code>${a.conditions.length ? ` only when <code>${a.conditions.map(esc).join('</code> or <code>')}</code>` : ''}` +
      `${a.arches.length < m.arches.length ? ` <span class="muted">(${a.arches.map(esc).join(', ')})</span>` : ''}`).join('<br>');
    return [esc(r.title), LEVEL_TAG[level]!, what, esc(r.why)];
  });
  const nRisk = m.risks.filter((r) => riskLevel(r) !== 'denied').length;
  section('risks', 'Risk view', `<p>${nRisk} of ${m.risks.length} known-dangerous classes are reachable through this profile.</p>` +
    table(['Class', 'Status', 'Allowed here', 'Why it matters'], riskRows, { raw: [0, 1, 2, 3] }));

  // Comparison.
  if (m.comparison) {
    const c = m.comparison;
    const rows = comparisonRows(c);
    const body = [`<p>Baseline: <strong>${esc(c.label)}</strong>${c.describes ? ` — ${esc(c.describes)}` : ''}. “Added” are syscalls this profile allows and the baseline does not; “removed” the reverse.</p>`];
    if (c.diff.same) body.push('<p><strong>The two profiles are equivalent.</strong></p>');
    const extra: string[] = [];
    if (c.diff.defaultAction) extra.push(`default action: ${c.diff.defaultAction.a} → ${c.diff.defaultAction.b}`);
    if (c.diff.architectures.added.length) extra.push(`architectures added: ${c.diff.architectures.added.join(' ')}`);
    if (c.diff.architectures.removed.length) extra.push(`architectures removed: ${c.diff.architectures.removed.join(' ')}`);
    if (extra.length) body.push(`<ul>${extra.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>`);
    body.push(`<figure>${comparisonChart(rows)}<figcaption>Per architecture group: allowed by both, added and removed</figcaption></figure>`);
    body.push(table(['Architectures', 'Baseline allows outright', 'This profile allows outright', 'Added', 'Removed', 'Changed'],
      rows.map((r) => [r.arches, String(r.allowedA), String(r.allowedB), String(r.added), String(r.removed), String(r.changed)]), { num: [1, 2, 3, 4, 5], caption: 'Counts per architecture group' }));
    for (const g of c.diff.perArch) {
      if (g.added.length + g.removed.length + g.changed.length === 0) continue;
      const names = (l: readonly string[]): string => `<span class="names">${l.map(esc).join(' ')}</span>`;
      const both = g.inA && g.inB;
      body.push(`<h3>${esc(g.arches.join(', '))}${both ? '' : g.inA ? ' (not in this profile)' : ' (not in the baseline)'}</h3>`);
      const lines: string[][] = [
        ...(g.added.length ? [['+ added', String(g.added.length), names(g.added)]] : []),
        ...(g.removed.length ? [['− removed', String(g.removed.length), names(g.removed)]] : []),
      ];
      if (lines.length) body.push(table(['Change', 'Count', 'Syscalls'], lines, { num: [1], raw: [2] }));
      if (both && g.changed.length) {
        body.push(table(['~ Changed syscall', 'Baseline', 'This profile'], g.changed.map((x) => [`<code>${esc(x.name)}</code>`, `<code>${esc(x.a)}</code>`, `<code>${esc(x.b)}</code>`]),
          { raw: [0, 1, 2], caption: `${g.changed.length} syscall(s) both name with a different action, errno or argument rule` }));
      }
    }
    section('comparison', `Compared with ${c.label}`, body.join(''));
  }

  // Recording.
  if (m.recording) {
    const r = m.recording;
    const procs = processRows(r);
    const maxCalls = Math.max(1, ...procs.slice(0, 15).map((p) => p.calls));
    const body = [`<p>From <code>${esc(r.file)}</code> (${esc(r.source)}): ${procs.length} process(es), ` +
      `${Object.entries(r.syscalls).map(([a, s]) => `${Object.keys(s).length} distinct syscall(s) on ${esc(a)}`).join(', ') || 'no syscalls'}.</p>`];
    if (procs.length) {
      body.push(`<figure>${barChart('proc-chart', 'Syscall records per process', procs.slice(0, 15).map((p) => ({ label: p.label.length > 28 ? p.label.slice(0, 27) + '…' : p.label, value: p.calls, colour: '#1f6feb' })), maxCalls)}` +
        `<figcaption>Records per process${procs.length > 15 ? ' (the 15 busiest)' : ''}</figcaption></figure>`);
      body.push(table(['Process', 'Records', 'Syscalls (count)'], procs.map((p) => [esc(p.label), String(p.calls),
        p.syscalls ? `<span class="names">${p.syscalls.map(([n, k]) => `${esc(n)}&nbsp;×${k}`).join(' ')}</span>` : '<span class="muted">not listed per process in this recording</span>']), { num: [1], raw: [0, 2] }));
    }
    for (const [arch, s] of Object.entries(r.syscalls)) {
      const sorted = Object.entries(s).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      body.push(`<h3>Syscalls seen on ${esc(arch)}</h3>` + table(['Syscall', 'Count', 'Category'], sorted.map(([n, k]) => [n, k > 0 ? String(k) : 'seen', CATEGORY_TITLES[t.category(n)]]), { num: [1] }));
    }
    body.push(`<h3>Added for the runtime</h3>` + (r.runtimeAdded.length
      ? `<p>${r.runtimeAdded.length} syscall(s) the runtime (runc) makes after loading the filter, not made by the workload itself:</p><p class="names">${r.runtimeAdded.map(esc).join(' ')}</p>`
      : '<p>None (recorded with <code>--runtime none</code>, or the workload made them all itself).</p>'));
    section('recording', 'Where the syscalls came from', body.join(''));
  }

  // Runtime verdicts.
  const vt = table(['Runtime', 'Verdict', 'Errors', 'Warnings'], m.verdicts.map((v) => [esc(v.runtime), v.ok ? '<span class="tag good">✓ ok</span>' : '<span class="tag bad">✗ FAIL</span>', String(v.errors), String(v.warnings)]), { raw: [0, 1], num: [2, 3] });
  const shown = t.findings.filter((f) => f.severity !== 'info');
  const ft = shown.length ? table(['Severity', 'Code', 'Where', 'Runtimes', 'Finding'], shown.map((f) => [f.severity, f.code, f.where, f.runtimes, f.message])) : '<p>No errors or warnings.</p>';
  section('runtimes', 'What each runtime does with it (validate)', vt + ft);

  // Apply.
  const a = applyLines(m);
  section('apply', 'Apply it on Kubernetes', `<p>Install the profile on every node, then point the pods at it:</p><pre><code>${esc(a.install.join('\n'))}</code></pre>` +
    `<p>In the pod or container <code>securityContext</code>:</p><pre><code>${esc(a.yaml.join('\n'))}</code></pre>` +
    `<p>Or patch existing manifests:</p><pre><code>${esc(a.patch.join('\n'))}</code></pre>`);

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(`Seccomp profile report: ${m.file}`)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>Seccomp profile report: <code>${esc(m.file)}</code></h1><p class="muted">${esc(t.generatedBy)}</p>
<nav aria-label="Contents"><ol>${toc.map(([id, title]) => `<li><a href="#${id}">${esc(title)}</a></li>`).join('')}</ol></nav></header>
<main>
${sections.join('\n')}
</main>
<footer><p class="muted">Categories and risk classes: docs/report.md. Counts are per architecture; a name the kernel does not define on an architecture is not counted there.</p></footer>
</body>
</html>
`;
}
