// Browser mode's gate: loopback Host, same Origin, and the per-launch token on every request under the server's
// own path prefix.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestTarget } from './request-target';

/**
 * The cookie's name carries the port: a browser sends a host's cookies to every port on it, so two SearchLab
 * servers (or another local app's cookie of the same name) must not overwrite each other's token.
 */
export const tokenCookieName = (port: number): string => `searchlab_token_${port}`;

/**
 * Everything this server answers with the token (the app, the WebSocket, the images) lives under this path, and the
 * token cookie's `Path` is it: the browser sends the cookie with no request outside it, so another local app on
 * 127.0.0.1 (a notebook, a dashboard on another port) never receives the token, whatever its port.
 */
export const appPrefix = (port: number): string => `/__searchlab/${port}`;

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage, port: number): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === tokenCookieName(port)) return rest.join('=');
  }
  return undefined;
}

export type Verdict = { ok: true; viaQuery: boolean } | { ok: false; status: 400 | 401 | 403; reason: string };

/**
 * Whether a request comes from this server's own pages: a loopback Host (or one the user allowed), and no foreign
 * Origin. Asked of every request, inside the app's prefix or not.
 * `extraHosts`: Host values the user allowed (`serve --allow-host`), for a tunnel that arrives on another port.
 */
export function checkHost(
  req: IncomingMessage,
  port: number,
  extraHosts: readonly string[] = [],
): { ok: true } | { ok: false; status: 403; reason: string } {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`, ...extraHosts];
  // A DNS-rebinding page reaches us under a foreign Host name: refuse it.
  if (!req.headers.host || !allowedHosts.includes(req.headers.host))
    return { ok: false, status: 403, reason: 'Host not allowed' };
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`))
    return { ok: false, status: 403, reason: 'Origin not allowed' };
  return { ok: true };
}

/**
 * Whether a request may pass: its Host and Origin (see checkHost), then the token; `viaQuery` tells whether the
 * token came in the URL rather than the cookie.
 */
export function checkRequest(
  req: IncomingMessage,
  target: RequestTarget,
  token: string,
  port: number,
  extraHosts: readonly string[] = [],
): Verdict {
  const host = checkHost(req, port, extraHosts);
  if (!host.ok) return host;
  const queryToken = target.searchParams.get('token');
  if (queryToken !== null && sameSecret(queryToken, token)) return { ok: true, viaQuery: true };
  const fromCookie = cookieToken(req, port);
  if (fromCookie !== undefined && sameSecret(fromCookie, token)) return { ok: true, viaQuery: false };
  return { ok: false, status: 401, reason: 'Missing or wrong token: open the URL SearchLab printed when it started' };
}
