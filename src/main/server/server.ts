// Browser mode: the renderer and the API over one HTTP server on 127.0.0.1, gated by a per-launch token.
import http from 'node:http';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Engine } from '../engine';
import { logger, registerSecret } from '../platform/log';
import { appPrefix, checkHost, checkRequest, newToken, tokenCookieName } from './auth';
import { parseRequestTarget, type RequestTarget } from './request-target';
import { resolveStatic } from './static';
import { CONTENT_SECURITY_POLICY } from './csp';
import { IMAGE_PATH, imageForServing } from '../datasets';

const log = logger('server');
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export interface ServerOptions {
  engine: Engine;
  port?: number;
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string;
  token?: string;
  /** More Host values to accept (host:port), for an SSH tunnel that listens on another local port. */
  allowHosts?: readonly string[];
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const securityHeaders = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? newToken();
  // The token is a secret like an API key: masked wherever a log line or a reply would carry it.
  registerSecret(token);
  const allowHosts = options.allowHosts ?? [];
  let port = 0;
  const handleRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const target = parseRequestTarget(req.url);
    if (!target) {
      res
        .writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders })
        .end('Malformed request target\n');
      return;
    }
    const host = checkHost(req, port, allowHosts);
    if (!host.ok) {
      res
        .writeHead(host.status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders })
        .end(host.reason + '\n');
      return;
    }
    const prefix = appPrefix(port);
    const inner = innerPath(target.pathname, prefix);
    if (inner === null) {
      // Outside the app's prefix nothing needs the token and no reply carries it: the server's root (and the prefix
      // without its closing slash) is sent on to the app, anything else is not found.
      if (req.method !== 'GET' && req.method !== 'HEAD') res.writeHead(405, securityHeaders).end();
      else if (target.pathname === '/' || target.pathname === prefix)
        res.writeHead(303, { ...securityHeaders, Location: `${prefix}/${queryOf(target.searchParams)}` }).end();
      else res.writeHead(404, securityHeaders).end();
      return;
    }
    const verdict = checkRequest(req, target, token, port, allowHosts);
    if (!verdict.ok) {
      res
        .writeHead(verdict.status, { 'Content-Type': 'text/plain; charset=utf-8', ...securityHeaders })
        .end(verdict.reason + '\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, securityHeaders).end();
      return;
    }
    const headers: Record<string, string> = { ...securityHeaders, 'Cache-Control': 'no-store' };
    // The page keeps the token as an HttpOnly cookie so later requests (assets, the WebSocket, images) carry it;
    // its Path is the app's prefix, so no request to another path (or another local app's port) carries it.
    if (verdict.viaQuery) {
      headers['Set-Cookie'] = `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=${prefix}`;
      // A page opened with the token in its URL is sent on to the same URL without it, so the token does not
      // stay in the address bar, the history or a bookmark.
      if (!inner.startsWith('/api/')) {
        res.writeHead(303, { ...headers, Location: withoutToken(target) }).end();
        return;
      }
    }
    if (inner === '/api/health') {
      res.writeHead(200, { ...headers, 'Content-Type': 'application/json' }).end(JSON.stringify({ ok: true }));
      return;
    }
    const image = IMAGE_PATH.exec(inner);
    if (image) {
      // Content-addressed bytes never change: the browser may keep them.
      void imageForServing(options.engine.store, image[1], target.searchParams.get('thumb') === '1').then(
        (found) => {
          if (!found) res.writeHead(404, headers).end();
          else
            res
              .writeHead(200, {
                ...headers,
                'Content-Type': found.mime,
                'Cache-Control': 'private, max-age=31536000, immutable',
              })
              .end(req.method === 'HEAD' ? undefined : found.bytes);
        },
        () => res.writeHead(500, headers).end(),
      );
      return;
    }
    const found =
      resolveStatic(options.rendererDir, inner) ??
      (inner.startsWith('/api/') ? null : resolveStatic(options.rendererDir, '/'));
    if (!found) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': found.type });
    if (req.method === 'HEAD') res.end();
    else
      fs.createReadStream(found.file)
        .on('error', (error) => res.destroy(error))
        .pipe(res);
  };
  const server = http.createServer((req, res) => {
    // Last resort: a request that throws gets a 500 and a log line; the server, and the jobs in this process, go on.
    try {
      handleRequest(req, res);
    } catch (error) {
      log.error(
        `request ${JSON.stringify(req.method)} ${JSON.stringify(req.url?.split('?')[0])} failed: ${(error as Error).stack ?? error}`,
      );
      if (!res.headersSent) res.writeHead(500, securityHeaders);
      res.end();
    }
  });
  // Requests the HTTP parser itself rejects (bad request lines, oversized headers) close with a 400.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const target = parseRequestTarget(req.url);
      // Host and Origin first, then the path (outside the app's prefix the token is not asked for), then the token.
      const host = target
        ? checkHost(req, port, allowHosts)
        : ({ ok: false, status: 400, reason: 'Malformed request target' } as const);
      const verdict = !host.ok
        ? host
        : target?.pathname !== `${appPrefix(port)}/api/ws`
          ? ({ ok: false, status: 404, reason: 'Not found' } as const)
          : checkRequest(req, target, token, port, allowHosts);
      if (!verdict.ok) {
        const status = verdict.status;
        socket.end(
          `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 400 ? 'Bad Request' : 'Refused'}\r\nConnection: close\r\n\r\n`,
        );
        return;
      }
      sockets.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, options.engine));
    } catch (error) {
      log.error(`upgrade ${JSON.stringify(req.url?.split('?')[0])} failed: ${(error as Error).stack ?? error}`);
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}${appPrefix(port)}/?token=${token}`;
  log.info(`browser mode listening on 127.0.0.1:${port}`);
  return {
    url,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The part of a path under the app's prefix (`/` for the prefix itself with its slash), or null outside it. */
function innerPath(pathname: string, prefix: string): string | null {
  return pathname.startsWith(prefix + '/') ? pathname.slice(prefix.length) : null;
}

function queryOf(params: URLSearchParams): string {
  const query = params.toString();
  return query ? `?${query}` : '';
}

function withoutToken(target: RequestTarget): string {
  const query = new URLSearchParams(target.searchParams);
  query.delete('token');
  // The path is re-encoded: it was decoded when the target was parsed.
  // One leading slash only: `//host` would send the browser to another site.
  return '/' + encodeURI(target.pathname).replace(/^\/+/, '') + queryOf(query);
}

function serveSocket(ws: WebSocket, engine: Engine): void {
  const unsubscribe = engine.subscribe((event) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
  });
  ws.on('message', async (data, isBinary) => {
    let raw: unknown;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      raw = JSON.parse(data.toString());
    } catch (error) {
      ws.send(
        JSON.stringify({
          type: 'response',
          id: -1,
          ok: false,
          error: { code: 'invalid_request', message: `Message is not JSON: ${(error as Error).message}` },
        }),
      );
      return;
    }
    try {
      const reply = await engine.handle(raw);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
    } catch (error) {
      // engine.handle answers errors itself; this only catches what escapes it, so the process stays up.
      log.error(`message handling failed: ${(error as Error).stack ?? error}`);
    }
  });
  ws.on('close', unsubscribe);
  ws.on('error', unsubscribe);
}
