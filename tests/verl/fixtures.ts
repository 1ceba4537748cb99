// A data folder with a dataset, its labels and a search cache, ready to export; the export-verl and import-rollouts
// commands run on it; reads and edits of its database; and python3 runs of the export.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { expect } from 'vitest';
import Database from 'better-sqlite3';
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

export interface ExportVerlOptions {
  /** --target: the method's own trainer (the default) or upstream veRL. */
  target?: 'mmsearch-r1' | 'verl';
  json?: boolean;
}

/** `searchlab export-verl` of dataset "seed" with the given run config into `out`. */
export function runExportVerl(
  seeded: Pick<SeededHome, 'home' | 'runConfigFile'>,
  out: string,
  options: ExportVerlOptions = {},
): ReturnType<typeof cli> {
  return cli(
    'export-verl',
    '--run-config',
    seeded.runConfigFile,
    '--dataset',
    'seed',
    '--out',
    out,
    ...(options.target ? ['--target', options.target] : []),
    '--home',
    seeded.home,
    ...(options.json ? ['--json'] : []),
  );
}

export interface ImportRolloutsOptions {
  /** --dataset: the dataset whose samples the rollouts are matched to. */
  dataset?: string;
  groupSize?: number;
  skipBad?: boolean;
  json?: boolean;
}

/** `searchlab import-rollouts` of a dump file or folder into `home` as the run named `run`. */
export function runImportRollouts(
  source: string,
  home: string,
  run: string,
  options: ImportRolloutsOptions = {},
): ReturnType<typeof cli> {
  return cli(
    'import-rollouts',
    source,
    '--run',
    run,
    ...(options.dataset ? ['--dataset', options.dataset] : []),
    ...(options.groupSize === undefined ? [] : ['--group-size', String(options.groupSize)]),
    ...(options.skipBad ? ['--skip-bad'] : []),
    '--home',
    home,
    ...(options.json ? ['--json'] : []),
  );
}

/** Writes `lines` as a JSONL dump at `file`, making its folder. */
export function writeLines(file: string, lines: string[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** Rows of a read-only query on the data folder's database. */
export function queryDatabase<T>(home: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(homePaths(home).database, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Runs SQL on the data folder's database behind the store's back, to plant bad data. */
export function alterDatabase(home: string, sql: string): void {
  const db = new Database(homePaths(home).database);
  try {
    db.exec(sql);
  } finally {
    db.close();
  }
}

/** The environment python3 runs the export under: no search key, the export folder on its path. */
function pythonEnv(cwd: string, extra: Record<string, string>): Record<string, string> {
  return { PATH: '/usr/bin:/bin', PYTHONPATH: cwd, PYTHONDONTWRITEBYTECODE: '1', ...extra };
}

export interface PythonRunOptions {
  /** sys.argv[1:] for the script. */
  args?: string[];
  stdin?: string;
  env?: Record<string, string>;
}

/** Runs python3 on `script` in the export folder and returns the finished process, whatever its status. */
export function runPython(cwd: string, script: string, options: PythonRunOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(PYTHON, ['-c', script, ...(options.args ?? [])], {
    cwd,
    input: options.stdin ?? '',
    encoding: 'utf8',
    env: pythonEnv(cwd, options.env ?? {}),
  });
}

/** Runs python3 with the export folder on its path, without any search key: the tools must answer offline. */
export function python(cwd: string, script: string, stdin = ''): string {
  const run = runPython(cwd, script, { stdin });
  if (run.status !== 0) throw new Error(`python3 failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

/** python3 without blocking the event loop, for scripts that talk to a loopback server in this process. */
export function pythonAsync(cwd: string, script: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, ['-c', script], { cwd, env: pythonEnv(cwd, env) });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`python3 failed (${code}): ${err}`))));
  });
}
