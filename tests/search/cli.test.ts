// The commands exactly as a user types them, in a real child process.
import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/serve';
import { removeTempHomes, tempHome } from '../helpers/home';
import { drawnImage, writeCorpusFolder } from './corpus';

const run = promisify(execFile);
let home: string;
let dir: string;

async function searchlab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(repoRoot, 'bin', 'searchlab.mjs'), ...args, '--home', home],
      { cwd: repoRoot, env: { ...process.env, SEARCHLAB_LOG: 'warn' } },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  home = tempHome();
  dir = tempHome('corpus-src-');
  await writeCorpusFolder(dir);
});
afterAll(removeTempHomes);

describe('searchlab corpus and search', () => {
  it('adds a folder as a corpus and lists it', async () => {
    const added = await searchlab('corpus', 'add', dir, '--name', 'demo', '--json');
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      ok: true,
      corpus: { name: 'demo', documents: 5, images: 4 },
      addedDocuments: 5,
      skippedFiles: ['notes.csv'],
    });
    const again = JSON.parse((await searchlab('corpus', 'add', dir, '--name', 'demo', '--json')).stdout);
    expect(again).toMatchObject({
      ok: true,
      addedDocuments: 0,
      skippedDocuments: 5,
      corpus: { documents: 5, images: 4 },
    });
    const listed = await searchlab('corpus', 'list', '--json');
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: 'demo', status: 'ready', documents: 5, images: 4 }),
    ]);
  });

  it('answers a text search from the corpus with ranked results and the cache status', async () => {
    const first = await searchlab('search', 'text', 'who built the Zorblax Beacon', '--engine', 'local', '--json');
    expect(first.code).toBe(0);
    const reply = JSON.parse(first.stdout);
    expect(reply.cache).toBe('miss');
    expect(reply.results[0]).toEqual({
      rank: 1,
      title: 'Zorblax Beacon',
      url: 'https://demo.example/zorblax',
      summary: expect.stringContaining('built in 1847 by the engineer Mira Tollan'),
    });
    const again = JSON.parse(
      (await searchlab('search', 'text', 'who built the Zorblax Beacon', '--engine', 'local', '--json')).stdout,
    );
    expect(again.cache).toBe('hit');
  });

  it('answers an image search with thumbnails written to files', async () => {
    const query = path.join(dir, '..', `query-${path.basename(dir)}.jpg`);
    await sharp(await drawnImage(2))
      .resize(120)
      .jpeg({ quality: 70 })
      .toFile(query);
    const result = await searchlab('search', 'image', query, '--corpus', 'demo', '--json');
    expect(result.code).toBe(0);
    const reply = JSON.parse(result.stdout);
    expect(reply.results[0]).toMatchObject({ rank: 1, title: 'Velt Aqueduct', url: 'https://demo.example/velt' });
    expect(fs.existsSync(reply.results[0].image)).toBe(true);
    expect(reply.text).toContain('1. <image> Velt Aqueduct');
    fs.rmSync(query);
  });

  it('fails a replay-only miss with exit code 1 and says why', async () => {
    const result = await searchlab('search', 'text', 'never asked', '--mode', 'replay-only', '--json');
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: false, cache: 'replay-miss', results: [] });
  });

  it('reports statistics and moves the cache to another home through a file', async () => {
    const stats = JSON.parse((await searchlab('search', 'stats', '--json')).stdout);
    expect(stats).toMatchObject({ entries: 2, hits: 1 });
    const file = path.join(dir, '..', `cache-${path.basename(dir)}.jsonl`);
    expect((await searchlab('search', 'export', file)).stdout).toContain('Exported 2 entries');
    const again = await searchlab('search', 'export', file);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${file} already exists: choose another name, or pass --overwrite to replace it`);
    expect((await searchlab('search', 'export', file, '--overwrite')).stdout).toContain('Exported 2 entries');
    const mine = home;
    home = tempHome();
    expect(JSON.parse((await searchlab('search', 'import', file, '--json')).stdout)).toEqual({
      imported: 2,
      skipped: 0,
    });
    const replay = JSON.parse(
      (
        await searchlab(
          'search',
          'text',
          'who built the Zorblax Beacon',
          '--engine',
          'local',
          '--mode',
          'replay-only',
          '--json',
        )
      ).stdout,
    );
    expect(replay).toMatchObject({
      ok: true,
      cache: 'hit',
      results: [expect.objectContaining({ title: 'Zorblax Beacon' })],
    });
    home = mine;
    fs.rmSync(file);
  });

  it('explains bad usage', async () => {
    const result = await searchlab('search', 'text', 'x', '--mode', 'sometimes');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--mode must be one of live, cache-first, replay-only');
    const bad = await searchlab('corpus', 'add', path.join(dir, 'missing'), '--name', 'x');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/is not a folder/);
  });
});
