// The cache every tool call goes through: modes, shared in-flight calls, the budget, statistics and money
// saved, export and import.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSearchToolbox } from '../../src/main/search/tools/toolbox';
import { SearchBudget } from '../../src/main/search/budget';
import { HttpClient } from '../../src/main/search/web/http';
import { SearchService } from '../../src/main/search/service';
import { ingestCorpus } from '../../src/main/search/local/ingest';
import { updateSearchConfig } from '../../src/main/search/config';
import { cacheKey } from '../../src/main/search/cache/key';
import { searchCallCosts } from '../../src/main/storage/migrations/008_search_call_costs';
import { SearchConfig } from '../../src/shared/contract';
import { removeTempHomes } from '../helpers/home';
import { startFakeServices, colourPng, type FakeServices } from './fakes';
import { FAKE_KEY, freshStore, webConfig } from './helpers';
import { drawnImage } from './corpus';

let fakes: FakeServices;
beforeAll(async () => {
  fakes = await startFakeServices();
});
afterAll(() => fakes.close());
afterEach(() => {
  fakes.requests.length = 0;
  removeTempHomes();
});

async function localStore() {
  const { store, home } = freshStore();
  await ingestCorpus(
    store,
    {
      docs: [
        {
          source: 'a',
          title: 'Quennor Island',
          body: 'Quennor is an island with a green lighthouse.',
          images: [{ bytes: await drawnImage(1), source: 'a.png' }],
        },
        { source: 'b', title: 'Dorn Valley', body: 'The Dorn valley has an aqueduct with forty-two arches.' },
      ],
    },
    { name: 'demo' },
  );
  return { store, home };
}

function localTools(
  store: ReturnType<typeof freshStore>['store'],
  mode: 'live' | 'cache-first' | 'replay-only',
  budget?: SearchBudget,
) {
  return createSearchToolbox({
    store,
    config: SearchConfig.parse({ engine: 'local', corpus: 'demo' }),
    key: () => undefined,
    mode,
    budget,
  });
}

describe('cache modes', () => {
  it('cache-first calls once and then hits; the same query spelled differently shares the entry', async () => {
    const { store } = await localStore();
    const tools = localTools(store, 'cache-first');
    const first = await tools.textSearch('green lighthouse');
    const second = await tools.textSearch('  Green   LIGHTHOUSE ');
    expect([first.cache, second.cache]).toEqual(['miss', 'hit']);
    expect(second.text).toBe(first.text);
    expect(store.repos.searchCache.get(first.key)?.hits).toBe(1);
    store.close();
  });

  it('live always calls the engine and refreshes the entry', async () => {
    const { store } = await localStore();
    const tools = localTools(store, 'live');
    const statuses = [(await tools.textSearch('aqueduct')).cache, (await tools.textSearch('aqueduct')).cache];
    expect(statuses).toEqual(['miss', 'refreshed']);
    expect(store.repos.searchCache.list({ limit: 10, offset: 0 }).total).toBe(1);
    store.close();
  });

  it('replay-only serves what is cached and turns a miss into an error for the model', async () => {
    const { store } = await localStore();
    await localTools(store, 'cache-first').textSearch('aqueduct');
    const replay = localTools(store, 'replay-only');
    expect((await replay.textSearch('aqueduct')).cache).toBe('hit');
    const miss = await replay.textSearch('never searched before');
    expect(miss).toMatchObject({
      ok: false,
      cache: 'replay-miss',
      text: 'Text search failed: this search is not in the cache. Reason with your own knowledge and give your best answer.',
    });
    expect(miss.error).toMatch(/replay-only/);
    const image = await replay.imageSearch({ bytes: await drawnImage(1) });
    expect(image.cache).toBe('replay-miss');
    // A miss that went to the engine keeps the question's image for the debugger; a replay miss stores nothing.
    const live = await localTools(store, 'cache-first').imageSearch({ bytes: await drawnImage(9) });
    const entry = store.repos.searchCache.get(live.key)!;
    expect(store.repos.images.meta(entry.imageSha256!)?.mime).toBe('image/png');
    store.close();
  });

  it('keys include the parameters that change the answer, and nothing else', () => {
    const base = {
      tool: 'text_search' as const,
      engine: 'local' as const,
      query: 'q',
      imageSha256: null,
      params: { k: 5, corpus: 'demo' },
    };
    expect(cacheKey(base)).toBe(cacheKey({ ...base, params: { corpus: 'demo', k: 5 } }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, params: { k: 3, corpus: 'demo' } }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, engine: 'serpapi' }));
    expect(cacheKey(base)).not.toBe(cacheKey({ ...base, tool: 'image_search' }));
  });

  it('shares one service call among concurrent identical calls (a GRPO group)', async () => {
    const { store } = freshStore();
    const config = webConfig(fakes.baseUrl, { reader: { enabled: false }, summariser: { kind: 'extractive' } });
    const tools = createSearchToolbox({ store, config, key: () => FAKE_KEY, http: new HttpClient(config.reliability) });
    fakes.faults.lens.push({ kind: 'slow', ms: 100 });
    const image = { bytes: await colourPng(3, 100), url: 'https://img.example/q.jpg' };
    const group = await Promise.all([1, 2, 3, 4].map(() => tools.imageSearch(image)));
    expect(group.map((r) => r.cache).sort()).toEqual(['hit', 'hit', 'hit', 'miss']);
    expect(fakes.requests.filter((r) => r.route === 'lens')).toHaveLength(1);
    expect(new Set(group.map((r) => r.text)).size).toBe(1);
    store.close();
  });
});

