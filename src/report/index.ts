// Report: a profile (plus an optional baseline and recording) → one self-contained HTML page or Markdown document
// showing what it allows by category and architecture, its risks, the comparison, where its syscalls came from,
// each runtime's verdict and how to apply it.
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildReport, type ReportInput, type ReportModel } from './model.js';
import { reportText } from './text.js';

export type { ReportInput, ReportModel, ArchView, AllowedSyscall, RiskFinding, Comparison, RecordingView, RecordedProcess, RuntimeVerdict } from './model.js';
export { buildReport, parseRecording, conditionText } from './model.js';
export type { Category, RiskClass } from './categories.js';
export { CATEGORIES, CATEGORY_TITLES, RISK_CLASSES, categoryOf } from './categories.js';
export { esc as escapeHtml } from './html.js';

/** Output formats of a report. */
export type ReportFormat = 'html' | 'md';

/** Renders a built report. `generatedBy` is printed under the title (e.g. the tool and version). */
export function renderReport(m: ReportModel, format: ReportFormat, generatedBy = 'seccompctl report'): string {
  const t = reportText(m, generatedBy);
  return format === 'md' ? renderMarkdown(m, t) : renderHtml(m, t);
}

/** Builds and renders a report in one call. Throws UserError (exit 2) for unreadable input. */
export function createReport(input: ReportInput & { format?: ReportFormat; generatedBy?: string }): { text: string; model: ReportModel } {
  const model = buildReport(input);
  return { text: renderReport(model, input.format ?? 'html', input.generatedBy), model };
}
