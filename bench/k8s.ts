// `npm run bench:k8s [-- --objects 2000]`: k8s patch and lint on a large Helm-style multi-document YAML stream and
// a large `kubectl get -o json` List, each against the `yaml` package merely parsing the same text (the floor
// any comment-preserving editor pays) in the same run. Patch parses twice (plan, then the read-back self-check).
import { parseAllDocuments } from 'yaml';
import { applyPatch, lintManifest, planPatch } from '../src/k8s/index.js';

const out = (s: string) => process.stdout.write(s + '\n');
const arg = process.argv.indexOf('--objects');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 2000;

function deployment(i: number): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `svc-${i}`, namespace: `team-${i % 17}`, labels: { app: `svc-${i}` } },
    spec: {
      replicas: 2, selector: { matchLabels: { app: `svc-${i}` } },
      template: {
        metadata: { labels: { app: `svc-${i}` }, ...(i % 5 === 0 ? { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' } } : {}) },
        spec: {
          ...(i % 3 === 0 ? { securityContext: { runAsNonRoot: true } } : {}),
          containers: [
            { name: 'app', image: `registry.example/svc-${i}:1.0.${i}`, ports: [{ containerPort: 8080 }], env: [{ name: 'MODE', value: 'prod' }], resources: { limits: { cpu: '500m', memory: '256Mi' } } },
            { name: 'proxy', image: 'registry.example/proxy:2', args: ['--listen', ':15001'] },
          ],
        },
      },
    },
  };
}

function time(fn: () => void, reps = 3): number {
  let best = Infinity;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return best;
}

async function main(): Promise<void> {
  const { stringify } = await import('yaml');
  const objs = Array.from({ length: N }, (_, i) => deployment(i));
  const helm = objs.map((o, i) => `---\n# Source: chart/templates/svc-${i}.yaml\n${stringify(o)}`).join('');
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs, metadata: { resourceVersion: '' } }, null, 4) + '\n';
  out(`k8s bench: ${N} Deployments; Helm YAML ${(helm.length / 1e6).toFixed(1)} MB, kubectl List JSON ${(list.length / 1e6).toFixed(1)} MB`);
  for (const [label, text] of [['helm-yaml', helm], ['kubectl-json', list]] as const) {
    const base = time(() => { for (const d of parseAllDocuments(text) as unknown as { toJS(): unknown }[]) d.toJS(); });
    const patch = time(() => {
      const plan = planPatch(text, label, { profile: { type: 'RuntimeDefault' } });
      applyPatch(text, plan);
    });
    const lint = time(() => { lintManifest(text, label, { level: 'restricted' }); });
    out(`${label.padEnd(13)} baseline yaml parse+toJS ${base.toFixed(0)} ms | patch ${patch.toFixed(0)} ms (${(patch / base).toFixed(2)}× baseline) | lint ${lint.toFixed(0)} ms (${(lint / base).toFixed(2)}× baseline)`);
  }
  out(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

await main();
