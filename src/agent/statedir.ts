// The agent's state directory: the pid lock that keeps a second agent out, and the flush that writes state.json and
// each changed recording's profile and SPO resource (atomic renames throughout).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError, writeFileAtomic } from '../common/index.js';
import { profilePath, recordingProfile, recordingSpoYaml, type ProfileOptions } from './output.js';
import type { AgentStateFile, RecordingStore } from './store.js';

/** state.json of a state directory. */
export function stateFilePath(stateDir: string): string {
  return join(stateDir, 'state.json');
}

/** Claims the state directory for this process (agent.pid); refuses while another live agent holds it. */
export function takeStateLock(stateDir: string): void {
  const lock = join(stateDir, 'agent.pid');
  if (existsSync(lock)) {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
      let alive = false;
      try {
        process.kill(pid, 0);
        alive = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('agent');
      } catch {
        alive = false;
      }
      if (alive) throw new UserError(`another agent (pid ${pid}) uses the state directory ${stateDir}; stop it or pass another --state-dir`);
    }
  }
  writeFileSync(lock, `${process.pid}\n`);
}

export function releaseStateLock(stateDir: string): void {
  rmSync(join(stateDir, 'agent.pid'), { force: true });
}

/** Writes state.json, then the profiles of the recordings in `dirty`. Atomic renames throughout. */
export function writeStateDir(stateDir: string, state: AgentStateFile, store: RecordingStore, dirty: readonly string[], opts: ProfileOptions): void {
  writeFileAtomic(stateFilePath(stateDir), JSON.stringify(state) + '\n');
  for (const key of dirty) {
    const r = store.get(key);
    if (!r) continue;
    const p = profilePath(stateDir, r);
    mkdirSync(dirname(p), { recursive: true });
    const g = recordingProfile(r, opts);
    writeFileAtomic(p, g.text);
    const spo = join(stateDir, 'spo', r.namespace, r.workload, `${r.container}.yaml`);
    mkdirSync(dirname(spo), { recursive: true });
    writeFileAtomic(spo, recordingSpoYaml(r, g.profile));
  }
}

/** Lists the recordings of a state directory (for tools that read a copied one). */
export function listStateDir(dir: string): string[] {
  try {
    return readdirSync(join(dir, 'profiles'));
  } catch {
    return [];
  }
}