describe('budget', () => {
  it('stops live calls when the calls are spent, still serves hits, and the run goes on', async () => {
    const { store } = await localStore();
    const budget = new SearchBudget({ maxCalls: 2, maxCost: null });
    const tools = localTools(store, 'cache-first', budget);
    expect((await tools.textSearch('lighthouse')).ok).toBe(true);
    expect((await tools.textSearch('aqueduct')).ok).toBe(true);
    const spent = await tools.textSearch('island');
    expect(spent).toMatchObject({
      ok: false,
      cache: 'budget-spent',
      text: 'Text search failed: the search budget is spent. Reason with your own knowledge and give your best answer.',
    });
    expect((await tools.textSearch('lighthouse')).cache).toBe('hit');
    expect(budget.calls).toBe(2);
    store.close();
  });

  it('gives each run its own budget from the settings', async () => {
    const { store, home } = await localStore();
    const service = new SearchService({ store, home, env: {} });
    updateSearchConfig(store, { corpus: 'demo', budget: { maxCalls: 1 } });
    const first = service.forRun({ mode: 'live' });
    expect((await first.tools.textSearch('lighthouse')).ok).toBe(true);
    expect((await first.tools.textSearch('aqueduct')).cache).toBe('budget-spent');
    const second = service.forRun({ mode: 'live' });
    expect((await second.tools.textSearch('aqueduct')).ok).toBe(true);
    expect([first.budget.calls, second.budget.calls]).toEqual([1, 1]);
    store.close();
  });

  it('stops paid calls before the money runs out', async () => {
    const { store } = freshStore();
    const config = webConfig(fakes.baseUrl, {
      reader: { enabled: false },
      summariser: { kind: 'extractive' },
      prices: { serpapiSearch: 0.01 },
    });
    const budget = new SearchBudget({ maxCalls: null, maxCost: 0.025 });
    const tools = createSearchToolbox({ store, config, key: () => FAKE_KEY, budget });
    const results = [];
    for (const q of ['one', 'two', 'three']) results.push(await tools.textSearch(q));
    expect(results.map((r) => r.cache)).toEqual(['miss', 'miss', 'budget-spent']);
    expect(budget.cost).toBeCloseTo(0.02);
    expect(fakes.requests.filter((r) => r.route === 'google')).toHaveLength(2);
    store.close();
  });
});

