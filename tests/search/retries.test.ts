// Retries chosen by cause, against loopback services answering with the real providers' error bodies and
// headers: each case counts the exact requests the services received.
import { describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/main/search/web/http';
import { setLogSink } from '../../src/main/platform/log';
import { parseDuration, rateLimitWaitMs } from '../../src/main/search/web/failures';
import { colourPng, type Route } from './fakes';
import { webConfig, webToolbox, useFakeServices } from './helpers';
import {
  jinaInsufficientBalance,
  jinaInvalidKey,
  openAiInsufficientQuota,
  openAiInvalidKey,
  openAiRateLimit,
  serpApiInvalidKey,
  serpApiOutOfSearches,
} from './provider-errors';

const services = useFakeServices();

const count = (route: Route) => services.fakes.requests.filter((r) => r.route === route).length;
const status = (code: number, body: unknown, headers?: Record<string, string>) => ({
  kind: 'status' as const,
  status: code,
  body: JSON.stringify(body),
  headers,
});

describe('quota and refused keys stop at once', () => {
  it('stops on SerpApi "run out of searches" with its message, and does not call SerpApi again in this run', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl);
    services.fakes.faults.google.push(status(429, serpApiOutOfSearches));
    const lines: string[] = [];
    setLogSink((line) => lines.push(line), 'info');
    const first = await tools.textSearch('first question');
    const reportedByFirst = lines.length;
    expect(first.ok).toBe(false);
    expect(first.error).toContain('Your account has run out of searches.');
    expect(count('google')).toBe(1);
    const second = await tools.textSearch('second question');
    const image = await tools.imageSearch({ bytes: await colourPng(3), url: 'https://img.example/q.jpg' });
    expect(second.ok).toBe(false);
    expect(second.error).toContain('Your account has run out of searches.');
    expect(image.error).toContain('Your account has run out of searches.');
    expect(count('google') + count('lens')).toBe(1);
    expect(services.fakes.requests.filter((r) => r.route === 'reader' || r.route === 'chat')).toHaveLength(0);
    // The stop is reported when it happens, not again for every search that follows.
    setLogSink((line) => process.stderr.write(line + '\n'), 'info');
    expect(reportedByFirst).toBeGreaterThan(0);
    expect(lines).toHaveLength(reportedByFirst);
    expect(lines.join('\n')).toContain('serpapi stopped for these searches: SerpApi Google: HTTP 429');
  });

  it('stops on a refused SerpApi key after one request', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl);
    services.fakes.faults.google.push(status(401, serpApiInvalidKey));
    const result = await tools.textSearch('refused');
    expect(result.error).toContain(
      'the API key was refused: Invalid API key. Your API key should be here: https://serpapi.com/manage-api-key',
    );
    await tools.textSearch('refused again');
    expect(count('google')).toBe(1);
  });

  it('sends one request, not one per search, when parallel searches meet a refused key', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl);
    for (let i = 0; i < 10; i++) {
      services.fakes.faults.google.push(status(401, serpApiInvalidKey));
      services.fakes.faults.upload.push(status(401, serpApiInvalidKey));
    }
    // A rollout turn's searches: distinct queries and images, all at once.
    const images = await Promise.all([1, 2, 3].map((i) => colourPng(40 + i)));
    const results = await Promise.all([
      ...['one', 'two', 'three', 'four', 'five'].map((q) => tools.textSearch(`parallel ${q}`)),
      ...images.map((bytes) => tools.imageSearch({ bytes })),
    ]);
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(result.error).toContain('Invalid API key. Your API key should be here');
    }
    expect(count('google') + count('upload') + count('lens')).toBe(1);
    expect(tools.stopped()).toMatchObject({ provider: 'serpapi' });
  });

  it('runs parallel searches at once when the key works', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, { reader: { enabled: false } });
    services.fakes.faults.google.push({ kind: 'slow', ms: 100 }, { kind: 'slow', ms: 100 });
    await tools.textSearch('warm up');
    services.fakes.maxConcurrent = 0;
    for (let i = 0; i < 4; i++) services.fakes.faults.google.push({ kind: 'slow', ms: 100 });
    const results = await Promise.all([1, 2, 3, 4].map((i) => tools.textSearch(`at once ${i}`)));
    expect(results.every((r) => r.ok)).toBe(true);
    expect(services.fakes.maxConcurrent).toBeGreaterThanOrEqual(4);
  });

  it("summarises no further page once OpenAI says insufficient_quota, and keeps the results with the provider's message", async () => {
    const { tools } = webToolbox(services.fakes.baseUrl);
    services.fakes.faults.chat.push(status(429, openAiInsufficientQuota));
    const result = await tools.textSearch('quota');
    expect(result.ok).toBe(true);
    expect(result.results).toHaveLength(5);
    expect(count('chat')).toBe(1);
    expect(count('reader')).toBe(5);
    expect(result.degraded).toEqual([
      {
        part: 'summariser',
        message: expect.stringContaining(openAiInsufficientQuota.error.message),
        affected: 5,
        of: 5,
      },
    ]);
    await tools.textSearch('quota, next search');
    expect(count('chat')).toBe(1);
  });

  it('reads no further page once Jina Reader is out of balance (402) or refuses its key (401)', async () => {
    for (const [code, body] of [
      [402, jinaInsufficientBalance],
      [401, jinaInvalidKey],
    ] as const) {
      services.fakes.requests.length = 0;
      const { tools } = webToolbox(services.fakes.baseUrl, { summariser: { kind: 'extractive' } });
      services.fakes.faults.reader.push(status(code, body));
      const result = await tools.textSearch(`reader ${code}`);
      expect(result.ok).toBe(true);
      expect(count('reader')).toBe(1);
      expect(result.degraded).toEqual([
        { part: 'reader', message: expect.stringContaining(body.readableMessage), affected: 5, of: 5 },
      ]);
      // Every summary came from the search's own snippets.
      expect(result.results.map((r) => r.summary)).toEqual(
        [1, 2, 3, 4, 5].map((i) => `Snippet ${i} mentioning reader ${code}.`),
      );
    }
  });

  it('does not retry a refused summariser key', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, { reader: { enabled: false } });
    services.fakes.faults.chat.push(status(401, openAiInvalidKey));
    const result = await tools.textSearch('bad summariser key');
    expect(count('chat')).toBe(1);
    expect(result.degraded?.[0]).toMatchObject({
      part: 'summariser',
      affected: 5,
      message: expect.stringContaining('Incorrect API key provided'),
    });
  });
});

