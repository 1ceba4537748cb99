import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import WebSocket from 'ws';
import { serve, connect, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';
import { latestSchemaVersion } from '../../src/main/storage/database';

let engine: ServedEngine;

beforeAll(async () => {
  engine = await serve(tempHome());
});
afterAll(async () => {
  await engine.stop();
  removeTempHomes();
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: engine.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

describe('browser mode server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(engine.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('prints a URL under its own path prefix, named for its port', () => {
    expect(engine.prefix).toBe(`/__searchlab/${engine.port}`);
    expect(engine.url).toBe(`http://127.0.0.1:${engine.port}${engine.prefix}/?token=${engine.token}`);
  });

  it('refuses a request without the token', async () => {
    expect((await get(`${engine.prefix}/`)).status).toBe(401);
    expect((await get(`${engine.prefix}/?token=wrong`)).status).toBe(401);
    expect((await get(`${engine.prefix}/api/images/${'0'.repeat(64)}`)).status).toBe(401);
  });

  it('takes the token from the URL into an HttpOnly cookie named for its port, then drops it from the URL', async () => {
    const res = await get(`${engine.prefix}/?token=${engine.token}&view=runs`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${engine.prefix}/?view=runs`);
    expect(String(res.headers['set-cookie'])).toBe(
      `searchlab_token_${engine.port}=${engine.token}; HttpOnly; SameSite=Strict; Path=${engine.prefix}`,
    );
    // The cookie of another port's server is not this one's.
    expect((await get(`${engine.prefix}/`, { Cookie: `searchlab_token_1=${engine.token}` })).status).toBe(401);
    expect((await get(`${engine.prefix}/`, { Cookie: `searchlab_token=${engine.token}` })).status).toBe(401);
    // A path that decodes to //host is not an open redirect.
    const sneaky = await get(`${engine.prefix}/%2F%2Fevil.example?token=${engine.token}`);
    expect(sneaky.headers.location).toBe(`${engine.prefix}///evil.example`);
    expect((await get(`/%2F%2Fevil.example?token=${engine.token}`)).headers.location).toBeUndefined();
  });

  it('keeps the token inside its prefix: nothing outside it asks for the token or hands out the cookie', async () => {
    const cookie = { Cookie: `searchlab_token_${engine.port}=${engine.token}` };
    // The root sends the browser on to the app, with or without the token, and sets no cookie.
    for (const [path, location] of [
      ['/', `${engine.prefix}/`],
      [engine.prefix, `${engine.prefix}/`],
      [`/?token=${engine.token}`, `${engine.prefix}/?token=${engine.token}`],
    ]) {
      const res = await get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.location, path).toBe(location);
      expect(res.headers['set-cookie'], path).toBeUndefined();
    }
    // The old paths, and the prefix of another port's server, serve nothing even with the cookie.
    for (const path of ['/api/ws', '/api/health', `/api/images/${'0'.repeat(64)}`, '/index.html', '/__searchlab/1/']) {
      const res = await get(path, cookie);
      expect(res.status, path).toBe(404);
      expect(res.headers['set-cookie'], path).toBeUndefined();
    }
    // A WebSocket outside the prefix is not found even with the token.
    await expect(
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${engine.port}/api/ws?token=${engine.token}`, {
          origin: engine.origin,
        });
        ws.once('open', () => resolve('open'));
        ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
        ws.once('error', reject);
      }),
    ).rejects.toThrow(/404/);
    // The Host check still comes first outside the prefix.
    expect((await get('/', { Host: `attacker.example:${engine.port}` })).status).toBe(403);
  });

  it('serves the app with the cookie and sends a strict CSP', async () => {
    const res = await get(`${engine.prefix}/`, { Cookie: `searchlab_token_${engine.port}=${engine.token}` });
    expect(res.status).toBe(200);
    expect(res.body).toContain('<div id="root">');
    // The app's files are referenced relative to the page, so they load from under the prefix too.
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(res.body);
    expect(script).not.toBeNull();
    const asset = await get(`${engine.prefix}/${script![1]}`, {
      Cookie: `searchlab_token_${engine.port}=${engine.token}`,
    });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-eval');
  });

  it('refuses a request from another Origin even with the token', async () => {
    expect((await get(`${engine.prefix}/?token=${engine.token}`, { Origin: 'http://evil.example' })).status).toBe(403);
  });

  it('refuses a request under a foreign Host name (DNS rebinding)', async () => {
    expect(
      (await get(`${engine.prefix}/?token=${engine.token}`, { Host: `attacker.example:${engine.port}` })).status,
    ).toBe(403);
  });

  it('refuses a WebSocket without the token or from another Origin', async () => {
    await expect(connect(engine, { token: null })).rejects.toThrow(/401/);
    await expect(connect(engine, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('answers contract calls over the WebSocket', async () => {
    const client = await connect(engine);
    const reply = await client.request('system.info');
    expect(reply.ok).toBe(true);
    expect(reply.result).toMatchObject({
      face: 'browser',
      schemaVersion: latestSchemaVersion(),
      device: { kind: expect.stringMatching(/cpu|cuda/) },
    });
    client.close();
  });

  it('answers an invalid message with a clear error and changes nothing', async () => {
    const client = await connect(engine);
    const before = (await client.request('settings.get')).result;
    const bad = await client.request('settings.update', { theme: 'purple' });
    expect(bad.ok).toBe(false);
    expect(bad.error.code).toBe('invalid_params');
    expect(bad.error.message).toMatch(/params\.theme/);
    expect((await client.request('settings.get')).result).toEqual(before);
    const notJson = await client.send('{not json', -1);
    expect(notJson).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const unknown = await client.request('nope.nothing');
    expect(unknown.error.code).toBe('unknown_method');
    client.close();
  });
});
