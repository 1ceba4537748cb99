// What the browser-mode token can do is bounded: an export never replaces an existing file unless asked, and
// moving a search service's base URL forgets its stored key (or is refused when the key comes from the
// environment), so the key is never sent somewhere the user did not enter it for.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/main/engine/engine';
import { tempHome, removeTempHomes } from '../helpers/home';
import { cli } from '../datasets/cli';
import { writeJsonl } from '../datasets/fixtures';
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
