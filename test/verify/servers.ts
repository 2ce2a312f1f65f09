// Real servers from Debian packages, driven with real requests on the host's loopback.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEBIAN_PYTHON } from '../helpers/system.js';

export interface ServerDef {
  name: string;
  /** Tools the test needs on PATH. */
  needs: string[];
  /** The command line for a port and a working directory (the directory is bind-mounted at the same path). */
  argv(port: number, dir: string): string[];
  /** Prepares the working directory. */
  setup(dir: string): void;
  /** Sends the requests; throws when one fails. Returns a description of what was checked. */
  traffic(port: number): Promise<string[]>;
  /** The signal that stops it (python as pid 1 of a container ignores SIGTERM: it has no handler). */
  stopSignal: NodeJS.Signals;
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port; rejects when `gone` settles first or after timeoutMs. */
export async function waitPort(port: number, gone: Promise<unknown>, timeoutMs = 20_000): Promise<void> {
  let over = false;
  void gone.then(() => { over = true; }, () => { over = true; });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (over) throw new Error(`the server exited before it listened on ${port}`);
    const ok = await new Promise<boolean>((res) => {
      const c = connect(port, '127.0.0.1');
      c.on('connect', () => { c.destroy(); res(true); });
      c.on('error', () => res(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listened on ${port} within ${timeoutMs} ms`);
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

async function httpChecks(port: number): Promise<string[]> {
  const done: string[] = [];
  for (let i = 0; i < 3; i++) {
    const a = await httpGet(port, '/hello.txt');
    if (a.status !== 200 || a.body !== 'hello from seccompctl\n') throw new Error(`GET /hello.txt: ${a.status} ${JSON.stringify(a.body)}`);
    done.push('GET /hello.txt 200');
  }
  const b = await httpGet(port, '/missing');
  if (b.status !== 404) throw new Error(`GET /missing: ${b.status}`);
  done.push('GET /missing 404');
  return done;
}

function redisCommand(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    let buf = '';
    c.setTimeout(5000, () => c.destroy(new Error('timeout')));
    c.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.endsWith('\r\n')) { c.end(); resolve(buf); }
    });
    c.on('error', reject);
    c.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

export const SERVERS: ServerDef[] = [
  {
    name: 'nginx',
    needs: ['nginx'],
    stopSignal: 'SIGTERM',
    setup(dir) {
      mkdirSync(join(dir, 'www'));
      writeFileSync(join(dir, 'www', 'hello.txt'), 'hello from seccompctl\n');
    },
    argv(port, dir) {
      const conf = join(dir, `nginx-${port}.conf`);
      writeFileSync(conf, `daemon off; master_process on; worker_processes 1; pid ${dir}/nginx-${port}.pid;
error_log ${dir}/error-${port}.log;
events { worker_connections 64; }
http {
  access_log ${dir}/access-${port}.log;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server { listen 127.0.0.1:${port}; root ${dir}/www; }
}
`);
      return ['nginx', '-p', dir, '-e', `${dir}/error-${port}.log`, '-c', conf];
    },
    traffic: httpChecks,
  },
  {
    name: 'redis',
    needs: ['redis-server'],
    stopSignal: 'SIGTERM',
    setup() { /* nothing */ },
    argv(port, dir) {
      return ['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
        '--dir', dir, '--daemonize', 'no', '--protected-mode', 'no', '--logfile', ''];
    },
    async traffic(port) {
      const checks: [string[], string][] = [[['PING'], '+PONG\r\n'], [['SET', 'k', 'v1'], '+OK\r\n'], [['GET', 'k'], '$2\r\nv1\r\n'], [['INCR', 'n'], ':1\r\n']];
      const done: string[] = [];
      for (const [cmd, want] of checks) {
        const got = await redisCommand(port, cmd);
        if (got !== want) throw new Error(`redis ${cmd.join(' ')}: ${JSON.stringify(got)}`);
        done.push(`${cmd.join(' ')} ok`);
      }
      return done;
    },
  },
  {
    name: 'python-http',
    needs: [DEBIAN_PYTHON],
    stopSignal: 'SIGINT',
    setup(dir) {
      mkdirSync(join(dir, 'www'));
      writeFileSync(join(dir, 'www', 'hello.txt'), 'hello from seccompctl\n');
    },
    argv(port, dir) {
      return [DEBIAN_PYTHON, '-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', join(dir, 'www')];
    },
    traffic: httpChecks,
  },
];

/** A working directory for a server test (the container sees it at the same path). */
export function serverDir(name: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `seccompctl-${name}-`));
  chmodSync(dir, 0o755); // nginx's workers run as nobody
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `start(signal)` (a record or verify of the server), waits for the port, sends the traffic, stops it with the
 * server's stop signal, and returns both the run's result and what the traffic did (or its error).
 */
export async function drive<R>(def: ServerDef, port: number, start: (signal: AbortSignal) => Promise<R>): Promise<{ result: R; traffic: string[] | Error }> {
  const ac = new AbortController();
  const run = start(ac.signal);
  let traffic: string[] | Error;
  try {
    await waitPort(port, run);
    traffic = await def.traffic(port);
  } catch (e) {
    traffic = e as Error;
  }
  ac.abort();
  return { result: await run, traffic };
}
