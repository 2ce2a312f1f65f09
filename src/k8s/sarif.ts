// SARIF 2.1.0 output for lint findings (GitHub code scanning and other code-scanning UIs read it).
import type { Severity } from '../common/index.js';
import { LINT_RULES, type LintFinding } from './lint.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/** A minimal SARIF 2.1.0 log: one run, the rule table, one result per finding. */
export function toSarif(findings: readonly LintFinding[], toolVersion: string): object {
  const ruleIds = Object.keys(LINT_RULES);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'seccompctl',
          version: toolVersion,
          informationUri: 'https://github.com/seccompctl/seccompctl',
          rules: ruleIds.map((id) => ({
            id,
            name: id,
            shortDescription: { text: LINT_RULES[id]!.summary },
            defaultConfiguration: { level: LEVEL[LINT_RULES[id]!.severity] },
          })),
        },
      },
      results: findings.map((f) => ({
        ruleId: f.code,
        ruleIndex: Math.max(0, ruleIds.indexOf(f.code)),
        level: LEVEL[f.severity],
        message: { text: `${f.message}\nFix: ${f.fix}` },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: f.file === '-' || f.file === undefined ? 'stdin' : f.file.replace(/^\.\//, '') },
            region: { startLine: f.line ?? 1, ...(f.col !== undefined ? { startColumn: f.col } : {}) },
          },
          logicalLocations: [{ name: f.container ?? f.object.name ?? f.object.kind, fullyQualifiedName: [f.object.kind, f.object.namespace, f.object.name, f.container].filter(Boolean).join('/'), kind: 'object' }],
        }],
      })),
    }],
  };
}
