// One writer per data folder, held by the database itself: beside a running `searchlab serve`, another engine opens
// the folder's database read-only. It lists what is stored, but every change (a label, a deleted dataset, the search
// settings, a reward spec, a key) is refused with a sentence naming the process that holds the folder, and nothing
// changes; once the holder is gone, the next engine writes as usual. A reader never upgrades the schema either.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Engine } from '../../src/main/engine/engine';
import { openDatabase } from '../../src/main/storage';
import { migrations } from '../../src/main/storage/migrations';
import { homePaths } from '../../src/main/platform/home';
import { LOCK_FILE } from '../../src/main/platform/folder-lock';
import { serve } from '../helpers/serve';
import { tempHome, removeTempHomes } from '../helpers/home';
import { writeJsonl } from '../datasets/fixtures';

afterEach(removeTempHomes);

/** A data folder with one imported dataset of three text samples, the first one labelled; no engine left open. */
async function folderWithDataset(): Promise<{ home: string; datasetId: number; sampleIds: number[] }> {
  const home = tempHome();
  const file = path.join(tempHome('searchlab-data-'), 'd.jsonl');
  writeJsonl(
    file,
    [0, 1, 2].map((i) => ({ question: `What is item ${i}?`, answer: `answer ${i}`, data_source: 'fvqa' })),
  );
  const engine = Engine.open({ home, face: 'cli' });
  try {
    const job = await engine.call('jobs.start', { kind: 'datasets.import', params: { path: file, dataset: 'd' } });
    await engine.jobs.idle();
    const done = await engine.call('jobs.get', { id: job.id });
    expect(done.status).toBe('succeeded');
    const datasetId = (done.result as { datasetId: number }).datasetId;
    const sampleIds = (await engine.call('datasets.samples', { datasetId, limit: 10 })).rows.map((r) => r.id);
    await engine.call('labels.set', { sampleId: sampleIds[0], annotator: 'ann', label: 'search_free' });
    return { home, datasetId, sampleIds };
  } finally {
    await engine.close();
  }
}

/** What the changes below would touch, as the engine reads it. */
async function snapshot(engine: Engine, datasetId: number) {
  return {
    datasets: await engine.call('datasets.list', {}),
    samples: await engine.call('datasets.samples', { datasetId, limit: 10 }),
    history: await engine.call('labels.history', { annotator: 'ann', datasetId }),
    searchConfig: await engine.call('search.config.get', {}),
    settings: await engine.call('settings.get', {}),
    specs: await engine.call('reward.specs', {}),
    secrets: await engine.call('search.secrets.status', {}),
  };
}

describe('an engine beside the holder of its data folder', () => {
  it('reads everything, refuses every change with the holder named, and changes nothing', async () => {
    const { home, datasetId, sampleIds } = await folderWithDataset();
    const served = await serve(home);
    let before: Awaited<ReturnType<typeof snapshot>>;
    try {
      const reader = Engine.open({ home, face: 'cli' });
      try {
        expect(reader.lock.owned).toBe(false);
        before = await snapshot(reader, datasetId);
        expect(before.datasets.map((d) => d.name)).toEqual(['d']);
        expect(before.samples.rows).toHaveLength(3);
        expect(await reader.call('runs.list', {})).toEqual([]);
        expect((await reader.call('jobs.list', {})).length).toBeGreaterThan(0);
        await reader.call('system.info', {});
        await reader.call('storage.stats', {});
        await reader.call('labels.progress', { annotator: 'ann', datasetId });
        for (const method of [
          'models.list',
          'evals.list',
          'checkpoints.list',
          'search.cache.list',
          'search.cache.stats',
          'corpus.list',
        ] as const)
          await reader.call(method, {});

        const refusal = new RegExp(
          `^Cannot .*: the data folder .* is in use by another SearchLab process \\(pid ${served.child.pid}, browser, since `,
        );
        const changes: [string, () => Promise<unknown>][] = [
          ['labels.set', () => reader.call('labels.set', { sampleId: sampleIds[1], annotator: 'ann', label: 'both' })],
          ['labels.undo', () => reader.call('labels.undo', { annotator: 'ann', datasetId })],
          ['datasets.delete', () => reader.call('datasets.delete', { id: datasetId })],
          ['search.config.update', () => reader.call('search.config.update', { searxng: { language: 'fr' } })],
          ['settings.update', () => reader.call('settings.update', { theme: 'dark' })],
          [
            'reward.save',
            () => reader.call('reward.save', { spec: { name: 'short', expression: 'format', constants: {} } }),
          ],
          ['search.secrets.set', () => reader.call('search.secrets.set', { name: 'serpapi', value: 'k-123' })],
          ['search.cache.clear', () => reader.call('search.cache.clear', {})],
          ['search.run', () => reader.call('search.run', { tool: 'text_search', query: 'river' })],
          [
            'search.cache.export',
            () => reader.call('search.cache.export', { file: path.join(home, 'exports', 'cache.jsonl') }),
          ],
        ];
        for (const [method, change] of changes) {
          const error = await change().then(
            () => new Error(`${method} was not refused`),
            (e: Error) => e,
          );
          expect(error.message, method).toMatch(refusal);
          expect(error.message, method).not.toMatch(/readonly database/);
        }
        expect(await snapshot(reader, datasetId)).toEqual(before);
        expect(fs.existsSync(homePaths(home).secrets)).toBe(false);
        expect(fs.existsSync(path.join(home, 'exports', 'cache.jsonl'))).toBe(false);
        // An export outside the data folder writes nothing in it: a reader may make one.
        const outside = path.join(tempHome('searchlab-out-'), 'cache.jsonl');
        expect(await reader.call('search.cache.export', { file: outside })).toMatchObject({ entries: 0 });
      } finally {
        await reader.close();
      }
    } finally {
      await served.stop();
    }

    // The holder is gone: the next engine takes the folder and writes.
    const next = Engine.open({ home, face: 'cli' });
    try {
      expect(next.lock.owned).toBe(true);
      expect(await snapshot(next, datasetId)).toEqual(before);
      await next.call('labels.set', { sampleId: sampleIds[1], annotator: 'ann', label: 'both' });
      await next.call('search.config.update', { searxng: { language: 'fr' } });
      expect((await next.call('search.config.get', {})).searxng.language).toBe('fr');
      await next.call('datasets.delete', { id: datasetId });
      expect(await next.call('datasets.list', {})).toEqual([]);
    } finally {
      await next.close();
    }
  }, 90_000);

  it('does not upgrade an older schema: it says which folder and which process hold it', async () => {
    const home = tempHome();
    const oldest = migrations.filter((m) => m.version === 1);
    openDatabase(homePaths(home).database, oldest).close();
    // A live process of this machine holds the folder.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(
        path.join(home, LOCK_FILE),
        JSON.stringify({ pid: holder.pid, host: os.hostname(), face: 'browser', since: Date.now() }),
      );
      expect(() => Engine.open({ home, face: 'cli' })).toThrow(
        new RegExp(
          `schema version 1 .* the data folder .* is in use by another SearchLab process \\(pid ${holder.pid}, browser`,
        ),
      );
      // Still the old schema: only the holder may upgrade it.
      const db = openDatabase(homePaths(home).database, oldest);
      try {
        expect((db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(1);
      } finally {
        db.close();
      }
    } finally {
      holder.kill();
    }
  });
});
