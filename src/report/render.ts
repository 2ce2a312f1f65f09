// Rendering: a built report model → HTML or Markdown text; createReport builds and renders in one call.
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { buildReport, type ReportInput, type ReportModel } from './model.js';
import { reportText } from './text.js';

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
