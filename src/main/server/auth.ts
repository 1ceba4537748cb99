// Browser mode's gate: loopback Host, same Origin, and the per-launch token on every request.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestTarget } from './request-target';

/**
 * The cookie's name carries the port: a browser sends a host's cookies to every port on it, so two SearchLab
 * servers (or another local app's cookie of the same name) must not overwrite each other's token.
 */
export const tokenCookieName = (port: number): string => `searchlab_token_${port}`;

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
 * Whether a request may pass; `viaQuery` tells whether the token came in the URL rather than the cookie.
 * `extraHosts`: Host values the user allowed (`serve --allow-host`), for a tunnel that arrives on another port.
 */
export function checkRequest(
  req: IncomingMessage,
  target: RequestTarget,
  token: string,
  port: number,
  extraHosts: readonly string[] = [],
): Verdict {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`, ...extraHosts];
  // A DNS-rebinding page reaches us under a foreign Host name: refuse it.
  if (!req.headers.host || !allowedHosts.includes(req.headers.host))
    return { ok: false, status: 403, reason: 'Host not allowed' };
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.some((h) => origin === `http://${h}`))
    return { ok: false, status: 403, reason: 'Origin not allowed' };
  const queryToken = target.searchParams.get('token');
  if (queryToken !== null && sameSecret(queryToken, token)) return { ok: true, viaQuery: true };
  const fromCookie = cookieToken(req, port);
  if (fromCookie !== undefined && sameSecret(fromCookie, token)) return { ok: true, viaQuery: false };
  return { ok: false, status: 401, reason: 'Missing or wrong token: open the URL SearchLab printed when it started' };
}
