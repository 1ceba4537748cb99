// Degraded results are visible and not sticky: the failed part and the provider's message travel with the
// result, the cache entry is marked, cache-first calls it again until it comes back whole, replay-only replays
// it still marked. Keys never reach results, logs, the database file or an export.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { setLogSink } from '../../src/main/platform/log';
import { homePaths } from '../../src/main/platform/home';
import { exportCache } from '../../src/main/search/cache/transfer';
import { colourPng, type Route } from './fakes';
import { FAKE_KEY, webToolbox, useFakeServices } from './helpers';
import { jinaInsufficientBalance } from './provider-errors';

const services = useFakeServices();
const count = (route: Route) => services.fakes.requests.filter((r) => r.route === route).length;
const jina402 = { kind: 'status' as const, status: 402, body: JSON.stringify(jinaInsufficientBalance) };

describe('a degraded text search', () => {
  it('is marked in the cache and fetched again, whole, on the next cache-first call', async () => {
    const { store, tools } = webToolbox(services.fakes.baseUrl, { summariser: { kind: 'extractive' } });
    services.fakes.faults.reader.push(jina402);
    const first = await tools.textSearch('sky colour');
    expect(first).toMatchObject({ ok: true, cache: 'miss' });
    expect(first.degraded).toEqual([
      { part: 'reader', message: expect.stringContaining(jinaInsufficientBalance.readableMessage), affected: 5, of: 5 },
    ]);
    expect(store.repos.searchCache.list({ limit: 10, offset: 0 }).entries[0].degraded).toEqual(['reader']);
    expect(store.repos.searchCache.list({ degraded: true, limit: 10, offset: 0 }).total).toBe(1);
    expect(store.repos.searchCache.get(first.key)?.raw).toMatchObject({ degraded: [{ part: 'reader' }] });

    // The reader has credit again: a fresh toolbox (the next run) calls it and replaces the entry.
    const next = webToolbox(services.fakes.baseUrl, { summariser: { kind: 'extractive' } }, { store });
    const second = await next.tools.textSearch('sky colour');
    expect(second).toMatchObject({ ok: true, cache: 'refreshed', degraded: [] });
    expect(second.results[0].summary).toContain('blue 1');
    expect(count('google')).toBe(2);
    expect(count('reader')).toBe(1 + 5);
    expect(store.repos.searchCache.list({ limit: 10, offset: 0 }).entries[0].degraded).toEqual([]);
    expect(store.repos.searchCache.list({ degraded: true, limit: 10, offset: 0 }).total).toBe(0);
    const third = await next.tools.textSearch('sky colour');
    expect(third.cache).toBe('hit');
    expect(count('google')).toBe(2);
  });

  it('is served from the cache, still marked, while the failed part is stopped for the run', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, { summariser: { kind: 'extractive' } });
    services.fakes.faults.reader.push(jina402);
    const first = await tools.textSearch('out of credit');
    expect(first).toMatchObject({ ok: true, cache: 'miss' });
    // The reader is out of credit for this run: searching again would pay SerpApi for the same degraded answer.
    const again = [];
    for (let i = 0; i < 3; i++) again.push(await tools.textSearch('out of credit'));
    for (const result of again) {
      expect(result).toMatchObject({ ok: true, cache: 'hit', cost: 0, text: first.text });
      expect(result.degraded).toEqual(first.degraded);
    }
    expect(count('google')).toBe(1);
    expect(count('reader')).toBe(1);
  });

  it('is served, still marked, when the search cannot be made again; replay-only replays it marked', async () => {
    const { store, tools } = webToolbox(services.fakes.baseUrl, {
      summariser: { kind: 'extractive' },
      reliability: { timeoutMs: 2000, maxRetries: 0, concurrency: 8, ratePerSecond: 1000 },
    });
    services.fakes.faults.reader.push(jina402);
    const first = await tools.textSearch('fragile');
    services.fakes.faults.google.push({ kind: 'status', status: 503 });
    const again = await tools.textSearch('fragile');
    expect(again).toMatchObject({ ok: true, cache: 'hit', text: first.text });
    expect(again.degraded?.map((d) => d.part)).toEqual(['reader']);
    const replay = webToolbox(
      services.fakes.baseUrl,
      { summariser: { kind: 'extractive' }, mode: 'replay-only' },
      { store },
    );
    const before = services.fakes.requests.length;
    const replayed = await replay.tools.textSearch('fragile');
    expect(replayed).toMatchObject({ ok: true, cache: 'hit', text: first.text });
    expect(replayed.degraded?.[0]).toMatchObject({
      part: 'reader',
      message: expect.stringContaining('please recharge'),
    });
    expect(services.fakes.requests.length).toBe(before);
  });
});

