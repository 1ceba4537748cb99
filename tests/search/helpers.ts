// Shared set-up for the search tests: a store in a fresh home and a search config pointed at the fakes.
import { openStore, type Store } from '../../src/main/storage';
import { homePaths } from '../../src/main/platform/home';
import { SearchConfig, type SearchConfigIn } from '../../src/shared/contract';
import { tempHome } from '../helpers/home';

export function freshStore(): { home: string; store: Store } {
  const home = tempHome('searchlab-search-');
  return { home, store: openStore(homePaths(home).database) };
}

export function webConfig(baseUrl: string, overrides: Partial<SearchConfigIn> = {}): SearchConfig {
  return SearchConfig.parse({
    engine: 'serpapi',
    mode: 'cache-first',
    serpapi: { baseUrl, hl: 'en', gl: 'us' },
    reader: { enabled: true, baseUrl: `${baseUrl}/reader`, maxChars: 5000 },
    summariser: { kind: 'openai', baseUrl: `${baseUrl}/v1`, model: 'fake-model', maxTokens: 64 },
    reliability: { timeoutMs: 2000, maxRetries: 2, concurrency: 8, ratePerSecond: 1000 },
    ...overrides,
  });
}

export const FAKE_KEY = 'sk-test-SECRET-key-0123456789';
