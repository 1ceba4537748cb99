// 1,000 malformed request lines against a real `searchlab serve`, over raw TCP on loopback:
// every one is answered (400 or a refusal) and the server still serves the app afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { serve, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';

let engine: ServedEngine;

beforeAll(async () => {
  engine = await serve(tempHome());
});
afterAll(async () => {
  await engine.stop();
  removeTempHomes();
});

/** Sends raw bytes, resolves with what came back before the server closed (or after a 5 s bound). */
function rawExchange(port: number, bytes: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(received);
    };
    const timer = setTimeout(done, 5_000);
    socket.on('data', (d) => {
      received += d.toString('latin1');
      // One response is enough: the status line and the end of the headers.
      if (received.includes('\r\n\r\n')) done();
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(bytes, 'latin1');
  });
}

/** A small seeded generator, so a failing line can be found again. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const knownBad = [
  '//[',
  'http://[::1',
  'http://[::1/',
  'http://127.0.0.1:99999/',
  'http://127.0.0.1:-1/',
  '/%',
  '/%zz',
  '/%E0%A4%A',
  '/%C0',
  '/api/%ff',
  '/?token=%',
  '//',
  '///x',
  '/%00',
  '/api/images/%',
  '*',
  'x',
  '//evil.example/',
  '/..%2f..%2fetc%2fpasswd',
];
const alphabet = "/%[]:@?#&=.\\ \x00\x7f\xff0123456789abcdefABCDEF~!$'()*+,;";

function malformedTargets(count: number): string[] {
  const random = seeded(23);
  const targets = [...knownBad];
  while (targets.length < count) {
    const base = knownBad[Math.floor(random() * knownBad.length)];
    let noise = '';
    const length = 1 + Math.floor(random() * 12);
    for (let i = 0; i < length; i++) noise += alphabet[Math.floor(random() * alphabet.length)];
    targets.push(random() < 0.5 ? base + noise : noise + base);
  }
  return targets.slice(0, count);
}

describe('browser mode server under malformed requests', () => {
  it('answers the known crashing targets with 400', async () => {
    for (const target of ['//[', 'http://[::1', 'http://127.0.0.1:99999/', '/%', '/%zz', '/%E0%A4%A']) {
      const reply = await rawExchange(
        engine.port,
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${engine.port}\r\nConnection: close\r\n\r\n`,
      );
      expect(reply, `GET ${target}`).toMatch(/^HTTP\/1\.1 400 /);
    }
  });

  it('survives 1,000 malformed request lines and still serves the app', async () => {
    const targets = malformedTargets(1000);
    const host = `127.0.0.1:${engine.port}`;
    const methods = ['GET', 'HEAD', 'POST', 'OPTIONS'];
    const statuses = new Map<string, number>();
    const batch = 25;
    for (let start = 0; start < targets.length; start += batch) {
      const replies = await Promise.all(
        targets.slice(start, start + batch).map((target, i) => {
          const upgrade =
            (start + i) % 7 === 0
              ? 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
              : 'Connection: close\r\n';
          return rawExchange(
            engine.port,
            `${methods[(start + i) % methods.length]} ${target} HTTP/1.1\r\nHost: ${host}\r\n${upgrade}\r\n`,
          );
        }),
      );
      for (const reply of replies) {
        const status = /^HTTP\/1\.1 (\d{3})/.exec(reply)?.[1] ?? 'none';
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      expect(engine.child.exitCode, `serve exited after request ${start}:\n${engine.output()}`).toBeNull();
    }
    // Every request was answered, none with a server error.
    expect(statuses.get('none') ?? 0).toBe(0);
    expect(statuses.get('500') ?? 0).toBe(0);
    expect(statuses.get('400')).toBeGreaterThan(100);
    const after = await rawExchange(
      engine.port,
      `GET ${engine.prefix}/ HTTP/1.1\r\nHost: ${host}\r\nCookie: searchlab_token_${engine.port}=${engine.token}\r\nConnection: close\r\n\r\n`,
    );
    expect(after).toMatch(/^HTTP\/1\.1 200 /);
    expect(engine.output()).not.toMatch(/failed:/);
  });
});
