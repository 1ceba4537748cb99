// Search benchmarks: local-engine (FTS5 BM25) query latency on a generated corpus of 100,000 documents
// (10,000 with --quick), the whole local text tool on a miss, a cache hit through the tool (the path every
// replayed rollout takes), and reverse image search over a generated image set.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { BenchSuite } from '../suite';
import { openStore } from '../../storage';
import { ingestCorpus, type CorpusDocInput } from '../../search';
import { LocalSearchEngine } from '../../search';
import { createSearchToolbox } from '../../search';
import { SearchConfig } from '../../../shared/contract';
import { Random } from '../../platform/random';

const syllables = [
  'ka',
  'lo',
  'ven',
  'tar',
  'mi',
  'sol',
  'dra',
  'qu',
  'ne',
  'ris',
  'bo',
  'thal',
  'ur',
  'pe',
  'zan',
  'gi',
];

function vocabulary(size: number, random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const n = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length: n }, () => syllables[Math.floor(random() * syllables.length)]).join(''));
  }
  return [...words];
}

/** Zipf-like pick: low ranks common, like words in real text. */
function pick(words: string[], random: () => number): string {
  return words[Math.floor(words.length * random() ** 2.5)];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function timeEach(n: number, body: (i: number) => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    body(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

async function timeEachAsync(n: number, body: (i: number) => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await body(i);
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

export const searchSuite: BenchSuite = {
  name: 'search',
  summary: 'local engine query latency (BM25 over a generated corpus), cache hit latency, reverse image search',
  async run(report, { quick }) {
    const docs = quick ? 10_000 : 100_000;
    const images = quick ? 200 : 1000;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'searchlab-bench-search-'));
    const store = openStore(path.join(dir, 'bench.db'));
    try {
      // Seeded, so every run searches the same corpus with the same queries.
      const seeded = new Random(42);
      const random = () => seeded.next();
      const words = vocabulary(20_000, random);
      const input: CorpusDocInput[] = [];
      for (let i = 0; i < docs; i++) {
        const body = Array.from({ length: 60 + Math.floor(random() * 60) }, () => pick(words, random)).join(' ') + '.';
        input.push({ source: `d${i}`, title: `${pick(words, random)} ${pick(words, random)} ${i}`, body });
      }
      let t = performance.now();
      await ingestCorpus(store, { docs: input }, { name: 'bench', batchSize: 5000 });
      const ingestSeconds = (performance.now() - t) / 1000;
      report.add({
        name: `ingest ${docs.toLocaleString('en')} documents`,
        value: docs / ingestSeconds,
        unit: 'docs/s',
      });
      report.log(`ingested ${docs} documents in ${ingestSeconds.toFixed(1)} s`);

      const local = new LocalSearchEngine(store);
      const queries = Array.from({ length: 400 }, () =>
        Array.from({ length: 3 }, () => words[Math.floor(random() * 2000)]).join(' '),
      );
      local.searchText(queries[0], 'bench', 5); // warm the page cache
      const bm25 = timeEach(queries.length, (i) => void local.searchText(queries[i], 'bench', 5));
      report.add({
        name: `local BM25 query p50 (${docs.toLocaleString('en')} docs)`,
        value: percentile(bm25, 50),
        unit: 'ms',
      });
      report.add({
        name: `local BM25 query p99 (${docs.toLocaleString('en')} docs)`,
        value: percentile(bm25, 99),
        unit: 'ms',
      });

      const tools = createSearchToolbox({
        store,
        config: SearchConfig.parse({ engine: 'local', corpus: 'bench', mode: 'cache-first' }),
        key: () => undefined,
        local,
      });
      const misses = await timeEachAsync(200, async (i) => void (await tools.textSearch(queries[i])));
      const miss50 = percentile(misses, 50);
      report.add({ name: 'local text tool, cache miss p50 (search + summaries + store)', value: miss50, unit: 'ms' });
      const hits = await timeEachAsync(2000, async (i) => {
        const result = await tools.textSearch(queries[i % 200]);
        if (result.cache !== 'hit') throw new Error(`expected a cache hit, got ${result.cache}`);
      });
      report.add({
        name: 'cache hit p50 (text tool)',
        value: percentile(hits, 50),
        unit: 'ms',
        reference: { name: 'miss p50', value: miss50 },
      });
      report.add({ name: 'cache hit p99 (text tool)', value: percentile(hits, 99), unit: 'ms' });

      const imageDocs: CorpusDocInput[] = [];
      for (let i = 0; i < images; i++) {
        const hue = Math.floor(random() * 360);
        const svg =
          `<svg width="96" height="96" xmlns="http://www.w3.org/2000/svg">` +
          `<rect width="96" height="96" fill="hsl(${hue},60%,75%)"/>` +
          `<circle cx="${10 + Math.floor(random() * 76)}" cy="${10 + Math.floor(random() * 76)}" ` +
          `r="${8 + Math.floor(random() * 20)}" fill="hsl(${(hue + 150) % 360},70%,35%)"/></svg>`;
        imageDocs.push({
          source: `img${i}`,
          title: `Picture ${i}`,
          body: `Picture ${i}.`,
          images: [{ bytes: await sharp(Buffer.from(svg)).png().toBuffer() }],
        });
      }
      t = performance.now();
      await ingestCorpus(store, { docs: imageDocs }, { name: 'bench-images', batchSize: 200 });
      report.log(`ingested ${images} images in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      const probes = imageDocs.slice(0, 50).map((d) => d.images![0].bytes!);
      let correct = 0;
      const imageTimes = await timeEachAsync(probes.length, async (i) => {
        const hits = await local.searchImage(probes[i], 'bench-images', 5);
        if (hits[0]?.title === `Picture ${i}`) correct++;
      });
      report.add({
        name: `local image search p50 (${images} images)`,
        value: percentile(imageTimes, 50),
        unit: 'ms',
        notes: `top-1 exact-copy accuracy ${correct}/${probes.length}`,
      });
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
