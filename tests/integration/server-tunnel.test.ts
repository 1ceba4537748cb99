// `serve --allow-host`: an SSH tunnel that arrives on another local port sends that port in Host and Origin;
// the user names it once and the gate accepts it, and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { serve, repoRoot, type ServedEngine } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';

const TUNNEL = 'localhost:45999';
let engine: ServedEngine;

beforeAll(async () => {
  engine = await serve(tempHome(), ['--allow-host', TUNNEL]);
});
afterAll(async () => {
  await engine.stop();
  removeTempHomes();
});

function status(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(
        {
          host: '127.0.0.1',
          port: engine.port,
          path: `${engine.prefix}/`,
          headers: { Cookie: `searchlab_token_${engine.port}=${engine.token}`, ...headers },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      )
      .on('error', reject);
  });
}

describe('browser mode through a tunnel on another port', () => {
  it('accepts the allowed Host and Origin, and still refuses others', async () => {
    expect(await status({ Host: TUNNEL, Origin: `http://${TUNNEL}` })).toBe(200);
    expect(await status({ Host: 'localhost:45998' })).toBe(403);
    expect(await status({ Host: `127.0.0.1:${engine.port}`, Origin: 'http://localhost:45998' })).toBe(403);
  });

  it('refuses an --allow-host that is not a local host:port', () => {
    const run = spawnSync(
      process.execPath,
      [path.join(repoRoot, 'bin', 'searchlab.mjs'), 'serve', '--home', tempHome(), '--allow-host', 'evil.example:80'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/--allow-host must be localhost:PORT/);
  });
});
