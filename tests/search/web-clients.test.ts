// The web search tools against loopback fakes of SerpApi, Jina Reader and an OpenAI-compatible endpoint,
// including the faults real services produce.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { IMAGE_PLACEHOLDER } from '../../src/shared/contract';
import { createSearchToolbox } from '../../src/main/search/tools/toolbox';
import { HttpClient } from '../../src/main/search/web/http';
import { registerSecret, setLogSink } from '../../src/main/platform/log';
import { removeTempHomes } from '../helpers/home';
import { startFakeServices, colourPng, type FakeServices } from './fakes';
import { FAKE_KEY, freshStore, webConfig } from './helpers';

let fakes: FakeServices;
const logLines: string[] = [];

beforeAll(async () => {
  fakes = await startFakeServices();
  setLogSink((line) => logLines.push(line), 'debug');
});
afterAll(async () => {
  await fakes.close();
  setLogSink((line) => process.stderr.write(line + '\n'), 'info');
});
afterEach(() => {
  for (const route of Object.keys(fakes.faults) as (keyof FakeServices['faults'])[]) fakes.faults[route].length = 0;
  fakes.requests.length = 0;
  removeTempHomes();
});

function toolbox(
  overrides: Parameters<typeof webConfig>[1] = {},
  extra: Partial<Parameters<typeof createSearchToolbox>[0]> = {},
) {
  const { store } = freshStore();
  registerSecret(FAKE_KEY);
  const config = webConfig(fakes.baseUrl, overrides);
  const http = new HttpClient({ ...config.reliability, baseDelayMs: 5, maxDelayMs: 50 });
  return {
    store,
    tools: createSearchToolbox({
      store,
      config,
      key: (name) => (name === 'serpapi' ? FAKE_KEY : undefined),
      http,
      ...extra,
    }),
  };
}

const image = async () => ({ bytes: await colourPng(99, 128), url: 'https://img.example/q.jpg' });

describe('SerpApi Google Lens image search', () => {
  it('returns the top 5 visual matches as stored thumbnails with titles, then serves the same image from the cache', async () => {
    const { store, tools } = toolbox();
    const first = await tools.imageSearch(await image());
    expect(first.ok).toBe(true);
    expect(first.cache).toBe('miss');
    expect(first.results.map((r) => r.title)).toEqual([1, 2, 3, 4, 5].map((i) => `Visual match ${i}`));
    expect(first.images).toHaveLength(5);
    expect(new Set(first.images).size).toBe(5);
    for (const sha of first.images) expect(store.repos.images.meta(sha)?.mime).toBe('image/jpeg');
    expect(first.text.split(IMAGE_PLACEHOLDER)).toHaveLength(6);
    expect(first.text).toContain('1. <image> Visual match 1');
    const lens = fakes.requests.find((r) => r.route === 'lens')!;
    const params = new URL(lens.url, fakes.baseUrl).searchParams;
    expect(params.get('engine')).toBe('google_lens');
    expect(params.get('url')).toBe('https://img.example/q.jpg');
    expect(params.get('api_key')).toBe(FAKE_KEY);
    expect(first.cost).toBeCloseTo(0.015);

    const before = fakes.requests.length;
    const second = await tools.imageSearch(await image());
    expect(second.cache).toBe('hit');
    expect(second.cost).toBe(0);
    expect(second.text).toBe(first.text);
    expect(second.images).toEqual(first.images);
    expect(fakes.requests.length).toBe(before);
  });

  it('reports no visual matches as an empty, successful result', async () => {
    const { tools } = toolbox();
    // Nothing by URL (which may mean Google could not fetch it), then nothing for the uploaded image either.
    fakes.faults.lens.push({ kind: 'empty' }, { kind: 'empty' });
    const result = await tools.imageSearch(await image());
    expect(result.ok).toBe(true);
    expect(result.results).toEqual([]);
    expect(fakes.requests.filter((r) => r.route === 'lens')).toHaveLength(2);
    expect(result.text).toMatch(/no visually matching pages.*own knowledge/);
  });
});

