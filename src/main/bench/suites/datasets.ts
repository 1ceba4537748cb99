// `npm run bench datasets`: importing 100,000 generated FVQA-like rows (200 shared JPEGs) — rows/s and peak
// memory of SearchLab's import (validation, image hashing and decoding, staging, one-transaction commit, FTS),
// against a raw better-sqlite3 insert of the same rows into the same schema measured in the same run; and how
// long the main thread's event loop stalls while the import runs as a job (what the UI would feel).
//
// Last results (`node bin/searchlab.mjs bench datasets`, 2-core CI-like box, Node 20, other work running; the
// raw-insert reference varies 12–16k rows/s between runs on this shared box):
//   import 100,000 JSONL rows                    21,149 rows/s  vs raw better-sqlite3 insert 13,785 rows/s (1.53×)
//   import peak memory growth                       144 MB      vs raw insert 48 MB (3.0×)
//   import 2,000 veRL parquet rows (JPEG each)      160 rows/s  vs sharp thumbnails alone, 4 at a time 168/s (0.95×)
//   event-loop delay p99 during the import job       12 ms
// The raw insert fires the FTS triggers row by row into the live database; the import copies a staged file
// with one INSERT … SELECT, which is why it can be faster. With images, decoding is the whole cost.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BenchSuite } from '../suite';

function peakRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

