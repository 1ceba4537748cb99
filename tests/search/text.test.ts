// Pure pieces: the model-facing formats, the extractive summariser, query normalisation, Retry-After, backoff.
import { describe, expect, it } from 'vitest';
import {
  formatImageResults,
  formatTextResults,
  formatToolError,
  withoutLinks,
  withoutThumbnails,
} from '../../src/main/search/tools/format';
import { IMAGE_PLACEHOLDER } from '../../src/shared/contract';
import { extractiveSummary } from '../../src/main/search/summarise';
import { normaliseQuery } from '../../src/main/search/text';
import { HttpClient, parseRetryAfter, safeUrl } from '../../src/main/search/web/http';
import { SearchBudget } from '../../src/main/search/budget';
import { SearchConfig } from '../../src/shared/contract';
import { updateSearchConfig } from '../../src/main/search/config';
import { freshStore } from './helpers';

const item = (rank: number, extra: object = {}) => ({
  rank,
  title: `T${rank}`,
  url: `https://x/${rank}`,
  snippet: `snip ${rank}`,
  summary: null,
  imageSha256: null,
  imageUrl: null,
  ...extra,
});

describe('model-facing text', () => {
  it('shows image results as a thumbnail placeholder and a title per match', () => {
    expect(formatImageResults([item(1, { imageSha256: 'a' }), item(2)])).toBe(
      "Image search results (top 2 visual matches of the question's image):\n1. <image> T1\n2. T2",
    );
  });

  it('numbers text results with title, link and summary, falling back to the snippet', () => {
    expect(formatTextResults('q', [item(1, { summary: 'S1' }), item(2)])).toBe(
      'Text search results for "q":\n\n1. T1\nLink: https://x/1\nSummary: S1\n\n2. T2\nLink: https://x/2\nSummary: snip 2',
    );
  });

  it('can drop the links, keeping titles and summaries (for a model trained on CPU)', () => {
    const result = { text: formatTextResults('q', [item(1, { summary: 'S1' }), item(2)]), images: [] };
    expect(withoutLinks(result).text).toBe(
      'Text search results for "q":\n\n1. T1\nSummary: S1\n\n2. T2\nSummary: snip 2',
    );
  });

  it('tells the model to reason with its own knowledge when a tool fails', () => {
    expect(formatToolError('image_search', 'timeout')).toBe(
      'Image search failed: the search timed out. Reason with your own knowledge and give your best answer.',
    );
  });
});

describe('extractive summariser', () => {
  const page =
    'Kessra Falls is in the north. The falls drop 212 metres into the lake. Tourists visit in summer. The lake is called Amberlake.';
  it('keeps the sentences that share the most words with the query, in page order', () => {
    expect(extractiveSummary('How high do Kessra Falls drop?', page, 2)).toBe(
      'Kessra Falls is in the north. The falls drop 212 metres into the lake.',
    );
  });
  it('is deterministic and falls back to the opening when nothing matches', () => {
    expect(extractiveSummary('zebra', page, 1)).toBe('Kessra Falls is in the north.');
    expect(extractiveSummary('lake name', page)).toBe(extractiveSummary('lake name', page));
  });
});

describe('helpers', () => {
  it('normalises queries for the cache key', () => {
    expect(normaliseQuery('  Eiffel\tTOWER  height ')).toBe('eiffel tower height');
  });
  it('reads Retry-After in seconds and as an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeNull();
    expect(parseRetryAfter(null)).toBeNull();
  });
  it('backs off exponentially with full jitter, capped', () => {
    const at = (r: number) =>
      new HttpClient(
        { timeoutMs: 1, maxRetries: 1, concurrency: 1, ratePerSecond: 1, baseDelayMs: 100, maxDelayMs: 1000 },
        { random: () => r },
      );
    expect([0, 1, 2, 3, 4].map((n) => at(1).backoffMs(n))).toEqual([100, 200, 400, 800, 1000]);
    expect(at(0.5).backoffMs(2)).toBe(200);
    expect(at(0).backoffMs(3)).toBe(0);
  });
  it('drops the query string (where keys travel) from URLs shown in errors', () => {
    expect(safeUrl('https://serpapi.com/search.json?api_key=abc&q=x')).toBe('https://serpapi.com/search.json');
  });
  it('refuses a call past the call or money limit', () => {
    const budget = new SearchBudget({ maxCalls: 3, maxCost: 0.05 });
    budget.charge(0.02);
    budget.charge(0.02);
    expect(budget.refusal(0.01)).toBeNull();
    expect(budget.refusal(0.02)).toMatch(/spent/);
    budget.charge(0);
    expect(budget.refusal(0)).toMatch(/3 of 3 live calls/);
  });
  it('validates search settings, naming the field', () => {
    const { store } = freshStore();
    expect(() => updateSearchConfig(store, { reliability: { concurrency: 0 } })).toThrow(
      /search\.reliability\.concurrency/,
    );
    expect(updateSearchConfig(store, { prices: { serpapiSearch: 0.03 } }).prices).toEqual({
      ...SearchConfig.parse({}).prices,
      serpapiSearch: 0.03,
    });
    store.close();
  });
});

describe('image search results without thumbnails', () => {
  it('keeps the numbered titles and drops every thumbnail place and image', () => {
    const text = formatImageResults(
      [1, 2].map((rank) => item(rank, { title: `Species ${rank}`, imageSha256: 'a'.repeat(64) })),
    );
    const stripped = withoutThumbnails({ text, images: ['a'.repeat(64), 'a'.repeat(64)] });
    expect(text).toContain(IMAGE_PLACEHOLDER);
    expect(stripped.images).toEqual([]);
    expect(stripped.text).not.toContain(IMAGE_PLACEHOLDER);
    expect(stripped.text.split('\n').slice(1)).toEqual(['1. Species 1', '2. Species 2']);
  });
});
