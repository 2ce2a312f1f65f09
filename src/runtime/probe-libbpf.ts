// The record program without bpftrace: native/record-bpf (a C BPF program on BTF-enabled raw tracepoints and its
// libbpf loader, built from source into a cache directory). Same scoping and the same output as the bpftrace record
// program (probe.ts), at a fraction of the per-call cost and start-up time; bpftrace stays the fallback when the
// loader cannot be built, loaded or attached. See docs/runtime.md, "Recording near the floor".
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../common/index.js';
import { hostArch, type ArchId } from '../syscalls/index.js';
import { ebpfAvailability, ensureTracefs, parseProbeOutput, recordMapKeys, watchProbeProcess, type ExecMarker, type ProbeMapLoss, type ProbeResult, type RunningProbe } from './probe.js';

/** Which program records: `auto` (libbpf when it loads, else bpftrace), or one of them. */
export type RecordLoader = 'auto' | 'libbpf' | 'bpftrace';

/** The sources (native/record-bpf at the package root: two levels above src/runtime or dist/runtime). */
export const RECORD_BPF_SOURCES = fileURLToPath(new URL('../../native/record-bpf/', import.meta.url));
const SOURCE_FILES = ['record.bpf.c', 'loader.c', 'build.sh'];

/** Where the build script puts the loader by default. */
export function recordBpfCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'seccompctl', 'record-bpf');
}

function sourceHash(): string | undefined {
  try {
    const h = createHash('sha256');
    for (const f of SOURCE_FILES) h.update(readFileSync(join(RECORD_BPF_SOURCES, f)));
    return h.digest('hex').slice(0, 16);
  } catch {
    return undefined;
  }
}

let cached: { ok: true; path: string; built: boolean } | { ok: false; reason: string } | undefined;

/**
 * The libbpf loader, built from the sources when the cached binary is missing or older than them (about 2 s, once).
 * `SECCOMPCTL_RECORD_BPF` names a loader binary to use as is, or `off` to use bpftrace.
 */