describe('a degraded image search', () => {
  it('records the thumbnails that could not be downloaded', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, {
      reliability: { timeoutMs: 2000, maxRetries: 0, concurrency: 8, ratePerSecond: 1000 },
    });
    services.fakes.faults.thumb.push(
      { kind: 'status', status: 404, body: 'Not Found' },
      { kind: 'status', status: 404, body: 'Not Found' },
    );
    const result = await tools.imageSearch({ bytes: await colourPng(20), url: 'https://img.example/q.jpg' });
    expect(result.ok).toBe(true);
    expect(result.images).toHaveLength(3);
    expect(result.degraded).toEqual([
      {
        part: 'thumbnails',
        message: expect.stringMatching(/^Thumbnail: HTTP 404 from .*\/thumb\/1\.png: Not Found$/),
        affected: 2,
        of: 5,
      },
    ]);
  });
});

describe('keys', () => {
  it('never appear in results, logs, the database file or an export, even when a service echoes them', async () => {
    const lines: string[] = [];
    setLogSink((line) => lines.push(line), 'debug');
    try {
      const { home, store, tools } = webToolbox(services.fakes.baseUrl);
      const echo = (status: number) => ({
        kind: 'status' as const,
        status,
        body: JSON.stringify({
          error: { message: `Incorrect API key provided: ${FAKE_KEY}.`, code: 'invalid_api_key' },
        }),
      });
      services.fakes.faults.chat.push(echo(401));
      services.fakes.faults.reader.push(echo(402));
      services.fakes.faults.google.push({
        kind: 'json',
        body: {
          search_metadata: { status: 'Success' },
          search_parameters: { api_key: FAKE_KEY },
          organic_results: [{ title: 'T', link: 'https://web.example/page-1' }],
        },
      });
      const text = await tools.textSearch('echo the key');
      services.fakes.faults.upload.push(echo(401));
      const image = await tools.imageSearch({ bytes: await colourPng(21) });
      expect(text.degraded?.length).toBe(2);
      expect(image.ok).toBe(false);
      const file = path.join(home!, 'export.jsonl');
      exportCache(store, file);
      store.db.pragma('wal_checkpoint(TRUNCATE)');
      const database = homePaths(home!).database;
      const stored = [database, `${database}-wal`]
        .filter((f) => fs.existsSync(f))
        .map((f) => fs.readFileSync(f).toString('latin1'));
      const everything = [
        JSON.stringify(text),
        JSON.stringify(image),
        ...lines,
        fs.readFileSync(file, 'utf8'),
        ...stored,
      ];
      // The messages themselves are kept, with the key masked: the checks below look where it would be.
      expect(lines.some((l) => l.includes('Incorrect API key provided: ***'))).toBe(true);
      expect(stored.some((s) => s.includes('Incorrect API key provided: ***'))).toBe(true);
      for (const where of everything) expect(where).not.toContain(FAKE_KEY);
    } finally {
      setLogSink((line) => process.stderr.write(line + '\n'), 'info');
    }
  });
});

describe('a plain-text reply', () => {
  it("is recorded with the service's own words", async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, {
      reader: { enabled: false },
      reliability: { timeoutMs: 2000, maxRetries: 0, concurrency: 8, ratePerSecond: 1000 },
    });
    services.fakes.faults.chat.push({ kind: 'plain', body: 'Upstream model server is restarting, try later' });
    const result = await tools.textSearch('plain reply');
    expect(result.degraded).toEqual([
      {
        part: 'summariser',
        message: expect.stringMatching(/is not valid JSON .*: Upstream model server is restarting, try later$/),
        affected: 1,
        of: 5,
      },
    ]);
  });
});
