// Report: a profile (plus an optional baseline and recording) → one self-contained HTML page or Markdown document
// showing what it allows by category and architecture, its risks, the comparison, where its syscalls came from,
// each runtime's verdict and how to apply it.
export type { ReportInput, ReportModel, ArchView, AllowedSyscall, RiskFinding, Comparison, RecordingView, RecordedProcess, RuntimeVerdict } from './model.js';
export { buildReport, parseRecording, conditionText } from './model.js';
export type { Category, RiskClass } from './categories.js';
export { CATEGORIES, CATEGORY_TITLES, RISK_CLASSES, categoryOf } from './categories.js';
export { esc as escapeHtml } from './html.js';
export type { ReportFormat } from './render.js';
export { renderReport, createReport } from './render.js';
export type { ReportFilesOptions, ReportFilesResult } from './files.js';
export { reportFromFiles } from './files.js';
