// SearXNG as the text engine, against a loopback server answering in SearXNG's JSON format: the same reader and
// summariser chain as SerpApi's Google, no money spent, and a clear error when the instance serves no JSON.
import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../../src/main/rl/train/config';
import { colourPng, type Route } from './fakes';
import { webToolbox, useFakeServices } from './helpers';

const services = useFakeServices();
const of = (route: Route) => services.fakes.requests.filter((r) => r.route === route);
const searxng = () => ({
  engine: 'searxng' as const,
  searxng: { baseUrl: `${services.fakes.baseUrl}/searxng`, language: 'en-US' },
});

describe('SearXNG text search', () => {
  it('asks for JSON, reads and summarises the top results, and costs nothing', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, searxng());
    const result = await tools.textSearch('tallest tower');
    expect(result).toMatchObject({ ok: true, engine: 'searxng', cache: 'miss', cost: 0, degraded: [] });
    expect(result.results.map((r) => r.url)).toEqual([1, 2, 3, 4, 5].map((i) => `https://web.example/page-${i}`));
    expect(result.text).toContain(
      '1. Result 1 about tallest tower\nLink: https://web.example/page-1\nSummary: LLM summary of https://web.example/page-1',
    );
    const params = new URL(of('searxng')[0].url, services.fakes.baseUrl).searchParams;
    expect(Object.fromEntries(params)).toEqual({ q: 'tallest tower', format: 'json', language: 'en-US' });
    expect([of('searxng').length, of('reader').length, of('chat').length, of('google').length]).toEqual([1, 5, 5, 0]);
    expect((await tools.textSearch('Tallest  Tower')).cache).toBe('hit');
  });

  it('drops a page that two engines returned twice', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, {
      ...searxng(),
      summariser: { kind: 'extractive' },
      reader: { enabled: false },
    });
    const hit = (i: number) => ({
      url: `https://web.example/page-${i}`,
      title: `Page ${i}`,
      content: `About ${i}.`,
      engine: 'brave',
      engines: ['brave'],
      score: 1,
    });
    services.fakes.faults.searxng.push({
      kind: 'json',
      body: {
        query: 'dup',
        number_of_results: 0,
        results: [hit(1), hit(1), hit(2), { title: 'no url' }],
        answers: [],
        unresponsive_engines: [],
      },
    });
    const result = await tools.textSearch('dup');
    expect(result.results.map((r) => r.title)).toEqual(['Page 1', 'Page 2']);
  });

  it('says how to enable JSON when the instance answers 403', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, searxng());
    services.fakes.faults.searxng.push({
      kind: 'status',
      status: 403,
      body: '<html><body>403 Forbidden</body></html>',
    });
    const result = await tools.textSearch('forbidden');
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(
      /SearXNG: HTTP 403 from .*\/searxng\/search: the instance does not serve JSON; enable it in its settings\.yml/,
    );
    expect(of('searxng')).toHaveLength(1);
  });

  it('sends image searches to Google Lens, as SearXNG has no reverse image search', async () => {
    const { tools } = webToolbox(services.fakes.baseUrl, searxng());
    const result = await tools.imageSearch({ bytes: await colourPng(30), url: 'https://img.example/q.jpg' });
    expect(result).toMatchObject({ ok: true, engine: 'serpapi' });
    expect(of('lens')).toHaveLength(1);
  });
});

describe('choosing SearXNG', () => {
  it("is an engine a training run's config accepts, like serpapi", () => {
    const run = (engine: string) => () =>
      parseRunConfig({ name: 'r', model: { checkpoint: 1 }, dataset: 'd', grpo: { steps: 1 }, search: { engine } });
    expect(run('searxng')().search.engine).toBe('searxng');
    expect(run('bing')).toThrow(/config\.search\.engine/);
  });
});