export function libbpfLoader(opts: { build?: boolean } = {}): { ok: true; path: string; built: boolean } | { ok: false; reason: string } {
  const env = process.env.SECCOMPCTL_RECORD_BPF;
  if (env === 'off') return { ok: false, reason: 'SECCOMPCTL_RECORD_BPF=off' };
  if (env) return existsSync(env) ? { ok: true, path: env, built: false } : { ok: false, reason: `SECCOMPCTL_RECORD_BPF names ${env}, which does not exist` };
  if (cached) return cached;
  const dir = recordBpfCacheDir();
  const bin = join(dir, 'seccompctl-record-bpf');
  const want = sourceHash();
  if (want === undefined) return (cached = { ok: false, reason: `the loader's sources are not installed (${RECORD_BPF_SOURCES})` });
  let have: string | undefined;
  try {
    have = readFileSync(join(dir, 'source-hash'), 'utf8').trim();
  } catch {
    have = undefined;
  }
  if (have === want && existsSync(bin)) return (cached = { ok: true, path: bin, built: false });
  if (opts.build === false) return { ok: false, reason: `the loader is not built (${bin})` };
  const r = spawnSync('sh', [join(RECORD_BPF_SOURCES, 'build.sh'), dir], { encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(bin)) {
    const why = (r.stderr || r.error?.message || '').trim().split('\n').filter(Boolean).slice(-1)[0] ?? `exit ${r.status}`;
    return (cached = { ok: false, reason: `the loader did not build (${why})` });
  }
  return (cached = { ok: true, path: bin, built: true });
}

/** Forgets the cached loader lookup (tests change SECCOMPCTL_RECORD_BPF or remove the binary). */
export function resetLibbpfLoader(): void {
  cached = undefined;
}

/**
 * Whether `record --backend ebpf` can run here: with the libbpf loader built (or buildable) it needs neither bpftrace
 * nor tracefs (and skips `bpftrace --version`, 40–200 ms of start-up); otherwise what bpftrace needs.
 */
export function recordEbpfAvailability(loader: RecordLoader = (process.env.SECCOMPCTL_RECORD_LOADER as RecordLoader | undefined) ?? 'auto'): { ok: true } | { ok: false; reason: string; hint: string } {
  if (loader !== 'bpftrace' && process.getuid?.() === 0 && existsSync('/sys/kernel/btf/vmlinux') && hostArch().id === 'x86_64' && libbpfLoader().ok) return { ok: true };
  return ebpfAvailability();
}

/** Starts the libbpf record program. `ready` rejects with an EnvironmentError when the loader fails to load/attach. */
export function startLibbpfProbe(path: string, session: number, marker: ExecMarker, host: ArchId = hostArch().id): RunningProbe {
  const argv = ['--session', String(session)];
  if (marker.kind === 'pid') argv.push('--pid', String(marker.pid), ...(marker.sessionExact ? ['--exact'] : []));
  else argv.push('--path', marker.path);
  if (host !== 'x86_64') argv.push('--no-compat');
  argv.push('--map-keys', String(recordMapKeys()));
  const child = spawn(path, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  // The loader's links are file descriptors: the program detaches when the process dies, even by SIGKILL.
  const p = watchProbeProcess(child, 'seccompctl-record-bpf', (why) => ('spawnError' in why
    ? new EnvironmentError(`cannot run the libbpf record program: ${why.spawnError.message}`, 'rebuild it with native/record-bpf/build.sh, or set SECCOMPCTL_RECORD_BPF=off')
    : new EnvironmentError(`the libbpf record program failed: ${why.stderr.trim().split('\n').slice(-2).join(' | ') || `exit ${why.code}`}`, 'run as root on a kernel with BTF, or set SECCOMPCTL_RECORD_BPF=off to use bpftrace')));
  return {
    ready: p.ready,
    async stop(): Promise<ProbeResult> {
      // It blocks SIGINT/SIGTERM and takes them with sigwait, before anything is attached: one signal is enough.
      if (!p.exited()) child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([p.closed, new Promise((r) => { timer = setTimeout(r, 10_000); })]);
      clearTimeout(timer); // a pending timer would keep the CLI alive for 10 s after the recording
      if (!p.exited()) {
        child.kill('SIGKILL');
        await p.closed;
        throw new EnvironmentError('the libbpf record program did not stop on SIGINT; its results are lost', 'record again, or set SECCOMPCTL_RECORD_BPF=off');
      }
      const { code } = p.status();
      if (code !== 0) throw new EnvironmentError(`the libbpf record program failed: ${p.err().trim() || `exit ${code}`}`, 'record again, or set SECCOMPCTL_RECORD_BPF=off');
      const warnings = p.err().split('\n').map((l) => l.trim()).filter((l) => l !== '');
      // A full map: the loader counted the inserts that failed (calls missing from the dump).
      const full = /^@map_full\[(\d+)\]: (\d+)$/m.exec(p.out());
      // The comms map refused names (no call lost), or task storage could not be allocated (threads not tracked).
      const comm = /^@comm_full\[(\d+)\]: (\d+)$/m.exec(p.out());
      const storage = /^@storage_fail: (\d+)$/m.exec(p.out());
      const mapLoss: ProbeMapLoss[] = [
        ...(storage ? [{ map: 'task-storage' as const, failed: Number(storage[1]) }] : []),
        ...(comm ? [{ map: 'comm' as const, failed: Number(comm[2]), mapKeys: Number(comm[1]) }] : []),
      ];
      return {
        ...parseProbeOutput(p.out(), host), warnings, engine: 'libbpf',
        ...(full ? { mapFull: { failed: Number(full[2]), mapKeys: Number(full[1]) } } : {}),
        ...(mapLoss.length > 0 ? { mapLoss } : {}),
      };
    },
  };
}

/**
 * The record probe: the libbpf program when `loader` allows it and it loads, else bpftrace's (`startBpftrace`), with
 * a note saying why. Argument capture and exact counts exist only in the bpftrace program.
 */
export function startRecordProbe(session: number, marker: ExecMarker, opts: { loader?: RecordLoader; args?: boolean; counts?: boolean; hostArch?: ArchId },
  startBpftrace: () => RunningProbe): RunningProbe {
  const loader = opts.loader ?? (process.env.SECCOMPCTL_RECORD_LOADER as RecordLoader | undefined) ?? 'auto';
  const host = opts.hostArch ?? hostArch().id;
  const viaBpftrace = (note?: string): RunningProbe => {
    ensureTracefs(); // the libbpf route did not need it; bpftrace's tracepoints do (its failure names what is missing)
    const p = startBpftrace();
    return { ready: p.ready, stop: async () => ({ ...(await p.stop()), engine: 'bpftrace', ...(note ? { note } : {}) }) };
  };
  if (loader === 'bpftrace') return viaBpftrace();
  if (opts.args || opts.counts) return viaBpftrace(loader === 'libbpf' ? `the libbpf record program has no ${opts.args ? 'argument capture' : 'exact counts'}; recorded with bpftrace` : undefined);
  if (host !== hostArch().id || host !== 'x86_64') return viaBpftrace(`the libbpf record program is built for x86_64 hosts only; recorded with bpftrace`);
  const l = libbpfLoader();
  if (!l.ok) return viaBpftrace(`libbpf record program unavailable (${l.reason}); recorded with bpftrace (higher per-call cost and start-up)`);
  const first = startLibbpfProbe(l.path, session, marker, host);
  let current: RunningProbe = first;
  let note: string | undefined;
  const ready = first.ready.catch(async (e: unknown) => {
    note = `libbpf record program failed to start (${(e as Error).message.split('\n')[0]}); recorded with bpftrace`;
    ensureTracefs();
    current = startBpftrace();
    await current.ready;
  });
  return {
    ready,
    async stop() {
      const r = await current.stop();
      return { ...r, engine: current === first ? 'libbpf' : 'bpftrace', ...(note ? { note } : {}) };
    },
  };
}
