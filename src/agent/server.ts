// The agent's read-only endpoint: a Unix socket (default) or a loopback TCP port. GET only.
//   /healthz  /recordings  /recordings/<namespace>/<workload>/<container>  /metrics
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { UserError } from '../common/index.js';
import type { Agent } from './agent.js';

/** `unix:/path`, `/path` (a socket), or `127.0.0.1:PORT` / `localhost:PORT` / `[::1]:PORT`. Other hosts are refused. */
export type ListenAddress = { socket: string } | { host: string; port: number };

export function parseListen(s: string): ListenAddress {
  if (s.startsWith('unix:')) return { socket: s.slice(5) };
  if (s.startsWith('/')) return { socket: s };
  const m = /^(127\.0\.0\.1|localhost|\[::1\]):(\d{1,5})$/.exec(s);
  if (!m || Number(m[2]) > 65535) throw new UserError(`--listen "${s}": use unix:/path/to.sock or 127.0.0.1:PORT (the endpoint is local only)`);
  return { host: m[1] === '[::1]' ? '::1' : m[1]!, port: Number(m[2]) };
}

export interface AgentServer {
  server: Server;
  address: string;
  close(): Promise<void>;
}

export async function serveAgent(agent: Agent, listen: ListenAddress): Promise<AgentServer> {
  const server = createServer((req, res) => {
    const send = (code: number, body: unknown, type = 'application/json'): void => {
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2) + '\n';
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(text);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, { error: 'read-only endpoint: GET only' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://agent');
    const parts = url.pathname.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
    try {
      if (url.pathname === '/healthz' || url.pathname === '/health') {
        const h = agent.health();
        send(h.ok === true ? 200 : 503, h);
      } else if (url.pathname === '/metrics') {
        send(200, agent.metricsText(), 'text/plain; version=0.0.4');
      } else if (parts[0] === 'recordings' && parts.length === 1) {
        send(200, agent.store.list().map((r) => ({
          namespace: r.namespace, workload: r.workload, workloadKind: r.workloadKind, container: r.container,
          syscalls: Object.values(r.syscalls).reduce((n, l) => n + l.length, 0), calls: r.calls, replicas: r.replicas.length,
          loss: r.lossCount > 0, lastSeen: r.lastSeen,
        })));
      } else if (parts[0] === 'recordings' && parts.length === 4) {
        const d = agent.recordingDetail(parts[1]!, parts[2]!, parts[3]!);
        if (d) send(200, d);
        else send(404, { error: `no recording ${parts.slice(1).join('/')}` });
      } else send(404, { error: 'not found; try /healthz, /recordings, /recordings/<namespace>/<workload>/<container>, /metrics' });
    } catch (e) {
      send(500, { error: (e as Error).message });
    }
  });
  if ('socket' in listen && existsSync(listen.socket)) rmSync(listen.socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('socket' in listen) server.listen(listen.socket, () => resolve());
    else server.listen(listen.port, listen.host, () => resolve());
  });
  const a = server.address();
  const address = 'socket' in listen ? `unix:${listen.socket}` : typeof a === 'object' && a ? `${listen.host}:${a.port}` : String(a);
  return {
    server, address,
    close: () => new Promise<void>((r) => {
      server.close(() => r());
      server.closeAllConnections();
    }),
  };
}
