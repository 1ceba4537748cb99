// A data folder with a dataset, its labels and a search cache, ready to export; and python3 runs of the export.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { openStore } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { cacheKey } from '../../src/main/search/cache/key';
import { tempHome } from '../helpers/home';
import { cli } from '../datasets/cli';
import { jpeg, verlRows, writeVerlParquet, type VerlRow } from '../datasets/fixtures';

export const PYTHON = '/usr/bin/python3';

export interface SeededHome {
  home: string;
  dir: string;
  rows: VerlRow[];
  runConfigFile: string;
  /** The thumbnails stored for the first sample's cached image search. */
  thumbnails: Buffer[];
}

export async function seededExportHome(runConfig: Record<string, unknown> = {}): Promise<SeededHome> {
  const home = tempHome();
  const dir = tempHome('searchlab-verl-');
  const rows = await verlRows(12, 6);
  const file = path.join(dir, 'seed.parquet');
  writeVerlParquet(file, rows);
  expect((await cli('import', file, '--dataset', 'seed', '--home', home, '--json')).code).toBe(0);
  const thumbnails = [await jpeg(40, 32, 32), await jpeg(41, 32, 32)];
  const store = openStore(homePaths(home).database);
  try {
    const questionImage = store.db
      .prepare('SELECT image_sha256 AS sha FROM samples ORDER BY row_index LIMIT 1')
      .get() as { sha: string };
    const thumbShas = thumbnails.map((t) => store.repos.images.put(t, { mime: 'image/jpeg' }));
    const imageCall = {
      tool: 'image_search' as const,
      engine: 'serpapi' as const,
      query: null,
      imageSha256: questionImage.sha,
      params: { topk: 5 },
    };
    store.repos.searchCache.put({
      ...imageCall,
      key: cacheKey(imageCall),
      mode: 'live',
      raw: null,
      output: 'ignored',
      images: thumbShas,
      results: thumbShas.map((sha, i) => ({
        rank: i + 1,
        title: `Landmark 0, view ${i + 1}`,
        url: `https://example.org/l0/${i}`,
        snippet: null,
        summary: null,
        imageSha256: sha,
        imageUrl: null,
      })),
      latencyMs: 10,
      cost: 0.01,
    });
    const textCall = {
      tool: 'text_search' as const,
      engine: 'serpapi' as const,
      query: 'Landmark 0 history',
      imageSha256: null,
      params: { topk: 5 },
    };
    store.repos.searchCache.put({
      ...textCall,
      key: cacheKey(textCall),
      mode: 'live',
      raw: null,
      output: 'ignored',
      images: [],
      results: [
        {
          rank: 1,
          title: 'Landmark 0 — history',
          url: 'https://example.org/history',
          snippet: 'a snippet',
          summary: 'Landmark 0 was built in 1901.',
          imageSha256: null,
          imageUrl: null,
        },
      ],
      latencyMs: 10,
      cost: 0.01,
    });
  } finally {
    store.close();
  }
  const runConfigFile = path.join(dir, 'run.json');
  fs.writeFileSync(
    runConfigFile,
    JSON.stringify({
      name: 'lens-run',
      model: { path: 'Qwen/Qwen2.5-VL-7B-Instruct' },
      dataset: 'seed',
      grpo: { steps: 20 },
      ...runConfig,
    }),
  );
  return { home, dir, rows, runConfigFile, thumbnails };
}

/** Runs python3 with the export folder on its path, without any search key: the tools must answer offline. */
export function python(cwd: string, script: string, stdin = ''): string {
  const run = spawnSync(PYTHON, ['-c', script], {
    cwd,
    input: stdin,
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', PYTHONPATH: cwd, PYTHONDONTWRITEBYTECODE: '1' },
  });
  if (run.status !== 0) throw new Error(`python3 failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** python3 without blocking the event loop, for scripts that talk to a loopback server in this process. */
export function pythonAsync(cwd: string, script: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', script], {
      cwd,
      env: { PATH: '/usr/bin:/bin', PYTHONPATH: cwd, PYTHONDONTWRITEBYTECODE: '1', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`python3 failed (${code}): ${err}`))));
  });
}