describe('SerpApi Google text search with Jina Reader and an OpenAI-compatible summariser', () => {
  it('reads each of the top results and shows numbered titles, links and summaries', async () => {
    const { tools } = toolbox();
    const result = await tools.textSearch('colour of the sky');
    expect(result.ok).toBe(true);
    expect(result.results).toHaveLength(5);
    expect(result.text).toContain('Text search results for "colour of the sky":');
    expect(result.text).toContain(
      '1. Result 1 about colour of the sky\nLink: https://web.example/page-1\nSummary: LLM summary of https://web.example/page-1',
    );
    expect(fakes.requests.filter((r) => r.route === 'reader')).toHaveLength(5);
    const chats = fakes.requests.filter((r) => r.route === 'chat');
    expect(chats).toHaveLength(5);
    const sent = JSON.parse(chats[0].body);
    expect(sent.model).toBe('fake-model');
    expect(sent.messages.at(-1).content).toContain('The answer on page');
  });

  it('falls back to the extractive summariser, which picks the sentence that answers the query', async () => {
    const { tools } = toolbox({ summariser: { kind: 'extractive' } });
    const result = await tools.textSearch('what is the answer on page 2');
    expect(result.results[1].summary).toContain('The answer on page 2 is blue 2.');
    expect(fakes.requests.filter((r) => r.route === 'chat')).toHaveLength(0);
  });

  it('keeps a result whose page cannot be read, summarising its snippet instead', async () => {
    const { tools } = toolbox({
      summariser: { kind: 'extractive' },
      reliability: { timeoutMs: 2000, maxRetries: 0, concurrency: 1, ratePerSecond: 1000 },
    });
    fakes.faults.reader.push({ kind: 'status', status: 404 });
    const result = await tools.textSearch('sky');
    expect(result.ok).toBe(true);
    expect(result.results[0].summary).toContain('Snippet 1 mentioning sky');
    expect(result.results[1].summary).toContain('blue 2');
  });
});

