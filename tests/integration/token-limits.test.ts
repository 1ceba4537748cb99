// What the browser-mode token can do is bounded: an export never replaces an existing file unless asked, an import
// reads outside its folder or fetches private addresses only when `serve` was started allowing it, and
// moving a search service's base URL forgets its stored key (or is refused when the key comes from the
// environment), so the key is never sent somewhere the user did not enter it for.
import fs from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { tempHome, removeTempHomes } from '../helpers/home';
import { cli } from '../datasets/cli';
import { jpeg, writeJsonl } from '../datasets/fixtures';
import { serve, connect } from '../helpers/serve';

afterEach(removeTempHomes);

describe('exports', () => {
  it('never overwrite an existing file without --overwrite', async () => {
    const home = tempHome();
    const data = tempHome('searchlab-data-');
    writeJsonl(path.join(data, 'rows.jsonl'), [{ question: 'q', answer: 'a' }]);
    expect((await cli('import', path.join(data, 'rows.jsonl'), '--dataset', 'd', '--home', home)).code).toBe(0);
    const target = path.join(data, '.bashrc');
    fs.writeFileSync(target, 'echo start-up file\n');
    const refused = await cli('export', 'd', '--format', 'jsonl', '--out', target, '--home', home);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/\.bashrc already exists: choose another name, or pass --overwrite/);
    expect(fs.readFileSync(target, 'utf8')).toBe('echo start-up file\n');
    expect(fs.existsSync(`${target}.partial`)).toBe(false);
    expect((await cli('export', 'd', '--format', 'jsonl', '--out', target, '--overwrite', '--home', home)).code).toBe(
      0,
    );
    expect(JSON.parse(fs.readFileSync(target, 'utf8').split('\n')[0])).toMatchObject({ question: 'q' });
  });
});

describe('export targets over browser mode', () => {
  it("are confined to the data folder's exports/ and the folders serve was given", async () => {
    const home = tempHome();
    const data = tempHome('searchlab-data-');
    const chosen = tempHome('searchlab-chosen-');
    writeJsonl(path.join(data, 'rows.jsonl'), [{ question: 'q', answer: 'a' }]);
    expect((await cli('import', path.join(data, 'rows.jsonl'), '--dataset', 'd', '--home', home)).code).toBe(0);
    const served = await serve(home, ['--export-dir', chosen]);
    const client = await connect(served);
    try {
      const autostart = path.join(tempHome('searchlab-user-'), '.config', 'autostart', 'run.desktop');
      const refused = await client.request('jobs.start', {
        kind: 'datasets.export',
        params: { dataset: 'd', format: 'jsonl', out: autostart },
      });
      expect(refused).toMatchObject({
        ok: false,
        error: {
          code: 'invalid_params',
          message: expect.stringMatching(/run\.desktop is outside the folders this server writes to/),
        },
      });
      expect(fs.existsSync(path.dirname(autostart))).toBe(false);
      // A checkpoint's files are refused the same way (a new folder there would be a start-up folder's entry).
      const checkpoint = await client.request('checkpoints.export', { id: 1, dir: path.dirname(autostart) });
      expect(checkpoint).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/autostart is outside the folders this server writes to/) },
      });
      expect(fs.existsSync(path.dirname(autostart))).toBe(false);
      const cache = await client.request('search.cache.export', { file: path.join(data, 'cache.jsonl') });
      expect(cache).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/outside the folders this server writes to/) },
      });
      for (const out of [path.join(home, 'exports', 'd.jsonl'), path.join(chosen, 'd.jsonl')]) {
        const started = await client.request('jobs.start', {
          kind: 'datasets.export',
          params: { dataset: 'd', format: 'jsonl', out },
        });
        expect(started.ok, JSON.stringify(started)).toBe(true);
        await expect
          .poll(async () => (await client.request('jobs.get', { id: started.result.id })).result.status, {
            timeout: 20_000,
          })
          .toBe('succeeded');
        expect(fs.existsSync(out)).toBe(true);
      }
    } finally {
      client.close();
      await served.stop();
    }
  }, 60_000);
});

