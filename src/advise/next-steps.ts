// What to do with the advice: the shell commands that carry it out (advise's output), and the per-container advice
// `k8s lint --recordings` gives from the recordings in a directory.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuntimeDefaultName } from '../generate/index.js';
import type { ArchId } from '../syscalls/index.js';
import { advise, type AdviseInput, type RuntimeAdvice } from './advise.js';
import { readAdviseInput } from './input.js';

/** Shell commands that carry the advice out (`k8s patch` for RuntimeDefault or a Localhost profile). */
export function adviseCommands(a: RuntimeAdvice, input: string, kind: AdviseInput['kind']): string[] {
  const name = input === '-' ? 'app' : input.replace(/^.*\//, '').replace(/\.[^.]+$/, '').toLowerCase().replace(/[^a-z0-9.-]+/g, '-') || 'app';
  if (a.verdict === 'safe' || a.verdict === 'safe-with-capability' || a.verdict === 'check-arguments') {
    const cmds = [`seccompctl k8s patch deploy.yaml --runtime-default -i`];
    if (a.verdict === 'check-arguments') cmds.unshift(`seccompctl verify runtime-default:${a.runtime} -- CMD ARGS...`);
    return cmds;
  }
  const profile = kind === 'profile' ? input : `${name}.json`;
  return [
    ...(kind === 'recording' ? [`seccompctl generate ${input} -o ${profile}`] : []),
    `seccompctl verify ${profile} -- CMD ARGS...`,
    `seccompctl k8s install ${profile} | kubectl apply -f -`,
    `seccompctl k8s patch deploy.yaml --localhost seccompctl/${profile.replace(/^.*\//, '')} -i`,
  ];
}

export interface ContainerAdvice {
  severity: 'error' | 'warning' | 'info';
  message: string;
  fix: string;
}

/**
 * The recording of (namespace, workload, container) under `dir`, in the node agent's layout
 * (`<namespace>/<workload>/<container>.json`) or `record pull`'s (`<namespace>_<workload>_<container>.json`); a
 * strace (`.strace`) or audit (`.log`) recording under the same name works too.
 */
export function findRecording(dir: string, namespace: string, workload: string, container: string): string | undefined {
  if ([namespace, workload, container].some((x) => x === '' || x.includes('/') || x.startsWith('.'))) return undefined;
  for (const stem of [join(dir, namespace, workload, container), join(dir, `${namespace}_${workload}_${container}`)]) {
    for (const ext of ['.json', '.strace', '.log']) if (existsSync(stem + ext)) return stem + ext;
  }
  return undefined;
}

/**
 * For lint: advice per container from the recordings under `dir`, against `runtime`'s RuntimeDefault. A denial is an
 * error when the container runs RuntimeDefault (explicitly, or by the kubelet's SeccompDefault), a warning when it
 * would once RuntimeDefault is turned on; safe and argument-dependent results are info. Undefined: no recording.
 */
export function containerAdvisor(dir: string, runtime: RuntimeDefaultName, opts: { arch?: ArchId } = {}): (namespace: string, workload: string, container: string, runsRuntimeDefault: boolean) => ContainerAdvice | undefined {
  const cache = new Map<string, RuntimeAdvice>();
  return (namespace, workload, container, runs) => {
    const file = findRecording(dir, namespace, workload, container);
    if (!file) return undefined;
    let a = cache.get(file);
    if (!a) {
      const input = readAdviseInput(readFileSync(file, 'utf8'), file, opts);
      a = advise(input, { runtimes: [runtime], ...opts }).runtimes[0]!;
      cache.set(file, a);
    }
    const rec = `recorded in ${file}`;
    const denied = a.findings.filter((f) => f.outcome === 'denied');
    const list = denied.map((f) => `${f.call} (${f.verdict})`).join(', ');
    const patch = runs ? 'nothing to do' : `seccompctl k8s patch --runtime-default --container ${container}`;
    switch (a.verdict) {
      case 'safe':
        return { severity: 'info', message: `${rec}: ${runtime}'s RuntimeDefault allows everything it did`, fix: patch };
      case 'check-arguments':
        return { severity: 'info', message: `${rec}: ${runtime}'s RuntimeDefault denies nothing for certain; ${a.findings.filter((f) => f.outcome === 'depends').map((f) => f.name).join(', ')} depend on argument values the recording lacks`, fix: `seccompctl verify runtime-default:${runtime} -- CMD` };
      case 'safe-with-capability':
        return { severity: runs ? 'error' : 'warning', message: `${rec}: ${runtime}'s RuntimeDefault ${runs ? 'denies' : 'would deny'} ${list} without ${a.addCapabilities.join(', ')}`, fix: `add ${a.addCapabilities.map((c) => c.replace(/^CAP_/, '')).join(', ')} to securityContext.capabilities.add, or use a Localhost profile` };
      case 'needs-localhost':
        return { severity: runs ? 'error' : 'warning', message: `${rec}: ${runtime}'s RuntimeDefault ${runs ? 'denies' : 'would deny'} ${list}`, fix: `a Localhost profile: seccompctl advise ${file} --runtime ${runtime} prints the commands` };
    }
  };
}
