// `record start|stop|pull` and `agent` as one library call each: the rules (workload references, container names,
// option ranges, where profiles may be written, no recording found, lost events) come back as coded diagnostics with
// an outcome (a refusal is common's Refusal); nothing is printed.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { checkWritableFile, refusal, UserError, type Diagnostic, type Refusal } from '../common/index.js';
import { Agent } from './agent.js';
import type { AgentOptions, AgentSource } from './options.js';
import { kubectl, recordPatch, selectRecordings, statesFromCluster, statesFromDirs, workloadRef, writePulled, type PulledProfile, type WorkloadRef } from './pull.js';
import { parseListen, serveAgent, type AgentServer } from './server.js';

const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Options for annotateWorkload (`record start|stop`). */
export interface AnnotateOptions {
  /** true: opt in (start); false: opt out (stop). */
  readonly start: boolean;
  /** Default `default`. */
  readonly namespace?: string;
  /** start: record only these containers (default all). */
  readonly containers?: readonly string[];
  /** Run kubectl patch (default); false: only build the patch and the command. */
  readonly apply?: boolean;
  readonly kubectlPath?: string;
}

/** The patch, the kubectl command that applies it, and (when applied) what kubectl said. */
export type AnnotateResult = Refusal | {
  readonly outcome: 'ok';
  readonly workload: WorkloadRef;
  readonly patch: Record<string, unknown>;
  readonly kubectl: readonly string[];
  readonly applied?: string;
  readonly diagnostics: readonly Diagnostic[];
};

/**
 * Opts a workload in or out of recording by the node agents (annotates its pod template: the pods roll). Refused: a
 * bad reference (INVALID_WORKLOAD_REF; the kind is required), a bad namespace or container name (INVALID_OPTION).
 * An unreachable cluster throws an EnvironmentError.
 */
export function annotateWorkload(workload: string, opts: AnnotateOptions): AnnotateResult {
  const ref = workloadRef(workload, opts.namespace ?? 'default', true);
  if ('code' in ref) return refusal(ref.code, ref.message);
  if (opts.containers?.some((c) => !CONTAINER_NAME.test(c))) {
    return refusal('INVALID_OPTION', `--containers "${opts.containers.join(',')}": container names are lower-case letters, digits and "-"`);
  }
  const p = recordPatch(ref, opts.start, opts.containers);
  const applied = opts.apply === false ? undefined : kubectl(p.kubectl.slice(1), { kubectlPath: opts.kubectlPath ?? 'kubectl' });
  return { outcome: 'ok', workload: ref, patch: p.patch, kubectl: p.kubectl, ...(applied !== undefined ? { applied } : {}), diagnostics: [] };
}

/** Options for pullRecordings (`record pull`). */
export interface PullOptions {
  /** Default `default`. */
  readonly namespace?: string;
  /** Where the profiles go (`<namespace>_<workload>_<container>.json`); default `cwd`. */
  readonly output?: string;
  /** Copies of node agents' state directories; without them the cluster's agents are asked (kubectl exec). */
  readonly fromDirs?: readonly string[];
  /** The agent DaemonSet's namespace and pod labels, and its --state-dir. */
  readonly agentNamespace?: string;
  readonly agentSelector?: string;
  readonly stateDir?: string;
  readonly kubectlPath?: string;
  /** The containers run with allowPrivilegeEscalation: false (smaller runc base set). */
  readonly noNewPrivileges?: boolean;
  /** Relative paths resolve here (default the process's). */
  readonly cwd?: string;
}

/** The profiles written; `failed` when no recording was found (NO_RECORDINGS) or one lost events (RECORDS_LOST). */
export type PullResult = Refusal | {
  readonly outcome: 'ok' | 'failed';
  readonly workload: WorkloadRef;
  /** The nodes whose state was read. */
  readonly nodes: readonly string[];
  readonly profiles: readonly PulledProfile[];
  readonly diagnostics: readonly Diagnostic[];
};

/**
 * Gathers a workload's recordings from every node, merges nodes and replicas, and writes one profile per container.
 * Refused before any work: a bad reference (INVALID_WORKLOAD_REF, INVALID_OPTION), an output directory that cannot
 * be written (OUTPUT_NOT_WRITABLE). A missing state directory throws a UserError; an unreachable cluster an
 * EnvironmentError.
 */