describe('rate limits wait as long as the service asks', () => {
  it('waits for the "try again in 600ms" of an OpenAI message', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, { reader: { enabled: false } });
    services.fakes.faults.chat.push(status(429, openAiRateLimit('600ms')));
    const result = await tools.textSearch('hinted');
    expect(result.degraded).toEqual([]);
    const chats = services.fakes.requests.filter((r) => r.route === 'chat');
    expect(chats).toHaveLength(6);
    expect(chats[1].at - chats[0].at).toBeGreaterThanOrEqual(550);
  });

  it('waits for x-ratelimit-reset-requests when the request limit is the one used up', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, { reader: { enabled: false } });
    const headers = {
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '700ms',
      'x-ratelimit-remaining-tokens': '39000',
      'x-ratelimit-reset-tokens': '5ms',
    };
    services.fakes.faults.chat.push(status(429, openAiRateLimit(null), headers));
    await tools.textSearch('reset header');
    const chats = services.fakes.requests.filter((r) => r.route === 'chat');
    expect(chats).toHaveLength(6);
    expect(chats[1].at - chats[0].at).toBeGreaterThanOrEqual(650);
  });

  it('fails at once when the service asks for longer than the backoff ceiling', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, {
      reader: { enabled: false },
      reliability: { timeoutMs: 2000, maxRetries: 5, concurrency: 8, ratePerSecond: 1000, backoffCeilingMs: 2000 },
    });
    services.fakes.faults.google.push({
      kind: 'status',
      status: 429,
      retryAfter: '120',
      body: JSON.stringify({ error: 'Too many requests.' }),
    });
    const started = Date.now();
    const result = await tools.textSearch('too long');
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(
      /rate limited: Too many requests\. \(it asks to wait 120 s, longer than the 2 s backoff ceiling\)/,
    );
    expect(count('google')).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('5xx and network errors back off up to the ceiling', () => {
  it('doubles its wait after each 503 and stops when the next wait would pass the ceiling', async () => {
    const config = webConfig(services.fakes.baseUrl, {
      reader: { enabled: false },
      summariser: { kind: 'extractive' },
    });
    const waits: number[] = [];
    const http = new HttpClient(
      { ...config.reliability, maxRetries: 20, baseDelayMs: 5, maxDelayMs: 50, backoffCeilingMs: 100 },
      { random: () => 1, onRetry: ({ delayMs }) => waits.push(delayMs) },
    );
    const { tools } = webToolbox(
      services.fakes.baseUrl,
      { reader: { enabled: false }, summariser: { kind: 'extractive' } },
      { http },
    );
    services.fakes.faults.google.push(
      ...Array(30).fill({ kind: 'status', status: 503, body: '<html>Service Unavailable</html>' }),
    );
    const result = await tools.textSearch('down for a while');
    // 5 + 10 + 20 + 40 = 75 ms waited; the next step (50) would pass 100.
    expect(waits).toEqual([5, 10, 20, 40]);
    expect(count('google')).toBe(5);
    expect(result.error).toMatch(/HTTP 503 .*<html>Service Unavailable<\/html> \(after 5 attempts\)/);
  });

  it('recovers when the service comes back within the ceiling', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, {
      reader: { enabled: false },
      summariser: { kind: 'extractive' },
      reliability: { timeoutMs: 2000, maxRetries: 6, concurrency: 8, ratePerSecond: 1000 },
    });
    services.fakes.faults.google.push(...Array(4).fill({ kind: 'status', status: 502 }));
    const result = await tools.textSearch('back soon');
    expect(result.ok).toBe(true);
    expect(count('google')).toBe(5);
  });
});

describe('reading a rate limit', () => {
  it('reads durations as OpenAI writes them', () => {
    expect(parseDuration('6m0s')).toBe(360_000);
    expect(parseDuration('20ms')).toBe(20);
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500);
    expect(parseDuration('soon')).toBeNull();
  });

  it('prefers the message hint, then retry-after-ms, Retry-After, then the used-up limit', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(rateLimitWaitMs(h({ 'retry-after': '3' }), 'Please try again in 20s.')).toBe(20_000);
    expect(rateLimitWaitMs(h({ 'retry-after-ms': '250', 'retry-after': '3' }), null)).toBe(250);
    expect(rateLimitWaitMs(h({ 'retry-after': '3' }), null)).toBe(3000);
    expect(
      rateLimitWaitMs(
        h({
          'x-ratelimit-reset-requests': '1s',
          'x-ratelimit-remaining-requests': '5',
          'x-ratelimit-reset-tokens': '6m0s',
          'x-ratelimit-remaining-tokens': '0',
        }),
        null,
      ),
    ).toBe(360_000);
    expect(rateLimitWaitMs(h({ 'x-ratelimit-reset-requests': '1s', 'x-ratelimit-reset-tokens': '2s' }), null)).toBe(
      2000,
    );
    expect(rateLimitWaitMs(h({}), 'Slow down')).toBeNull();
  });
});
