// The report as Markdown (for pull requests): the same sections and numbers as the HTML, pictures as text bars.
import { CATEGORIES, CATEGORY_TITLES } from './categories.js';
import type { ReportModel } from './model.js';
import { applyLines, comparisonRows, processRows, riskLevel, summaryLines, type ReportText } from './text.js';

/** Escapes text for a Markdown table cell or paragraph (no HTML, links or emphasis from hostile input). */
export function mdEsc(s: string | number): string {
  return String(s).replace(/[\\`*_[\]<>|~&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`)).replace(/\r?\n/g, ' ');
}

const code = (s: string): string => `\`${s.replace(/`/g, "'")}\``;

function mdTable(headers: readonly string[], rows: readonly (readonly string[])[], num: readonly number[] = []): string {
  const n = new Set(num);
  return [`| ${headers.map(mdEsc).join(' | ')} |`, `|${headers.map((_, i) => (n.has(i) ? '---:' : '---')).join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const bar = (v: number, max: number, width = 30): string => '█'.repeat(max > 0 ? Math.round((v / max) * width) : 0) || (v > 0 ? '▏' : '');

const LEVEL: Record<string, string> = { allowed: '⚠ allowed', restricted: '◐ allowed with argument rules', denied: '✓ not allowed' };

/** Renders the report as GitHub-flavoured Markdown. */
export function renderMarkdown(m: ReportModel, t: ReportText): string {
  const out: string[] = [`# Seccomp profile report: ${code(m.file)}`, '', `_${mdEsc(t.generatedBy)}_`, '', '## Summary', ''];
  for (const [k, v] of summaryLines(m)) out.push(`- **${mdEsc(k)}**: ${mdEsc(v)}`);

  out.push('', '## Allowed syscalls by category', '');
  out.push(mdTable(['Category', ...m.arches.map((a) => a.scmp)], [
    ...CATEGORIES.map((c) => [mdEsc(CATEGORY_TITLES[c]), ...m.arches.map((a) => String(a.byCategory[c].length))]),
    ['**Total allowed**', ...m.arches.map((a) => `**${a.allowed.length}**`)],
  ], m.arches.map((_, i) => i + 1)));
  const first = m.arches[0]!;
  const max = Math.max(1, ...CATEGORIES.map((c) => first.byCategory[c].length));
  out.push('', `On ${code(first.scmp)}:`, '', '```text');
  for (const c of CATEGORIES) out.push(`${CATEGORY_TITLES[c].padEnd(32)} ${bar(first.byCategory[c].length, max)} ${first.byCategory[c].length}`);
  out.push('```', '');
  const same = m.arches.every((a) => CATEGORIES.every((c) => a.byCategory[c].join(' ') === first.byCategory[c].join(' ')));
  for (const a of m.arches.filter((_, i) => i === 0 || !same)) {
    out.push(`### Names on ${code(a.scmp)}${same && m.arches.length > 1 ? ' (the same on every architecture)' : ''}`, '');
    const conditional = new Set(a.allowed.filter((x) => x.conditions.length > 0).map((x) => x.name));
    out.push(mdTable(['Category', 'Allowed syscalls'], CATEGORIES.filter((c) => a.byCategory[c].length > 0).map((c) => [mdEsc(CATEGORY_TITLES[c]),
      a.byCategory[c].map((n) => (conditional.has(n) ? `${mdEsc(n)}\\*` : mdEsc(n))).join(' ')])), '');
  }
  out.push('\\* allowed only when its argument rules hold (see the risk view).', '');

  const nRisk = m.risks.filter((r) => riskLevel(r) !== 'denied').length;
  out.push('## Risk view', '', `${nRisk} of ${m.risks.length} known-dangerous classes are reachable through this profile.`, '');
  out.push(mdTable(['Class', 'Status', 'Allowed here', 'Why it matters'], m.risks.map((r) => [mdEsc(r.title), LEVEL[riskLevel(r)]!,
    r.allowed.length === 0 ? '—' : r.allowed.map((a) => `${code(a.name)}${a.conditions.length ? ` only when ${a.conditions.map(code).join(' or ')}` : ''}` +
      `${a.arches.length < m.arches.length ? ` (${a.arches.map(mdEsc).join(', ')})` : ''}`).join('<br>'), mdEsc(r.why)])), '');

  if (m.comparison) {
    const c = m.comparison;
    out.push(`## Compared with ${mdEsc(c.label)}`, '', `Baseline: **${mdEsc(c.label)}**${c.describes ? ` — ${mdEsc(c.describes)}` : ''}. “Added” are syscalls this profile allows and the baseline does not; “removed” the reverse.`, '');
    if (c.diff.same) out.push('**The two profiles are equivalent.**', '');
    if (c.diff.defaultAction) out.push(`- default action: ${mdEsc(c.diff.defaultAction.a)} → ${mdEsc(c.diff.defaultAction.b)}`);
    if (c.diff.architectures.added.length) out.push(`- architectures added: ${mdEsc(c.diff.architectures.added.join(' '))}`);
    if (c.diff.architectures.removed.length) out.push(`- architectures removed: ${mdEsc(c.diff.architectures.removed.join(' '))}`);
    const rows = comparisonRows(c);
    const mx = Math.max(1, ...rows.map((r) => Math.max(r.kept + r.added, r.kept + r.removed)));
    out.push('', '```text');
    for (const r of rows) {
      out.push(r.arches);
      out.push(`  this profile ${'▒'.repeat(Math.round((r.kept / mx) * 40))}${'+'.repeat(Math.round((r.added / mx) * 40))} ${r.kept} both + ${r.added} added`);
      out.push(`  baseline     ${'▒'.repeat(Math.round((r.kept / mx) * 40))}${'-'.repeat(Math.round((r.removed / mx) * 40))} ${r.kept} both + ${r.removed} removed`);
    }
    out.push('```', '');
    out.push(mdTable(['Architectures', 'Baseline allows outright', 'This profile allows outright', 'Added', 'Removed', 'Changed'],
      rows.map((r) => [mdEsc(r.arches), String(r.allowedA), String(r.allowedB), String(r.added), String(r.removed), String(r.changed)]), [1, 2, 3, 4, 5]), '');
    for (const g of c.diff.perArch) {
      if (g.added.length + g.removed.length + g.changed.length === 0) continue;
      const both = g.inA && g.inB;
      out.push(`### ${mdEsc(g.arches.join(', '))}${both ? '' : g.inA ? ' (not in this profile)' : ' (not in the baseline)'}`, '');
      const lines = [
        ...(g.added.length ? [['+ added', String(g.added.length), g.added.map(mdEsc).join(' ')]] : []),
        ...(g.removed.length ? [['− removed', String(g.removed.length), g.removed.map(mdEsc).join(' ')]] : []),
      ];
      if (lines.length) out.push(mdTable(['Change', 'Count', 'Syscalls'], lines, [1]), '');
      if (both && g.changed.length) {
        out.push(mdTable(['~ Changed syscall', 'Baseline', 'This profile'], g.changed.map((x) => [code(x.name), code(x.a), code(x.b)])), '');
      }
    }
  }

  if (m.recording) {
    const r = m.recording;
    const procs = processRows(r);
    out.push('## Where the syscalls came from', '', `From ${code(r.file)} (${mdEsc(r.source)}): ${procs.length} process(es), ` +
      `${Object.entries(r.syscalls).map(([a, s]) => `${Object.keys(s).length} distinct syscall(s) on ${mdEsc(a)}`).join(', ') || 'no syscalls'}.`, '');
    if (procs.length) {
      out.push(mdTable(['Process', 'Records', 'Syscalls (count)'], procs.map((p) => [mdEsc(p.label), String(p.calls),
        p.syscalls ? p.syscalls.map(([n, k]) => `${mdEsc(n)} ×${k}`).join(' ') : '_not listed per process in this recording_']), [1]), '');
    }
    for (const [arch, s] of Object.entries(r.syscalls)) {
      out.push(`### Syscalls seen on ${mdEsc(arch)}`, '');
      out.push(mdTable(['Syscall', 'Count', 'Category'], Object.entries(s).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([n, k]) => [code(n), k > 0 ? String(k) : 'seen', mdEsc(CATEGORY_TITLES[t.category(n)])]), [1]), '');
    }
    out.push('### Added for the runtime', '', r.runtimeAdded.length
      ? `${r.runtimeAdded.length} syscall(s) the runtime (runc) makes after loading the filter, not made by the workload itself: ${r.runtimeAdded.map(mdEsc).join(' ')}`
      : 'None (recorded with `--runtime none`, or the workload made them all itself).', '');
  }

  out.push('## What each runtime does with it (validate)', '');
  out.push(mdTable(['Runtime', 'Verdict', 'Errors', 'Warnings'], m.verdicts.map((v) => [v.runtime, v.ok ? '✓ ok' : '✗ FAIL', String(v.errors), String(v.warnings)]), [2, 3]), '');
  const shown = t.findings.filter((f) => f.severity !== 'info');
  out.push(shown.length ? mdTable(['Severity', 'Code', 'Where', 'Runtimes', 'Finding'], shown.map((f) => [f.severity, code(f.code), mdEsc(f.where), mdEsc(f.runtimes), mdEsc(f.message)])) : 'No errors or warnings.', '');

  const a = applyLines(m);
  out.push('## Apply it on Kubernetes', '', 'Install the profile on every node, then point the pods at it:', '', '```sh', ...a.install, '```', '',
    'In the pod or container `securityContext`:', '', '```yaml', ...a.yaml, '```', '', 'Or patch existing manifests:', '', '```sh', ...a.patch, '```', '');
  return out.join('\n');
}
