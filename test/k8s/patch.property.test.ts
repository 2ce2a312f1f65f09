// Property: for any pod-bearing object in any of our layouts (block YAML with either sequence indent, with
// comments; pretty JSON), patching only inserts lines, the data equals the input plus the field, and a second
// patch changes nothing.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { patchManifest, planPatch } from '../../src/k8s/index.js';
import { insertedLines } from './helpers.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/);
const container = fc.record({
  name,
  image: fc.constantFrom('nginx:1.27', 'busybox', 'registry.example/app:1.2.3'),
  args: fc.option(fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }), { nil: undefined }),
  securityContext: fc.option(fc.record({ runAsNonRoot: fc.boolean(), readOnlyRootFilesystem: fc.boolean() }), { nil: undefined }),
}, { requiredKeys: ['name', 'image'] });
const podSpec = fc.record({
  containers: fc.uniqueArray(container, { minLength: 1, maxLength: 3, selector: (c) => c.name }),
  restartPolicy: fc.option(fc.constantFrom('Always', 'Never'), { nil: undefined }),
  securityContext: fc.option(fc.record({ runAsUser: fc.integer({ min: 1, max: 65535 }), fsGroup: fc.integer({ min: 1, max: 65535 }) }), { nil: undefined }),
  nodeSelector: fc.option(fc.dictionary(name, name, { maxKeys: 2 }), { nil: undefined }),
}, { requiredKeys: ['containers'] });
const kind = fc.constantFrom('Pod', 'Deployment', 'CronJob', 'PodTemplate');

function wrap(k: string, spec: object): Record<string, unknown> {
  const meta = { name: 'x' };
  if (k === 'Pod') return { apiVersion: 'v1', kind: k, metadata: meta, spec };
  if (k === 'PodTemplate') return { apiVersion: 'v1', kind: k, metadata: meta, template: { spec } };
  if (k === 'CronJob') return { apiVersion: 'batch/v1', kind: k, metadata: meta, spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec } } } } };
  return { apiVersion: 'apps/v1', kind: k, metadata: meta, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec } } };
}
function specOf(o: Record<string, any>): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'PodTemplate') return o.template.spec;
  if (o.kind === 'CronJob') return o.spec.jobTemplate.spec.template.spec;
  return o.spec.template.spec;
}

it('patch only inserts, sets the field, and is idempotent (property)', () => {
  fc.assert(fc.property(kind, podSpec, fc.constantFrom('yaml', 'yaml-indent', 'json2', 'json4'), fc.array(fc.nat(), { maxLength: 4 }), (k, spec, style, commentAt) => {
    const obj = wrap(k, spec);
    let text = style.startsWith('json') ? JSON.stringify(obj, null, style === 'json2' ? 2 : 4) + '\n' : stringify(obj, { indentSeq: style === 'yaml-indent' });
    if (!style.startsWith('json')) {
      // Sprinkle full-line comments at random line starts.
      const lines = text.split('\n');
      for (const at of commentAt) lines.splice(at % lines.length, 0, '# keep me');
      text = lines.join('\n');
    }
    const { text: out } = patchManifest(text, 'f', { profile: { type: 'RuntimeDefault' } });
    expect(insertedLines(text, out)).toBeDefined();
    const expected = parse(text);
    const s = specOf(expected);
    s.securityContext = { ...(s.securityContext ?? {}), seccompProfile: { type: 'RuntimeDefault' } };
    expect(parse(out)).toEqual(expected);
    if (style.startsWith('json')) expect(JSON.parse(out)).toEqual(expected);
    expect(planPatch(out, 'f', { profile: { type: 'RuntimeDefault' } }).edits).toEqual([]);
  }), { numRuns: 300 });
});