describe('import switches over browser mode', () => {
  it('widen an import only when serve was started with the matching flag', async () => {
    const image = await jpeg(4);
    let requests = 0;
    const local = http.createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(image);
    });
    await new Promise<void>((r) => local.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(local.address() as AddressInfo).port}/pic.jpg`;
    const outside = path.join(tempHome('searchlab-elsewhere-'), 'private.jpg');
    fs.writeFileSync(outside, await jpeg(3));
    const data = tempHome('searchlab-data-');
    const file = path.join(data, 'rows.jsonl');
    writeJsonl(file, [
      { question: 'q1', answer: 'a', image: outside },
      { question: 'q2', answer: 'a', image_url: url },
    ]);
    const importParams = (dataset: string, switches: object) => ({
      kind: 'datasets.import',
      params: { path: file, dataset, skipBad: true, ...switches },
    });
    try {
      const plain = await serve(tempHome());
      const client = await connect(plain);
      try {
        for (const [name, flag] of [
          ['allowPathsOutside', '--allow-paths-outside'],
          ['allowPrivateUrls', '--allow-private-urls'],
        ]) {
          const refused = await client.request('jobs.start', importParams('d', { [name]: true }));
          expect(refused).toMatchObject({
            ok: false,
            error: {
              code: 'unauthorized',
              message: expect.stringMatching(new RegExp(`params\\.${name} \\(.+\\) is refused in browser mode`)),
            },
          });
          expect(refused.error.message).toContain(`searchlab serve ${flag}`);
        }
        expect((await client.request('jobs.list', {})).result).toEqual([]);
        // Without the switches the import runs, confined: both rows are refused and nothing is fetched.
        const confined = await client.request('jobs.start', importParams('confined', {}));
        expect(confined.ok, JSON.stringify(confined)).toBe(true);
        await expect
          .poll(async () => (await client.request('jobs.get', { id: confined.result.id })).result.status, {
            timeout: 20_000,
          })
          .toBe('succeeded');
        const job = (await client.request('jobs.get', { id: confined.result.id })).result;
        expect(job.result).toMatchObject({ imported: 0, rejected: [{ row: 1 }, { row: 2 }] });
        expect(requests).toBe(0);
      } finally {
        client.close();
        await plain.stop();
      }
      const allowing = await serve(tempHome(), ['--allow-paths-outside', '--allow-private-urls']);
      const trusted = await connect(allowing);
      try {
        const started = await trusted.request(
          'jobs.start',
          importParams('d', { allowPathsOutside: true, allowPrivateUrls: true }),
        );
        expect(started.ok, JSON.stringify(started)).toBe(true);
        await expect
          .poll(async () => (await trusted.request('jobs.get', { id: started.result.id })).result.status, {
            timeout: 20_000,
          })
          .toBe('succeeded');
        const job = (await trusted.request('jobs.get', { id: started.result.id })).result;
        expect(job.result).toMatchObject({ imported: 2, rejected: [] });
        expect(requests).toBe(1);
      } finally {
        trusted.close();
        await allowing.stop();
      }
    } finally {
      local.close();
    }
  }, 60_000);
});

describe('search keys', () => {
  it('are forgotten when their base URL moves to another origin', async () => {
    const engine = Engine.open({ home: tempHome(), face: 'browser' });
    try {
      await engine.call('search.secrets.set', { name: 'serpapi', value: 'serp-key-123' });
      await engine.call('search.secrets.set', { name: 'jina', value: 'jina-key-456' });
      const isSet = async (name: string) =>
        (await engine.call('search.secrets.status', {})).find((s) => s.name === name)!.set;
      // Same origin, other settings: the keys stay.
      await engine.call('search.config.update', { serpapi: { hl: 'fr', baseUrl: 'https://serpapi.com/' } });
      expect(await isSet('serpapi')).toBe(true);
      await engine.call('search.config.update', { serpapi: { baseUrl: 'http://collector.example' } });
      expect(await isSet('serpapi')).toBe(false);
      expect(await isSet('jina')).toBe(true);
    } finally {
      await engine.close();
    }
  });

  it('from the environment keep their destination in browser mode', async () => {
    process.env.SEARCHLAB_SERPAPI_KEY = 'env-key-789';
    const engine = Engine.open({ home: tempHome(), face: 'browser' });
    try {
      await expect(
        engine.call('search.config.update', { serpapi: { baseUrl: 'http://collector.example' } }),
      ).rejects.toThrow(/comes from SEARCHLAB_SERPAPI_KEY/);
      expect((await engine.call('search.config.get', {})).serpapi.baseUrl).toBe('https://serpapi.com');
    } finally {
      delete process.env.SEARCHLAB_SERPAPI_KEY;
      await engine.close();
    }
  });
});
