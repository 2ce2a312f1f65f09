// What the HTML and Markdown renderings share: the rows and lines of each section, computed once.
import { categoryOf, type Category } from './categories.js';
import type { Comparison, RecordingView, ReportModel, RiskFinding } from './model.js';

/** A finding as the report lists it (findings that differ only in runtime are merged). */
export interface FindingRow {
  severity: string;
  code: string;
  where: string;
  runtimes: string;
  message: string;
}

/** Derived text both renderers use. */
export interface ReportText {
  readonly findings: readonly FindingRow[];
  readonly generatedBy: string;
  readonly category: (name: string) => Category;
}

/** Builds the shared text of a report. */
export function reportText(m: ReportModel, generatedBy: string): ReportText {
  const merged = new Map<string, FindingRow>();
  for (const d of m.findings) {
    const where = d.line !== undefined ? `${d.file ?? m.file}:${d.line}:${d.col ?? 1}${d.path ? ` (${d.path})` : ''}` : d.path ?? '';
    const key = [d.severity, d.code, where, d.message].join('\0');
    const prev = merged.get(key);
    if (prev) {
      if (d.runtime !== undefined && !prev.runtimes.split(', ').includes(d.runtime)) prev.runtimes += `, ${d.runtime}`;
    } else {
      merged.set(key, { severity: d.severity, code: d.code, where, runtimes: d.runtime ?? 'all', message: d.message + (d.fix ? ` Fix: ${d.fix}` : '') });
    }
  }
  const order: Record<string, number> = { error: 0, warning: 1, info: 2 };
  const findings = [...merged.values()].sort((a, b) => (order[a.severity] ?? 3) - (order[b.severity] ?? 3));
  return { findings, generatedBy, category: categoryOf };
}

/** The summary's key/value lines. */
export function summaryLines(m: ReportModel): [string, string][] {
  return [
    ['Profile', `${m.file} (${m.dialect.toUpperCase()})`],
    ['Default action', `${m.defaultAction} for every syscall not allowed below`],
    ['Architectures', m.arches.map((a) => `${a.scmp} (${a.allowed.length} allowed of ${a.known})`).join(', ')],
    ['Rules', String(m.rules)],
    ['Flags', m.flags.length ? m.flags.join(', ') : 'none'],
    ['Runtimes', m.verdicts.map((v) => `${v.runtime} ${v.ok ? 'ok' : 'FAIL'}`).join(', ')],
    ['Risk classes reachable', `${m.risks.filter((r) => riskLevel(r) !== 'denied').length} of ${m.risks.length}`],
  ];
}

/** allowed: some member allowed without conditions; restricted: only with argument rules; denied: none allowed. */
export function riskLevel(r: RiskFinding): 'allowed' | 'restricted' | 'denied' {
  if (r.allowed.length === 0) return 'denied';
  return r.allowed.some((a) => a.conditions.length === 0) ? 'allowed' : 'restricted';
}

/** One row per architecture group of the comparison. */
export interface ComparisonRow {
  arches: string;
  allowedA: number;
  allowedB: number;
  kept: number;
  added: number;
  removed: number;
  changed: number;
}

/** The comparison's rows (A = baseline, B = this profile). */
export function comparisonRows(c: Comparison): ComparisonRow[] {
  return c.diff.perArch.map((g) => ({
    arches: g.arches.join(', ') + (!g.inA ? ' (not in baseline)' : !g.inB ? ' (not in this profile)' : ''),
    allowedA: g.allowedA, allowedB: g.allowedB,
    kept: Math.max(0, g.allowedB - g.added.length),
    // A group only one side has: its processes are killed there; rule changes mean nothing.
    added: g.added.length, removed: g.removed.length, changed: g.inA && g.inB ? g.changed.length : 0,
  }));
}

/** Processes sorted by records, each with its syscalls sorted by count. */
export function processRows(r: RecordingView): { label: string; calls: number; syscalls?: [string, number][] }[] {
  return [...r.processes].sort((a, b) => b.calls - a.calls).map((p) => ({
    label: p.label, calls: p.calls,
    ...(p.syscalls ? { syscalls: Object.entries(p.syscalls).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])) } : {}),
  }));
}

/** The lines to apply the profile. */
export function applyLines(m: ReportModel): { install: string[]; yaml: string[]; patch: string[] } {
  const f = m.installName;
  return {
    install: [
      `seccompctl k8s install ${f} --image <registry>/seccompctl:<version> | kubectl apply -f -`,
      'kubectl -n seccompctl-system rollout status ds/seccompctl-profiles',
      `# or, on clusters with the security-profiles-operator:`,
      `seccompctl k8s spo ${f} | kubectl apply -f -     # then localhostProfile: operator/${f}`,
    ],
    yaml: [
      'securityContext:',
      '  seccompProfile:',
      '    type: Localhost',
      `    localhostProfile: seccompctl/${f}`,
    ],
    patch: [
      `seccompctl k8s patch --localhost seccompctl/${f} deploy.yaml | kubectl apply -f -`,
    ],
  };
}
