// OCI bundles that run the host's own programs: an empty rootfs with the host's system directories bind-mounted
// read-only, tmpfs on /tmp, /run and /var, and no network namespace (servers listen on the host's loopback).
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../common/index.js';
import { registerCleanup } from './cleanup.js';

/** A host directory (or file) bind-mounted into the container. */
export interface BindMount {
  source: string;
  destination: string;
  /** Default true. */
  readonly?: boolean;
}

/** What `createHostBundle` builds. */
export interface HostBundleOptions {
  /** argv of the container's process (args[0] is looked up on PATH inside the container by runc). */
  args: string[];
  /** Environment as NAME=value strings; default PATH and TERM only. */
  env?: string[];
  /** Working directory inside the container; default "/". */
  cwd?: string;
  /** JSON text of `linux.seccomp`, written into config.json verbatim; undefined = no seccomp filter. */
  seccomp?: string | undefined;
  /** process.noNewPrivileges; default false (the Kubernetes default unless allowPrivilegeEscalation: false). */
  noNewPrivileges?: boolean;
  /** Use this directory as the rootfs instead of the host's directories (it must hold the program). */
  rootfs?: string;
  /** Capability names (CAP_…) for bounding/effective/permitted; default Docker's/containerd's default set. */
  capabilities?: string[];
  /** Extra bind mounts (e.g. a directory holding a server's config). */
  mounts?: BindMount[];
  /** uid/gid of the process; default 0/0. */
  user?: { uid: number; gid: number };
  /** Where to create the bundle directory; default the OS temp dir. */
  parentDir?: string;
}

/** A bundle on disk; `cleanup()` removes it (the rootfs mount points are empty directories, never host data). */
export interface HostBundle {
  dir: string;
  configPath: string;
  cleanup(): void;
}

/** The capability set containerd and Docker give a container by default. */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** Host directories exposed read-only in a host bundle (symlinks, as on merged-usr systems, are recreated). */
export const HOST_DIRS: readonly string[] = ['/usr', '/etc', '/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'];

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Builds a bundle directory with config.json for runc. Throws UserError for unusable options. */
export function createHostBundle(opts: HostBundleOptions): HostBundle {
  if (opts.args.length === 0) throw new UserError('no command given for the container');
  const dir = mkdtempSync(join(opts.parentDir ?? tmpdir(), `seccompctl-bundle-${process.pid}-`));
  const removal = registerCleanup(`bundle ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  try {
    const rootfsDir = opts.rootfs ?? join(dir, 'rootfs');
    const mounts: Record<string, unknown>[] = [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      // No network namespace, so sysfs cannot be mounted fresh: bind the host's, read-only.
      { destination: '/sys', type: 'bind', source: '/sys', options: ['rbind', 'nosuid', 'noexec', 'nodev', 'ro'] },
    ];
    if (opts.rootfs === undefined) {
      mkdirSync(rootfsDir);
      for (const d of HOST_DIRS) {
        let st;
        try {
          st = lstatSync(d);
        } catch {
          continue;
        }
        if (st.isSymbolicLink()) {
          symlinkSync(readlinkSync(d), join(rootfsDir, d.slice(1)));
        } else if (st.isDirectory()) {
          mkdirSync(join(rootfsDir, d.slice(1)));
          mounts.push({ destination: d, type: 'bind', source: d, options: ['rbind', 'ro', 'nosuid', 'nodev'] });
        }
      }
      for (const d of ['proc', 'dev', 'sys', 'tmp', 'run', 'var']) mkdirSync(join(rootfsDir, d), { recursive: true });
      for (const d of ['/tmp', '/run', '/var']) {
        mounts.push({ destination: d, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=262144k'] });
      }
    } else if (!existsSync(rootfsDir)) {
      throw new UserError(`rootfs ${rootfsDir}: no such directory`);
    }
    for (const m of opts.mounts ?? []) {
      if (!existsSync(m.source)) throw new UserError(`bind mount source ${m.source}: no such file or directory`);
      mounts.push({ destination: m.destination, type: 'bind', source: m.source, options: ['rbind', m.readonly === false ? 'rw' : 'ro'] });
    }
    const caps = opts.capabilities ?? [...DEFAULT_CAPABILITIES];
    const placeholder = `__SECCOMPCTL_SECCOMP_${randomBytes(8).toString('hex')}__`;
    const config = {
      ociVersion: '1.0.2',
      process: {
        terminal: false,
        user: opts.user ?? { uid: 0, gid: 0 },
        args: opts.args,
        env: opts.env ?? [DEFAULT_PATH, 'TERM=xterm', 'HOME=/root'],
        cwd: opts.cwd ?? '/',
        capabilities: { bounding: caps, effective: caps, permitted: caps },
        noNewPrivileges: opts.noNewPrivileges ?? false,
      },
      root: { path: rootfsDir, readonly: true },
      hostname: 'seccompctl',
      mounts,
      linux: {
        namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
        maskedPaths: ['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
          '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware'],
        readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
        ...(opts.seccomp !== undefined ? { seccomp: placeholder } : {}),
      },
    };
    let text = JSON.stringify(config, null, 2);
    if (opts.seccomp !== undefined) text = text.replace(JSON.stringify(placeholder), () => opts.seccomp!.trim());
    const configPath = join(dir, 'config.json');
    writeFileSync(configPath, text + '\n');
    return { dir, configPath, cleanup: () => removal.release() };
  } catch (e) {
    removal.release();
    throw e;
  }
}