export function pullRecordings(workload: string, opts: PullOptions = {}): PullResult {
  const cwd = opts.cwd ?? process.cwd();
  const ref = workloadRef(workload, opts.namespace ?? 'default', false);
  if ('code' in ref) return refusal(ref.code, ref.message);
  const out = resolve(cwd, opts.output ?? '.');
  const unwritable = outputDirProblem(out);
  if (unwritable) return refusal('OUTPUT_NOT_WRITABLE', unwritable);
  const states = opts.fromDirs
    ? statesFromDirs(opts.fromDirs.map((d) => resolve(cwd, d)))
    : statesFromCluster({
      namespace: opts.agentNamespace ?? 'seccompctl-system', selector: opts.agentSelector ?? 'app.kubernetes.io/name=seccompctl-agent',
      stateDir: opts.stateDir ?? '/var/lib/seccompctl', kubectlPath: opts.kubectlPath ?? 'kubectl',
    });
  const { recordings, nodes } = selectRecordings(states, ref);
  if (recordings.length === 0) {
    const message = `no recording of ${ref.namespace}/${ref.name} on ${nodes.length} node(s) (${nodes.join(', ')}); is the workload annotated (record start) and has it run?`;
    return { outcome: 'failed', workload: ref, nodes, profiles: [], diagnostics: [{ code: 'NO_RECORDINGS', severity: 'error', message }] };
  }
  const profiles = writePulled(recordings, out, { noNewPrivileges: opts.noNewPrivileges === true });
  const lost: Diagnostic[] = profiles.flatMap((w) => w.loss.map((l) => ({ code: 'RECORDS_LOST' as const, severity: 'warning' as const, message: `${w.container}: ${l}`, file: w.file })));
  return { outcome: lost.length > 0 ? 'failed' : 'ok', workload: ref, nodes, profiles, diagnostics: lost };
}

/** Why profiles cannot be written under `dir` (created if missing): checked on it, or on its nearest existing parent. */
function outputDirProblem(dir: string): string | undefined {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  if (existsSync(d) && !statSync(d).isDirectory()) return `-o ${dir}: ${d} is not a directory`;
  try {
    checkWritableFile(join(d, 'profile.json'), `-o ${dir}:`);
  } catch (e) {
    if (e instanceof UserError) return e.message;
    throw e;
  }
  return undefined;
}

/** The least flush interval (seconds) and container bound runAgent accepts. */
export const AGENT_MINIMUMS = { flushIntervalSec: 0.1, maxContainers: 1 } as const;

/** Options for runAgent (`seccompctl agent`). */
export interface RunAgentOptions extends Omit<AgentOptions, 'flushIntervalMs'> {
  /** Write state.json and changed profiles this often; at least 0.1 (default 5). */
  readonly flushIntervalSec?: number;
  /** The read-only endpoint: `unix:/path.sock`, `127.0.0.1:PORT`, or `none`; default `unix:<stateDir>/agent.sock`. */
  readonly listen?: string;
  /** Stops the agent (a last flush) when aborted. */
  readonly signal: AbortSignal;
  /** Called once recording has started. */
  readonly onStarted?: (s: { source: AgentSource; stateDir: string; flushIntervalSec: number; endpoint?: string }) => void;
}

/** How the agent ended: `ok` when stopped by the signal, `failed` (AGENT_FAILED) when its source failed. */
export type RunAgentResult = Refusal | {
  readonly outcome: 'ok' | 'failed';
  readonly stateDir: string;
  /** Recordings in the state file at the end. */
  readonly recordings: number;
  readonly diagnostics: readonly Diagnostic[];
};

/**
 * Runs the node agent until `signal` aborts or its source fails, serving the endpoint meanwhile; always stops with a
 * last flush. Refused before starting: a flush interval under 0.1 s or fewer than 1 container (INVALID_OPTION).
 */
export async function runAgent(opts: RunAgentOptions): Promise<RunAgentResult> {
  const flush = opts.flushIntervalSec ?? 5;
  const min = AGENT_MINIMUMS;
  if (!Number.isFinite(flush) || flush < min.flushIntervalSec) return refusal('INVALID_OPTION', `--flush-interval "${flush}": expected a number ≥ ${min.flushIntervalSec}`);
  if (opts.maxContainers !== undefined && !(Number.isFinite(opts.maxContainers) && opts.maxContainers >= min.maxContainers)) {
    return refusal('INVALID_OPTION', `--max-containers "${opts.maxContainers}": expected a number ≥ ${min.maxContainers}`);
  }
  const stateDir = opts.stateDir ?? '/var/lib/seccompctl';
  const listen = opts.listen === 'none' ? undefined : parseListen(opts.listen ?? `unix:${stateDir}/agent.sock`);
  const { signal, onStarted, listen: _l, flushIntervalSec: _f, ...agentOpts } = opts;
  const agent = new Agent({ ...agentOpts, stateDir, flushIntervalMs: flush * 1000 });
  let server: AgentServer | undefined;
  try {
    await agent.start();
    if (listen) server = await serveAgent(agent, listen);
    onStarted?.({ source: agent.source, stateDir, flushIntervalSec: flush, ...(server ? { endpoint: server.address } : {}) });
    await new Promise<void>((res) => {
      const t = setInterval(() => {
        if (agent.failed !== undefined) done();
      }, 500);
      const done = (): void => {
        clearInterval(t);
        res();
      };
      if (signal.aborted) done();
      else signal.addEventListener('abort', done, { once: true });
    });
  } finally {
    await server?.close();
    await agent.stop();
  }
  if (agent.failed !== undefined) {
    return { outcome: 'failed', stateDir, recordings: agent.store.recordings.size, diagnostics: [{ code: 'AGENT_FAILED', severity: 'error', message: agent.failed }] };
  }
  return { outcome: 'ok', stateDir, recordings: agent.store.recordings.size, diagnostics: [] };
}
