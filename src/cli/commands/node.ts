// `seccompctl node sync`: the loop the install DaemonSet runs on every node. The route: typed flags → one library call
// (syncOnceReady for --once, else watchSync; both in k8s/nodesync.ts) → print → exit code.
import { resolve } from 'node:path';
import type { Command as TypedCommand } from '@commander-js/extra-typings';
import { UserError } from '../../common/index.js';
import { syncOnceReady, watchSync, type SyncReport } from '../../k8s/index.js';
import { println } from '../io.js';
import { forwardSignals } from '../signals.js';
import type { Register } from './types.js';

export const registernode: Register = (program, io, setExit) => {
  const node = (program.command('node') as unknown as TypedCommand).description('Node-side commands (run by the seccompctl DaemonSet).');
  node.command('sync')
    .description('Keep a node directory (<kubelet-root>/seccomp/<subdir>) equal to a mounted ConfigMap: validate, write atomically, remove only files it owns.')
    .requiredOption('--from <dir>', 'source directory (the mounted ConfigMap)')
    .requiredOption('--to <dir>', 'target directory on the node')
    .option('--once', 'sync once and exit (exit 1 when an entry was refused)')
    .option('--interval <seconds>', 'poll interval; file watching triggers a sync sooner', '10')
    .option('--adopt', 'overwrite same-named files that seccompctl did not write')
    .option('--ready-file <path>', 'write this file after every sync that refused nothing, remove it otherwise (for a readiness probe)')
    .option('--json', 'print each report as one JSON line')
    .addHelpText('after', `
Examples:
  seccompctl node sync --from /profiles --to /var/lib/kubelet/seccomp/seccompctl
  seccompctl node sync --once --from ./profiles --to /tmp/seccomp/test

Refuses names with "/" or "..", hidden names, invalid profiles (the previous file stays) and symlinks planted in
the target. Removes only files listed in <to>/.seccompctl-owned.json. Stops cleanly on SIGTERM/SIGINT.`)
    .action(async (opts) => {
      const from = resolve(io.cwd, opts.from);
      const to = resolve(io.cwd, opts.to);
      const interval = Number(opts.interval);
      if (!Number.isFinite(interval) || interval < 0.05) throw new UserError(`--interval "${opts.interval}": expected a number of seconds (at least 0.05)`);
      const sopts = opts.adopt ? { adopt: true } : {};
      const print = (r: SyncReport): void => {
        if (opts.json) return println(io.stdout, JSON.stringify({ time: new Date().toISOString(), ...r }));
        println(io.stdout, `sync ${to}: ${r.written.length} written, ${r.unchanged.length} unchanged, ${r.removed.length} removed, ${r.rejected.length} refused`);
        for (const n of r.written) println(io.stdout, `  wrote ${n}`);
        for (const n of r.removed) println(io.stdout, `  removed ${n}`);
        for (const x of r.rejected) io.stderr.write(`  refused ${JSON.stringify(x.name)}: ${x.reason}\n`);
        for (const n of r.notes) io.stderr.write(`  note: ${n}\n`);
      };
      if (opts.once) {
        const r = syncOnceReady(from, to, { ...sopts, ...(opts.readyFile !== undefined ? { readyFile: resolve(io.cwd, opts.readyFile) } : {}) });
        print(r);
        if (r.rejected.length > 0) setExit(1);
        return;
      }
      // The first SIGTERM/SIGINT/SIGHUP ends the loop after the sync in progress (a second one exits at once).
      const signals = forwardSignals();
      try {
        await watchSync(from, to, {
          ...sopts, intervalMs: interval * 1000, signal: signals.signal, onReport: print,
          ...(opts.readyFile !== undefined ? { readyFile: resolve(io.cwd, opts.readyFile) } : {}),
          onError: (e) => io.stderr.write(`seccompctl node sync: ${(e as Error).message ?? String(e)}\n`),
        });
      } finally {
        signals.dispose();
      }
      io.stderr.write('seccompctl node sync: stopped\n');
    });
};