export const datasetsSuite: BenchSuite = {
  name: 'datasets',
  summary:
    'Import of 100,000 generated rows: rows/s and peak memory vs a raw better-sqlite3 insert; event-loop stalls during the import job',
  async run(report, { quick }) {
    const { writeSyntheticJsonl, syntheticJpeg, exportVerl, makeThumb, importDataset } = await import('../../datasets');
    const { openStore } = await import('../../storage');
    const { Engine } = await import('../../engine');
    const rows = quick ? 10_000 : 100_000;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'searchlab-bench-datasets-'));
    try {
      const file = await writeSyntheticJsonl(dir, rows, 200);
      report.log(
        `${rows.toLocaleString('en')} rows, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB of JSONL, 200 distinct JPEGs`,
      );

      // Reference: parse the same lines and insert them with one prepared statement in one transaction.
      const refStore = openStore(path.join(dir, 'reference', 'searchlab.db'));
      global.gc?.();
      let memory = peakRss();
      const rssBeforeRef = process.memoryUsage().rss;
      let started = performance.now();
      const datasetId = refStore.repos.datasets.create({ name: 'raw' });
      const insert = refStore.db.prepare(
        'INSERT INTO samples (dataset_id, row_index, data_id, question, answer, candidate_answers, data_source, ' +
          'category, split, search_need) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
      refStore.db.transaction(() => {
        lines.forEach((line, i) => {
          const r = JSON.parse(line) as Record<string, unknown>;
          insert.run(
            datasetId,
            i,
            r.data_id,
            r.question,
            r.answer,
            JSON.stringify(r.candidate_answers),
            r.data_source,
            r.category,
            r.split,
            r.search_need,
          );
        });
      })();
      const refSeconds = (performance.now() - started) / 1000;
      const refPeak = memory.stop();
      refStore.close();
      const refRate = rows / refSeconds;
      report.log(`raw insert: ${refSeconds.toFixed(2)} s`);

      // SearchLab's import, in this thread, so its time and memory are what is measured.
      const store = openStore(path.join(dir, 'import', 'searchlab.db'));
      global.gc?.();
      memory = peakRss();
      const rssBeforeImport = process.memoryUsage().rss;
      started = performance.now();
      const result = await importDataset(
        store,
        path.join(dir, 'import'),
        { path: file, dataset: 'bench', format: 'auto', skipBad: false, maxBytes: 1024 ** 3, description: '' },
        { progress: () => {}, throwIfCancelled: () => {} },
      );
      const seconds = (performance.now() - started) / 1000;
      const peak = memory.stop();
      store.close();
      if (result.imported !== rows) throw new Error(`import stored ${result.imported} of ${rows} rows`);
      report.log(`SearchLab import: ${seconds.toFixed(2)} s`);
      report.add({
        name: `import ${rows.toLocaleString('en')} JSONL rows`,
        value: rows / seconds,
        unit: 'rows/s',
        reference: { name: 'raw better-sqlite3 insert', value: refRate },
      });
      report.add({
        name: 'import peak memory growth',
        value: (peak - rssBeforeImport) / 1e6,
        unit: 'MB',
        reference: { name: 'raw insert', value: Math.max(1, (refPeak - rssBeforeRef) / 1e6) },
        notes: `peak RSS ${(peak / 1e6).toFixed(0)} MB`,
      });

      // veRL parquet with a distinct JPEG per row (FVQA's shape): decoding and thumbnailing images dominates, so
      // the reference is sharp doing just that to the same images.
      const imageRows = quick ? 300 : 2000;
      const jpegs = await Promise.all(Array.from({ length: imageRows }, (_, i) => syntheticJpeg(i + 1, 256)));
      const verlStore = openStore(path.join(dir, 'verl', 'searchlab.db'));
      const seedId = verlStore.db.transaction(() => {
        const id = verlStore.repos.datasets.create({ name: 'seed' });
        jpegs.forEach((bytes, i) => {
          const sha = verlStore.repos.images.put(bytes, { mime: 'image/jpeg' });
          verlStore.db
            .prepare(
              'INSERT INTO samples (dataset_id, row_index, question, answer, image_sha256, data_source) VALUES (?, ?, ?, ?, ?, ?)',
            )
            .run(id, i, `What is shown in picture ${i}?`, `thing ${i}`, sha, 'fvqa');
        });
        return id;
      })();
      const parquet = path.join(dir, 'fvqa.parquet');
      await exportVerl(verlStore, seedId, parquet, () => {});
      started = performance.now();
      // Four at a time, as the import decodes them.
      for (let i = 0; i < jpegs.length; i += 4)
        await Promise.all(jpegs.slice(i, i + 4).map((bytes) => makeThumb(bytes)));
      const sharpRate = imageRows / ((performance.now() - started) / 1000);
      started = performance.now();
      const verlResult = await importDataset(
        verlStore,
        path.join(dir, 'verl'),
        { path: parquet, dataset: 'again', format: 'auto', skipBad: false, maxBytes: 1024 ** 3, description: '' },
        { progress: () => {}, throwIfCancelled: () => {} },
      );
      const verlRate = verlResult.imported / ((performance.now() - started) / 1000);
      verlStore.close();
      report.add({
        name: `import ${imageRows.toLocaleString('en')} veRL parquet rows, a distinct JPEG each`,
        value: verlRate,
        unit: 'rows/s',
        reference: { name: 'sharp thumbnails alone, 4 at a time', value: sharpRate },
        notes: `${(fs.statSync(parquet).size / 1e6).toFixed(1)} MB parquet`,
      });

      // The same import as a job: the engine's thread must stay responsive (the UI talks to it).
      const engine = Engine.open({ home: path.join(dir, 'engine'), face: 'cli' });
      const delay = monitorEventLoopDelay({ resolution: 5 });
      delay.enable();
      const job = await engine.call('jobs.start', { kind: 'datasets.import', params: { path: file, dataset: 'job' } });
      await engine.jobs.idle();
      delay.disable();
      const finished = await engine.call('jobs.get', { id: job.id });
      await engine.close();
      if (finished.status !== 'succeeded') throw new Error(`import job ${finished.status}: ${finished.error}`);
      report.add({
        name: 'main-thread event-loop delay p99 during the import job',
        value: delay.percentile(99) / 1e6,
        unit: 'ms',
        notes: `max ${(delay.max / 1e6).toFixed(0)} ms`,
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