describe('reliability', () => {
  it('waits for Retry-After on a 429 and then succeeds', async () => {
    const { tools } = toolbox({ summariser: { kind: 'extractive' }, reader: { enabled: false } });
    fakes.faults.google.push({ kind: 'status', status: 429, retryAfter: '1' });
    const started = Date.now();
    const result = await tools.textSearch('retry after');
    expect(result.ok).toBe(true);
    const calls = fakes.requests.filter((r) => r.route === 'google');
    expect(calls).toHaveLength(2);
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(950);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries a 500 and a truncated response, then succeeds', async () => {
    const { tools } = toolbox({ summariser: { kind: 'extractive' }, reader: { enabled: false } });
    fakes.faults.google.push({ kind: 'status', status: 500 }, { kind: 'truncate' });
    const result = await tools.textSearch('flaky service');
    expect(result.ok).toBe(true);
    expect(fakes.requests.filter((r) => r.route === 'google')).toHaveLength(3);
  });

  it('gives up after the retries on persistent 500s: an error text for the model, nothing cached', async () => {
    const { store, tools } = toolbox({ reader: { enabled: false } });
    fakes.faults.google.push(...Array(3).fill({ kind: 'status', status: 503 }));
    const result = await tools.textSearch('down');
    expect(result.ok).toBe(false);
    expect(result.cache).toBe('error');
    expect(result.text).toBe(
      'Text search failed: the search service is unavailable. Reason with your own knowledge and give your best answer.',
    );
    expect(result.error).toMatch(/HTTP 503 .*after 3 attempts/);
    expect(store.repos.searchCache.list({ limit: 10, offset: 0 }).total).toBe(0);
    expect(fakes.requests.filter((r) => r.route === 'google')).toHaveLength(3);
    // The failed call keeps its key, so the debugger can tie it to a later successful one.
    fakes.faults.google.length = 0;
    expect((await tools.textSearch('down')).key).toBe(result.key);
  });

  it('times out a service that never answers', async () => {
    const { tools } = toolbox({ reliability: { timeoutMs: 300, maxRetries: 1, concurrency: 8, ratePerSecond: 1000 } });
    fakes.faults.lens.push({ kind: 'hang' }, { kind: 'hang' });
    const started = Date.now();
    const result = await tools.imageSearch(await image());
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(/timed out/);
    expect(result.error).toMatch(/within 300 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('does not retry malformed JSON, and does not crash on it', async () => {
    const { tools } = toolbox();
    fakes.faults.lens.push({ kind: 'malformed' });
    const result = await tools.imageSearch(await image());
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/not valid JSON/);
    expect(fakes.requests.filter((r) => r.route === 'lens')).toHaveLength(1);
  });

  it('does not retry a refused key and never shows the key in errors or logs', async () => {
    const { tools, store } = toolbox();
    logLines.length = 0;
    fakes.faults.lens.push({
      kind: 'status',
      status: 401,
      body: JSON.stringify({ error: `Invalid API key: ${FAKE_KEY}` }),
    });
    const result = await tools.imageSearch(await image());
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/refused/);
    expect(fakes.requests.filter((r) => r.route === 'lens')).toHaveLength(1);
    // Every failure path once more, then look for the key everywhere it could leak.
    fakes.faults.google.push(
      { kind: 'hang' },
      { kind: 'malformed' },
      ...Array(3).fill({ kind: 'status', status: 500, body: `{"error":"boom for ${FAKE_KEY}"}` }),
    );
    const more = [
      await tools.textSearch('leak check one'),
      await tools.textSearch('leak check two'),
      await tools.textSearch('leak check three'),
    ];
    const everything = [
      JSON.stringify(result),
      ...more.map((m) => JSON.stringify(m)),
      ...logLines,
      JSON.stringify(store.repos.searchCache.list({ limit: 100, offset: 0 })),
    ];
    expect(logLines.length).toBeGreaterThan(0);
    for (const text of everything) expect(text).not.toContain(FAKE_KEY);
  });

  it('skips visual matches without a title or link and rejects a body of the wrong shape', async () => {
    const { tools } = toolbox();
    fakes.faults.lens.push({
      kind: 'json',
      body: {
        search_metadata: { status: 'Success' },
        visual_matches: [
          { title: 'No link' },
          { link: 'https://x.example/no-title' },
          { title: 'Good', link: 'https://x.example/good', thumbnail: `${fakes.baseUrl}/thumb/1.png` },
          42,
        ],
      },
    });
    const partial = await tools.imageSearch(await image());
    expect(partial.ok).toBe(true);
    expect(partial.results.map((r) => r.title)).toEqual(['Good']);
    fakes.faults.lens.push({ kind: 'json', body: { search_metadata: { status: 'Success' }, visual_matches: 'oops' } });
    const wrong = await tools.imageSearch({ bytes: await colourPng(41, 64), url: 'https://img.example/other.jpg' });
    expect(wrong.ok).toBe(false);
    expect(wrong.error).toMatch(/"visual_matches" is not a list/);
  });

  it('records a reader or summariser answer of the wrong shape per page, and keeps the results', async () => {
    const { tools } = toolbox({ reliability: { timeoutMs: 2000, maxRetries: 0, concurrency: 1, ratePerSecond: 1000 } });
    fakes.faults.reader.push({ kind: 'json', body: { code: 200, data: { title: 'no content' } } });
    fakes.faults.chat.push({ kind: 'json', body: { choices: [] } });
    const result = await tools.textSearch('shapes');
    expect(result.ok).toBe(true);
    expect(result.results).toHaveLength(5);
    expect(result.results[0].summary).toBeNull();
    expect(result.text).toContain(
      '1. Result 1 about shapes\nLink: https://web.example/page-1\nSummary: Snippet 1 mentioning shapes.',
    );
    expect(result.results[1].summary).toBe('LLM summary of https://web.example/page-2');
  });

  it('caps the calls in flight', async () => {
    const { tools } = toolbox({
      summariser: { kind: 'extractive' },
      reader: { enabled: false },
      reliability: { timeoutMs: 5000, maxRetries: 0, concurrency: 3, ratePerSecond: 1000 },
    });
    fakes.maxConcurrent = 0;
    fakes.faults.google.push(...Array(12).fill({ kind: 'slow', ms: 80 }));
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => tools.textSearch(`parallel ${i}`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(fakes.maxConcurrent).toBe(3);
  });

  it('keeps to the rate limit', async () => {
    const { tools } = toolbox({
      summariser: { kind: 'extractive' },
      reader: { enabled: false },
      reliability: { timeoutMs: 5000, maxRetries: 0, concurrency: 8, ratePerSecond: 5 },
    });
    const started = Date.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => tools.textSearch(`rate ${i}`)));
    // A burst of 5, then 5 more at 5 per second: about one second.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});
