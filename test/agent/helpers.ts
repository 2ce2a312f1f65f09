// Shared pieces of the agent's system tests: an in-process agent on a fake node, the endpoint over its Unix socket,
// python workloads whose marker syscalls tell containers apart, and the agent CLI as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { Agent, serveAgent, type AgentOptions, type AgentServer, type AgentStateFile, type RecordingData } from '../../src/agent/index.js';
import { syscallName, type ArchId } from '../../src/syscalls/index.js';
import { DEBIAN_PYTHON } from '../helpers/system.js';
import type { FakeNode } from './node.js';

export async function startAgent(node: FakeNode, opts: AgentOptions = {}, name = 'state'): Promise<{ agent: Agent; server: AgentServer; stateDir: string; stop(): Promise<void> }> {
  const stateDir = join(node.dir, name);
  const agent = new Agent({ stateDir, cgroupPrefixes: [node.prefix], runtimePaths: node.paths, flushIntervalMs: 300, node: 'node-a', ...opts });
  await agent.start();
  const server = await serveAgent(agent, { socket: join(stateDir, 'agent.sock') });
  return { agent, server, stateDir, async stop() { await server.close(); await agent.stop(); } };
}

/** GET on the agent's Unix socket. */
export function getSock(socket: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, path, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Syscall names of a recording on x86_64 (or the host arch). */
export function names(r: RecordingData | undefined, arch: ArchId = 'x86_64'): Set<string> {
  return new Set((r?.syscalls[arch] ?? []).map((n) => syscallName(arch, n) ?? `#${n}`));
}

export async function until(f: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function readState(stateDir: string): AgentStateFile | undefined {
  const p = join(stateDir, 'state.json');
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as AgentStateFile;
  } catch {
    return undefined;
  }
}

export function stateRecording(stateDir: string, key: string): RecordingData | undefined {
  return readState(stateDir)?.recordings.find((r) => `${r.namespace}/${r.workload}/${r.container}` === key);
}

/**
 * A python process that makes its marker syscalls every 20 ms until `<dir>/stop` exists; with phases, each
 * `<dir>/<phase>` file present adds that phase's calls. Python's start-up makes none of the markers used here
 * (getsid, getpriority, getpgid, getitimer, times: checked with strace -f).
 */
export function markerArgs(dir: string, calls: string[], phases: Record<string, string[]> = {}, iterations = 0): string[] {
  const call: Record<string, string> = {
    getsid: 'os.getsid(0)', getpriority: 'os.getpriority(os.PRIO_PROCESS, 0)', getpgid: 'os.getpgid(0)',
    getitimer: 'signal.getitimer(signal.ITIMER_REAL)', times: 'os.times()',
  };
  const body = [
    'import os, signal, time',
    `d = ${JSON.stringify(dir)}`,
    'n = 0',
    'while not os.path.exists(d + "/stop"):',
    ...calls.map((c) => `    ${call[c]!}`),
    ...Object.entries(phases).flatMap(([p, cs]) => [`    if os.path.exists(d + "/${p}"):`, ...cs.map((c) => `        ${call[c]!}`)]),
    '    n += 1',
    ...(iterations > 0 ? [`    if n >= ${iterations}: break`, '    continue'] : []),
    '    time.sleep(0.02)',
  ];
  return [DEBIAN_PYTHON, '-c', body.join('\n')];
}

/** `seccompctl agent ...` as a child process (tsx), for kill -9 and SIGSTOP tests. */
export function spawnAgentCli(args: string[]): ChildProcess {
  const root = join(import.meta.dirname, '../..');
  return spawn(process.execPath, ['--import', 'tsx', join(root, 'src/cli/bin.ts'), 'agent', ...args], { stdio: ['ignore', 'ignore', 'pipe'], cwd: root });
}