describe('statistics, export and import', () => {
  it('counts hits and misses and prices the hits as money saved', async () => {
    const { store, home } = freshStore();
    const service = new SearchService({ store, home, env: { SERPAPI_API_KEY: FAKE_KEY } });
    updateSearchConfig(store, {
      engine: 'serpapi',
      serpapi: { baseUrl: fakes.baseUrl },
      reader: { enabled: false },
      summariser: { kind: 'extractive' },
      prices: { serpapiSearch: 0.02 },
    });
    await service.run({ tool: 'text_search', query: 'alpha' });
    await service.run({ tool: 'text_search', query: 'alpha' });
    await service.run({ tool: 'text_search', query: 'alpha' });
    await service.run({ tool: 'text_search', query: 'beta' });
    const stats = service.stats();
    expect(stats).toMatchObject({ entries: 2, hits: 2, misses: 2, errors: 0 });
    expect(stats.spent).toBeCloseTo(0.04);
    expect(stats.saved).toBeCloseTo(0.04);
    expect(stats.byTool.text_search).toEqual({ entries: 2, hits: 2, misses: 2 });
    store.close();
  });

  it('counts money per provider from every paid call, adding up to the money spent', async () => {
    const { store, home } = freshStore();
    const service = new SearchService({ store, home, env: { SERPAPI_API_KEY: FAKE_KEY } });
    updateSearchConfig(store, {
      engine: 'serpapi',
      mode: 'live',
      serpapi: { baseUrl: fakes.baseUrl },
      reader: { enabled: true, baseUrl: `${fakes.baseUrl}/reader` },
      summariser: { kind: 'extractive' },
      prices: { serpapiSearch: 0.02, readerPage: 0.001 },
    });
    // Live: the second search pays again and overwrites the entry the first one made.
    await service.run({ tool: 'text_search', query: 'gamma' });
    await service.run({ tool: 'text_search', query: 'gamma' });
    const imageSearch = await service.run({
      tool: 'image_search',
      imageBase64: (await colourPng(9, 64)).toString('base64'),
      imageUrl: 'https://img.example/q.jpg',
    });
    expect(imageSearch.ok).toBe(true);
    const stats = service.stats();
    expect(stats.spent).toBeCloseTo(3 * 0.02 + 2 * 5 * 0.001);
    expect(Object.keys(stats.byProvider).sort()).toEqual(['reader', 'serpapi', 'summariser']);
    expect(stats.byProvider.serpapi).toBeCloseTo(3 * 0.02);
    expect(stats.byProvider.reader).toBeCloseTo(2 * 5 * 0.001);
    expect(stats.byProvider.summariser).toBe(0);
    const total = Object.values(stats.byProvider).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(stats.spent);
    store.close();
  });

  it('keeps the split of calls logged before calls recorded their own, and counts the rest under their engine', () => {
    const { store } = freshStore();
    const db = store.db;
    // Schema 7's call log, as a store made before money per call was recorded would hold it.
    db.exec('ALTER TABLE search_calls DROP COLUMN costs');
    const log = db.prepare(
      `INSERT INTO search_calls (key, tool, engine, status, latency_ms, cost, created_at) VALUES (?, 'text_search', 'serpapi', ?, 1, ?, 0)`,
    );
    log.run('k1', 'miss', 0.025);
    log.run('k1', 'hit', 0);
    // Its entry was refreshed since, at another price: the split of this call is not known.
    log.run('k2', 'miss', 0.03);
    log.run('k2', 'refreshed', 0.025);
    for (const key of ['k1', 'k2'])
      store.repos.searchCache.put({
        key,
        tool: 'text_search',
        engine: 'serpapi',
        query: key,
        imageSha256: null,
        params: {},
        mode: 'live',
        raw: { costs: { serpapi: 0.02, reader: 0.005 } },
        output: '',
        images: [],
        results: [],
        latencyMs: 1,
        cost: 0.025,
      });
    db.exec(searchCallCosts.sql);
    const { byProvider } = store.repos.searchCache.health();
    expect(byProvider.serpapi).toBeCloseTo(0.02 + 0.03 + 0.02);
    expect(byProvider.reader).toBeCloseTo(0.005 + 0.005);
    store.close();
  });

  it('exports entries with their thumbnails and imports them into another home, without the key', async () => {
    const a = freshStore();
    const config = webConfig(fakes.baseUrl);
    const tools = createSearchToolbox({ store: a.store, config, key: () => FAKE_KEY });
    const original = await tools.imageSearch({ bytes: await colourPng(8, 90), url: 'https://img.example/q.jpg' });
    await tools.textSearch('exported query');
    const file = path.join(a.home, 'cache.jsonl');
    const service = new SearchService({ store: a.store, home: a.home });
    expect(service.exportCache(file)).toMatchObject({ entries: 2 });
    expect(fs.readFileSync(file, 'utf8')).not.toContain(FAKE_KEY);
    expect(() => service.exportCache(file)).toThrow(`${file} already exists: choose another name`);
    expect(service.exportCache(file, true)).toMatchObject({ entries: 2 });
    const precious = path.join(a.home, 'notes.txt');
    fs.writeFileSync(precious, 'my notes');
    expect(() => service.exportCache(precious)).toThrow(`${precious} already exists`);
    expect(() => service.importCache(precious)).toThrow(/notes\.txt line 1: not a SearchLab search-cache export/);
    expect(fs.readFileSync(precious, 'utf8')).toBe('my notes');

    const b = freshStore();
    const other = new SearchService({ store: b.store, home: b.home });
    expect(other.importCache(file)).toEqual({ imported: 2, skipped: 0 });
    expect(other.importCache(file)).toEqual({ imported: 0, skipped: 2 });
    const replay = createSearchToolbox({ store: b.store, config, key: () => undefined, mode: 'replay-only' });
    const replayed = await replay.imageSearch({ bytes: await colourPng(8, 90), url: 'https://img.example/q.jpg' });
    expect(replayed).toMatchObject({ ok: true, cache: 'hit', text: original.text, images: original.images });
    for (const sha of replayed.images) expect(b.store.repos.images.get(sha)).toBeDefined();
    a.store.close();
    b.store.close();
  });

  it('refuses a tampered export naming the line, and imports nothing from it', async () => {
    const a = freshStore();
    const tools = createSearchToolbox({ store: a.store, config: webConfig(fakes.baseUrl), key: () => FAKE_KEY });
    await tools.imageSearch({ bytes: await colourPng(9, 90), url: 'https://img.example/q.jpg' });
    const file = path.join(a.home, 'cache.jsonl');
    new SearchService({ store: a.store, home: a.home }).exportCache(file);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    const imageLine = lines.findIndex((l) => l.includes('"type":"image"'));
    const tampered = JSON.parse(lines[imageLine]);
    tampered.base64 = Buffer.from('other bytes').toString('base64');
    lines[imageLine] = JSON.stringify(tampered);
    fs.writeFileSync(file, lines.join('\n'));
    const b = freshStore();
    expect(() => new SearchService({ store: b.store, home: b.home }).importCache(file)).toThrow(
      `line ${imageLine + 1}: the image's bytes do not match its sha256`,
    );
    expect(b.store.repos.searchCache.list({ limit: 10, offset: 0 }).total).toBe(0);
    a.store.close();
    b.store.close();
  });
});
